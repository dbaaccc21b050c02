import {
  type CallTaskWebhookSubscription,
  type CreateCallTaskWebhookSubscriptionRequest,
  callTaskWebhookSubscription,
  createCallTaskWebhookSubscriptionRequest,
} from "../models/call-task-webhook-subscriptions";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import { Section } from "./section";

const ALL = "/v1/call-tasks/webhook-subscriptions";

/** Robocall result subscriptions: create, list and delete only (no get, no update). */
export class CallTaskWebhookSubscriptions extends Section {
  async create(body: CreateCallTaskWebhookSubscriptionRequest): Promise<CallTaskWebhookSubscription> {
    return this.call(
      "POST",
      ALL,
      {},
      {
        body: this.body(createCallTaskWebhookSubscriptionRequest, body, "POST", ALL),
        schema: callTaskWebhookSubscription,
      },
    );
  }

  list(options?: PaginatorOptions): Paginator<CallTaskWebhookSubscription> {
    return this.springList(ALL, {}, callTaskWebhookSubscription, {}, options);
  }

  async delete(id: string): Promise<void> {
    await this.call("DELETE", `${ALL}/{webhookSubscriptionId}`, { webhookSubscriptionId: id });
  }
}
