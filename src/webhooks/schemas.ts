import { z } from "zod";
import { contactData } from "../models/agent-call-tasks";
import { transcriptionTurn } from "../models/calls";
import { id, openEnum, timestamp } from "../models/common";
import { ACTION_TYPES, WEBHOOK_EVENTS } from "../models/webhook-subscriptions";

/**
 * Bodies Romulus POSTs to webhook URLs ("Webhook Event Models" and "Call task webhook body" in the vendor
 * reference), in the vendor's own snake_case names.
 *
 * These are parsed as a consumer must parse them: a webhook cannot be asked for again, and rejecting one
 * because the vendor added a field or left an empty one out loses the event. So:
 * - every object is `z.looseObject` (unknown fields are kept, not rejected);
 * - only the fields that identify or discriminate an event are required, plus, for each action result, the
 *   one field without which the result says nothing (so that data of the wrong shape for its type is caught);
 * - every other field is optional and may be `null` (the vendor is a Jackson service: unset values may come
 *   as `null` rather than be left out);
 * - documented value lists that are open-ended in practice (statuses, directions, steps) are typed with
 *   their known values but accept any string, so a new status does not drop the event;
 * - phone numbers are plain strings: the examples carry placeholders like "+39----------", and a consumer
 *   is in no position to reject the vendor's data for its format.
 *
 * Shapes that are the API's own (contact data, transcription turns, the event and action type lists) come
 * from src/models, defined once: those schemas are loose and lenient in the same way.
 */

/** Optional, and `null` accepted where the vendor serializes an unset value as null. */
function optional<T extends z.ZodType>(schema: T) {
  return schema.nullish();
}

/**
 * Bounds of the arrays in a webhook body, generous for real calls: a transcript turn every second of a
 * five-hour call is 18,000 turns, and a call's actions, a result's extracted properties or a robocall's
 * attempts number in the tens. A body beyond them is refused before any item is looked at.
 */
export const MAX_TRANSCRIPT_TURNS = 20_000;
export const MAX_LIST_ITEMS = 1_000;
/** Invalid items reported per array before the rest are left unchecked. */
export const MAX_INVALID_ITEMS = 3;

/**
 * An array of `item`, at most `max` long, whose items are validated one by one until `MAX_INVALID_ITEMS`
 * have failed: zod would otherwise check (and report) every one of a million bad items, blocking the
 * receiver's event loop for seconds.
 */
function list<T extends z.ZodType>(item: T, max: number = MAX_LIST_ITEMS) {
  return z
    .array(z.unknown())
    .max(max, `must have at most ${max} items`)
    .transform((items, ctx) => {
      const out: z.output<T>[] = [];
      let invalid = 0;
      for (const [index, value] of items.entries()) {
        const result = item.safeParse(value);
        if (result.success) {
          out.push(result.data);
          continue;
        }
        for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: [index, ...issue.path] } as never);
        invalid++;
        if (invalid === MAX_INVALID_ITEMS && index < items.length - 1) {
          ctx.addIssue({
            code: "custom",
            message: `${MAX_INVALID_ITEMS} items are invalid; the other ${items.length - index - 1} were not checked`,
          });
          return z.NEVER;
        }
      }
      return out;
    });
}

/**
 * An identifier the docs type inconsistently: the robocall body shows `"robocall_id": "12347"` while the
 * call task it names has an integer id (`6158`). Both are accepted and kept as an opaque string.
 */
const numericOrStringId = z.union([id, z.number().int()]).transform((value) => String(value));

/** The events a webhook subscription delivers: the subscription's own `event` values. */
export const EVENT_TYPES = WEBHOOK_EVENTS;
export type EventType = (typeof EVENT_TYPES)[number];

export { ACTION_TYPES };
export type ActionType = (typeof ACTION_TYPES)[number];

// ---------------------------------------------------------------------------------------------------------
// Shared by both agent events
// ---------------------------------------------------------------------------------------------------------

/**
 * ContactData: metadata of the contact, set before the call started, i.e. the `contact_data` the call task
 * or outbound call was given, plus the number called. No format is enforced on any field.
 */
export const contactDataSchema = contactData.extend({ phone_number: optional(z.string()) });
export type ContactData = z.infer<typeof contactDataSchema>;

/** Metadata: loose, because agent call tasks also put `external_metadata` here. */
export const metadataSchema = z.looseObject({
  contact_data: optional(contactDataSchema),
});
export type Metadata = z.infer<typeof metadataSchema>;

/**
 * ExtractedProperty. The reference names the label `description`, but its WhatsApp examples send `key`:
 * both are accepted and neither is required.
 */
export const extractedPropertySchema = z.looseObject({
  description: optional(z.string()),
  key: optional(z.string()),
  value: optional(z.string()),
});
export type ExtractedProperty = z.infer<typeof extractedPropertySchema>;

