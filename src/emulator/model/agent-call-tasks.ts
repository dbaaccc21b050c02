import { type AgentCallTask, agentCallTaskRequest, terminateByPhoneRequest } from "../../models/agent-call-tasks";
import { requireAgent } from "./agents";
import { firstAttemptAt, timeZoneOf } from "./availability";
import { iso, type ModelContext, type PageParams, padTime, springPage, uuid } from "./common";
import { notFound, parseWith } from "./errors";
import { clone } from "./store";

const KIND = "agent-call-tasks";

/** Statuses in which a task can still be terminated, or completed by a call (a finished task cannot). */
export const ACTIVE_CALL_TASK_STATUSES: ReadonlySet<string> = new Set(["PENDING", "IN_PROGRESS"]);
const ACTIVE = ACTIVE_CALL_TASK_STATUSES;

/**
 * Creates a call task for an agent of the organization (404 otherwise), answering the response shape:
 * `delay_sec` → `attempt_delay` with `strategy: DYNAMIC_DELAY`, `timeranges` → `time_ranges` with
 * zero-padded times, `metadata[]` → `metadata.external_metadata`. New tasks are PENDING; the first attempt
 * is due now, or at the next availability range unless `skip_for_first_attempt` (see availability.ts).
 */
export function createAgentCallTask(ctx: ModelContext, org: string, agentId: string, body: unknown): AgentCallTask {
  const agent = requireAgent(ctx, org, agentId);
  const req = parseWith(agentCallTaskRequest, body);
  const now = ctx.now();
  const stamp = iso(now);
  const availability: AgentCallTask["availability_configuration"] = req.availability_configuration
    ? {
        skip_for_first_attempt: req.availability_configuration.skip_for_first_attempt ?? false,
        days: req.availability_configuration.days.map((d) => ({
          day_of_week: d.day_of_week,
          time_ranges: d.timeranges.map((r) => ({ from: padTime(r.from), to: padTime(r.to) })),
        })),
      }
    : null;
  const zone = timeZoneOf(req.contact_data?.timezone, agent.default_timezone);
  const due = firstAttemptAt(now, availability ?? null, zone);
  const task: AgentCallTask = {
    id: uuid(),
    agent_id: agentId,
    contact_phone_number: req.contact_phone_number,
    contact_data: req.contact_data ? { ...req.contact_data } : null,
    attempts: 0,
    retry_configuration: req.retry_configuration
      ? {
          strategy: "DYNAMIC_DELAY",
          attempts: req.retry_configuration.attempts.map((a) => ({ attempt: a.attempt, attempt_delay: a.delay_sec })),
        }
      : null,
    availability_configuration: availability,
    metadata: { external_metadata: (req.metadata ?? []).map((m) => ({ key: m.key, value: m.value })) },
    status: "PENDING",
    next_attempt_at: due === null ? null : `${iso(new Date(due)).slice(0, 19)}Z`,
    created_at: stamp,
    updated_at: stamp,
  };
  return ctx.store.put(org, KIND, task) as AgentCallTask;
}

export function listAgentCallTasks(ctx: ModelContext, org: string, agentId: string, page: PageParams) {
  requireAgent(ctx, org, agentId);
  const tasks = (ctx.store.scan(org, KIND) as AgentCallTask[]).filter((t) => t.agent_id === agentId);
  return springPage(clone(tasks), page);
}

function terminate(ctx: ModelContext, org: string, task: AgentCallTask): AgentCallTask {
  if (!ACTIVE.has(task.status)) return clone(task);
  return ctx.store.put(org, KIND, {
    ...clone(task),
    status: "TERMINATED",
    next_attempt_at: null,
    updated_at: iso(ctx.now()),
  }) as AgentCallTask;
}

/** Terminates one task (answering it); a task already finished is answered unchanged. */
export function terminateAgentCallTask(ctx: ModelContext, org: string, taskId: string): AgentCallTask {
  const task = ctx.store.peek(org, KIND, taskId) as AgentCallTask | undefined;
  if (!task) throw notFound(`Agent call task ${taskId} not found`);
  return terminate(ctx, org, task);
}

/** Terminates every active task of the organization for that phone number; answers the ones terminated. */
export function terminateAgentCallTasksByPhone(ctx: ModelContext, org: string, body: unknown) {
  const req = parseWith(terminateByPhoneRequest, body);
  const active = (ctx.store.scan(org, KIND) as AgentCallTask[]).filter(
    (t) => t.contact_phone_number === req.contact_phone_number && ACTIVE.has(t.status),
  );
  return { call_tasks: active.map((t) => terminate(ctx, org, t)) };
}
