import type { z } from "zod";
import type { RomulusClient } from "../client";
import { type Camelized, type CamelKey, camelSchema, toCamel, toSnake } from "../models/case";
import type { RuleIssue } from "../models/common";

/**
 * How a resource is declared: once, field by field, the way pulumi-go-provider's `infer` does it. The
 * generic engine (engine.ts) derives check, diff, normalisation, the API bodies and the outputs from this.
 * A newcomer finds everything about one field (its schema, API name, default, canonical form, how it is
 * compared and whether it forces replacement) in the resource's own file.
 */
export interface FieldSpec {
  /** Validation of the user's value (camelCase shape), with messages that say what is expected. */
  schema: z.ZodType;
  /** The API's name for the field, when it is not simply the snake_case of ours. */
  api?: string;
  /** Where the value is in an API answer, when it is not at `api` (contact tags come back as objects). */
  fromApi?: (answer: Record<string, unknown>) => unknown;
  /** The server default, used when the program leaves the field unset. */
  default?: unknown;
  /**
   * Changing the field means a new object (the API cannot change it in place). Every field of a resource
   * whose API has no update replaces without saying so.
   */
  replaceOnChange?: boolean;
  /**
   * The canonical form of a value, applied to inputs and to what the API answers alike, so the two compare
   * equal when they mean the same thing (labels defaulted, tags sorted). Must be idempotent.
   */
  normalise?: (value: unknown) => unknown;
  /** What diff compares, when that differs from the canonical form (e.g. without server-assigned ids). */
  comparable?: (value: unknown) => unknown;
  /** Sent only on create: the API does not accept it in an update body. */
  createOnly?: boolean;
  /**
   * Not in the API's create body: a new object starts with the server default, so when the program wants
   * another value the create is followed by an update (a subscription declared DISABLED).
   */
  updateOnly?: boolean;
}

/** What a resource says about a field beyond its model's request schema. */
export type FieldExtras = Omit<FieldSpec, "schema">;

/** A field whose schema is typed with what a program gives it, camelCased (`TInput`). */
export type TypedField<TInput> = FieldSpec & { schema: z.ZodType<unknown, TInput> };

/** The fields `fieldsFrom` derives from a request shape `S`, given the resource's `E`xtras. */
export type FieldsFrom<S extends z.ZodRawShape, E> = {
  [K in keyof S & string as CamelKey<K>]: TypedField<
    | Camelized<Exclude<z.input<S[K]>, null>>
    | (CamelKey<K> extends keyof E ? (E[CamelKey<K>] extends { default: unknown } ? undefined : never) : never)
  >;
};

/**
 * A resource's fields from its model's request shape: one field per key, camelCased at every depth, validated
 * by the model's own schema (checks and messages alike), so a field is declared once, in the model. `extras`
 * adds, by field name, what a request schema cannot say (the server default, how values compare...); a
 * field with a default may be left out by the program.
 */
export function fieldsFrom<
  S extends z.ZodRawShape,
  E extends Partial<Record<CamelKey<keyof S & string>, FieldExtras>> = Record<never, never>,
>(shape: S, extras: E & Partial<Record<CamelKey<keyof S & string>, FieldExtras>> = {} as E): FieldsFrom<S, E> {
  const given = extras as Record<string, FieldExtras | undefined>;
  const fields: Record<string, FieldSpec> = {};
  for (const [key, schema] of Object.entries(shape)) {
    const name = toCamel(key);
    const extra = given[name] ?? {};
    const camel = camelSchema(schema as z.ZodType);
    const required = !camel.safeParse(undefined).success;
    fields[name] = { ...extra, schema: required && extra.default !== undefined ? camel.optional() : camel };
  }
  const unknown = Object.keys(given).filter((name) => !(name in fields));
  if (unknown.length > 0) throw new Error(`extras for fields the request does not have: ${unknown.join(", ")}`);
  return fields as FieldsFrom<S, E>;
}

/**
 * Outputs the server adds beyond the inputs: `copied` are API keys taken as they are, camelCased
 * (`created_at` -> `createdAt`); `derived` are computed from the answer. The names are known without an
 * answer, so a resource registers them as its outputs.
 */
export function serverOutputs<
  TApi extends ApiObject,
  const C extends readonly (keyof TApi & string)[],
  N extends string = never,
>(
  copied: C,
  derived: Record<N, (answer: TApi) => unknown> = {} as Record<N, never>,
): ServerOutputs<TApi, CamelKey<C[number]> | N> {
  const names = [...copied.map(toCamel), ...Object.keys(derived)] as (CamelKey<C[number]> | N)[];
  const read = (answer: TApi) => ({
    ...Object.fromEntries(copied.map((key) => [toCamel(key), answer[key]])),
    ...Object.fromEntries(
      Object.entries<(answer: TApi) => unknown>(derived).map(([name, from]) => [name, from(answer)]),
    ),
  });
  return Object.assign(read, { names });
}