/** A button of a WhatsApp `buttons` component. */
export const messageButtonSchema = z.looseObject({
  type: optional(z.string()),
  text: optional(z.string()),
  url: optional(z.string()),
});
export type MessageButton = z.infer<typeof messageButtonSchema>;

/** MessageComponent: one component (header, body, footer, buttons) of the WhatsApp template message sent. */
export const messageComponentSchema = z.looseObject({
  type: openEnum(["header", "body", "footer", "buttons"]),
  format: optional(z.string()),
  text: optional(z.string()),
  buttons: optional(list(messageButtonSchema)),
});
export type MessageComponent = z.infer<typeof messageComponentSchema>;

/** DateTime: `date` YYYY-MM-DD and `time` HH:MM, in EventData's `timezone`. */
export const dateTimeSchema = z.looseObject({
  date: optional(z.string()),
  time: optional(z.string()),
});
export type DateTime = z.infer<typeof dateTimeSchema>;

/** EventData: the calendar event an appointment step created. */
export const eventDataSchema = z.looseObject({
  id: optional(z.string()),
  url: optional(z.string()),
  start: optional(dateTimeSchema),
  end: optional(dateTimeSchema),
  timezone: optional(z.string()),
});
export type EventData = z.infer<typeof eventDataSchema>;

/** CallForwardingAttempt. `child_call_id` is optional: a FAILED attempt need not have created a call. */
export const callForwardingAttemptSchema = z.looseObject({
  target: z.string(),
  child_call_id: optional(z.string()),
  status: openEnum(["INITIATED", "FAILED"]),
});
export type CallForwardingAttempt = z.infer<typeof callForwardingAttemptSchema>;

/** SendMessageResult: one attempt at sending the WhatsApp message. */
export const sendMessageResultSchema = z.looseObject({
  extracted_properties: optional(list(extractedPropertySchema)),
  phone_number: optional(z.string()),
  success: z.boolean(),
  attempted_at: optional(timestamp),
  message_components: optional(list(messageComponentSchema)),
});
export type SendMessageResult = z.infer<typeof sendMessageResultSchema>;

/** AppointmentEntry: one appointment step. Only SCHEDULING carries `event_data`. */
export const appointmentEntrySchema = z.looseObject({
  step: openEnum(["AVAILABILITY", "SCHEDULING"]),
  success: z.boolean(),
  attempted_at: optional(timestamp),
  event_data: optional(eventDataSchema),
});
export type AppointmentEntry = z.infer<typeof appointmentEntrySchema>;

/** DataExtractionResult: the same shape in both agent events. */
export const dataExtractionResultSchema = z.looseObject({
  extracted_properties: list(extractedPropertySchema),
});
export type DataExtractionResult = z.infer<typeof dataExtractionResultSchema>;

// ---------------------------------------------------------------------------------------------------------
// AGENT_CALL_COMPLETED
// ---------------------------------------------------------------------------------------------------------

/** Transcription: one turn of the agent interaction, the same object the calls search answers. */
export const transcriptionSchema = transcriptionTurn;
export type Transcription = z.infer<typeof transcriptionSchema>;

/** CallTask: present only when an agent call task initiated the call. */
export const callTaskSchema = z.looseObject({
  id: numericOrStringId,
  status: optional(openEnum(["PENDING", "COMPLETED", "TERMINATED", "FAILED"])),
});
export type CallTask = z.infer<typeof callTaskSchema>;

/** CallForwardingResult, as the call event reports it: every forwarding attempt. */
export const callForwardingResultSchema = z.looseObject({
  attempts: list(callForwardingAttemptSchema),
});
export type CallForwardingResult = z.infer<typeof callForwardingResultSchema>;

/** WhatsAppMessageResult, as the call event reports it: every send attempt. */
export const whatsAppMessageResultSchema = z.looseObject({
  send_message_result_logs: list(sendMessageResultSchema),
});
export type WhatsAppMessageResult = z.infer<typeof whatsAppMessageResultSchema>;

/** AppointmentResult, as the call event reports it: every appointment step. */
export const appointmentResultSchema = z.looseObject({
  appointment_entries: list(appointmentEntrySchema),
});
export type AppointmentResult = z.infer<typeof appointmentResultSchema>;

/** ActionResult: one executed action of the call, its `data` shaped by its `type`. */
export const actionResultSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("CALL_FORWARDING"), action_id: id, data: callForwardingResultSchema }),
  z.looseObject({ type: z.literal("WHATS_APP_MESSAGE"), action_id: id, data: whatsAppMessageResultSchema }),
  z.looseObject({ type: z.literal("APPOINTMENT"), action_id: id, data: appointmentResultSchema }),
  z.looseObject({ type: z.literal("DATA_EXTRACTION"), action_id: id, data: dataExtractionResultSchema }),
]);
export type ActionResult = z.infer<typeof actionResultSchema>;

