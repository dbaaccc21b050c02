import { createHash } from "node:crypto";
import { z } from "zod";
import type { Agent } from "../../models/agents";
import { ACTION_TYPES } from "../../models/webhook-subscriptions";

/**
 * The actions an agent call reports (`action_results` of AGENT_CALL_COMPLETED, one AGENT_ACTION_COMPLETED
 * each), as the control API's completeCall accepts them, and those a call completing on its own derives
 * from its agent (`agentActions`). Checked here, before anything is stored, so a bad action is a 400 and
 * never a call left COMPLETED with no events (the event builders in delivery/events.ts trust their input).
 */

export type ActionType = (typeof ACTION_TYPES)[number];

// The data of each type, as the "ActionResult" of the reference describes it. Loose objects: a caller may
// send an unusual but valid result (an extra property the vendor might add), and it is delivered as sent.
const extractedProperty = z.looseObject({
  description: z.string().optional(),
  key: z.string().optional(),
  value: z.string(),
});
const messageComponent = z.looseObject({
  type: z.string(),
  format: z.string().optional(),
  text: z.string().optional(),
  buttons: z.array(z.looseObject({ type: z.string(), text: z.string(), url: z.string().optional() })).optional(),
});
const dateTime = z.looseObject({ date: z.string(), time: z.string() });

const callForwardingData = z.looseObject({
  attempts: z.array(z.looseObject({ target: z.string(), child_call_id: z.string().nullable(), status: z.string() })),
});
const whatsAppMessageData = z.looseObject({
  send_message_result_logs: z.array(
    z.looseObject({
      extracted_properties: z.array(extractedProperty),
      phone_number: z.string(),
      success: z.boolean(),
      attempted_at: z.string(),
      message_components: z.array(messageComponent),
    }),
  ),
});
const appointmentData = z.looseObject({
  appointment_entries: z.array(
    z.looseObject({
      step: z.string(),
      success: z.boolean(),
      attempted_at: z.string(),
      event_data: z
        .looseObject({ id: z.string(), url: z.string(), start: dateTime, end: dateTime, timezone: z.string() })
        .optional(),
    }),
  ),
});
const dataExtractionData = z.looseObject({ extracted_properties: z.array(extractedProperty) });

/** `{type, actionId?, data?}`; strict, so `action_id` or `actionType` (easy slips) are named, not ignored. */
function actionOf<T extends ActionType, D extends z.ZodType>(type: T, data: D) {
  return z.object({ type: z.literal(type), actionId: z.string().min(1).optional(), data: data.optional() }).strict();
}

/**
 * One action: its type alone (`"APPOINTMENT"`: the documented sample data and a generated id) or
 * `{type, actionId?, data?}`. A bare type is read as `{type}`, so a bad one is reported as `actions.0.type`
 * whichever form was sent.
 */
export const agentAction = z.preprocess(
  (value) => (typeof value === "string" ? { type: value } : value),
  z.discriminatedUnion(
    "type",
    [
      actionOf("APPOINTMENT", appointmentData),
      actionOf("CALL_FORWARDING", callForwardingData),
      actionOf("DATA_EXTRACTION", dataExtractionData),
      actionOf("WHATS_APP_MESSAGE", whatsAppMessageData),
    ],
    {
      error: (issue) => {
        if (issue.code !== "invalid_union") return undefined;
        const type = (issue.input as { type?: unknown } | undefined)?.type;
        return type === undefined ? "is required" : `must be one of ${ACTION_TYPES.join(", ")}`;
      },
    },
  ),
);
export type AgentAction = z.output<typeof agentAction>;

/** A placeholder of an agent's prompt or first message: `{{ call_forwarding_a7fb }}`. */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/**
 * The actions an agent performs on every call, read from its configuration. The reference's agent example
 * shows how actions appear there: as placeholders named after their type (`{{ call_forwarding_a7fb }}`,
 * the type in lower case and a suffix), next to built-in tools (`{{ end_call }}`) and contact variables
 * (`{{ contact_name }}`), which report no action result. So a placeholder is an action of a type when its
 * name is that type in lower case, alone or followed by `_suffix`; anything else is not an action.
 *
 * Ids are derived from the agent and the placeholder, not random: an action is configured once on the
 * agent, so every call reports it under the same `action_id`, and an ACTION_ID subscription keeps working.
 */
export function agentActions(agent: Pick<Agent, "id"> & { prompt?: unknown; first_message?: unknown }): AgentAction[] {
  const text = [agent.first_message, agent.prompt].filter((t): t is string => typeof t === "string").join("\n");
  const actions: AgentAction[] = [];
  const seen = new Set<string>();
  for (const [, name = ""] of text.matchAll(PLACEHOLDER)) {
    const lower = name.toLowerCase();
    if (seen.has(lower)) continue;
    const type = ACTION_TYPES.find((t) => lower === t.toLowerCase() || lower.startsWith(`${t.toLowerCase()}_`));
    if (type === undefined) continue;
    seen.add(lower);
    actions.push({ type, actionId: actionId(String(agent.id), lower) });
  }
  return actions;
}

/** A UUID-shaped (version 5 layout) id from a SHA-1 of the agent id and the placeholder name. */
function actionId(agentId: string, placeholder: string): string {
  const hex = createHash("sha1").update(`${agentId}/${placeholder}`).digest("hex");
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
