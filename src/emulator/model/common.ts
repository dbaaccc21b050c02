import { randomUUID } from "node:crypto";
import { E164_PATTERN } from "../../models/common";
import type { RobocallConfiguration, RobocallTask } from "../../models/robocalls";
import type { AgentAction } from "./actions";
import { badRequest } from "./errors";
import type { Store, StoredObject } from "./store";

/** What every section's rules need: the state, a clock and the hooks towards the outside world. */
export interface ModelContext {
  readonly store: Store;
  now(): Date;
  readonly hooks: ModelHooks;
  /** Delay after which an INITIATED outbound call completes; 0 leaves calls INITIATED. */
  readonly outboundCallCompletionMs: number;
}

/** What the hooks need to build AGENT_CALL_COMPLETED / AGENT_ACTION_COMPLETED events for a finished call. */
export interface CallCompletion {
  call: Record<string, unknown> & { id: string; status: string };
  agentId: string;
  contactData?: { email?: string | null; name?: string | null; timezone?: string | null; phone_number?: string | null };
  /** Action results, checked (see actions.ts); the hook builds one ActionResult and one action event each. */
  actions?: AgentAction[];
  callTask?: { id: string; status: string };
}

/** What the hooks need to build the "Call task webhook body" of a finished robocall task. */
export interface RobocallCompletion {
  task: RobocallTask;
  configuration: RobocallConfiguration;
  robocallStatus?: string;
  attempts?: Array<{
    duration?: number;
    call_status?: string;
    rule_names?: string[];
    labels?: string[];
    timestamp?: string;
  }>;
}

/** The model's only ways out: webhook deliveries and timers. Both are wired by the emulator. */
export interface ModelHooks {
  /**
   * An agent call of `org` finished: build its events and deliver them; answers the events. Builds every
   * event before delivering any, so when it throws nothing was sent (the model stores nothing either).
   */
  callCompleted(org: string, completion: CallCompletion): object[];
  /** A robocall of `org` finished: build the "Call task webhook body", deliver it; answers the body. */
  robocallCompleted(org: string, completion: RobocallCompletion): object;
  /** Runs `fn` after `ms` (cancelled on reset and close). */
  later(ms: number, fn: () => void): void;
}

export const uuid = (): string => randomUUID();
/** Webhook subscription ids: 32 lowercase hex characters, no dashes. */
export const hex32 = (): string => randomUUID().replace(/-/g, "");

export function iso(date: Date): string {
  return date.toISOString();
}

export function isE164(value: unknown): value is string {
  return typeof value === "string" && E164_PATTERN.test(value);
}

/** `9:00` → `09:00`, as the API answers times. */
export function padTime(value: string): string {
  const [h = "0", m = "00"] = value.split(":");
  return `${h.padStart(2, "0")}:${m.padStart(2, "0")}`;
}

export function containsCI(haystack: unknown, needle: string): boolean {
  return typeof haystack === "string" && haystack.toLowerCase().includes(needle.toLowerCase());
}

/** Parses an ISO 8601 filter value or raises the 400 naming it. */
export function parseInstant(value: string, field: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw badRequest({ field, message: "must be an ISO 8601 timestamp, e.g. 2025-01-15T10:30:00Z" });
  return t;
}

export const DEFAULT_PAGE_SIZE = 20;
/** Undocumented upper bound of v1 page sizes; larger requests are capped (clients must not assume a size). */
export const MAX_PAGE_SIZE = 1000;

export interface PageParams {
  page: number;
  size: number;
}

function intParam(raw: unknown, field: string, fallback: number, min: number): number {
  if (raw === undefined || raw === "") return fallback;
  const text = Array.isArray(raw) ? String(raw[raw.length - 1]) : String(raw);
  if (!/^\d+$/.test(text.trim())) throw badRequest({ field, message: `must be an integer >= ${min}` });
  const value = Number(text);
  if (value < min || !Number.isSafeInteger(value)) throw badRequest({ field, message: `must be an integer >= ${min}` });
  return value;
}

/** `page` (default 0) and `size` (default 20, at least 1, capped at 1000) of a v1 query string. */
export function pageParams(query: Record<string, unknown> | undefined): PageParams {
  const page = intParam(query?.page, "page", 0, 0);
  const size = Math.min(intParam(query?.size, "size", DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  return { page, size };
}

/** The Spring-style v1 envelope around one page of `items`. */
export function springPage<T>(items: readonly T[], { page, size }: PageParams) {
  const total = items.length;
  const totalPages = Math.ceil(total / size);
  const offset = page * size;
  const content = items.slice(offset, offset + size);
  return {
    content,
    pageable: { page_number: page, page_size: size, sort: [] as unknown[], offset, paged: true, unpaged: false },
    last: page >= totalPages - 1,
    total_pages: totalPages,
    total_elements: total,
    first: page === 0,
    size,
    number: page,
    sort: [] as unknown[],
    number_of_elements: content.length,
    empty: content.length === 0,
  };
}

/** The v2 envelope (contacts search). */
export function v2Page<T>(items: readonly T[], page: number, size: number) {
  const offset = page * size;
  return {
    content: items.slice(offset, offset + size),
    page,
    size,
    total_elements: items.length,
    total_pages: Math.ceil(items.length / size),
  };
}

/** Drops the keys the API does not show (model-internal bookkeeping) from a copy of a stored object. */
export function without<T extends StoredObject>(object: T, keys: readonly string[]): StoredObject {
  const out: StoredObject = { ...object };
  for (const k of keys) delete out[k];
  return out;
}
