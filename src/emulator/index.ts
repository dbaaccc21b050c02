// First, before any dependency loads: an unsupported Node stops here with one line.
import "../node-version";
import { existsSync, readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import type { Call } from "../models/calls";
import {
  AGENT_EVENTS,
  type AgentEvent,
  buildAgentActionCompletedEvents,
  buildAgentCallCompletedEvent,
  buildRobocallResult,
  type DeliveryRecord,
  type EventRoute,
  ROBOCALL_RESULTS,
  type Subscriber,
  WebhookDelivery,
} from "./delivery";
import { FaultInjector, type FaultSpec, parseFaultSpec, validateFaultSpec } from "./faults";
import type { ControlOps } from "./http/control";
import { buildServer } from "./http/server";
import { type Counters, type RequestLogEntry, Stats } from "./http/stats";
import { RomulusModel } from "./model";
import * as calls from "./model/calls";
import { ApiError, badRequest } from "./model/errors";
import * as robocalls from "./model/robocalls";
import type { StateSnapshot, StoredObject } from "./model/store";
import { readStateFile, removeStaleTempFiles, StatePersister } from "./persistence";
import { loadSeed } from "./seed";

export type { DeliveryRecord } from "./delivery";
export type { FaultDecision, FaultRule, FaultSpec } from "./faults";
export { CONTROL_HEADER, type ControlOps } from "./http/control";
export type { Counters, RequestLogEntry } from "./http/stats";
export type { CompleteCallInput } from "./model/calls";
export { ApiError, type ErrorBody, type FieldError } from "./model/errors";
export type { CompleteRobocallInput } from "./model/robocalls";
export { ALL_KINDS, INTERNAL_KINDS, KINDS, type Kind, type StateSnapshot, type StoredObject } from "./model/store";
export { DEFAULT_SEED } from "./seed";

/** The default organization and its key. The key is public: the emulator is a local test tool. */
export const DEFAULT_ORGANIZATION_ID = "emulator-org";
export const DEFAULT_API_KEY = "romulus-emulator-key";
/** A second organization (same names, different ids in the default seed) for tenant-isolation and promotion demos. */
export const SECOND_ORGANIZATION_ID = "emulator-org-2";
export const SECOND_API_KEY = "romulus-emulator-key-2";
export const DEFAULT_API_KEYS: readonly ApiKey[] = Object.freeze([
  { key: DEFAULT_API_KEY, organizationId: DEFAULT_ORGANIZATION_ID },
  { key: SECOND_API_KEY, organizationId: SECOND_ORGANIZATION_ID },
]);
export const DEFAULT_HOST = "127.0.0.1";
/** Port of the CLI; `startEmulator` defaults to 0 (a free port). */
export const DEFAULT_CLI_PORT = 8787;
export const DEFAULT_OUTBOUND_CALL_COMPLETION_MS = 2000;

export interface ApiKey {
  key: string;
  organizationId: string;
}

export interface EmulatorOptions {
  /** Default 0: any free port (read `url`). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Keys and their organizations: `"KEY"` (default organization), `"KEY:ORG"` (split at the last colon),
   * or `{key, organizationId}`. Default: `DEFAULT_API_KEYS` (both seeded organizations).
   */
  apiKeys?: ReadonlyArray<string | ApiKey>;
  /** Seed document or path of a JSON seed file (format in seed.ts); default: the bundled seed. */
  seed?: object | string;
  /** State file kept across restarts (loaded when present, otherwise created from the seed). */
  statePath?: string;
  /** Fault injection: a FaultSpec, or its text (compact syntax or JSON, see faults.ts), or a file holding it. */
  faults?: FaultSpec | string;
  /** Multiplies `attempts_interval_seconds` between webhook delivery attempts (tests use 0.01). */
  webhookIntervalScale?: number;
  /** Per webhook delivery attempt. */
  webhookTimeoutMs?: number;
  /** An INITIATED outbound call completes (and fires AGENT_CALL_COMPLETED) after this long; 0 never. Default 2000. */
  outboundCallCompletionMs?: number;
  /** fastify's logger (JSON lines on stdout); off by default. Never logs headers. */
  logger?: boolean;
}

/** A running emulator: its URL, the control operations (see http/control.ts) and `close()`. */
export interface Emulator extends ControlOps {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly apiKeys: readonly ApiKey[];
  /** The fastify instance (for `inject` in tests). */
  readonly server: FastifyInstance;
  /** Waits for pending webhook deliveries and retries to finish. */
  deliveriesIdle(): Promise<void>;
  /** Writes pending state changes to `statePath` now. */
  flush(): Promise<void>;
  /** The whole state (a deep copy), in the seed / state-file format. */
  snapshot(): StateSnapshot;
  /** Stops listening, cancels timers and deliveries, writes pending state. Idempotent. */
  close(): Promise<void>;
}

/** `"KEY"`, `"KEY:ORG"` (split at the last colon) or `{key, organizationId}`. */
export function parseApiKey(spec: string | ApiKey): ApiKey {
  if (typeof spec !== "string") {
    if (!spec || typeof spec.key !== "string" || spec.key === "" || typeof spec.organizationId !== "string") {
      throw new Error("an API key must be {key, organizationId} with non-empty strings");
    }
    return { key: spec.key, organizationId: spec.organizationId || DEFAULT_ORGANIZATION_ID };
  }
  const i = spec.lastIndexOf(":");
  const key = i < 0 ? spec : spec.slice(0, i);
  const organizationId = i < 0 ? DEFAULT_ORGANIZATION_ID : spec.slice(i + 1);
  if (key === "" || organizationId === "") throw new Error("an API key must be KEY or KEY:ORG with both non-empty");
  return { key, organizationId };
}

/** A FaultSpec object, a compact/JSON spec text, or the path of a file holding one. */
export function resolveFaultSpec(spec: FaultSpec | string | undefined): FaultSpec | undefined {
  if (spec === undefined) return undefined;
  if (typeof spec !== "string") return validateFaultSpec(spec);
  const text = existsSync(spec) ? readFileSync(spec, "utf8") : spec;
  return parseFaultSpec(text);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? DEFAULT_HOST;
  const apiKeys = (options.apiKeys ?? DEFAULT_API_KEYS).map(parseApiKey);
  if (apiKeys.length === 0) throw new Error("at least one API key is needed");
  const keys = new Map(apiKeys.map((k) => [k.key, k.organizationId]));
  const seed = loadSeed(options.seed);
  let faultSpec = resolveFaultSpec(options.faults);
  const faults = new FaultInjector(faultSpec);

  const delivery = new WebhookDelivery({
    intervalScale: options.webhookIntervalScale ?? 1,
    ...(options.webhookTimeoutMs !== undefined ? { timeoutMs: options.webhookTimeoutMs } : {}),
  });

  /** Sends events to the organization's subscriptions of the route's kind; retries look them up as they are then. */
  const deliver = <S extends Subscriber, E>(org: string, route: EventRoute<S, E>, events: readonly E[]) => {
    const subscriptions = model.store.list(org, route.kind) as unknown as S[];
    // Deleted or disabled subscriptions get no more attempts.
    const current = (id: string) => model.store.get(org, route.kind, id) as unknown as S | undefined;
    for (const event of events) delivery.dispatch(route, subscriptions, event, current);
  };

  const model: RomulusModel = new RomulusModel({
    seed,
    outboundCallCompletionMs: options.outboundCallCompletionMs ?? DEFAULT_OUTBOUND_CALL_COMPLETION_MS,
    callCompleted(org, completion) {
      const event = buildAgentCallCompletedEvent({
        call: completion.call as Call,
        agentId: completion.agentId,
        ...(completion.contactData ? { contactData: completion.contactData } : {}),
        ...(completion.actions ? { actionResults: completion.actions } : {}),
        ...(completion.callTask ? { callTask: completion.callTask } : {}),
      });
      const events: AgentEvent[] = [event, ...buildAgentActionCompletedEvents(event)];
      deliver(org, AGENT_EVENTS, events);
      return events;
    },
    robocallCompleted(org, completion) {
      const body = buildRobocallResult({
        task: completion.task,
        configuration: completion.configuration,
        ...(completion.robocallStatus ? { robocallStatus: completion.robocallStatus } : {}),
        ...(completion.attempts ? { attempts: completion.attempts } : {}),
      });
      deliver(org, ROBOCALL_RESULTS, [body]);
      return body;
    },
  });

  let persister: StatePersister | undefined;
  if (options.statePath !== undefined) {
    removeStaleTempFiles(options.statePath);
    const saved = readStateFile(options.statePath);
    if (saved !== undefined) model.load(saved);
    persister = new StatePersister(options.statePath, () => model.store.serialize());
    model.store.onChange(() => persister!.schedule());
    // A fresh state file holds the seed from the start.
    if (saved === undefined) persister.schedule();
  }

  const stats = new Stats();
  const orgOf = (org: string | undefined) => org ?? DEFAULT_ORGANIZATION_ID;

  const control: ControlOps = {
    reset() {
      model.reset();
      stats.clear();
      // Retries of deliveries made before the reset would otherwise land in the fresh log.
      delivery.cancel();
      delivery.clear();
    },
    counters: (): Counters => stats.counts(),
    resetCounters: () => stats.resetCounters(),
    requests: (): RequestLogEntry[] => stats.requests(),
    deliveries: (): DeliveryRecord[] => delivery.deliveries(),
    objects: (org, kind) => model.objects(org, kind),
    object: (org, kind, id) => model.object(org, kind, id),
    insert: (org, kind, object) => model.insert(org, kind, object),
    edit: (org, kind, id, patch) => model.edit(org, kind, id, patch),
    remove: (org, kind, id) => model.remove(org, kind, id),
    completeCall(input) {
      const { org, ...rest } = input ?? ({} as calls.CompleteCallInput);
      if (org !== undefined && typeof org !== "string") throw badRequest({ field: "org", message: "must be a string" });
      return calls.completeCall(model, orgOf(org), rest as calls.CompleteCallInput);
    },
    completeRobocall(input) {
      if (!input || (typeof input.taskId !== "number" && typeof input.taskId !== "string")) {
        throw badRequest({ field: "taskId", message: "is required" });
      }
      const { org, ...rest } = input;
      return robocalls.completeRobocall(model, orgOf(org), rest);
    },
    setFaults(spec) {
      try {
        faultSpec = resolveFaultSpec(spec);
        faults.set(faultSpec);
      } catch (err) {
        if (err instanceof ApiError) throw err;
        throw badRequest({ field: "faults", message: (err as Error).message });
      }
    },
    faultStats: () => faults.stats(),
  };

  const server = buildServer({
    model,
    keys,
    faults,
    faultsActive: () => faultSpec !== undefined && faultSpec.rules.length > 0,
    stats,
    control,
    host,
    logger: options.logger ?? false,
  });
  try {
    await server.listen({ port: options.port ?? 0, host });
  } catch (err) {
    await delivery.close();
    if (persister) await persister.close();
    throw err;
  }
  const address = server.server.address();
  const port = typeof address === "object" && address !== null ? address.port : (options.port ?? 0);
  delivery.refuseOwnPort(port);
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  const emulator: Emulator = {
    ...control,
    url,
    port,
    host,
    apiKeys: apiKeys.map((k) => ({ ...k })),
    server,
    deliveriesIdle: () => delivery.idle(),
    flush: async () => {
      await persister?.flush();
    },
    snapshot: () => model.store.snapshot(),
    close() {
      closing ??= (async () => {
        model.cancelTimers();
        await server.close();
        await delivery.close();
        await persister?.close();
      })();
      return closing;
    },
  };
  return emulator;
}

export type { StoredObject as EmulatorObject };
