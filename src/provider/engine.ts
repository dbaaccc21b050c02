import type { RomulusClient } from "../client";
import { idProblem, isMaybeProcessedError, RomulusApiError } from "../client";
import { setMessage } from "../client/core/message";
import { camelKeys, snakeKeys } from "../models/case";
import { type ApiObject, apiName, type Failure, type FieldSpec, type ResourceDefinition } from "./define";
import { readLive, writing } from "./reads";
import { containsUnknown, sameValue, withoutNulls } from "./values";

/**
 * The generic engine every resource plugs into: check, diff and normalisation derived from a
 * ResourceDefinition, and the CRUD steps with the guarantees users rely on (one request per step, no
 * duplicate after a lost answer, 404 on delete means gone). Nothing here knows a particular resource.
 * Reads that arrive together share requests (reads.ts); every write goes through `writing`, so that
 * nothing shared answers for what was written.
 */

type Props = Record<string, unknown>;
type Definition = ResourceDefinition<ApiObject>;

/** Set by the user to take over an existing object instead of creating one. Never compared. */
export const IMPORT_ID = "importId";
/** Kept in outputs so a refresh can tell "deleted" from "owned by another organization". */
export const ORGANIZATION_ID = "organizationId";

/** What every CRUD step needs from the provider process: a client and the organization it acts for. */
export interface Context {
  client(): RomulusClient;
  organizationId(): Promise<string>;
}

/** A field's canonical value: the server default for unset, then the field's own normalisation. */
function canonical(field: FieldSpec, value: unknown): unknown {
  const v = value === undefined || value === null ? field.default : value;
  if (v === undefined || v === null) return null;
  return field.normalise ? field.normalise(v) : v;
}

function comparable(field: FieldSpec, value: unknown): unknown {
  const v = canonical(field, value);
  return field.comparable && v !== null ? field.comparable(v) : v;
}

/** `phones.0.number` -> `phones[0].number`, the way Pulumi prints property paths. */
function propertyPath(parts: readonly PropertyKey[]): string {
  return parts
    .map(String)
    .join(".")
    .replace(/\.(\d+)(?=\.|$)/g, "[$1]");
}

// ---------------------------------------------------------------------------------------------- check

/**
 * Validates every property with its field schema and the cross-field rules, one failure per offending
 * property, with no API call. Values still unknown during a preview pass through unvalidated. The checked
 * inputs are canonical (defaults filled in), which is what diff later compares with the outputs.
 */
export function check(def: Definition, news: Props): { inputs: Props; failures: Failure[] } {
  const failures: Failure[] = [];
  const inputs: Props = {};
  const known = new Set<string>();
  for (const [key, value] of Object.entries(news)) {
    if (key.startsWith("__") || key in def.fields) continue; // the host puts its own keys (__provider) back
    if (key === IMPORT_ID) {
      const problem =
        value === undefined || value === null || containsUnknown(value)
          ? undefined
          : typeof value === "string"
            ? idProblem(value)
            : "must be a string";
      if (problem !== undefined) {
        failures.push({ property: IMPORT_ID, reason: `importId ${problem}: the id of an existing ${def.noun}` });
      } else if (value !== undefined && value !== null) inputs[key] = value;
      continue;
    }
    const expected = [...Object.keys(def.fields), IMPORT_ID].join(", ");
    failures.push({ property: key, reason: `${def.kind} has no property "${key}"; expected one of ${expected}` });
  }
  for (const [name, field] of Object.entries(def.fields)) {
    const value = news[name];
    if (containsUnknown(value)) {
      inputs[name] = value;
      continue;
    }
    const result = field.schema.safeParse(value === null ? undefined : value);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = propertyPath([name, ...issue.path]);
        const missing = value === undefined || value === null;
        const reason = missing
          ? "is required"
          : issue.code === "invalid_type" && issue.message.startsWith("Invalid input")
            ? wrongType(issue, value)
            : issue.message;
        failures.push({ property: path, reason: `${path} ${reason}` });
      }
      continue;
    }
    const v = canonical(field, result.data);
    if (v !== null) inputs[name] = v;
    known.add(name);
  }
  if (def.rules) {
    const knownInputs = Object.fromEntries(Object.entries(inputs).filter(([k]) => known.has(k)));
    for (const issue of def.rules(toApiBody(def, knownInputs, "create"))) {
      const path = fieldNameOf(def, issue.path);
      if (!known.has(path.split(/[.[]/)[0]!)) continue;
      failures.push({ property: path, reason: `${path} ${inCamelCase(def, issue.message)}` });
    }
  }
  return { inputs, failures };
}

