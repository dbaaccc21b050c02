import { randomUUID } from "node:crypto";
import type { Call } from "../../models/calls";
import type { RobocallConfiguration, RobocallTask } from "../../models/robocalls";
import { ACTION_TYPES } from "../../models/webhook-subscriptions";
import type {
  ActionResult,
  ActionType,
  AgentActionCompletedEvent,
  AgentCallCompletedEvent,
  ContactData,
  Metadata,
  RobocallAttempt,
  RobocallResultEvent,
  Transcription,
} from "../../webhooks/schemas";

/**
 * The bodies of webhook events ("Webhook Event Models" and "Call task webhook body" in the vendor
 * reference) built from emulator objects, typed by the schemas a consumer parses them with
 * (src/webhooks/schemas.ts), so a body the emulator sends cannot drift from what `parseWebhookEvent`
 * accepts.
 */

/**
 * A schema's type with some fields made required and non-null: the schemas leave almost every field
 * optional because a consumer must take a body without it, but the emulator always fills these.
 */
type Filled<T, K extends keyof T> = T & { [P in K]-?: NonNullable<T[P]> };

/**
 * AGENT_CALL_COMPLETED as the emulator builds it: the contact data and the action results the action
 * events are made from are always there.
 */
export type AgentCallCompletedBody = Filled<AgentCallCompletedEvent, "metadata" | "action_results"> & {
  metadata: Filled<Metadata, "contact_data">;
};

/** An action to report: its type alone (documented sample data, generated ids), or with its id and data. */
export type ActionResultInput = ActionType | { type: ActionType; actionId?: string; data?: ActionResult["data"] };

export interface AgentCallCompletedInput {
  call: Call;
  agentId: string;
  contactData?: ContactData;
  /** `[...ACTION_TYPES]` reports one action of each of the four types. */
  actionResults?: readonly ActionResultInput[];
  /** The agent call task that placed the call; defaults from `call.call_task_id` (status COMPLETED). */
  callTask?: { id: string; status: string };
  /** "Now", for reproducible bodies; defaults to the clock. */
  now?: Date;
}

const SAMPLE_TRANSCRIPTION: Transcription[] = [
  { speaker: "AGENT", text: "Hello, I'm an AI assistant. How can I help you?" },
  { speaker: "USER", text: "Hello, I'd like to book a table for tomorrow at five." },
  { speaker: "AGENT", text: "Done: a table for tomorrow at 5:00 PM. Anything else?" },
  { speaker: "USER", text: "No, thank you. Goodbye." },
];
const SAMPLE_SUMMARY =
  "The caller asked for a table reservation for the following day; the assistant confirmed 5:00 PM.";
const SAMPLE_SENTIMENT = 80;

/**
 * A complete AGENT_CALL_COMPLETED body for an emulator call. Whatever the call lacks (an emulated call
 * has no real conversation) is filled with fixed sample content, so consumers see every documented field.
 */
