import type { z } from "zod";
import { toSnake } from "../../models/case";

/** A key of the caller's input that the request schema has no field for. */
export interface UnknownKey {
  /** Where the key is, the key itself included: `["contact_data", "nmae"]`. */
  path: PropertyKey[];
  key: string;
  /** The fields the object at that place does take. */
  known: readonly string[];
}

/**
 * Every key of `value`, at any depth, that `schema` has no field for.
 *
 * Why this exists: request schemas are ordinary `z.object`s, which strip unknown keys without a word, so
 * a misspelt filter (`stauts`) or field (`job_tilte`) would vanish and the request would do something
 * else than asked (return every call, lose the job title). The schemas themselves stay as they are: the
 * emulator parses what it receives with them, and a well-run API tolerates fields it does not know. The
 * client is the one that knows the caller meant something by the key, so it checks them here, against the
 * same shapes, before sending.
 *
 * Every object is closed, loose ones included: in a request schema an object is loose only because its
 * shape is shared with a response (`contact_data`, whose fields the reference lists). Records
 * (`z.record`) are maps and take any key.
 */
export function unknownKeys(schema: z.core.$ZodType, value: unknown): UnknownKey[] {
  const found: UnknownKey[] = [];
  walk(schema, value, [], found);
  return found;
}

function walk(schema: z.core.$ZodType, value: unknown, path: PropertyKey[], found: UnknownKey[]): void {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  switch (def.type) {
    case "object": {
      if (!isRecord(value)) return;
      const known = Object.keys(def.shape);
      for (const [key, inner] of Object.entries(value)) {
        // Own keys only: `toString` or `__proto__` in the input is not a field because Object.prototype has it.
        const field = Object.hasOwn(def.shape, key) ? def.shape[key] : undefined;
        if (field === undefined) found.push({ path: [...path, key], key, known });
        else walk(field, inner, [...path, key], found);
      }
      return;
    }
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "nonoptional":
    case "readonly":
    case "catch":
      walk(def.innerType, value, path, found);
      return;
    case "pipe":
      // What the caller writes is the pipe's input; a transform's output is ours.
      walk(def.in, value, path, found);
      return;
    case "lazy":
      walk(def.getter(), value, path, found);
      return;
    case "array":
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          walk(def.element, item, [...path, i], found);
        });
      }
      return;
    case "tuple":
      if (!Array.isArray(value)) return;
      value.forEach((item, i) => {
        const element = def.items[i] ?? def.rest;
        if (element) walk(element, item, [...path, i], found);
      });
      return;
    case "record":
      if (isRecord(value))
        for (const [key, inner] of Object.entries(value)) walk(def.valueType, inner, [...path, key], found);
      return;
    case "union":
      found.push(...bestOption(def.options, value, path));
      return;
    case "intersection": {
      // A key is unknown only if neither side takes it.
      const left = new Map(collect(def.left, value, path).map((u) => [u.path.join("\u0000"), u]));
      for (const u of collect(def.right, value, path)) {
        const same = left.get(u.path.join("\u0000"));
        if (same) found.push({ ...u, known: [...new Set([...same.known, ...u.known])] });
      }
      return;
    }
    default:
      return;
  }
}

function collect(schema: z.core.$ZodType, value: unknown, path: PropertyKey[]): UnknownKey[] {
  const out: UnknownKey[] = [];
  walk(schema, value, path, out);
  return out;
}

/**
 * The unknown keys of the union option the value is meant for: among the options it satisfies (unknown
 * keys are stripped, so a typo alone does not make it fail), the one with the fewest unknown keys. When it
 * satisfies none, validation reports that anyway; the closest option's unknown keys still help.
 */
function bestOption(options: readonly z.core.$ZodType[], value: unknown, path: PropertyKey[]): UnknownKey[] {
  let best: UnknownKey[] | undefined;
  let bestFits = false;
  for (const option of options) {
    const fits = fitsOption(option, value);
    const keys = collect(option, value, path);
    if (best === undefined || (fits && !bestFits) || (fits === bestFits && keys.length < best.length)) {
      best = keys;
      bestFits = fits;
    }
    if (fits && keys.length === 0) break;
  }
  return best ?? [];
}

function fitsOption(schema: z.core.$ZodType, value: unknown): boolean {
  const result = schema["~standard"].validate(value);
  // An async refinement cannot be judged here; the option stays a candidate.
  return result instanceof Promise || result.issues === undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The field a misspelt or mis-cased key most likely meant: `jobTitle` -> `job_title`, `stauts` ->
 * `status`. Undefined when nothing is close enough to be a fair guess.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  // Lower case even where toSnake keeps a key's upper case (`ACTION_ID`): the names are compared that way.
  const snake = toSnake(key).toLowerCase();
  const exact = known.find((k) => k === snake || k.toLowerCase() === key.toLowerCase());
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(snake, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Two edits in a long name is a typo; two in a four-letter one is another word.
  const allowed = Math.min(2, Math.floor(snake.length / 4));
  return bestDistance <= Math.max(1, allowed) ? best : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    const row = d[i]!;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, at(i - 2, j - 2) + 1);
      row[j] = value;
    }
  }
  return at(a.length, b.length);
}