/**
 * zod's default words for a wrong type ("Invalid input: expected number, received string") read as a parser
 * error; say what the property must be and what it got. Only the type is named, never the value: it may
 * be a secret.
 */
function wrongType(issue: { expected?: unknown; path: readonly PropertyKey[] }, value: unknown): string {
  let got: unknown = value;
  for (const key of issue.path) got = (got as Record<PropertyKey, unknown> | undefined)?.[key];
  const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : `a ${typeof v}`);
  const expected = String(issue.expected ?? "another type");
  const article = /^[aeiou]/.test(expected) ? "an" : "a";
  return `must be ${article} ${expected}, not ${kind(got)}`;
}

/** The field behind an API path (`entity_id` -> `entityId`). */
function fieldNameOf(def: Definition, apiPath: string): string {
  const [head, ...rest] = apiPath.split(".");
  const entry = Object.entries(def.fields).find(([name, field]) => apiName(name, field) === head);
  return propertyPath([entry?.[0] ?? head ?? apiPath, ...rest]);
}

/** Messages shared with the API speak its field names; users wrote ours. */
function inCamelCase(def: Definition, message: string): string {
  let out = message;
  for (const [name, field] of Object.entries(def.fields)) {
    out = out.replace(new RegExp(`\\b${apiName(name, field)}\\b`, "g"), name);
  }
  return out;
}

/**
 * An API's 400 names fields the API's way (`tag_ids.0`); the user wrote `tagIds`. The error keeps its class
 * and properties; only its message speaks the resource's terms.
 */
export function inResourceTerms(def: Definition, error: unknown): unknown {
  if (error instanceof RomulusApiError && error.status === 400) setMessage(error, inCamelCase(def, error.message));
  return error;
}

// ----------------------------------------------------------------------------------------------- diff

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  /** The properties that differ, for messages and tests; the host does not forward it. */
  diffs: string[];
  deleteBeforeReplace: boolean;
}

/**
 * Compares the desired inputs with the old outputs, both canonical, with no API call. Always answers
 * `changes`: leaving it undefined makes the engine diff raw inputs, `__provider` included. `importId` is
 * never compared, so removing it after adoption changes nothing.
 */
export function diff(def: Definition, olds: Props, news: Props): DiffResult {
  const diffs: string[] = [];
  const grouped = new Set((def.groups ?? []).flatMap((g) => g.fields));
  for (const [name, field] of Object.entries(def.fields)) {
    if (grouped.has(name)) continue;
    const desired = news[name];
    if (containsUnknown(desired) || !sameValue(comparable(field, desired), comparable(field, olds[name]))) {
      diffs.push(name);
    }
  }
  for (const group of def.groups ?? []) {
    const unknown = group.fields.some((n) => containsUnknown(news[n]));
    const desired = Object.fromEntries(group.fields.map((n) => [n, canonical(def.fields[n]!, news[n])]));
    if (unknown || group.differs(desired, olds)) diffs.push(...group.fields);
  }
  // Without an update, any change is a new object.
  const replaces = def.api.update ? diffs.filter((name) => def.fields[name]?.replaceOnChange) : diffs;
  return { changes: diffs.length > 0, replaces, diffs, deleteBeforeReplace: false };
}

// ------------------------------------------------------------------------------------ API translation

/** The request body for the desired inputs, in the API's field names. */
export function toApiBody(def: Definition, inputs: Props, mode: "create" | "update"): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(def.fields)) {
    if (mode === "update" && field.createOnly) continue;
    if (mode === "create" && field.updateOnly) continue;
    const value = canonical(field, inputs[name]);
    // A create leaves out what is unset; an update replaces the whole object, so it clears explicitly.
    if (value === null && mode === "create") continue;
    body[apiName(name, field)] = snakeKeys(value);
  }
  return body;
}

