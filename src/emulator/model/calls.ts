import { z } from "zod";
import { contactData } from "../../models/agent-call-tasks";
import type { Agent } from "../../models/agents";
import { type Call, callSearchFilters } from "../../models/calls";
import { type AgentAction, agentAction, agentActions } from "./actions";
import { ACTIVE_CALL_TASK_STATUSES } from "./agent-call-tasks";
import { requireAgent } from "./agents";
import {
  type CallCompletion,
  containsCI,
  isE164,
  iso,
  type ModelContext,
  type PageParams,
  parseInstant,
  springPage,
  uuid,
} from "./common";
import { ApiError, badRequest, errorBody, notFound, parseWith } from "./errors";
import { clone, type StoredObject } from "./store";

const KIND = "calls";

/** Stored alongside a call for filters and events; not part of the documented Call object. */
const HIDDEN = ["contact_data", "endpoint_id", "did_id"] as const;

/** Like the client's request schema, except that `to` is not checked here: a bad number is a FAILED call. */
const outboundCallBody = z.object({
  to: z.string({ message: "is required" }),
  contact_data: contactData.optional(),
  campaign_id: z.string().optional(),
});

/** The outbound-call answer shows the documented subset (campaign_id and contact data are kept for search). */
const ANSWER_KEYS = [
  "id",
  "agent_id",
  "status",
  "direction",
  "origination",
  "destination",
  "initiated_at",
  "error_message",
];

function answer(call: StoredObject): Call {
  const out: Record<string, unknown> = {};
  for (const k of ANSWER_KEYS) if (call[k] !== undefined) out[k] = call[k];
  return out as Call;
}

function publicCall(call: StoredObject): Call {
  const out: Record<string, unknown> = { ...call };
  for (const k of HIDDEN) delete out[k];
  return out as Call;
}

/**
 * `POST /v1/ai-agents/agents/{agentId}/call`. The agent must exist (404). A `to` that is not E.164 answers
 * 200 with a FAILED call carrying `error_message` (documented); a valid one answers INITIATED and, after
 * `outboundCallCompletionMs`, completes and fires AGENT_CALL_COMPLETED, with one action result (and one
 * AGENT_ACTION_COMPLETED) per action configured on the agent (see `agentActions`).
 */
export function startOutboundCall(ctx: ModelContext, org: string, agentId: string, body: unknown): Call {
  const agent = requireAgent(ctx, org, agentId);
  const req = parseWith(outboundCallBody, body);
  const origination = agent.outbound_cli ?? null;
  if (!isE164(req.to)) {
    const failed = {
      id: uuid(),
      agent_id: agentId,
      status: "FAILED",
      direction: "OUTBOUND",
      origination,
      destination: req.to,
      error_message: "Phone number is invalid",
      ...(req.campaign_id ? { campaign_id: req.campaign_id } : {}),
      contact_data: req.contact_data ?? null,
    };
    return answer(ctx.store.put(org, KIND, failed));
  }
  const call = {
    id: uuid(),
    agent_id: agentId,
    status: "INITIATED",
    direction: "OUTBOUND",
    origination,
    destination: req.to,
    initiated_at: iso(ctx.now()),
    ...(req.campaign_id ? { campaign_id: req.campaign_id } : {}),
    contact_data: req.contact_data ?? null,
  };
  const stored = ctx.store.put(org, KIND, call);
  if (ctx.outboundCallCompletionMs > 0) {
    ctx.hooks.later(ctx.outboundCallCompletionMs, () => {
      const current = ctx.store.peek(org, KIND, call.id);
      if (current?.status !== "INITIATED") return;
      // The agent as it is when the call ends performs its configured actions, so action subscriptions
      // hear of calls that complete on their own too (the same path as the control API's actions).
      const latest = ctx.store.peek(org, "agents", agentId) as Agent | undefined;
      finishCall(ctx, org, current, latest ? { actions: agentActions(latest) } : {});
    });
  }
  return answer(stored);
}

