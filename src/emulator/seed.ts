import { readFileSync } from "node:fs";
import defaultSeedJson from "./default-seed.json";
import { ALL_KINDS, isKind, type StateSnapshot } from "./model/store";

/**
 * Seed data: what the emulator holds when it starts without a state file, and what `reset()` returns to.
 *
 * Format (the same as a `--state` file; `--seed FILE` / `seed` replaces the default seed entirely):
 *
 * ```json
 * {
 *   "version": 1,
 *   "organizations": {
 *     "emulator-org": {
 *       "agents": [{ "id": "…", "name": "Sales Agent", "type": "OUTBOUND", … }],
 *       "whatsapp-bots": [{ "id": "…", "name": "…", "templates": [{ "id": "…", "name": "…", "language": "en", "status": "approved", "components": [] }] }],
 *       "robocall-configurations": [{ "id": "…", "name": "…", "success_criteria": "call_answered", "retry_config": {…}, "dnd_config": {…} }],
 *       "calls": [ … ], "campaigns": [{ "id": "…", "name": "…" }], "contacts": [ … ], "tags": [ … ],
 *       "webhook-subscriptions": [ … ], "call-task-webhook-subscriptions": [ … ], "agent-call-tasks": [ … ],
 *       "robocall-tasks": [ … ], "campaign-call-tasks": [ … ], "whatsapp-messages": [ … ]
 *     }
 *   }
 * }
 * ```
 *
 * Each kind is an array of objects in the API's response shape, each with an `id` (robocall task ids are
 * integers). Every kind is optional; objects are stored as given (no validation beyond the id), so a seed
 * can hold what the dashboard would have created. API keys are not part of the seed: they map keys to
 * organization ids (`apiKeys` option, `--api-key KEY:ORG`).
 *
 * The default seed has two organizations with the same names but different ids (for sandbox → production
 * promotion demos): `emulator-org` and `emulator-org-2`, each with three agents (Sales Agent OUTBOUND,
 * Support Agent INBOUND, Appointment Agent OUTBOUND), two WhatsApp bots (the "Sales WA bot" has
 * `welcome_message` in English and in Italian), two robocall configurations, four calls and one campaign.
 */
export const DEFAULT_SEED: StateSnapshot = defaultSeedJson as StateSnapshot;

/** Checks the shape of a seed (or state) document, raising an error that names the offending place. */
export function validateSeed(value: unknown, where = "seed"): StateSnapshot {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${where}: must be a JSON object with "organizations"`);
  }
  const orgs = (value as { organizations?: unknown }).organizations;
  if (orgs === null || typeof orgs !== "object" || Array.isArray(orgs)) {
    throw new Error(`${where}: "organizations" must be an object mapping organization ids to their objects`);
  }
  for (const [org, kinds] of Object.entries(orgs as Record<string, unknown>)) {
    if (kinds === null || typeof kinds !== "object" || Array.isArray(kinds)) {
      throw new Error(`${where}: organizations.${org} must be an object of kinds`);
    }
    for (const [kind, objects] of Object.entries(kinds as Record<string, unknown>)) {
      if (!isKind(kind))
        throw new Error(`${where}: organizations.${org}.${kind}: unknown kind (${ALL_KINDS.join(", ")})`);
      if (!Array.isArray(objects)) throw new Error(`${where}: organizations.${org}.${kind} must be an array`);
      objects.forEach((o: unknown, i) => {
        const id = (o as { id?: unknown } | null)?.id;
        if (o === null || typeof o !== "object" || (typeof id !== "string" && typeof id !== "number")) {
          throw new Error(`${where}: organizations.${org}.${kind}.${i} must be an object with a string or integer id`);
        }
      });
    }
  }
  return { version: 1, ...(value as object) } as StateSnapshot;
}

/** A seed given as an object, a file path, or nothing (the default seed). */
export function loadSeed(seed: object | string | undefined): StateSnapshot {
  if (seed === undefined) return DEFAULT_SEED;
  if (typeof seed === "string") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(seed, "utf8"));
    } catch (err) {
      throw new Error(`cannot read seed file ${seed}: ${(err as Error).message}`);
    }
    return validateSeed(parsed, seed);
  }
  return validateSeed(seed);
}