/** Outputs in canonical form: every input field as the server holds it, plus what the server adds. */
export function toOutputs(def: Definition, answer: ApiObject, organizationId: string | undefined): Props {
  const outs: Props = {};
  for (const [name, field] of Object.entries(def.fields)) {
    const raw = field.fromApi ? field.fromApi(answer) : answer[apiName(name, field)];
    const value = canonical(field, camelKeys(raw));
    if (value !== null) outs[name] = value;
  }
  Object.assign(outs, withoutNulls(def.serverOutputs(answer)));
  if (organizationId) outs[ORGANIZATION_ID] = organizationId;
  return outs;
}

// ----------------------------------------------------------------------------------------------- CRUD

/**
 * Ids this process created or took over: a reconciliation never adopts one of them, so two identical
 * resources of one run never end up sharing an object.
 */
const claimed = new Set<string>();

/** Tries at a create whose answer may have been lost; each is reconciled before the next. */
const CREATE_ATTEMPTS = 3;
/** How far back a reconciliation looks, to allow for clock skew between us and the API. */
const RECONCILE_WINDOW_MS = 5 * 60_000;

export async function create(def: Definition, ctx: Context, inputs: Props): Promise<{ id: string; outs: Props }> {
  const importId = inputs[IMPORT_ID];
  const adopting = typeof importId === "string" && importId ? importId : undefined;
  return writing(
    def,
    ctx.client(),
    adopting,
    () => createObject(def, ctx, inputs),
    (created) => created.id,
  );
}

async function createObject(def: Definition, ctx: Context, inputs: Props): Promise<{ id: string; outs: Props }> {
  const importId = inputs[IMPORT_ID];
  if (typeof importId === "string" && importId) return adopt(def, ctx, importId, inputs);

  const client = ctx.client();
  const body = toApiBody(def, inputs, "create");
  // What a create of these inputs leaves on the server: update-only fields at their defaults.
  const asCreated = Object.fromEntries(Object.entries(inputs).filter(([name]) => !def.fields[name]?.updateOnly));
  const since = new Date(Date.now() - RECONCILE_WINDOW_MS);
  let lastError: unknown;
  for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
    let created: ApiObject;
    try {
      created = await def.api.create(client, body);
      claimed.add(String(created.id)); // never the answer of another resource's lost create
    } catch (error) {
      if (!isMaybeProcessedError(error)) throw error;
      lastError = error;
      // The request went out and its answer was lost: the object may exist. Look before trying again.
      let candidates: ApiObject[];
      try {
        candidates = await def.api.findCreated(client, body, since);
      } catch (lookupError) {
        // Report the create's own failure first: the lookup's endpoint alone would not say what went wrong.
        throw new Error(
          `creating the ${def.noun} failed: ${messageOf(error)}; the ${def.noun} may nevertheless have been ` +
            `created, and looking for it failed too: ${messageOf(lookupError)}. If the next run shows a ` +
            `duplicate, delete one, or adopt it with importId`,
          { cause: error },
        );
      }
      const found = candidates.filter(
        (candidate) =>
          !claimed.has(String(candidate.id)) && !diff(def, toOutputs(def, candidate, undefined), asCreated).changes,
      );
      const adopted = found.at(-1);
      if (!adopted) continue;
      claimed.add(String(adopted.id));
      created = adopted;
    }
    return completeCreate(def, ctx, created, inputs);
  }
  throw lastError;
}

/**
 * What the create body could not set (update-only fields) is set by one update. The object exists by
 * then: if that update fails, the error carries its id and outputs, which the host hands the engine as
 * a resource that was created but failed to initialise. The engine keeps it in the state, and the next
 * `pulumi up` updates it: nothing is left behind unmanaged and no duplicate is created on the retry.
 */
