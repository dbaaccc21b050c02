import {
  type CallTaskWebhookSubscription,
  type CreateCallTaskWebhookSubscriptionRequest,
  callTaskWebhookSubscription,
  createCallTaskWebhookSubscriptionRequest,
} from "../models/call-task-webhook-subscriptions";
import { endpoint, list } from "./core/endpoint";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import { Section } from "./section";

const api = {
  create: endpoint("POST /v1/call-tasks/webhook-subscriptions", {
    request: createCallTaskWebhookSubscriptionRequest,
    response: callTaskWebhookSubscription,
  }),
  list: list("GET /v1/call-tasks/webhook-subscriptions", { envelope: "spring", item: callTaskWebhookSubscription }),
  delete: endpoint("DELETE /v1/call-tasks/webhook-subscriptions/{webhookSubscriptionId}"),
};

/** Robocall result subscriptions: create, list and delete only (no get, no update). */
export class CallTaskWebhookSubscriptions extends Section {
  async create(body: CreateCallTaskWebhookSubscriptionRequest): Promise<CallTaskWebhookSubscription> {
    return this.send(api.create, {}, body);
  }

  list(options?: PaginatorOptions): Paginator<CallTaskWebhookSubscription> {
    return this.paginate(api.list, {}, undefined, options);
  }

  async delete(id: string): Promise<void> {
    await this.send(api.delete, { webhookSubscriptionId: id });
  }
}
