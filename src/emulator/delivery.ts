import { randomUUID } from "node:crypto";
import { networkInterfaces } from "node:os";
import { Agent, buildConnector, request } from "undici";
import type { CallTaskWebhookSubscription } from "../models/call-task-webhook-subscriptions";
import type { Call } from "../models/calls";
import type { RobocallConfiguration, RobocallTask } from "../models/robocalls";
import { ACTION_TYPES, WEBHOOK_DEFAULTS, type WebhookSubscription } from "../models/webhook-subscriptions";

/**
 * Webhook delivery for the emulator: which subscriptions an event goes to, and POSTing it to them the way
 * Romulus does (in the background, `attempts` tries `attempts_interval_seconds` apart), with a record of
 * every attempt so tests can assert on what was sent without running a receiver of their own.
 *
 * Also the builders of the bodies ("Webhook Event Models" and "Call task webhook body" in the vendor
 * reference), so the model and tests produce bodies of the documented shape from emulator objects.
 *
 * No HTTP framework here: the emulator core calls `dispatch*` from its model hooks.
 */

export const USER_AGENT = "Romulus-Webhooks/emulator";
/** Names the subscription a delivery is for: lets one receiver serve several subscriptions in a test. */
export const SUBSCRIPTION_ID_HEADER = "x-romulus-subscription-id";
/** 1-based attempt number of this POST. */
export const ATTEMPT_HEADER = "x-romulus-delivery-attempt";
/** Same on every attempt of one delivery: what a receiver dedupes retries on. */
export const DELIVERY_ID_HEADER = "x-romulus-delivery-id";

/** The `event` of records of robocall results, whose body has no `event` field (the tag `parseWebhookEvent` uses). */
export const ROBOCALL_RESULT_EVENT = "ROBOCALL_RESULT";

/**
 * Call-task webhook subscriptions have no documented attempts or interval: the emulator gives them the
 * documented defaults of agent webhook subscriptions, the best guess at the vendor's common machinery.
 */
export const ROBOCALL_DELIVERY_POLICY = {
  attempts: WEBHOOK_DEFAULTS.attempts,
  attemptsIntervalSeconds: WEBHOOK_DEFAULTS.attempts_interval_seconds,
} as const;

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * A delivery whose connection reached the emulator itself. Refused whatever the URL's spelling (127.0.0.1,
 * localhost, [::1], 0.0.0.0, a name that resolves to this machine, the bound address) because the check is
 * made on the connected socket's peer: a local address and the emulator's own port. Webhooks never reach
 * the emulator's API or its control routes (`/__emulator/reset` would otherwise let one organization wipe
 * every other one), and such a delivery is not retried.
 */
export class OwnAddressError extends Error {
  readonly code = "ERR_EMULATOR_OWN_ADDRESS";
  constructor(port: number) {
    super(`refused: the emulator does not deliver webhooks to itself (port ${port} of this machine)`);
    this.name = "OwnAddressError";
  }
}

/** Whether an address is one of this machine's: loopback, unspecified, or an address of an interface. */
export function isLocalAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address
    .toLowerCase()
    .replace(/%.*$/, "")
    .replace(/^::ffff:/, "");
  if (a === "::1" || a === "::" || a === "0.0.0.0" || a.startsWith("127.")) return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address.toLowerCase() === a));
}

/** One record per attempt. */
export interface DeliveryRecord {
  subscriptionId: string;
  /** Without its query string: receiver URLs often carry tokens, and records end up in logs and test output. */
  url: string;
  event: string;
  /** 1-based. */
  attempt: number;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** Why the attempt failed without an answer (connection refused, timeout, invalid URL). */
  error?: string;
  /** When the attempt started, ISO 8601. */
  at: string;
}

export interface WebhookDeliveryOptions {
  /** Multiplies `attempts_interval_seconds`: tests use 0.01 so that 10 s between attempts becomes 100 ms. */
  intervalScale?: number;
  /** Per attempt, connection to end of response body. */
  timeoutMs?: number;
}

interface Target {
  subscriptionId: string;
  url: string;
  attempts: number;
  intervalMs: number;
}

/**
 * The target of a retry as the subscription is now, or undefined when it would no longer get the event
 * (deleted, DISABLED, or changed to no longer match). Asked before every retry.
 */
type Recheck = () => Target | undefined;