export function buildAgentCallCompletedEvent(input: AgentCallCompletedInput): AgentCallCompletedBody {
  const { call } = input;
  const now = input.now ?? new Date();
  const direction = call.direction ?? "OUTBOUND";
  const turns: Transcription[] =
    call.agent_transcription != null && call.agent_transcription.length > 0
      ? call.agent_transcription.map((turn) => ({ speaker: turn.speaker, text: turn.text }))
      : SAMPLE_TRANSCRIPTION.map((turn) => ({ ...turn }));
  const agentSummary = call.agent_summary ?? call.summary ?? SAMPLE_SUMMARY;
  const endedAt = call.ended_at ?? now.toISOString();
  const duration = call.duration ?? 70;
  const initiatedAt = call.initiated_at ?? new Date(Date.parse(endedAt) - duration * 1000).toISOString();
  // The contact is the far end of the call: the callee of an outbound call, the caller of an inbound one.
  const contactPhone = (direction === "INBOUND" ? call.origination : call.destination) ?? null;
  const contactData: ContactData = { phone_number: contactPhone, ...input.contactData };
  const actionDate = new Date(Date.parse(endedAt) - 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const context = { callId: call.id, contactPhone: contactPhone ?? "+390212345678", at: actionDate };

  const body: AgentCallCompletedBody = {
    event: "AGENT_CALL_COMPLETED",
    call_id: call.id,
    agent_id: input.agentId,
    status: call.status,
    direction,
    origination: call.origination ?? null,
    destination: call.destination ?? null,
    duration,
    call_recording_url: call.call_recording_url ?? call.agent_call_recording_url ?? null,
    general_transcription: call.transcription ?? turns.map((turn) => turn.text).join(" "),
    general_summary: call.summary ?? agentSummary,
    general_sentiment: call.sentiment ?? SAMPLE_SENTIMENT,
    agent_transcription: turns,
    agent_summary: agentSummary,
    transcriptions: turns.map((turn) => ({ ...turn })),
    summary: agentSummary,
    metadata: { contact_data: contactData },
    action_results: (input.actionResults ?? []).map((action) => actionResult(action, context)),
    initiated_at: initiatedAt,
    ended_at: endedAt,
  };
  const callTask = input.callTask ?? (call.call_task_id ? { id: call.call_task_id, status: "COMPLETED" } : undefined);
  if (callTask !== undefined) body.call_task = { ...callTask };
  return body;
}

/**
 * One AGENT_ACTION_COMPLETED body per action of a call event, so both events of one call agree on ids
 * and data. The action event reports a single result: the last forwarding attempt or WhatsApp send (the
 * one the action ended with), and the SCHEDULING step of an appointment (documented as always SCHEDULING:
 * an appointment that never got to scheduling completes no action and produces no event).
 */
export function buildAgentActionCompletedEvents(callEvent: AgentCallCompletedBody): AgentActionCompletedEvent[] {
  const base = (actionId: string) => ({
    event: "AGENT_ACTION_COMPLETED" as const,
    action_id: actionId,
    agent_id: callEvent.agent_id,
    call_id: callEvent.call_id,
    metadata: { contact_data: { ...callEvent.metadata.contact_data } },
  });
  const events: AgentActionCompletedEvent[] = [];
  for (const result of callEvent.action_results) {
    switch (result.type) {
      case "CALL_FORWARDING": {
        const last = result.data.attempts.at(-1);
        if (last) events.push({ ...base(result.action_id), action_type: result.type, data: structuredClone(last) });
        break;
      }
      case "WHATS_APP_MESSAGE": {
        const last = result.data.send_message_result_logs.at(-1);
        if (last) events.push({ ...base(result.action_id), action_type: result.type, data: structuredClone(last) });
        break;
      }
      case "APPOINTMENT": {
        const scheduling = result.data.appointment_entries.findLast((entry) => entry.step === "SCHEDULING");
        if (scheduling) {
          events.push({ ...base(result.action_id), action_type: result.type, data: structuredClone(scheduling) });
        }
        break;
      }
      case "DATA_EXTRACTION":
        events.push({ ...base(result.action_id), action_type: result.type, data: structuredClone(result.data) });
        break;
    }
  }
  return events;
}

interface ActionContext {
  callId: string;
  contactPhone: string;
  /** Second precision, as the vendor's action timestamps are. */
  at: string;
}

function actionResult(input: ActionResultInput, context: ActionContext): ActionResult {
  const spec = typeof input === "string" ? { type: input } : input;
  if (!(ACTION_TYPES as readonly string[]).includes(spec.type)) {
    throw new TypeError(`unknown action type "${spec.type}" (expected one of ${ACTION_TYPES.join(", ")})`);
  }
  const actionId = spec.actionId ?? randomUUID();
  // Caller-supplied data is trusted to fit its type: it is how tests send unusual but valid results.
  const data = spec.data === undefined ? sampleData(spec.type, context) : structuredClone(spec.data);
  return { type: spec.type, action_id: actionId, data } as ActionResult;
}

/** The documented example data of each action type, with this call's phone number and time. */
function sampleData(type: ActionType, context: ActionContext): ActionResult["data"] {
  const date = context.at.slice(0, 10);
  switch (type) {
    case "CALL_FORWARDING":
      return { attempts: [{ target: "+390212345678", child_call_id: randomUUID(), status: "INITIATED" }] };
    case "WHATS_APP_MESSAGE":
      return {
        send_message_result_logs: [
          {
            extracted_properties: [{ key: "Are you satisfied with the last service?", value: "Yes" }],
            phone_number: context.contactPhone,
            success: true,
            attempted_at: context.at,
            message_components: [
              { type: "header", format: "text", text: "Thank you for visiting our stand!" },
              { type: "body", text: "Book a demo with one of our specialists using the button below." },
              { type: "footer", text: "Romulus emulator" },
              { type: "buttons", buttons: [{ type: "url", text: "DEMO", url: "https://example.com/demo" }] },
            ],
          },
        ],
      };
    case "APPOINTMENT":
      return {
        appointment_entries: [
          { step: "AVAILABILITY", success: true, attempted_at: context.at },
          {
            step: "SCHEDULING",
            success: true,
            attempted_at: context.at,
            event_data: {
              id: `event-${context.callId}`,
              url: `https://calendar.example.com/events/${context.callId}`,
              start: { date, time: "15:00" },
              end: { date, time: "16:00" },
              timezone: "Europe/Rome",
            },
          },
        ],
      };
    case "DATA_EXTRACTION":
      return {
        extracted_properties: [{ description: "Are you satisfied with the last service?", value: "Yes" }],
      };
  }
}

export interface RobocallResultInput {
  task: RobocallTask;
  configuration: RobocallConfiguration;
  /** Lower case as in the documented body; defaults from the task's status (COMPLETED → completed). */
  robocallStatus?: string;
  /** Defaults to one attempt per attempt the task made (at least one); the last answered if completed. */
  attempts?: readonly RobocallAttempt[];
  now?: Date;
}

/** The "Call task webhook body" of a finished robocall task. */
export function buildRobocallResult(input: RobocallResultInput): RobocallResultEvent {
  const { task, configuration } = input;
  const robocallStatus = input.robocallStatus ?? (task.status === "PENDING" ? "completed" : task.status.toLowerCase());
  const timestamp = task.updated_at ?? (input.now ?? new Date()).toISOString();
  const answered = robocallStatus === "completed";
  const count = Math.max(1, task.attempts);
  const defaults = Array.from({ length: count }, (): RobocallAttempt => ({}));
  const attempts = (input.attempts ?? defaults).map((attempt, index, all): RobocallAttempt => {
    const last = index === all.length - 1;
    const connected = last && answered;
    return {
      duration: attempt.duration ?? (connected ? 17 : 0),
      call_status: attempt.call_status ?? (connected ? "answered" : "unanswered"),
      // The documented example's IVR rule and menu label, for the attempt that reached the IVR.
      rule_names: attempt.rule_names ?? (connected ? ["Office opening"] : []),
      labels: attempt.labels ?? (connected ? ["Option 1"] : []),
      timestamp: attempt.timestamp ?? timestamp,
    };
  });
  return {
    // A string, as documented, although the task's own id is an integer.
    robocall_id: String(task.id),
    robocall_name: configuration.name,
    robocall_configuration_id: configuration.id,
    phone_number: task.phone_number,
    robocall_status: robocallStatus,
    attempts,
  };
}
