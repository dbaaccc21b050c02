import { z } from "zod";
import { timestamp } from "./common";
import { webhookUrl } from "./webhook-subscriptions";

export const CALL_TASK_ENTITY_TYPES = ["robocall"] as const;

/**
 * `POST /v1/call-tasks/webhook-subscriptions`. No get and no update exist for these: reading one means
 * scanning the list, and any change means a new subscription.
 */
export const createCallTaskWebhookSubscriptionRequest = z.object({
  entity_type: z.enum(CALL_TASK_ENTITY_TYPES, { message: 'must be "robocall" (the only call-task entity type)' }),
  entity_id: z.string().min(1, "must not be empty").nullish(),
  url: webhookUrl,
});
export type CreateCallTaskWebhookSubscriptionRequest = z.input<typeof createCallTaskWebhookSubscriptionRequest>;

export const callTaskWebhookSubscription = z.looseObject({
  id: z.string().min(1),
  entity_id: z.string().nullish(),
  entity_type: z.string(),
  url: z.string(),
  created_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
});
export type CallTaskWebhookSubscription = z.infer<typeof callTaskWebhookSubscription>;
