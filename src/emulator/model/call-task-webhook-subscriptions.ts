import {
  type CallTaskWebhookSubscription,
  createCallTaskWebhookSubscriptionRequest,
} from "../../models/call-task-webhook-subscriptions";
import { iso, type ModelContext, type PageParams, springPage, uuid } from "./common";
import { notFound, parseWith } from "./errors";

const KIND = "call-task-webhook-subscriptions";

/** Create, list and delete only: the API has no get and no update for these (api-notes.md). */
export function createCallTaskWebhookSubscription(
  ctx: ModelContext,
  org: string,
  body: unknown,
): CallTaskWebhookSubscription {
  const req = parseWith(createCallTaskWebhookSubscriptionRequest, body);
  const now = iso(ctx.now());
  const sub: CallTaskWebhookSubscription = {
    id: uuid(),
    entity_id: req.entity_id ?? null,
    entity_type: req.entity_type,
    url: req.url,
    created_at: now,
    updated_at: now,
  };
  return ctx.store.put(org, KIND, sub) as CallTaskWebhookSubscription;
}

export function listCallTaskWebhookSubscriptions(ctx: ModelContext, org: string, page: PageParams) {
  return springPage(ctx.store.list(org, KIND) as CallTaskWebhookSubscription[], page);
}

export function deleteCallTaskWebhookSubscription(ctx: ModelContext, org: string, id: string): void {
  if (!ctx.store.delete(org, KIND, id)) throw notFound(`Call task webhook subscription ${id} not found`);
}
