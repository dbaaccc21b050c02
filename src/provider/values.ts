/**
 * Plain-value helpers the engine needs on both sides of the wire: the preview "unknown" sentinel and
 * structural equality. The API's snake_case versus our camelCase is models/case.ts.
 */

/** What the engine sends for a value not known during preview (`@pulumi/pulumi/runtime/rpc.js`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Deep equality of JSON-like values where a missing key and a null value mean the same thing. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null) return b === undefined || b === null;
  if (b === undefined || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  if (typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const k of keys) if (!sameValue(ra[k], rb[k])) return false;
    return true;
  }
  return false;
}

/** Drops keys whose value is undefined or null, recursively, so outputs do not list unset fields. */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    ) as T;
  }
  return value;
}
