import {
  type CallCompletion,
  hex32,
  iso,
  type ModelContext,
  type ModelHooks,
  type RobocallCompletion,
  uuid,
} from "./common";
import { ApiError, badRequest, notFound } from "./errors";
import { FIRST_ROBOCALL_TASK_ID } from "./robocalls";
import { requireShape } from "./shapes";
import { ALL_KINDS, clone, isKind, type Kind, type StateSnapshot, Store, type StoredObject } from "./store";

export type { CallCompletion, ModelHooks, RobocallCompletion } from "./common";
export { ApiError } from "./errors";
export { ALL_KINDS, INTERNAL_KINDS, KINDS, type Kind, type StateSnapshot, Store, type StoredObject } from "./store";

export interface ModelOptions {
  seed: StateSnapshot;
  outboundCallCompletionMs: number;
  /** Outbound effects (deliveries); timers are the model's own. */
  callCompleted(org: string, completion: CallCompletion): object[];
  robocallCompleted(org: string, completion: RobocallCompletion): object;
}

/**
 * The emulated service: the store plus the rules (in the section modules, which take this as their
 * context) and the control operations a dashboard user could do (insert, edit, remove objects).
 */
export class RomulusModel implements ModelContext {
  readonly store = new Store();
  readonly hooks: ModelHooks;
  readonly outboundCallCompletionMs: number;
  private seed: StateSnapshot;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: ModelOptions) {
    this.seed = clone(options.seed);
    this.outboundCallCompletionMs = options.outboundCallCompletionMs;
    this.hooks = {
      callCompleted: options.callCompleted,
      robocallCompleted: options.robocallCompleted,
      later: (ms, fn) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          fn();
        }, ms);
        timer.unref();
        this.timers.add(timer);
      },
    };
    this.store.load(this.seed);
  }

  now(): Date {
    return new Date();
  }

  /** Back to the seed; pending timers (outbound call completions) are cancelled. */
  reset(): void {
    this.cancelTimers();
    this.store.load(this.seed);
  }

  cancelTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  load(snapshot: StateSnapshot): void {
    this.store.load(snapshot);
  }

  private kind(kind: string): Kind {
    if (!isKind(kind)) throw notFound(`Unknown kind "${kind}"; kinds: ${ALL_KINDS.join(", ")}`);
    return kind;
  }

  objects(org: string, kind: string): StoredObject[] {
    return this.store.list(org, this.kind(kind));
  }

  object(org: string, kind: string, id: string | number): StoredObject {
    const found = this.store.get(org, this.kind(kind), id);
    if (!found) throw notFound(`No ${kind} ${id} in organization ${org}`);
    return found;
  }

  /**
   * Inserts an object as the dashboard would: id and timestamps filled in when absent; the result must
   * have the kind's shape (shapes.ts), else a 400 naming the field.
   */
  insert(org: string, kind: string, object: Record<string, unknown>): StoredObject {
    const k = this.kind(kind);
    if (object === null || typeof object !== "object" || Array.isArray(object)) {
      throw badRequest({ field: "body", message: "must be a JSON object" });
    }
    const now = iso(this.now());
    let id = object.id as string | number | undefined;
    if (id === undefined || id === null) {
      if (k === "robocall-tasks") id = this.store.next("robocall-tasks", FIRST_ROBOCALL_TASK_ID);
      else id = k === "webhook-subscriptions" ? hex32() : uuid();
    } else if (typeof id !== "string" && typeof id !== "number") {
      throw badRequest({ field: "id", message: "must be a string or a number" });
    }
    if (typeof id === "number") this.store.bump(k, id);
    if (this.store.peek(org, k, id)) {
      throw new ApiError(409, { status: 409, error: "Conflict", message: `${kind} ${id} already exists in ${org}` });
    }
    const inserted = { created_at: now, updated_at: now, ...clone(object), id };
    requireShape(k, inserted);
    return this.store.put(org, k, inserted);
  }

  /**
   * Shallow merge of `patch` into the object, `updated_at` set to now: a change made outside the API. The
   * result must keep the kind's shape (shapes.ts), else a 400 naming the field.
   */
  edit(org: string, kind: string, id: string | number, patch: Record<string, unknown>): StoredObject {
    const k = this.kind(kind);
    const stored = this.store.peek(org, k, id);
    if (!stored) throw notFound(`No ${kind} ${id} in organization ${org}`);
    if (patch === null || typeof patch !== "object" || Array.isArray(patch)) {
      throw badRequest({ field: "body", message: "must be a JSON object" });
    }
    const edited = { ...clone(stored), ...clone(patch), id: stored.id, updated_at: iso(this.now()) };
    requireShape(k, edited);
    return this.store.put(org, k, edited);
  }

  remove(org: string, kind: string, id: string | number): void {
    if (!this.store.delete(org, this.kind(kind), id)) throw notFound(`No ${kind} ${id} in organization ${org}`);
  }
}
