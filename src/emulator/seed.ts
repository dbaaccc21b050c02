import { readFileSync } from "node:fs";
import { z } from "zod";
import defaultSeedJson from "./default-seed.json";
import { shapeOf } from "./model/shapes";
import { ALL_KINDS, type StateSnapshot } from "./model/store";

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
 * integers). Every kind is optional; each object must have its kind's response shape (model/shapes.ts:
 * lenient, unknown fields kept) and is stored as given, so a seed
 * can hold what the dashboard would have created. API keys are not part of the seed: they map keys to
 * organization ids (`apiKeys` option, `--api-key KEY:ORG`).
 *
 * The default seed has two organizations with the same names but different ids (for sandbox → production
 * promotion demos): `emulator-org` and `emulator-org-2`, each with three agents (Sales Agent OUTBOUND,
 * Support Agent INBOUND, Appointment Agent OUTBOUND), two WhatsApp bots (the "Sales WA bot" has
 * `welcome_message` in English and in Italian), two robocall configurations, four calls and one campaign.
 */
export const DEFAULT_SEED: StateSnapshot = defaultSeedJson as StateSnapshot;

const SNAPSHOT = z.object({
  version: z.literal(1).optional(),
  organizations: z.record(
    z.string(),
    z.strictObject(Object.fromEntries(ALL_KINDS.map((k) => [k, z.array(shapeOf(k)).optional()]))),
  ),
  sequences: z.record(z.string(), z.number().int()).optional(),
});
/**
 * Checks the shape of a seed or state document, raising an error that names the offending place
 * (`organizations.emulator-org.contacts.0.phones: …`): each object needs an id and its kind's shape
 * (model/shapes.ts). Answers the document itself, not zod's copy (which would turn an organization
 * named `__proto__` into a prototype).
 */
export function validateSnapshot(value: unknown, where: string): StateSnapshot {
  const result = SNAPSHOT.safeParse(value, { reportInput: true });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const at = issue.path.length === 0 ? "the document" : issue.path.map(String).join(".");
    let message: string;
    if (issue.code === "unrecognized_keys")
      message = `unknown kind(s) ${issue.keys.join(", ")} (kinds: ${ALL_KINDS.join(", ")})`;
    else if (issue.path.length === 0) message = 'must be a JSON object with "organizations"';
    else if (issue.path.at(-1) === "organizations")
      message = "must be an object mapping organization ids to their objects";
    else message = issue.message;
    throw new Error(`${where}: ${at}: ${message}`);
  }
  const doc = value as StateSnapshot;
  return doc.version === 1 ? doc : { ...doc, version: 1 };
}

/** Checks the shape of a seed document (see validateSnapshot). */
export function validateSeed(value: unknown, where = "seed"): StateSnapshot {
  return validateSnapshot(value, where);
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