export interface CompleteCallInput {
  agentId: string;
  /** Complete this existing call (INITIATED); otherwise a new call is recorded. */
  callId?: string;
  /** Number the agent talked to (default +390101010101). */
  to?: string;
  direction?: "OUTBOUND" | "INBOUND";
  duration?: number;
  contactData?: CallCompletion["contactData"];
  /**
   * Action results as in AGENT_CALL_COMPLETED `action_results`, each also firing AGENT_ACTION_COMPLETED: a
   * type name, or `{type, actionId?, data?}` (checked by `agentAction` in actions.ts).
   */
  actions?: ReadonlyArray<AgentAction["type"] | { type: AgentAction["type"]; actionId?: string; data?: object }>;
  /** The agent call task this call belongs to (PENDING or IN_PROGRESS; it becomes COMPLETED). */
  callTaskId?: string;
  transcript?: Array<{ speaker: "AGENT" | "USER"; text: string }>;
  summary?: string;
  sentiment?: number;
}

const optionalText = z.string().nullish();

/**
 * The control input, checked whole before anything happens: it arrives as JSON over HTTP, and a field
 * the rest of the code trusts (an action type, a transcript) must be a 400, not a throw halfway through.
 * Strict, so a misspelt field (`action`, `taskId`) is named instead of silently ignored.
 */
const completeCallInput = z
  .object({
    agentId: z.string().min(1),
    callId: z.string().min(1).optional(),
    to: z.string().min(1).optional(),
    direction: z.enum(["OUTBOUND", "INBOUND"]).optional(),
    duration: z.number().int().min(0).optional(),
    contactData: z
      .object({ email: optionalText, name: optionalText, timezone: optionalText, phone_number: optionalText })
      .strict()
      .optional(),
    actions: z.array(agentAction).optional(),
    callTaskId: z.string().min(1).optional(),
    transcript: z.array(z.object({ speaker: z.enum(["AGENT", "USER"]), text: z.string() }).strict()).optional(),
    summary: z.string().optional(),
    // An integer 0-100, as the reference documents the call's sentiment score.
    sentiment: z.number().int().min(0).max(100).optional(),
  })
  .strict();
type CheckedCompleteCallInput = z.output<typeof completeCallInput>;

/** What finishing a call takes, every part already checked (`callTask` is an open task of the agent). */
interface Finish {
  duration?: number;
  contactData?: CheckedCompleteCallInput["contactData"];
  actions?: AgentAction[];
  callTask?: StoredObject;
  transcript?: CheckedCompleteCallInput["transcript"];
  summary?: string;
  sentiment?: number;
}

/**
 * The call task a completed call belongs to: a task of the same agent (404 otherwise) that is still
 * PENDING or IN_PROGRESS. A TERMINATED task was stopped on purpose and a COMPLETED one already has its
 * call: completing either again would rewrite history, so that is a 409.
 */
function openCallTask(ctx: ModelContext, org: string, agentId: string, taskId: string): StoredObject {
  const task = ctx.store.peek(org, "agent-call-tasks", taskId);
  if (!task || task.agent_id !== agentId) throw notFound(`Agent call task ${taskId} not found`, "callTaskId");
  if (!ACTIVE_CALL_TASK_STATUSES.has(String(task.status))) {
    const message = `Agent call task ${taskId} is ${String(task.status)}: only a PENDING or IN_PROGRESS task can be completed`;
    throw new ApiError(409, errorBody(409, message, [{ field: "callTaskId", message }]));
  }
  return task;
}

