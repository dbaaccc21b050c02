/**
 * Issue 11's round trip: an organization of 1,000 contacts and subscriptions of every shape is exported,
 * and the exported program, run by the real dynamic-provider host over gRPC (test/harness), adopts every
 * object: no POST, PUT or DELETE reaches the API, and a preview with refresh right after shows no change.
 * Once with the YAML contact book, once with the CSV one; an object edited between export and up is the
 * one thing the up changes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Emulator, resourceOps } from "../examples/support";
import { Engine } from "../harness/engine";
import { createProgramDir, type ProgramDir } from "../harness/host";
import { runProgram } from "../harness/program";
import { emulator as emu } from "../support/package";
import { exportedProgram, exporter, KEY, ORG, requests, seedOrganization, TOKEN_URL } from "./support";

const CONTACTS = 1000;
let server: Emulator;
let programDir: ProgramDir;
let tmp: string;
let seeded: Awaited<ReturnType<typeof seedOrganization>>;

beforeAll(async () => {
  server = await emu.startEmulator({ outboundCallCompletionMs: 0 });
  programDir = createProgramDir();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-export-"));
  seeded = await seedOrganization(server, CONTACTS);
}, 120_000);
afterAll(async () => {
  await programDir?.cleanup();
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function exportTo(
  name: string,
  format: "yaml" | "csv",
  only?: Array<"contacts" | "webhooks" | "call-task-webhooks">,
) {
  const out = path.join(tmp, name);
  server.resetCounters();
  const result = await exporter.exportOrganization({
    out,
    format,
    only,
    client: { apiKey: KEY, endpoint: server.url },
  });
  return { out, result, requests: requests(server) };
}

/** A fresh stack (empty state) for the exported program, with the secret URLs in its config. */
function stackFor(out: string, result: Awaited<ReturnType<typeof exporter.exportOrganization>>): Engine {
  const project = path.basename(out);
  const urls = Object.fromEntries(
    [...result.webhooks, ...result.callTaskWebhooks]
      .filter((d) => d.urlConfigKey)
      .map((d) => [`${project}:${d.urlConfigKey}`, TOKEN_URL]),
  );
  return new Engine({
    programDir: programDir.dir,
    project,
    config: { "romulus:endpoint": server.url },
    secretConfig: { "romulus:apiKey": KEY, ...urls },
    parallelism: 16,
    reuseHosts: true,
  });
}

const WRITES = /^(POST|PUT|PATCH|DELETE) (?!\/v2\/contacts\/search$)/;
const writes = (counts: Record<string, number>) => Object.entries(counts).filter(([route]) => WRITES.test(route));

test("subscriptions of every shape: exported with every field, adopted with no write, no change after", async () => {
  const { out, result, requests: exportRequests } = await exportTo("hooks", "yaml", ["webhooks", "call-task-webhooks"]);
  expect(exportRequests).toEqual({
    "GET /v1/me": 1,
    "GET /v1/webhook-subscriptions/search": 1,
    "GET /v1/call-tasks/webhook-subscriptions": 1,
  });
  expect(result.written.sort()).toEqual(["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json"]);
  const index = fs.readFileSync(path.join(out, "index.ts"), "utf8");
  expect(index).not.toContain("s3cret-t0ken");
  expect(index).toContain(`entityId: "${seeded.agentId}"`);
  expect(index).toContain('status: "DISABLED"');
  expect(index).toContain('specifications: { ACTION_ID: "act-42" }');
  expect(index).toContain(`entityId: "${seeded.robocallId}"`);
  expect(result.updates).toEqual([]);
  expect(result.skipped).toEqual([]);

  const engine = stackFor(out, result);
  try {
    server.resetCounters();
    const up = await engine.upProgram(exportedProgram(out));
    const names = Object.keys(resourceOps(up.steps));
    expect(names).toHaveLength(7);
    expect(new Set(names).size).toBe(7);
    expect(writes(requests(server))).toEqual([]);
    expect(server.objects(ORG, "webhook-subscriptions")).toHaveLength(5);
    const drift = await engine.previewRefreshExpectNoChanges(
      (await runProgram(exportedProgram(out), engine.programOptions())).resources,
    );
    expect(drift.changes).toEqual([]);
  } finally {
    await engine.close();
  }
});

/** Exports in `format`, applies the export to a fresh stack, and checks the adoption and the drift check. */
async function roundTrip(format: "yaml" | "csv", between?: () => void) {
  const { out, result, requests: exportRequests } = await exportTo(format, format);
  // The largest page (200) for contacts, one request per other listing: 5 + 3.
  expect(exportRequests).toEqual({
    "GET /v1/me": 1,
    "POST /v2/contacts/search": CONTACTS / 200,
    "GET /v1/webhook-subscriptions/search": 1,
    "GET /v1/call-tasks/webhook-subscriptions": 1,
  });
  expect(result.contacts).toBe(CONTACTS);
  expect(result.skipped).toEqual([]);
  expect(result.updates).toEqual([]);
  between?.();

  const engine = stackFor(out, result);
  try {
    server.resetCounters();
    const up = await engine.upProgram(exportedProgram(out));
    const contacts = up.state.filter((s) => s.type.endsWith(":Contact"));
    expect(contacts).toHaveLength(CONTACTS);
    expect(new Set(contacts.map((s) => s.id))).toEqual(
      new Set(server.objects(ORG, "contacts").map((c) => String(c.id))),
    );
    expect(server.objects(ORG, "contacts")).toHaveLength(CONTACTS);
    const upRequests = requests(server);
    expect(upRequests["GET /v2/contacts/:contactId"]).toBe(CONTACTS);

    const drift = await engine.previewRefreshExpectNoChanges(
      (await runProgram(exportedProgram(out), engine.programOptions())).resources,
    );
    expect(drift.changes).toEqual([]);
    return { out, upWrites: writes(upRequests) };
  } finally {
    await engine.close();
  }
}

test("YAML: 1,000 contacts and every subscription are adopted with no POST, PUT or DELETE, and no change after", async () => {
  const { out, upWrites } = await roundTrip("yaml");
  expect(upWrites).toEqual([]);
  const book = fs.readFileSync(path.join(out, "contacts.yaml"), "utf8");
  expect(book).toContain("- key: ada-lovelace\n");
  expect(book).toContain("- key: ada-lovelace-2\n");
  expect(book).toContain("- key: jose-nunez\n");
}, 1_200_000);

test("CSV: the same; an object edited between export and up is the one thing the up changes", async () => {
  const contact = server.objects(ORG, "contacts")[500]!;
  const hook = server.objects(ORG, "webhook-subscriptions")[1]!;
  const { out, upWrites } = await roundTrip("csv", () => {
    server.edit(ORG, "contacts", contact.id, { job_title: "Edited in the dashboard" });
    server.edit(ORG, "webhook-subscriptions", hook.id, { attempts: 9 });
  });
  expect(Object.fromEntries(upWrites)).toEqual({
    "PUT /v2/contacts/:contactId": 1,
    "PUT /v1/webhook-subscriptions/:webhookSubscriptionId": 1,
  });
  expect(server.object(ORG, "contacts", contact.id)).toMatchObject({ job_title: contact.job_title ?? null });
  expect(server.object(ORG, "webhook-subscriptions", hook.id)).toMatchObject({ attempts: hook.attempts });
  const header = fs.readFileSync(path.join(out, "contacts.csv"), "utf8").split("\n")[0];
  expect(header).toContain("address2.city");
}, 1_200_000);
