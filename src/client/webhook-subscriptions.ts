import {
  type CreateWebhookSubscriptionRequest,
  createWebhookSubscriptionRequest,
  type UpdateWebhookSubscriptionRequest,
  updateWebhookSubscriptionRequest,
  WEBHOOK_DEFAULTS,
  type WebhookSubscription,
  webhookSubscription,
} from "../models/webhook-subscriptions";
import { RequestValidationError } from "./core/errors";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import { Section } from "./section";

const ONE = "/v1/webhook-subscriptions/{webhookSubscriptionId}";

export class WebhookSubscriptions extends Section {
  list(options?: PaginatorOptions): Paginator<WebhookSubscription> {
    const endpoint = "/v1/webhook-subscriptions/search";
    return this.springList(endpoint, {}, webhookSubscription, {}, options);
  }

  get(id: string): Promise<WebhookSubscription> {
    return this.call("GET", ONE, { webhookSubscriptionId: id }, { schema: webhookSubscription });
  }

  /**
   * Created ACTIVE: the create body has no `status`. A `status` of ACTIVE is dropped; any other fails
   * before sending (disable a subscription with `update`).
   */
  async create(body: CreateWebhookSubscriptionRequest): Promise<WebhookSubscription> {
    const endpoint = "/v1/webhook-subscriptions";
    return this.call(
      "POST",
      endpoint,
      {},
      {
        body: this.body(
          createWebhookSubscriptionRequest,
          withoutCreationStatus(body, `POST ${endpoint}`),
          "POST",
          endpoint,
        ),
        schema: webhookSubscription,
      },
    );
  }

  /** `status` is required; `event` cannot change (a new event means a new subscription). */
  async update(id: string, body: UpdateWebhookSubscriptionRequest): Promise<WebhookSubscription> {
    return this.call(
      "PUT",
      ONE,
      { webhookSubscriptionId: id },
      {
        body: this.body(updateWebhookSubscriptionRequest, body, "PUT", ONE),
        schema: webhookSubscription,
      },
    );
  }

  async delete(id: string): Promise<void> {
    await this.call("DELETE", ONE, { webhookSubscriptionId: id });
  }
}

/**
 * The create body has no `status` (reference, "Creates Webhook Subscription"; docs/API-NOTES.md, "Webhook
 * subscriptions"), so it would be an unknown key. A body that says ACTIVE asks for exactly what creation
 * does, as a caller building create and update bodies from one description may send it: it is dropped.
 * Any other status would be silently ignored by the API, so it is refused. (The provider leaves `status`
 * out of creates: it is an `updateOnly` field there.)
 */
function withoutCreationStatus(body: CreateWebhookSubscriptionRequest, endpoint: string): unknown {
  if (typeof body !== "object" || body === null || !Object.hasOwn(body, "status")) return body;
  const { status, ...rest } = body as CreateWebhookSubscriptionRequest & { status?: unknown };
  if (status === undefined || status === null || status === WEBHOOK_DEFAULTS.status) return rest;
  throw new RequestValidationError(
    endpoint,
    "status",
    `cannot be set on create: a subscription is always created ${WEBHOOK_DEFAULTS.status}; ` +
      `create it, then update it with status ${JSON.stringify(status)}`,
  );
}
