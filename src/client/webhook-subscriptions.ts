import {
  type CreateWebhookSubscriptionRequest,
  createWebhookSubscriptionRequest,
  type UpdateWebhookSubscriptionRequest,
  updateWebhookSubscriptionRequest,
  type WebhookSubscription,
  webhookSubscription,
} from "../models/webhook-subscriptions";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import { Section, seg } from "./section";

const ONE = "/v1/webhook-subscriptions/{webhookSubscriptionId}";

export class WebhookSubscriptions extends Section {
  list(options?: PaginatorOptions): Paginator<WebhookSubscription> {
    const endpoint = "/v1/webhook-subscriptions/search";
    return this.springList(endpoint, endpoint, webhookSubscription, {}, options);
  }

  get(id: string): Promise<WebhookSubscription> {
    return this.call("GET", ONE, `/v1/webhook-subscriptions/${seg(id)}`, { schema: webhookSubscription });
  }

  async create(body: CreateWebhookSubscriptionRequest): Promise<WebhookSubscription> {
    return this.call("POST", "/v1/webhook-subscriptions", "/v1/webhook-subscriptions", {
      body: this.body(createWebhookSubscriptionRequest, body, "POST", "/v1/webhook-subscriptions"),
      schema: webhookSubscription,
    });
  }

  /** `status` is required; `event` cannot change (a new event means a new subscription). */
  async update(id: string, body: UpdateWebhookSubscriptionRequest): Promise<WebhookSubscription> {
    return this.call("PUT", ONE, `/v1/webhook-subscriptions/${seg(id)}`, {
      body: this.body(updateWebhookSubscriptionRequest, body, "PUT", ONE),
      schema: webhookSubscription,
    });
  }

  async delete(id: string): Promise<void> {
    await this.call("DELETE", ONE, `/v1/webhook-subscriptions/${seg(id)}`);
  }
}
