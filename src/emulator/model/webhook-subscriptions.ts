import type { z } from "zod";
import {
  createWebhookSubscriptionRequest,
  updateWebhookSubscriptionRequest,
  WEBHOOK_DEFAULTS,
  type WebhookSubscription,
  webhookSubscriptionRules,
} from "../../models/webhook-subscriptions";
import { hex32, iso, type ModelContext, type PageParams, springPage } from "./common";
import { badRequest, notFound, parseWith } from "./errors";
import { clone } from "./store";

const KIND = "webhook-subscriptions";

function missing(id: string) {
  return notFound(`Webhook subscription ${id} not found`);
}

/** What a create and a PUT both set from the body, omitted fields at their defaults. */
function settings(req: Omit<z.output<typeof updateWebhookSubscriptionRequest>, "status">) {
  return {
    entity_id: req.entity_type ? (req.entity_id ?? null) : null,
    entity_type: req.entity_type ?? null,
    url: req.url,
    attempts: req.attempts ?? WEBHOOK_DEFAULTS.attempts,
    attempts_interval_seconds: req.attempts_interval_seconds ?? WEBHOOK_DEFAULTS.attempts_interval_seconds,
    specifications: { ...(req.specifications ?? {}) },
  };
}

export function createWebhookSubscription(ctx: ModelContext, org: string, body: unknown): WebhookSubscription {
  const req = parseWith(createWebhookSubscriptionRequest, body);
  const now = iso(ctx.now());
  const sub: WebhookSubscription = {
    id: hex32(),
    status: WEBHOOK_DEFAULTS.status,
    event: req.event,
    ...settings(req),
    created_at: now,
    updated_at: now,
  };
  return ctx.store.put(org, KIND, sub) as WebhookSubscription;
}

export function getWebhookSubscription(ctx: ModelContext, org: string, id: string): WebhookSubscription {
  // The hot read path: answered straight from the store (serialized at once, never mutated in place).
  const found = ctx.store.peek(org, KIND, id);
  if (!found) throw missing(id);
  return found as WebhookSubscription;
}

export function listWebhookSubscriptions(ctx: ModelContext, org: string, page: PageParams) {
  return springPage(ctx.store.list(org, KIND) as WebhookSubscription[], page);
}

/**
 * PUT replaces every updatable field (omitted ones take their defaults: no entity, no specifications,
 * 3 attempts every 10 s). `event` cannot change: a body repeating the stored event is accepted, a
 * different one is a 400 (changing the event means a new subscription).
 */
export function updateWebhookSubscription(
  ctx: ModelContext,
  org: string,
  id: string,
  body: unknown,
): WebhookSubscription {
  const stored = ctx.store.peek(org, KIND, id) as WebhookSubscription | undefined;
  if (!stored) throw missing(id);
  const req = parseWith(updateWebhookSubscriptionRequest, body);
  const sentEvent = body !== null && typeof body === "object" ? (body as Record<string, unknown>).event : undefined;
  if (sentEvent !== undefined && sentEvent !== stored.event) {
    throw badRequest({
      field: "event",
      message: `cannot be changed (stored: ${stored.event}); create a new subscription for another event`,
    });
  }
  // The body has no event: the shared rules judge the specifications against the stored one.
  const [broken] = webhookSubscriptionRules({ ...req, event: stored.event });
  if (broken) throw badRequest({ field: broken.path, message: broken.message });
  const updated: WebhookSubscription = {
    ...clone(stored),
    status: req.status,
    ...settings(req),
    updated_at: iso(ctx.now()),
  };
  return ctx.store.put(org, KIND, updated) as WebhookSubscription;
}

export function deleteWebhookSubscription(ctx: ModelContext, org: string, id: string): void {
  if (!ctx.store.delete(org, KIND, id)) throw missing(id);
}