async function completeCreate(
  def: Definition,
  ctx: Context,
  created: ApiObject,
  inputs: Props,
): Promise<{ id: string; outs: Props }> {
  const id = String(created.id);
  const organizationId = await ctx.organizationId();
  const outs = toOutputs(def, created, organizationId);
  const unset = diff(def, outs, inputs).diffs.filter((name) => def.fields[name]?.updateOnly);
  if (unset.length === 0 || !def.api.update) return { id, outs };
  try {
    const updated = await def.api.update(ctx.client(), id, toApiBody(def, inputs, "update"));
    return { id, outs: toOutputs(def, updated, organizationId) };
  } catch (error) {
    const names = unset.join(", ");
    throw new PartiallyCreatedError(
      `the ${def.noun} was created as ${id}, but setting ${names} (which the API's create does not take) ` +
        `failed: ${messageOf(error)}. It is kept in the state; the next pulumi up sets ${names} again`,
      id,
      { ...outs, [PROVIDER_KEY]: inputs[PROVIDER_KEY] },
      { cause: error },
    );
  }
}

/** The key under which the host keeps the serialised provider; a partial state must carry it for delete. */
const PROVIDER_KEY = "__provider";

/**
 * An object that exists but is not yet as declared. `id` and `properties` are what @pulumi/pulumi's
 * dynamic-provider host turns into `ErrorResourceInitFailed`, so the engine records the object.
 */
export class PartiallyCreatedError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "PartiallyCreatedError";
  }
}

/** `importId`: take over an existing object and bring it to the declared state. */
async function adopt(def: Definition, ctx: Context, id: string, inputs: Props): Promise<{ id: string; outs: Props }> {
  const client = ctx.client();
  const existing = await def.api.get(client, id);
  if (!existing) {
    throw new Error(`importId: no ${def.noun} with id ${id} exists in organization ${await ctx.organizationId()}`);
  }
  const { diffs } = diff(def, toOutputs(def, existing, undefined), inputs);
  if (diffs.length === 0) return { id, outs: toOutputs(def, existing, await ctx.organizationId()) };
  if (!def.api.update) {
    throw new Error(
      `importId: ${def.noun} ${id} differs from the program in ${diffs.join(", ")}, and the API cannot update a ` +
        `${def.noun}; declare the values it has, or remove importId to create a new one`,
    );
  }
  const updated = await def.api.update(client, id, toApiBody(def, inputs, "update"));
  return { id, outs: toOutputs(def, updated, await ctx.organizationId()) };
}

/**
 * Refresh: the live object in the same canonical form as the outputs, so an out-of-band edit shows as
 * drift. A 404 answers an empty id (the object leaves the state), unless the credentials now point at
 * another organization than the one that owns the object: that is a configuration error, not a deletion.
 */
export async function read(
  def: Definition,
  ctx: Context,
  id: string,
  props: Props,
): Promise<{ id: string; props: Props }> {
  // `Resource.get(name, id)` reads with whatever id it was given: refused here with the resource's name
  // rather than as a client error naming an endpoint.
  const problem = idProblem(id);
  if (problem !== undefined) throw new Error(`${def.kind} id ${problem}`);
  const live = await readLive(def, ctx.client(), id);
  const current = await ctx.organizationId();
  if (!live) {
    const owner = props[ORGANIZATION_ID];
    if (typeof owner === "string" && owner !== current) {
      throw new Error(
        `${def.noun} ${id} belongs to organization ${owner}, but the configured credentials are for organization ` +
          `${current}. Check romulus:apiKey and romulus:environment (or romulus:endpoint) for this stack; the ` +
          "object is not reported as deleted.",
      );
    }
    return { id: "", props: {} };
  }
  return { id, props: toOutputs(def, live, current) };
}

/** One request with the complete desired object; returns the complete outputs (nothing may be lost). */
export async function update(def: Definition, ctx: Context, id: string, news: Props): Promise<{ outs: Props }> {
  if (!def.api.update) throw new Error(`${def.kind} cannot be updated in place; every change replaces it`);
  const client = ctx.client();
  const updated = await writing(def, client, id, () => def.api.update!(client, id, toApiBody(def, news, "update")));
  return { outs: toOutputs(def, updated, await ctx.organizationId()) };
}

export async function remove(def: Definition, ctx: Context, id: string): Promise<void> {
  const client = ctx.client();
  await writing(def, client, id, () => def.api.delete(client, id));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