/** Call completed (AGENT_CALL_COMPLETED). */
export const agentCallCompletedEventSchema = z.looseObject({
  event: z.literal("AGENT_CALL_COMPLETED"),
  call_id: id,
  agent_id: id,
  status: optional(z.string()),
  direction: optional(openEnum(["INBOUND", "OUTBOUND"])),
  origination: optional(z.string()),
  destination: optional(z.string()),
  duration: optional(z.number()),
  call_recording_url: optional(z.string()),
  general_transcription: optional(z.string()),
  general_summary: optional(z.string()),
  general_sentiment: optional(z.number()),
  agent_transcription: optional(list(transcriptionSchema, MAX_TRANSCRIPT_TURNS)),
  agent_summary: optional(z.string()),
  /** @deprecated by the vendor: use `agent_transcription` (which `parseWebhookEvent` fills from this). */
  transcriptions: optional(list(transcriptionSchema, MAX_TRANSCRIPT_TURNS)),
  /** @deprecated by the vendor: use `agent_summary` (which `parseWebhookEvent` fills from this). */
  summary: optional(z.string()),
  metadata: optional(metadataSchema),
  action_results: optional(list(actionResultSchema)),
  call_task: optional(callTaskSchema),
  initiated_at: optional(timestamp),
  ended_at: optional(timestamp),
});
export type AgentCallCompletedEvent = z.infer<typeof agentCallCompletedEventSchema>;

// ---------------------------------------------------------------------------------------------------------
// AGENT_ACTION_COMPLETED: `data` is a single result, not the lists of the call event's action_results
// ---------------------------------------------------------------------------------------------------------

/** CallForwardingResult of the action event: a single attempt, shaped like CallForwardingAttempt. */
export const actionCallForwardingResultSchema = callForwardingAttemptSchema;
export type ActionCallForwardingResult = z.infer<typeof actionCallForwardingResultSchema>;

/** WhatsAppMessageResult of the action event: a single send attempt, shaped like SendMessageResult. */
export const actionWhatsAppMessageResultSchema = sendMessageResultSchema;
export type ActionWhatsAppMessageResult = z.infer<typeof actionWhatsAppMessageResultSchema>;

/** AppointmentResult of the action event: a single step (documented as always SCHEDULING). */
export const actionAppointmentResultSchema = appointmentEntrySchema;
export type ActionAppointmentResult = z.infer<typeof actionAppointmentResultSchema>;

/** DataExtractionResult of the action event: the same shape as in the call event. */
export const actionDataExtractionResultSchema = dataExtractionResultSchema;
export type ActionDataExtractionResult = z.infer<typeof actionDataExtractionResultSchema>;

const actionEventFields = {
  event: z.literal("AGENT_ACTION_COMPLETED"),
  action_id: id,
  agent_id: id,
  call_id: id,
  metadata: optional(metadataSchema),
};

/** Action completed (AGENT_ACTION_COMPLETED), discriminated on `action_type`. */
export const agentActionCompletedEventSchema = z.discriminatedUnion("action_type", [
  z.looseObject({
    ...actionEventFields,
    action_type: z.literal("CALL_FORWARDING"),
    data: actionCallForwardingResultSchema,
  }),
  z.looseObject({
    ...actionEventFields,
    action_type: z.literal("DATA_EXTRACTION"),
    data: actionDataExtractionResultSchema,
  }),
  z.looseObject({
    ...actionEventFields,
    action_type: z.literal("WHATS_APP_MESSAGE"),
    data: actionWhatsAppMessageResultSchema,
  }),
  z.looseObject({
    ...actionEventFields,
    action_type: z.literal("APPOINTMENT"),
    data: actionAppointmentResultSchema,
  }),
]);
export type AgentActionCompletedEvent = z.infer<typeof agentActionCompletedEventSchema>;

// ---------------------------------------------------------------------------------------------------------
// Robocall result ("Call task webhook body"): has no `event` field
// ---------------------------------------------------------------------------------------------------------

/** One call attempt of a robocall. The statuses are documented only by example (lower case: "answered"). */
export const robocallAttemptSchema = z.looseObject({
  duration: optional(z.number()),
  call_status: optional(z.string()),
  rule_names: optional(list(z.string())),
  labels: optional(list(z.string())),
  timestamp: optional(timestamp),
});
export type RobocallAttempt = z.infer<typeof robocallAttemptSchema>;

/** The body POSTed to call-task webhook subscriptions when a robocall finishes. */
export const robocallResultEventSchema = z.looseObject({
  robocall_id: numericOrStringId,
  robocall_name: optional(z.string()),
  robocall_configuration_id: id,
  phone_number: optional(z.string()),
  robocall_status: optional(z.string()),
  attempts: optional(list(robocallAttemptSchema)),
});
export type RobocallResultEvent = z.infer<typeof robocallResultEventSchema>;
