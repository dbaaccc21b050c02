import type { z } from "zod";

/**
 * The API speaks snake_case (`address_line`); the package speaks camelCase (`addressLine`) to users, in
 * resources and data sources alike. This is the one converter between the two, at the value level
 * (`toCamel`, `camelKeys`, `camelized`), the type level (`CamelKey`, `Camelized`) and for zod schemas
 * (`camelSchema`). Keys the API spells in upper case (`ACTION_ID`) are names, not words: they stay as
 * they are both ways.
 */

/** `address_line` -> `addressLine`; only all-lower-case keys are converted, so `ACTION_ID` survives. */
export function toCamel(key: string): string {
  return /^[a-z0-9_]+$/.test(key) ? key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : key;
}

/** `addressLine` -> `address_line`; keys the API spells in upper case (`ACTION_ID`) stay as they are. */
export function toSnake(key: string): string {
  return /[a-z]/.test(key) ? key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase() : key;
}

/** `toCamel` at the type level: `CamelKey<"address_line">` is `"addressLine"`. */
export type CamelKey<K extends string> =
  K extends Lowercase<K> ? (K extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelKey<Tail>>}` : K) : K;

/**
 * An API object as the package hands it to users: the keys its model declares (no index signature),
 * camelCased at every depth, and `null` (the API's "not set") as `undefined`.
 */
export type Camelized<T> = T extends string | number | boolean | bigint | symbol
  ? T // before `object`: a branded string (`string & {}`, see OpenEnum) stays a string
  : T extends readonly (infer U)[]
    ? Camelized<U>[]
    : T extends object
      ? {
          [K in keyof T as string extends K ? never : K extends string ? CamelKey<K> : never]: Camelized<
            Exclude<T[K], null>
          >;
        }
      : T;

/**
 * `true` when `A` and `B` are assignable both ways. A hand-written public interface, which carries the
 * documentation users read, is held with it to the type derived from its model.
 */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? SameKeys<A, B> : false) : false;

/** Assignability lets an optional key be missing on either side: the names are compared at every depth. */
type SameKeys<A, B> = [A] extends [readonly (infer X)[]]
  ? [B] extends [readonly (infer Y)[]]
    ? SameKeys<X, Y>
    : false
  : [A] extends [object]
    ? [B] extends [object]
      ? [keyof A, keyof B] extends [keyof B, keyof A]
        ? false extends { [K in keyof A & keyof B]: SameKeys<NonNullable<A[K]>, NonNullable<B[K]>> }[keyof A & keyof B]
          ? false
          : true
        : false
      : true
    : true;
/** Compiles only for `true`: `type _ = Assert<Same<GetAgentResult, Camelized<Agent>>>`. */
export type Assert<T extends true> = T;

/** Every key of a JSON-like value converted with `convert`, at every depth. */
function convertKeys(value: unknown, convert: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => convertKeys(v, convert));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [convert(k), convertKeys(v, convert)]));
  }
  return value;
}

/** Every key camelCased, at every depth (an API answer the engine turns into outputs). */
export const camelKeys = (value: unknown): unknown => convertKeys(value, toCamel);
/** Every key snake_cased, at every depth (inputs the engine turns into a request body). */
export const snakeKeys = (value: unknown): unknown => convertKeys(value, toSnake);

type Def = { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; innerType?: z.ZodType };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * The value as its model declares it, camelCased: the keys the model's objects declare (what the vendor
 * adds beyond them is left out), `null` as `undefined`. A part the model leaves open (`z.unknown()`) is
 * passed on as the API sent it.
 */
export function camelized<S extends z.ZodType>(model: S, value: z.output<S>): Camelized<z.output<S>> {
  return project(model, value) as Camelized<z.output<S>>;
}

function project(schema: z.ZodType, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  const def = defOf(schema);
  if (def.innerType) return project(def.innerType, value);
  if (def.type === "array" && def.element && Array.isArray(value)) {
    return value.map((v: unknown) => project(def.element!, v));
  }
  if (def.type === "object" && def.shape && typeof value === "object") {
    const object = value as Record<string, unknown>;
    return Object.fromEntries(Object.entries(def.shape).map(([k, s]) => [toCamel(k), project(s, object[k])]));
  }
  return value;
}

/**
 * The same schema for the camelCase form of a value: object keys converted at every depth, everything
 * else (checks, messages, strictness) kept, so a resource validates its inputs with the model's own rules.
 */
export function camelSchema(schema: z.ZodType): z.ZodType {
  const def = defOf(schema);
  const clone = (changes: Partial<Def>) => schema.clone({ ...def, ...changes } as never) as z.ZodType;
  if (def.type === "object" && def.shape) {
    return clone({
      shape: Object.fromEntries(Object.entries(def.shape).map(([k, s]) => [toCamel(k), camelSchema(s)])),
    });
  }
  if (def.type === "array" && def.element) return clone({ element: camelSchema(def.element) });
  if (def.innerType && ["optional", "nullable", "default", "nonoptional", "readonly"].includes(def.type)) {
    return clone({ innerType: camelSchema(def.innerType) });
  }
  return schema;
}
