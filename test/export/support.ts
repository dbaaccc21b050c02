/**
 * What the export suites share: an organization seeded through the API with contacts and subscriptions of
 * every shape, and the exported index.ts run as the program it is.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import type { Emulator } from "../examples/support";
import { emulator as emu, romulus } from "../support/package";

export const ORG = emu.DEFAULT_ORGANIZATION_ID;
export const KEY = emu.DEFAULT_API_KEY;
export const exporter: typeof import("../../src/export/export") = require("../../dist/export/export");
export const HOOKS = "https://hooks.example.com";
/** A URL that carries a token: the export keeps it in the stack config, never in index.ts. */
export const TOKEN_URL = `${HOOKS}/calls?token=s3cret-t0ken`;

const FIRST = ["Ada", "Grace", "Katherine", "José", "Zoë", "Émile", "Alan", "Hedy", "Mary", "Edsger", "Barbara"];
const LAST = ["Lovelace", "Hopper", "Johnson", "Núñez", "O'Brien", "Turing", "Lamarr", "Jackson", "Dijkstra"];
const TAGS = ["vip", "pioneers", "newsletter", "Customers 2026", "lead:warm", "Église"];
const PHONE_LABELS = ["MOBILE", "HOME", "JOB", undefined, "PRIMARY", "EXTENSION"] as const;
const EMAIL_LABELS = ["JOB", "HOME", undefined, "PRIMARY"] as const;

/**
 * The body of the i-th seeded contact: two or three phones and emails, one or two addresses with some
 * fields missing, two or three tags, labels sometimes left to the server's default, names repeating (keys
 * `-2`, `-3`) and with accents.
 */
export function contactBody(i: number) {
  const first = FIRST[i % FIRST.length] as string;
  const last = i % 13 === 0 ? undefined : LAST[i % LAST.length];
  const phones = Array.from({ length: 2 + (i % 2) }, (_, k) => ({
    number: `+1202${String(1_000_000 + i * 3 + k).slice(1)}`,
    ...(PHONE_LABELS[(i + k) % PHONE_LABELS.length] ? { label: PHONE_LABELS[(i + k) % PHONE_LABELS.length] } : {}),
  }));
  const emails = Array.from({ length: 2 + (i % 3 === 0 ? 1 : 0) }, (_, k) => ({
    email: `${first.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()}.${i}.${k}@example.com`,
    ...(EMAIL_LABELS[(i + k) % EMAIL_LABELS.length] ? { label: EMAIL_LABELS[(i + k) % EMAIL_LABELS.length] } : {}),
  }));
  const addresses = [
    { street: `${i} Main Street`, city: "Springfield", postal_code: String(10_000 + i), country: "US" },
    ...(i % 2 === 0 ? [{ address_line: `Flat ${i}`, city: "London", province: "Greater London", country: "GB" }] : []),
  ];
  const tags = [
    TAGS[i % TAGS.length],
    TAGS[(i + 2) % TAGS.length],
    ...(i % 4 === 0 ? [TAGS[(i + 3) % TAGS.length]] : []),
  ];
  return {
    first_name: first,
    ...(last ? { last_name: last } : {}),
    ...(i % 3 === 1 ? { job_title: "Engineer, Platform" } : {}),
    ...(i % 5 === 2 ? { company_name: 'The "Analytical" Engines' } : {}),
    ...(i % 7 === 3 ? { website: `https://example.com/${i}` } : {}),
    phones,
    emails,
    addresses,
    tags: tags as string[],
  };
}

/** Seeds `contacts` contacts and one subscription of every shape through the API; answers their ids. */
export async function seedOrganization(server: Emulator, contacts: number) {
  const client = new romulus.RomulusClient({ apiKey: KEY, endpoint: server.url });
  const agentId = String(server.objects(ORG, "agents")[0]!.id);
  const robocallId = String(server.objects(ORG, "robocall-configurations")[0]!.id);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < contacts) await client.contacts.create(contactBody(next++));
    }),
  );
  const hooks = client.webhookSubscriptions;
  await hooks.create({ event: "AGENT_CALL_COMPLETED", url: TOKEN_URL, entity_type: "AGENT", entity_id: agentId });
  await hooks.create({
    event: "AGENT_ACTION_COMPLETED",
    url: `${HOOKS}/appointments`,
    specifications: { ACTION_TYPE: "APPOINTMENT" },
    attempts: 5,
    attempts_interval_seconds: 30,
  });
  await hooks.create({
    event: "AGENT_ACTION_COMPLETED",
    url: `${HOOKS}/actions`,
    specifications: { ACTION_ID: "act-42" },
  });
  const disabled = await hooks.create({ event: "AGENT_CALL_COMPLETED", url: `${HOOKS}/paused` });
  await hooks.update(disabled.id, {
    status: "DISABLED",
    url: disabled.url,
    attempts: 1,
    attempts_interval_seconds: 60,
  } as never);
  // The same URL twice: resource names must still differ.
  await hooks.create({ event: "AGENT_CALL_COMPLETED", url: `${HOOKS}/appointments` });
  await client.callTaskWebhookSubscriptions.create({
    url: `${HOOKS}/robocalls`,
    entity_type: "robocall",
    entity_id: robocallId,
  });
  await client.callTaskWebhookSubscriptions.create({ url: `${HOOKS}/robocalls`, entity_type: "robocall" });
  server.resetCounters();
  return { agentId, robocallId, disabledId: disabled.id };
}

/**
 * The exported index.ts as the program function the harness runs: the file's own text, compiled by
 * TypeScript as `pulumi up` compiles it, with `pulumi-romulus` and `@pulumi/pulumi` resolved to the copies
 * the harness mocks (as the program folder's node_modules resolves them).
 */
export function exportedProgram(dir: string): () => void {
  const file = path.join(dir, "index.ts");
  const js = ts.transpileModule(fs.readFileSync(file, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true },
    fileName: file,
  }).outputText;
  const modules: Record<string, unknown> = { "pulumi-romulus": romulus, "@pulumi/pulumi": pulumi, "node:path": path };
  const load = (id: string) => {
    if (id in modules) return modules[id];
    throw new Error(`${file} requires ${id}, which an exported program should not need`);
  };
  return () => {
    const module = { exports: {} };
    new Function("require", "module", "exports", "__dirname", "__filename", js)(
      load,
      module,
      module.exports,
      dir,
      file,
    );
  };
}

/** Requests per API route (the counters also hold a total and fault counts, left out). */
export function requests(server: Emulator): Record<string, number> {
  return Object.fromEntries(Object.entries(server.counters()).filter(([route]) => / \//.test(route)));
}
