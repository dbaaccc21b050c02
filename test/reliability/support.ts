/**
 * Shared by the reliability suites: distinctive API keys (so a scan for them cannot be fooled by a prefix),
 * the emulator's request counters narrowed to API routes, and the scan for a key in anything a user or a
 * log could see.
 */
import type { Counters } from "../../src/emulator";
import { isSecret, type Json } from "../harness/wire";
import { emulator as emu } from "../support/package";

/** Distinctive keys: neither is a prefix of the other, and neither appears in any fixture. */
export const API_KEY = "rk-reliability-5f2c9a7e31d84b06";
export const OTHER_KEY = "rk-reliability-other-9b1e4d7c20a5";
export const ORG = emu.DEFAULT_ORGANIZATION_ID;
export const OTHER_ORG = emu.SECOND_ORGANIZATION_ID;
export const API_KEYS = [
  { key: API_KEY, organizationId: ORG },
  { key: OTHER_KEY, organizationId: OTHER_ORG },
];

/** API requests per route (`POST /v2/contacts`), without `total` and `faults.*`. */
export function apiRequests(counters: Counters): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).filter(([route]) => / \//.test(route)));
}

/** Requests the emulator received for API routes, whatever their outcome. */
export function apiRequestCount(counters: Counters): number {
  return Object.values(apiRequests(counters)).reduce((a, b) => a + b, 0);
}

/**
 * Every form in which a key could leak into text: raw, JSON-escaped and percent-encoded (the forms the
 * transport's redactor removes), and its base64 (a Basic header someone might build).
 */
export function keyForms(key: string): string[] {
  return [key, JSON.stringify(key).slice(1, -1), encodeURIComponent(key), Buffer.from(key).toString("base64")];
}

/** The keys (by label) found in any of the texts; empty when nothing leaked. */
export function leakedKeys(texts: readonly string[], keys: readonly string[] = [API_KEY, OTHER_KEY]): string[] {
  const leaks: string[] = [];
  for (const key of keys) {
    for (const form of keyForms(key)) {
      const where = texts.findIndex((t) => t.includes(form));
      if (where >= 0)
        leaks.push(`${key} (as ${JSON.stringify(form)}) in text #${where}: ${texts[where]!.slice(0, 200)}`);
    }
  }
  return leaks;
}

/**
 * State as the checkpoint stores it: the engine encrypts every secret-wrapped value, so those are no leak.
 * Anything outside a wrapper is stored in clear text, and is what the key scan must look at.
 */
export function encrypted(value: Json): Json {
  if (isSecret(value)) return "[encrypted]";
  if (Array.isArray(value)) return value.map(encrypted);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encrypted(v)]));
  }
  return value;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const causes = (error as { causes?: unknown[] }).causes ?? [];
    return [error.message, ...causes.map((c) => (c instanceof Error ? c.message : String(c)))].join("\n");
  }
  return String(error);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 10 ms until it holds or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