function finishCall(
  ctx: ModelContext,
  org: string,
  stored: StoredObject,
  input: Finish,
): { call: Call; events: object[] } {
  const agentId = String(stored.agent_id);
  const now = ctx.now();
  const duration = input.duration ?? 42;
  const transcript = input.transcript ?? [
    { speaker: "AGENT" as const, text: "Hello, how can I help you today?" },
    { speaker: "USER" as const, text: "I'd like to schedule an appointment for next week." },
  ];
  const summary = input.summary ?? "The customer asked to schedule an appointment for the following week.";
  const base = `https://storage.emulator.romulus.invalid/call-recordings/${org}/${stored.id}`;
  let doneTask: StoredObject | undefined;
  let callTask: CallCompletion["callTask"];
  if (input.callTask) {
    doneTask = {
      ...clone(input.callTask),
      status: "COMPLETED",
      attempts: Number(input.callTask.attempts ?? 0) + 1,
      next_attempt_at: null,
      updated_at: iso(now),
    };
    callTask = { id: String(doneTask.id), status: "COMPLETED" };
  }
  const call: StoredObject = {
    ...clone(stored),
    status: "COMPLETED",
    duration,
    has_voicemail: false,
    call_recording_url: `${base}/general.mp3`,
    transcription: transcript.map((t) => t.text).join(" "),
    summary,
    sentiment: input.sentiment ?? 75,
    agent_call_recording_url: `${base}/agent.mp3`,
    agent_transcription: transcript.map((t, ordinal) => ({ ordinal, speaker: t.speaker, text: t.text })),
    agent_summary: summary,
    initiated_at: stored.initiated_at ?? iso(new Date(now.getTime() - duration * 1000)),
    ended_at: iso(now),
    ...(callTask ? { call_task_id: callTask.id } : {}),
  };
  const stored_cd = (stored.contact_data ?? {}) as Record<string, string | null | undefined>;
  const contact: NonNullable<CallCompletion["contactData"]> = input.contactData ?? {
    email: stored_cd.email ?? null,
    name: stored_cd.name ?? null,
    timezone: stored_cd.timezone ?? null,
    phone_number: String(call.direction === "INBOUND" ? call.origination : call.destination),
  };
  const pub = publicCall(call);
  const completion: CallCompletion = { call: pub as CallCompletion["call"], agentId, contactData: contact };
  if (input.actions !== undefined) completion.actions = input.actions;
  if (callTask !== undefined) completion.callTask = callTask;
  const events = ctx.hooks.callCompleted(org, completion);
  // Stored only once the events exist: should building them fail, the call and its task stay as they were.
  // Deliveries run in the background, so no receiver can see the state before these writes.
  if (doneTask) ctx.store.put(org, "agent-call-tasks", doneTask);
  ctx.store.put(org, KIND, call);
  return { call: pub, events };
}

/**
 * Control operation: an agent call of the organization completes (the agent must exist). Completes the
 * given INITIATED call or records a new one, then AGENT_CALL_COMPLETED (and one AGENT_ACTION_COMPLETED per
 * action) is delivered. Answers the call and the events. Every check (400, 404, 409) comes before any
 * change.
 */
export function completeCall(ctx: ModelContext, org: string, raw: CompleteCallInput) {
  const input = parseWith(completeCallInput, raw);
  const agent = requireAgent(ctx, org, input.agentId);
  let stored: StoredObject | undefined;
  if (input.callId) {
    stored = ctx.store.peek(org, KIND, input.callId);
    if (!stored) throw notFound(`Call ${input.callId} not found`, "callId");
    if (stored.agent_id !== input.agentId) throw badRequest({ field: "callId", message: "belongs to another agent" });
    if (stored.status !== "INITIATED") {
      throw new ApiError(409, errorBody(409, `Call ${stored.id} is ${String(stored.status)}`));
    }
  }
  const callTask = input.callTaskId ? openCallTask(ctx, org, input.agentId, input.callTaskId) : undefined;
  const { agentId: _agentId, callId: _callId, to: _to, direction: _direction, callTaskId: _taskId, ...rest } = input;
  const finish: Finish = callTask ? { ...rest, callTask } : rest;
  if (stored) return finishCall(ctx, org, stored, finish);
  const direction = input.direction ?? "OUTBOUND";
  let other = input.to ?? "+390101010101";
  if (callTask) {
    // The task's call: to the task's number, with the task's contact data (what the agent was given).
    const taskPhone = String(callTask.contact_phone_number);
    if (direction !== "OUTBOUND") {
      throw badRequest({ field: "direction", message: "must be OUTBOUND for the call of an agent call task" });
    }
    if (input.to !== undefined && input.to !== taskPhone) {
      throw badRequest({
        field: "to",
        message: `must be the call task's contact_phone_number ${taskPhone}, or be left out`,
      });
    }
    other = taskPhone;
  }
  const outbound = direction === "OUTBOUND";
  const call: StoredObject = {
    id: uuid(),
    agent_id: agent.id,
    status: "INITIATED",
    direction,
    origination: outbound ? (agent.outbound_cli ?? null) : other,
    destination: outbound ? other : (agent.outbound_cli ?? null),
    ...(callTask?.contact_data ? { contact_data: clone(callTask.contact_data) } : {}),
    initiated_at: iso(new Date(ctx.now().getTime() - (input.duration ?? 42) * 1000)),
  };
  return finishCall(ctx, org, call, finish);
}

