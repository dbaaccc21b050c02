import { type RobocallConfiguration, type RobocallTask, startRobocallRequest } from "../../models/robocalls";
import { iso, type ModelContext, type PageParams, type RobocallCompletion, springPage } from "./common";
import { ApiError, notFound, parseWith } from "./errors";
import { clone } from "./store";

/** First robocall task id handed out in a fresh state (ids are integers, as in the reference). */
export const FIRST_ROBOCALL_TASK_ID = 6158;

export function listRobocallConfigurations(ctx: ModelContext, org: string, page: PageParams) {
  return springPage(ctx.store.list(org, "robocall-configurations") as RobocallConfiguration[], page);
}

/** Stored robocall tasks carry their configuration id; the API answer does not show it. */
function publicTask(task: RobocallTask): RobocallTask {
  const { robocall_configuration_id: _c, robocall_name: _n, ...rest } = task;
  return rest as RobocallTask;
}

export function startRobocall(ctx: ModelContext, org: string, body: unknown): RobocallTask {
  const req = parseWith(startRobocallRequest, body);
  const config = ctx.store.peek(org, "robocall-configurations", req.robocall_configuration_id) as
    | RobocallConfiguration
    | undefined;
  if (!config) {
    throw notFound(`Robocall configuration ${req.robocall_configuration_id} not found`, "robocall_configuration_id");
  }
  const now = iso(ctx.now());
  const retry = config.retry_config ? clone(config.retry_config) : { strategy: "dynamic_delay", attempts: [] };
  const task = {
    id: ctx.store.next("robocall-tasks", FIRST_ROBOCALL_TASK_ID),
    phone_number: req.phone_number,
    attempts: 0,
    success_criteria: config.success_criteria ?? null,
    retry_config: { ...retry, max_attempts: retry.max_attempts ?? Math.max(1, retry.attempts.length) },
    dnd_config: config.dnd_config ? clone(config.dnd_config) : null,
    status: "PENDING",
    next_attempt_at: now,
    created_at: now,
    updated_at: now,
    robocall_configuration_id: config.id,
    robocall_name: config.name,
  };
  return publicTask(ctx.store.put(org, "robocall-tasks", task) as RobocallTask);
}

export interface CompleteRobocallInput {
  taskId: number | string;
  /** Result of the call task, lower-case as in the webhook body: completed (default) or failed. */
  robocallStatus?: string;
  /** The attempts to report (defaults: one per attempt, the last one answered when completed). */
  attempts?: RobocallCompletion["attempts"];
}

/**
 * Simulates the end of a robocall: the task becomes COMPLETED (or FAILED) and its result is delivered to
 * the organization's call-task webhook subscriptions (the delivery module picks those matching the
 * configuration or subscribed to all robocalls). Answers the task and the webhook body.
 */
export function completeRobocall(ctx: ModelContext, org: string, input: CompleteRobocallInput) {
  const stored = ctx.store.peek(org, "robocall-tasks", input.taskId) as
    | (RobocallTask & Record<string, unknown>)
    | undefined;
  if (!stored) throw notFound(`Robocall task ${input.taskId} not found`);
  if (stored.status !== "PENDING") {
    throw new ApiError(409, {
      status: 409,
      error: "Conflict",
      message: `Robocall task ${stored.id} is ${stored.status}`,
    });
  }
  const robocallStatus = input.robocallStatus ?? "completed";
  const configurationId = String(stored.robocall_configuration_id ?? "");
  const configuration = (ctx.store.peek(org, "robocall-configurations", configurationId) as
    | RobocallConfiguration
    | undefined) ?? {
    id: configurationId,
    name: typeof stored.robocall_name === "string" ? stored.robocall_name : "",
  };
  const task = {
    ...clone(stored),
    attempts: Math.max(1, input.attempts?.length ?? Number(stored.attempts) + 1),
    status: robocallStatus === "completed" ? "COMPLETED" : "FAILED",
    next_attempt_at: null,
    updated_at: iso(ctx.now()),
  };
  ctx.store.put(org, "robocall-tasks", task);
  const completion: RobocallCompletion = {
    task: publicTask(clone(task)),
    configuration: clone(configuration),
    robocallStatus,
  };
  if (input.attempts !== undefined) completion.attempts = input.attempts;
  const webhook = ctx.hooks.robocallCompleted(org, completion);
  return { task: publicTask(task), webhook };
}
