import {
  type CallTaskWebhookSubscription,
  createCallTaskWebhookSubscriptionRequest,
} from "../../models/call-task-webhook-subscriptions";
import { iso, type ModelContext, type PageParams, springPage, uuid } from "./common";
import { badRequest, notFound, parseWith } from "./errors";

const KIND = "call-task-webhook-subscriptions";

/**
 * Create, list and delete only: the API has no get and no update for these (docs/API-NOTES.md, "Call-task (robocall) webhook subscriptions").
 *
 * `entity_id` must be a robocall configuration of the organization. The reference only says it is one;
 * a subscription for an id that names none would silently never fire (and, having no update, could only
 * be replaced), so it is refused as a 400 naming entity_id, the way a well-run API checks a reference
 * in a body. Another organization's configuration is "none" too: it is not theirs to subscribe to.
 */
export function createCallTaskWebhookSubscription(
  ctx: ModelContext,
  org: string,
  body: unknown,
): CallTaskWebhookSubscription {
  const req = parseWith(createCallTaskWebhookSubscriptionRequest, body);
  if (req.entity_id != null && !ctx.store.peek(org, "robocall-configurations", req.entity_id)) {
    throw badRequest({
      field: "entity_id",
      message: `no robocall configuration ${req.entity_id} in this organization (omit entity_id for all robocalls)`,
    });
  }
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
