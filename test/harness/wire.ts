/**
 * The property-value wire format the Pulumi engine and the dynamic-provider host exchange inside
 * `google.protobuf.Struct`s: plain JSON plus two in-band markers (secret wrappers and the preview
 * unknown sentinel). Shared by program.ts, host.ts and engine.ts so all three agree byte for byte.
 */

/** Any JSON value as it travels in a Struct. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A resource's inputs or outputs. */
export type PropertyMap = { [key: string]: Json };

/** Signature key of a secret wrapper (`runtime/rpc.js` specialSigKey). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** Signature value that marks the wrapper as a secret (`runtime/rpc.js` specialSecretSig). */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** What the engine sends in place of values it cannot know during a preview (`runtime/rpc.js` unknownValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface SecretWrapper {
  [SIG_KEY]: typeof SECRET_SIG;
  value: Json;
  [key: string]: Json;
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isSecret(v: Json | undefined): v is SecretWrapper {
  return isObject(v) && v[SIG_KEY] === SECRET_SIG;
}

/** Wraps a value as a secret; never double-wraps (the engine's MakeSecret is idempotent too). */
export function makeSecret(v: Json): SecretWrapper {
  return isSecret(v) ? v : { [SIG_KEY]: SECRET_SIG, value: v };
}

/** Removes every secret wrapper, recording where they were (paths like `a.b[0]`, `""` for the root). */
export function unwrapSecrets(v: Json, path = "", found: string[] = []): { value: Json; secretPaths: string[] } {
  if (isSecret(v)) {
    found.push(path);
    return unwrapSecrets(v.value, path, found);
  }
  if (Array.isArray(v)) {
    return { value: v.map((x, i) => unwrapSecrets(x, `${path}[${i}]`, found).value), secretPaths: found };
  }
  if (isObject(v)) {
    const out: PropertyMap = {};
    for (const [k, x] of Object.entries(v)) out[k] = unwrapSecrets(x, path ? `${path}.${k}` : k, found).value;
    return { value: out, secretPaths: found };
  }
  return { value: v, secretPaths: found };
}

/** The engine strips secret markers before every CRUD call because the host reports acceptSecrets=false. */
export function stripSecrets(map: PropertyMap): PropertyMap {
  return unwrapSecrets(map).value as PropertyMap;
}

/**
 * Mirrors the engine's annotateSecrets (provider_plugin.go, the 913-929 block cited in the notes): an
 * output whose key matches a secret input becomes secret, recursing where both sides are objects. New
 * output keys are left alone, which is exactly the leak `additionalSecretOutputs` exists for.
 */
export function annotateSecrets(outs: PropertyMap, ins: PropertyMap): PropertyMap {
  const result: PropertyMap = { ...outs };
  for (const [k, inValue] of Object.entries(ins)) {
    if (!(k in result)) continue;
    const outValue = result[k] as Json;
    if (isSecret(inValue)) {
      result[k] = makeSecret(outValue);
    } else if (isObject(inValue) && isObject(outValue) && !isSecret(outValue)) {
      result[k] = annotateSecrets(outValue, inValue);
    }
  }
  return result;
}

/** Applies `additionalSecretOutputs` the way the engine does (top-level keys only). */
export function markSecretKeys(outs: PropertyMap, keys: readonly string[]): PropertyMap {
  const result: PropertyMap = { ...outs };
  for (const k of keys) {
    if (k in result) result[k] = makeSecret(result[k] as Json);
  }
  return result;
}

/** Top-level keys whose value is secret-wrapped. */
export function secretKeys(map: PropertyMap): string[] {
  return Object.keys(map).filter((k) => isSecret(map[k]));
}

export function containsUnknown(v: Json): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (isObject(v)) return Object.values(v).some(containsUnknown);
  return false;
}

/** Structural equality on wire values (key order does not matter, secret-ness does). */
export function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}