type Predicate = (c: Record<string, unknown>) => boolean;

function instantRange(preds: Predicate[], key: string, from: string | undefined, to: string | undefined, name: string) {
  const f = from ? parseInstant(from, `${name}_from`) : undefined;
  const t = to ? parseInstant(to, `${name}_to`) : undefined;
  if (f === undefined && t === undefined) return;
  preds.push((c) => {
    if (typeof c[key] !== "string") return false;
    const v = Date.parse(c[key] as string);
    return (f === undefined || v >= f) && (t === undefined || v <= t);
  });
}

/**
 * `GET /v1/pbxes/calls/search` with every documented filter, AND-ed. Newest first (initiated_at
 * descending, then id).
 */
export function searchCalls(ctx: ModelContext, org: string, query: Record<string, unknown>, page: PageParams) {
  const { page: _p, size: _s, ...filters } = query;
  const q = parseWith(callSearchFilters, filters);
  const preds: Predicate[] = [];
  const exact = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== "") preds.push((c) => c[key] === value);
  };
  exact("id", q.id);
  exact("caller_user_id", q.caller_user_id);
  exact("callee_user_id", q.callee_user_id);
  exact("agent_id", q.agent_id);
  exact("endpoint_id", q.endpoint_id);
  exact("did_id", q.did_id);
  exact("campaign_id", q.campaign_id);
  if (q.user_id) preds.push((c) => c.caller_user_id === q.user_id || c.callee_user_id === q.user_id);
  if (q.origination) preds.push((c) => typeof c.origination === "string" && c.origination.includes(q.origination!));
  if (q.destination) preds.push((c) => typeof c.destination === "string" && c.destination.includes(q.destination!));
  if (q.caller_label) preds.push((c) => containsCI(c.caller_label, q.caller_label!));
  if (q.callee_label) preds.push((c) => containsCI(c.callee_label, q.callee_label!));
  if (q.direction) preds.push((c) => String(c.direction ?? "").toUpperCase() === q.direction!.toUpperCase());
  if (q.status) preds.push((c) => String(c.status ?? "").toUpperCase() === q.status!.toUpperCase());
  if (q.duration_from !== undefined)
    preds.push((c) => typeof c.duration === "number" && c.duration >= q.duration_from!);
  if (q.duration_to !== undefined) preds.push((c) => typeof c.duration === "number" && c.duration <= q.duration_to!);
  if (q.has_voicemail !== undefined) {
    const wanted = q.has_voicemail === true || q.has_voicemail === "true";
    preds.push((c) => (c.has_voicemail === true) === wanted);
  }
  instantRange(preds, "initiated_at", q.initiated_at_from, q.initiated_at_to, "initiated_at");
  instantRange(preds, "ended_at", q.ended_at_from, q.ended_at_to, "ended_at");

  const found = ctx.store.scan(org, KIND).filter((c) => preds.every((p) => p(c)));
  const time = (c: StoredObject) => (typeof c.initiated_at === "string" ? Date.parse(c.initiated_at) : 0);
  found.sort((a, b) => time(b) - time(a) || (String(a.id) < String(b.id) ? -1 : 1));
  return springPage(
    found.map((c) => publicCall(clone(c))),
    page,
  );
}
