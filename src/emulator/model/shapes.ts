import { z } from "zod";
import { agentCallTask } from "../../models/agent-call-tasks";
import { agent } from "../../models/agents";
import { callTaskWebhookSubscription } from "../../models/call-task-webhook-subscriptions";
import { call } from "../../models/calls";
import { campaignCallTask } from "../../models/campaigns";
import { contact, contactTag } from "../../models/contacts";
import { robocallConfiguration, robocallTask } from "../../models/robocalls";
import { webhookSubscription } from "../../models/webhook-subscriptions";
import { whatsAppBot } from "../../models/whatsapp";
import { fromZod } from "./errors";
import type { Kind } from "./store";

/** Any object with a string or integer id: the shape of the kinds src/models has no response schema for. */
const anyObject = z.looseObject({ id: z.union([z.string(), z.number().int()]) });

/**
 * What every stored object of a kind looks like: the response shape of src/models (lenient: unknown fields
 * are kept). Seeds, state files and control inserts and edits are all checked against it, so whatever the
 * emulator holds can be answered, persisted and read back; an object of another shape is refused where it
 * comes in, naming the field, not on the request that later trips on it.
 */
const SHAPES: Partial<Record<Kind, z.ZodType>> = {
  agents: agent,
  "agent-call-tasks": agentCallTask,
  calls: call,
  "campaign-call-tasks": campaignCallTask,
  "call-task-webhook-subscriptions": callTaskWebhookSubscription,
  contacts: contact,
  "robocall-configurations": robocallConfiguration,
  "robocall-tasks": robocallTask,
  tags: contactTag,
  "webhook-subscriptions": webhookSubscription,
  "whatsapp-bots": whatsAppBot,
};

export function shapeOf(kind: Kind): z.ZodType {
  return SHAPES[kind] ?? anyObject;
}

/** A 400 naming the first fields that do not fit the kind's shape (control inserts and edits). */
export function requireShape(kind: Kind, object: unknown): void {
  const result = shapeOf(kind).safeParse(object, { reportInput: true });
  if (!result.success) throw fromZod(result.error);
}