/**
 * The server's outputs of an answer, in camelCase, and their `N`ames. Written as a method so that a
 * definition of one API type serves where any definition is expected, as the rest of the definition does.
 */
export type ServerOutputs<TApi, N extends string = string> = { read(answer: TApi): Record<string, unknown> }["read"] & {
  readonly names: readonly N[];
};

/** The args a program gives a resource with these fields, without Inputs: optional where `undefined` is accepted. */
export type ArgsOf<F extends Record<string, FieldSpec>> = Flat<
  { [K in keyof F as undefined extends InputOf<F[K]> ? never : K]: InputOf<F[K]> } & {
    [K in keyof F as undefined extends InputOf<F[K]> ? K : never]?: InputOf<F[K]>;
  }
>;
type InputOf<F> = F extends { schema: z.ZodType<unknown, infer I> } ? I : never;
type Flat<T> = { [K in keyof T]: T[K] };

/** Where a field is in the API's bodies and answers. */
export function apiName(name: string, field: FieldSpec): string {
  return field.api ?? toSnake(name);
}

export interface Failure {
  property: string;
  reason: string;
}

/** What every API object has in common. */
export type ApiObject = { id: string | number } & Record<string, unknown>;

/** The API calls behind one resource type, in the client's own terms. */
export interface ResourceApi<TApi> {
  create(client: RomulusClient, body: Record<string, unknown>): Promise<TApi>;
  /** `undefined` when the object does not exist (404). */
  get(client: RomulusClient, id: string): Promise<TApi | undefined>;
  /** Absent when the API has no update: every change then replaces the object. */
  update?(client: RomulusClient, id: string, body: Record<string, unknown>): Promise<TApi>;
  /** Resolves when the object is gone, including when it already was (404). */
  delete(client: RomulusClient, id: string): Promise<void>;
  /**
   * Objects like `body` created since `since`: what a create whose answer was lost may have left behind.
   * The engine keeps only exact matches, so this may return more.
   */
  findCreated(client: RomulusClient, body: Record<string, unknown>, since: Date): Promise<TApi[]>;
  /**
   * How reads that arrive together are answered with one request instead of one each (see reads.ts).
   * Absent: every read is a `get`.
   */
  readMany?: ReadMany<TApi>;
}

/**
 * Many objects in one request. Whatever it answers must be exactly what `get` answers for the same object;
 * an answer it cannot give that way (a field missing, a filter ignored) it refuses by throwing, and the
 * reads fall back to `get`. An id absent from its answer is confirmed with `get` before a read reports it gone.
 */
export type ReadMany<TApi> =
  /** Up to `max` objects by id (contacts search with `ids`). */
  | { by: "ids"; max: number; read(client: RomulusClient, ids: string[]): Promise<TApi[]> }
  /** Every object, in one walk of the list, shared by the reads that arrive while it is fresh. */
  | { by: "list"; read(client: RomulusClient): Promise<TApi[]> };

/** Thrown by `readMany.read` for an answer it cannot give as `get` would; the reads fall back to `get`. */
export class ReadManyRefusedError extends Error {
  override readonly name = "ReadManyRefusedError";
}

export interface ResourceDefinition<TApi extends ApiObject = ApiObject> {
  /** The class name, also the Pulumi type `pulumi-nodejs:dynamic/romulus:<kind>`. */
  kind: string;
  /** What the vendor calls it, for messages ("webhook subscription"). */
  noun: string;
  fields: Record<string, FieldSpec>;
  /**
   * Rules across fields, on the create body in the API's names (the same functions the client and the
   * emulator use). Unknown values are left out of the body they see.
   */
  rules?(body: Record<string, unknown>): RuleIssue[];
  /**
   * Fields compared together because their meaning spans several of them (a contact's tags, given by name
   * and by id, come back as one list). `differs` gets the canonical desired inputs and the old outputs.
   */
  groups?: Array<{
    fields: string[];
    differs(desired: Record<string, unknown>, actual: Record<string, unknown>): boolean;
  }>;
  /** Outputs the server adds beyond the inputs (createdAt, source, ...), in camelCase. */
  serverOutputs: ServerOutputs<TApi>;
  api: ResourceApi<TApi>;
}

export function defineResource<TApi extends ApiObject>(definition: ResourceDefinition<TApi>): ResourceDefinition<TApi> {
  for (const [name, field] of Object.entries(definition.fields)) {
    if (field.updateOnly && (field.createOnly || !definition.api.update)) {
      throw new Error(`${definition.kind}.${name}: an update-only field needs an update that takes it`);
    }
  }
  return definition;
}
