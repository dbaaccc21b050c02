import {
  type CreateWebhookSubscriptionRequest,
  createWebhookSubscriptionRequest,
  type UpdateWebhookSubscriptionRequest,
  updateWebhookSubscriptionRequest,
  WEBHOOK_DEFAULTS,
  type WebhookSubscription,
  webhookSubscription,
} from "../models/webhook-subscriptions";
import { endpoint, list } from "./core/endpoint";
import { RequestValidationError } from "./core/errors";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import { Section } from "./section";

const api = {
  list: list("GET /v1/webhook-subscriptions/search", { envelope: "spring", item: webhookSubscription }),
  get: endpoint("GET /v1/webhook-subscriptions/{webhookSubscriptionId}", { response: webhookSubscription }),
  create: endpoint("POST /v1/webhook-subscriptions", {
    request: createWebhookSubscriptionRequest,
    response: webhookSubscription,
  }),
  update: endpoint("PUT /v1/webhook-subscriptions/{webhookSubscriptionId}", {
    request: updateWebhookSubscriptionRequest,
    response: webhookSubscription,
  }),
  delete: endpoint("DELETE /v1/webhook-subscriptions/{webhookSubscriptionId}"),
};

export class WebhookSubscriptions extends Section {
  list(options?: PaginatorOptions): Paginator<WebhookSubscription> {
    return this.paginate(api.list, {}, undefined, options);
  }

  get(id: string): Promise<WebhookSubscription> {
    return this.send(api.get, { webhookSubscriptionId: id });
  }

  /**
   * Created ACTIVE: the create body has no `status`. A `status` of ACTIVE is dropped; any other fails
   * before sending (disable a subscription with `update`).
   */
  async create(body: CreateWebhookSubscriptionRequest): Promise<WebhookSubscription> {
    return this.send(api.create, {}, withoutCreationStatus(body, api.create.route));
  }

  /** `status` is required; `event` cannot change (a new event means a new subscription). */
  async update(id: string, body: UpdateWebhookSubscriptionRequest): Promise<WebhookSubscription> {
    return this.send(api.update, { webhookSubscriptionId: id }, body);
  }

  async delete(id: string): Promise<void> {
    await this.send(api.delete, { webhookSubscriptionId: id });
  }
}

/**
 * The create body has no `status` (reference, "Creates Webhook Subscription"; docs/API-NOTES.md, "Webhook
 * subscriptions"), so it would be an unknown key. A body that says ACTIVE asks for exactly what creation
 * does, as a caller building create and update bodies from one description may send it: it is dropped.
 * Any other status would be silently ignored by the API, so it is refused. (The provider leaves `status`
 * out of creates: it is an `updateOnly` field there.)
 */
function withoutCreationStatus(
  body: CreateWebhookSubscriptionRequest,
  endpoint: string,
): CreateWebhookSubscriptionRequest {
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
