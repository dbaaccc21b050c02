import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The vendor reference's examples, copied verbatim: one file per example. */
export const FIXTURES = [
  "agent-call-completed",
  "agent-action-completed-call-forwarding",
  "agent-action-completed-data-extraction",
  "agent-action-completed-whats-app-message",
  "agent-action-completed-appointment",
  "robocall-result",
] as const;
export type FixtureName = (typeof FIXTURES)[number];

const FIXTURE_DIR = join(__dirname, "..", "fixtures", "webhooks");

export function fixtureText(name: FixtureName): string {
  return readFileSync(join(FIXTURE_DIR, `${name}.json`), "utf8");
}

/** A fresh parsed copy each time, so tests can mutate it. */
export function fixture(name: FixtureName): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}
