import { z } from "zod";
import { contactData } from "./agent-call-tasks";
import { e164, id, openEnum, timestamp } from "./common";

export const CALL_STATUSES = [
  "INITIATED",
  "ANSWERED",
  "BUSY",
  "UNANSWERED",
  "COMPLETED",
  "FAILED",
  "FORWARDED",
] as const;
export const CALL_DIRECTIONS = ["INBOUND", "OUTBOUND", "INTERNAL"] as const;

/** `POST /v1/ai-agents/agents/{agentId}/call`. The client refuses a number that is not E.164 before sending. */
export const outboundCallRequest = z.object({
  to: e164,
  contact_data: contactData.optional(),
  campaign_id: z.string().optional(),
});
export type OutboundCallRequest = z.input<typeof outboundCallRequest>;

/**
 * One turn of an agent's conversation: the Transcription object of the calls search answer, and the
 * Transcription of the AGENT_CALL_COMPLETED webhook (which documents it without `ordinal`; src/webhooks
 * parses it with this very schema). `ordinal` may be absent or null; `speaker` is USER or AGENT by the
 * reference, any string in practice.
 */
export const transcriptionTurn = z.looseObject({
  ordinal: z.number().int().nullish(),
  speaker: openEnum(["USER", "AGENT"]),
  text: z.string(),
});
export type TranscriptionTurn = z.infer<typeof transcriptionTurn>;

/**
 * A call. The outbound-call answer carries a subset (an invalid number answers status FAILED with
 * `error_message`, not an HTTP error); the search answer carries the rest.
 */
export const call = z.looseObject({
  id,
  status: z.string(),
  direction: z.string().nullish(),
  origination: z.string().nullish(),
  destination: z.string().nullish(),
  error_message: z.string().nullish(),
  did_label: z.string().nullish(),
  caller_label: z.string().nullish(),
  callee_label: z.string().nullish(),
  duration: z.number().nullish(),
  has_voicemail: z.boolean().nullish(),
  agent_id: z.string().nullish(),
  caller_user_id: z.string().nullish(),
  callee_user_id: z.string().nullish(),
  campaign_id: z.string().nullish(),
  call_task_id: z.string().nullish(),
  call_recording_url: z.string().nullish(),
  transcription: z.string().nullish(),
  summary: z.string().nullish(),
  sentiment: z.number().nullish(),
  agent_call_recording_url: z.string().nullish(),
  agent_transcription: z.array(transcriptionTurn).nullish(),
  agent_summary: z.string().nullish(),
  initiated_at: timestamp.nullish(),
  ended_at: timestamp.nullish(),
});
export type Call = z.infer<typeof call>;

/**
 * A filter the reference documents as "exact (case-insensitive)" over a closed list: any case of a listed
 * value is accepted, anything else is refused (it could only ever match nothing, and an empty page hides
 * the typo). Empty means "not given", as for the other filters.
 */
function caseInsensitiveEnum(values: readonly string[]) {
  return z
    .string()
    .refine((v) => v === "" || values.includes(v.toUpperCase()), {
      message: `must be one of ${values.join(", ")} (case-insensitive)`,
    })
    .optional();
}

/** Query filters of `GET /v1/pbxes/calls/search`; all optional and AND-ed. */
export const callSearchFilters = z.object({
  id: z.string().optional(),
  user_id: z.string().optional(),
  caller_user_id: z.string().optional(),
  callee_user_id: z.string().optional(),
  agent_id: z.string().optional(),
  endpoint_id: z.string().optional(),
  did_id: z.string().optional(),
  campaign_id: z.string().optional(),
  origination: z.string().optional(),
  destination: z.string().optional(),
  caller_label: z.string().optional(),
  callee_label: z.string().optional(),
  direction: caseInsensitiveEnum(CALL_DIRECTIONS),
  status: caseInsensitiveEnum(CALL_STATUSES),
  duration_from: z.coerce.number().int().optional(),
  duration_to: z.coerce.number().int().optional(),
  has_voicemail: z.union([z.boolean(), z.enum(["true", "false"])]).optional(),
  initiated_at_from: z.string().optional(),
  initiated_at_to: z.string().optional(),
  ended_at_from: z.string().optional(),
  ended_at_to: z.string().optional(),
});
export type CallSearchFilters = z.input<typeof callSearchFilters>;