/** One delivery: the same bytes and delivery id on every attempt. */
interface Delivery {
  event: string;
  payload: string;
  deliveryId: string;
  recheck: Recheck | undefined;
  /** `cancel()` count when the delivery started: a delivery of an earlier generation is over. */
  generation: number;
}

export class WebhookDelivery {
  private readonly intervalScale: number;
  private readonly timeoutMs: number;
  /** Own connection pool, so `close()` releases exactly the sockets deliveries opened. */
  private readonly agent: Agent;
  private readonly records: DeliveryRecord[] = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  private generation = 0;
  /** The emulator's own port, once it listens: connections to it are refused. */
  private ownPort: number | undefined;

  constructor(opts: WebhookDeliveryOptions = {}) {
    const intervalScale = opts.intervalScale ?? 1;
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(intervalScale >= 0) || !Number.isFinite(intervalScale)) {
      throw new RangeError(`intervalScale must be a finite number >= 0, got ${intervalScale}`);
    }
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
      throw new RangeError(`timeoutMs must be a finite number > 0, got ${timeoutMs}`);
    }
    this.intervalScale = intervalScale;
    this.timeoutMs = timeoutMs;
    const connect = buildConnector({ timeout: timeoutMs });
    this.agent = new Agent({
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      // Checked on the socket, after DNS and connect: what the URL says cannot hide where it leads.
      connect: (options, callback) =>
        connect(options, (error, socket) => {
          if (error !== null) return callback(error, null);
          const own = this.ownPort;
          if (own !== undefined && socket.remotePort === own && isLocalAddress(socket.remoteAddress)) {
            socket.destroy();
            return callback(new OwnAddressError(own), null);
          }
          callback(null, socket);
        }),
    });
  }

  /** The port the emulator listens on: deliveries that connect to it are refused (see OwnAddressError). */
  refuseOwnPort(port: number): void {
    this.ownPort = port;
  }

  /**
   * Sends an AGENT_CALL_COMPLETED or AGENT_ACTION_COMPLETED body to every subscription it matches.
   * `current` looks a subscription up as it is now: with it, each retry first checks that the subscription
   * still exists and still takes the event (ACTIVE, same entity and specifications), and goes to its
   * current URL within its current attempts. Without it, retries use what was true at dispatch.
   */
  dispatchAgentEvent(
    subscriptions: readonly WebhookSubscription[],
    event: object,
    current?: (subscriptionId: string) => WebhookSubscription | undefined,
  ): void {
    const eventName = stringField(event, "event") ?? "UNKNOWN";
    const targetOf = (subscription: WebhookSubscription): Target => ({
      subscriptionId: subscription.id,
      url: subscription.url,
      attempts: Math.max(1, subscription.attempts),
      intervalMs: subscription.attempts_interval_seconds * 1000 * this.intervalScale,
    });
    for (const subscription of subscriptions) {
      if (!matchesAgentEvent(subscription, event)) continue;
      const recheck =
        current &&
        (() => {
          const now = current(subscription.id);
          return now !== undefined && matchesAgentEvent(now, event) ? targetOf(now) : undefined;
        });
      this.start(eventName, event, targetOf(subscription), recheck);
    }
  }

  /**
   * Sends a "Call task webhook body" to every call-task subscription for its configuration or for all.
   * `current` as for agent events: a retry stops once the subscription is deleted or no longer matches.
   */
  dispatchRobocallResult(
    subscriptions: readonly CallTaskWebhookSubscription[],
    body: object,
    current?: (subscriptionId: string) => CallTaskWebhookSubscription | undefined,
  ): void {
    const targetOf = (subscription: CallTaskWebhookSubscription): Target => ({
      subscriptionId: subscription.id,
      url: subscription.url,
      attempts: ROBOCALL_DELIVERY_POLICY.attempts,
      intervalMs: ROBOCALL_DELIVERY_POLICY.attemptsIntervalSeconds * 1000 * this.intervalScale,
    });
    for (const subscription of subscriptions) {
      if (!matchesRobocallResult(subscription, body)) continue;
      const recheck =
        current &&
        (() => {
          const now = current(subscription.id);
          return now !== undefined && matchesRobocallResult(now, body) ? targetOf(now) : undefined;
        });
      this.start(ROBOCALL_RESULT_EVENT, body, targetOf(subscription), recheck);
    }
  }

  /** Every attempt so far, oldest first (a copy). */
  deliveries(): DeliveryRecord[] {
    return this.records.map((record) => ({ ...record }));
  }

  /** Forgets the records; deliveries under way continue and record their next attempts. */
  clear(): void {
    this.records.length = 0;
  }

  /**
   * Ends every delivery under way (what an emulator reset needs): pending retries are cancelled, and
   * attempts in flight are neither recorded nor retried, so nothing of the old state lands in a fresh
   * log. Unlike `close()`, the connection pool stays open and new deliveries go on as usual.
   */
  cancel(): void {
    this.generation += 1;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
  }

  /** Resolves once nothing is in flight and no retry is pending: what tests await instead of sleeping. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.retryTimers.size > 0) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Cancels pending retries, waits for the POSTs in flight, and closes the connection pool. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    await Promise.allSettled([...this.inFlight]);
    if (!this.agent.closed) await this.agent.close();
  }

  private start(event: string, body: object, target: Target, recheck: Recheck | undefined): void {
    if (this.closed) return;
    // Serialized once: every attempt sends the same bytes, as a receiver checking signatures would expect.
    const delivery: Delivery = {
      event,
      payload: JSON.stringify(body),
      deliveryId: randomUUID(),
      recheck,
      generation: this.generation,
    };
    this.attempt(delivery, target, 1);
  }

  private current(delivery: Delivery): boolean {
    return !this.closed && delivery.generation === this.generation;
  }

  private attempt(delivery: Delivery, target: Target, attempt: number): void {
    const promise = this.post(delivery, target, attempt).then((outcome) => {
      if (outcome !== "failed" || attempt >= target.attempts || !this.current(delivery)) return;
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        // A well-run service asks before retrying: a deleted or disabled subscription gets no more attempts,
        // and a changed URL or attempts count applies from the next attempt on.
        const next = delivery.recheck === undefined ? target : delivery.recheck();
        if (next === undefined || attempt >= next.attempts) return;
        this.attempt(delivery, next, attempt + 1);
      }, target.intervalMs);
      this.retryTimers.add(timer);
    });
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  /**
   * One POST; never rejects. "delivered" on a 2xx, the only answer that ends a delivery; "refused" when the
   * target is the emulator itself (no retry can change that); "failed" otherwise.
   */
  private async post(delivery: Delivery, target: Target, attempt: number): Promise<"delivered" | "refused" | "failed"> {
    const record: DeliveryRecord = {
      subscriptionId: target.subscriptionId,
      url: withoutQuery(target.url),
      event: delivery.event,
      attempt,
      at: new Date().toISOString(),
    };
    let refused = false;
    try {
      const response = await request(target.url, {
        method: "POST",
        dispatcher: this.agent,
        headers: {
          "content-type": "application/json",
          "user-agent": USER_AGENT,
          [SUBSCRIPTION_ID_HEADER]: target.subscriptionId,
          [ATTEMPT_HEADER]: String(attempt),
          [DELIVERY_ID_HEADER]: delivery.deliveryId,
        },
        body: delivery.payload,
        // Overall deadline per attempt, on top of the agent's per-phase timeouts (a slow-dripping body).
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // The body is not needed, but must be consumed for the connection to be reused.
      await response.body.dump();
      record.status = response.statusCode;
    } catch (error) {
      record.error = describeError(error, target.url);
      refused = error instanceof OwnAddressError || (error as Error | undefined)?.cause instanceof OwnAddressError;
    }
    // Cancelled while in flight (a reset): the attempt belongs to the state that was thrown away.
    if (delivery.generation !== this.generation) return "failed";
    this.records.push(record);
    if (refused) return "refused";
    return record.status !== undefined && record.status >= 200 && record.status < 300 ? "delivered" : "failed";
  }
}

// ---------------------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------------------

/**
 * An agent event goes to a subscription that is ACTIVE, for the same event, for all agents or for the
 * event's agent, and, for AGENT_ACTION_COMPLETED only, whose specifications (ACTION_ID, ACTION_TYPE) all
 * equal the event's. Specifications on other events are ignored: the API refuses to store them anyway.
 */
export function matchesAgentEvent(subscription: WebhookSubscription, event: object): boolean {
  const eventName = stringField(event, "event");
  if (subscription.status !== "ACTIVE" || eventName === undefined || subscription.event !== eventName) return false;
  if (subscription.entity_id != null && subscription.entity_id !== "") {
    if (subscription.entity_type !== "AGENT" || subscription.entity_id !== stringField(event, "agent_id")) {
      return false;
    }
  }
  if (eventName === "AGENT_ACTION_COMPLETED" && subscription.specifications != null) {
    const { ACTION_ID: actionId, ACTION_TYPE: actionType } = subscription.specifications;
    if (actionId != null && actionId !== stringField(event, "action_id")) return false;
    if (actionType != null && actionType !== stringField(event, "action_type")) return false;
  }
  return true;
}

/** A robocall result goes to subscriptions for its configuration and to those without an entity_id (all). */
export function matchesRobocallResult(subscription: CallTaskWebhookSubscription, body: object): boolean {
  if (subscription.entity_id == null || subscription.entity_id === "") return true;
  return subscription.entity_id === stringField(body, "robocall_configuration_id");
}

// ---------------------------------------------------------------------------------------------------------
// Body builders
// ---------------------------------------------------------------------------------------------------------

export type ActionType = (typeof ACTION_TYPES)[number];

export interface WebhookContactData {
  email?: string | null;
  name?: string | null;
  timezone?: string | null;
  phone_number?: string | null;
}

export interface TranscriptionTurn {
  speaker: string;
  text: string;
}

export interface ExtractedProperty {
  description?: string;
  key?: string;
  value: string;
}

export interface MessageComponent {
  type: string;
  format?: string;
  text?: string;
  buttons?: Array<{ type: string; text: string; url?: string }>;
}

export interface CallForwardingAttempt {
  target: string;
  child_call_id: string | null;
  status: string;
}

export interface SendMessageResult {
  extracted_properties: ExtractedProperty[];
  phone_number: string;
  success: boolean;
  attempted_at: string;
  message_components: MessageComponent[];
}

export interface AppointmentEntry {
  step: string;
  success: boolean;
  attempted_at: string;
  event_data?: {
    id: string;
    url: string;
    start: { date: string; time: string };
    end: { date: string; time: string };
    timezone: string;
  };
}

/** ActionResult of the call event: each type's data holds every attempt or step. */
export type ActionResult =
  | { type: "CALL_FORWARDING"; action_id: string; data: { attempts: CallForwardingAttempt[] } }
  | { type: "WHATS_APP_MESSAGE"; action_id: string; data: { send_message_result_logs: SendMessageResult[] } }
  | { type: "APPOINTMENT"; action_id: string; data: { appointment_entries: AppointmentEntry[] } }
  | { type: "DATA_EXTRACTION"; action_id: string; data: { extracted_properties: ExtractedProperty[] } };

export interface AgentCallCompletedBody {
  event: "AGENT_CALL_COMPLETED";
  call_id: string;
  agent_id: string;
  status: string;
  direction: string;
  origination: string | null;
  destination: string | null;
  duration: number;
  call_recording_url: string | null;
  general_transcription: string;
  general_summary: string;
  general_sentiment: number;
  agent_transcription: TranscriptionTurn[];
  agent_summary: string;
  /** Deprecated alias the vendor still sends; same content as `agent_transcription`. */
  transcriptions: TranscriptionTurn[];
  /** Deprecated alias the vendor still sends; same content as `agent_summary`. */
  summary: string;
  metadata: { contact_data: WebhookContactData };
  action_results: ActionResult[];
  call_task?: { id: string; status: string };
  initiated_at: string;
  ended_at: string;
}

interface ActionEventBase {
  event: "AGENT_ACTION_COMPLETED";
  action_id: string;
  agent_id: string;
  call_id: string;
  metadata: { contact_data: WebhookContactData };
}

/** AGENT_ACTION_COMPLETED: `data` is a single attempt or step, not the lists of the call event. */
export type AgentActionCompletedBody =
  | (ActionEventBase & { action_type: "CALL_FORWARDING"; data: CallForwardingAttempt })
  | (ActionEventBase & { action_type: "WHATS_APP_MESSAGE"; data: SendMessageResult })
  | (ActionEventBase & { action_type: "APPOINTMENT"; data: AppointmentEntry })
  | (ActionEventBase & { action_type: "DATA_EXTRACTION"; data: { extracted_properties: ExtractedProperty[] } });

export interface RobocallAttempt {
  duration: number;
  call_status: string;
  rule_names: string[];
  labels: string[];
  timestamp: string;
}

export interface RobocallResultBody {
  robocall_id: string;
  robocall_name: string;
  robocall_configuration_id: string;
  phone_number: string;
  robocall_status: string;
  attempts: RobocallAttempt[];
}

/** An action to report: its type alone (documented sample data, generated ids), or with its id and data. */
export type ActionResultInput = ActionType | { type: ActionType; actionId?: string; data?: ActionResult["data"] };

export interface AgentCallCompletedInput {
  call: Call;
  agentId: string;
  contactData?: WebhookContactData;
  /** `[...ACTION_TYPES]` reports one action of each of the four types. */
  actionResults?: readonly ActionResultInput[];
  /** The agent call task that placed the call; defaults from `call.call_task_id` (status COMPLETED). */
  callTask?: { id: string; status: string };
  /** "Now", for reproducible bodies; defaults to the clock. */
  now?: Date;
}

const SAMPLE_TRANSCRIPTION: TranscriptionTurn[] = [
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
  const turns: TranscriptionTurn[] =
    call.agent_transcription != null && call.agent_transcription.length > 0
      ? call.agent_transcription.map((turn) => ({ speaker: turn.speaker, text: turn.text }))
      : SAMPLE_TRANSCRIPTION.map((turn) => ({ ...turn }));
  const agentSummary = call.agent_summary ?? call.summary ?? SAMPLE_SUMMARY;
  const endedAt = call.ended_at ?? now.toISOString();
  const duration = call.duration ?? 70;
  const initiatedAt = call.initiated_at ?? new Date(Date.parse(endedAt) - duration * 1000).toISOString();
  // The contact is the far end of the call: the callee of an outbound call, the caller of an inbound one.
  const contactPhone = (direction === "INBOUND" ? call.origination : call.destination) ?? null;
  const contactData: WebhookContactData = { phone_number: contactPhone, ...input.contactData };
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
export function buildAgentActionCompletedEvents(callEvent: AgentCallCompletedBody): AgentActionCompletedBody[] {
  const base = (actionId: string): ActionEventBase => ({
    event: "AGENT_ACTION_COMPLETED",
    action_id: actionId,
    agent_id: callEvent.agent_id,
    call_id: callEvent.call_id,
    metadata: { contact_data: { ...callEvent.metadata.contact_data } },
  });
  const events: AgentActionCompletedBody[] = [];
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
  attempts?: ReadonlyArray<Partial<RobocallAttempt>>;
  now?: Date;
}

/** The "Call task webhook body" of a finished robocall task. */
export function buildRobocallResult(input: RobocallResultInput): RobocallResultBody {
  const { task, configuration } = input;
  const robocallStatus = input.robocallStatus ?? (task.status === "PENDING" ? "completed" : task.status.toLowerCase());
  const timestamp = task.updated_at ?? (input.now ?? new Date()).toISOString();
  const answered = robocallStatus === "completed";
  const count = Math.max(1, task.attempts);
  const defaults = Array.from({ length: count }, (): Partial<RobocallAttempt> => ({}));
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

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

function stringField(value: object, key: string): string | undefined {
  const field = (value as Record<string, unknown>)[key];
  return typeof field === "string" ? field : undefined;
}

/** Drops the query string and fragment; an unparseable URL is cut at the first `?` or `#` all the same. */
export function withoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.search = "";
    parsed.hash = "";
    // Credentials in the authority are as secret as a token in the query.
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url.split(/[?#]/, 1)[0] ?? "";
  }
}

/** A short reason for a failed attempt, never containing the URL's query string or credentials. */
function describeError(error: unknown, url: string): string {
  let message: string;
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    message = `${typeof code === "string" ? code : error.name}: ${error.message}${cause}`;
  } else {
    message = String(error);
  }
  // Undici quotes the URL in some messages (an invalid URL, say): keep the path, lose the secrets.
  let scrubbed = message.split(url).join(withoutQuery(url));
  try {
    const { search, username, password } = new URL(url);
    for (const secret of [search, username, password])
      if (secret.length > 1) scrubbed = scrubbed.split(secret).join("");
  } catch {
    // Not a URL at all: nothing more to scrub than the whole string, done above.
  }
  return scrubbed;
}
