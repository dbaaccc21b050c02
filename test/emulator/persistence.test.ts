/** `statePath`: state kept across restarts, written atomically (the file always parses). */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../../src/emulator";
import { call, type Json, ok, seeded } from "./support";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "romulus-emulator-state-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test("objects survive a restart; ids, counters of ids and the seed's objects too", async () => {
  const statePath = join(dir, "state.json");
  const first = await startEmulator({ statePath, outboundCallCompletionMs: 0 });
  const contact = await ok(first, "POST", "/v2/contacts", { first_name: "Persisted", tags: ["vip"] });
  const sub = await ok(first, "POST", "/v1/webhook-subscriptions", {
    event: "AGENT_CALL_COMPLETED",
    url: "https://e.com/h",
  });
  const [config] = first.objects(seeded.org, "robocall-configurations");
  const task = await ok(first, "POST", "/v1/call-tasks/robocalls", {
    robocall_configuration_id: config!.id,
    phone_number: "+39012345678",
  });
  await first.close();

  const second = await startEmulator({ statePath, outboundCallCompletionMs: 0 });
  try {
    expect(await ok(second, "GET", `/v2/contacts/${contact.id}`)).toEqual(contact);
    expect(await ok(second, "GET", `/v1/webhook-subscriptions/${sub.id}`)).toEqual(sub);
    expect((await ok(second, "GET", "/v1/ai-agents/agents/search")).total_elements).toBe(3);
    const next = await ok(second, "POST", "/v1/call-tasks/robocalls", {
      robocall_configuration_id: config!.id,
      phone_number: "+39012345678",
    });
    expect(next.id).toBe(task.id + 1);
    // The tag is reused, not duplicated.
    const again = await ok(second, "POST", "/v2/contacts", { first_name: "Again", tags: ["vip"] });
    expect(again.tags[0].id).toBe(contact.tags[0].id);
  } finally {
    await second.close();
  }
  expect(readdirSync(dir)).toEqual(["state.json"]);
});

test("the state file is never partially written, and nothing acknowledged is lost on close", async () => {
  const statePath = join(dir, "state.json");
  const emu = await startEmulator({ statePath, outboundCallCompletionMs: 0 });
  let reads = 0;
  let failures = 0;
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      try {
        JSON.parse(readFileSync(statePath, "utf8"));
        reads += 1;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") failures += 1;
      }
      await new Promise((r) => setImmediate(r));
    }
  })();
  const created: string[] = [];
  for (let batch = 0; batch < 20; batch++) {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        ok(emu, "POST", "/v2/contacts", { first_name: `C${batch}-${i}`, last_name: "x".repeat(500) }),
      ),
    );
    created.push(...answers.map((c: Json) => c.id));
    await new Promise((r) => setTimeout(r, 5));
  }
  await emu.close();
  watching = false;
  await watcher;
  expect(failures).toBe(0);
  expect(reads).toBeGreaterThan(0);
  const state = JSON.parse(readFileSync(statePath, "utf8"));
  expect(state.organizations[seeded.org].contacts.map((c: Json) => c.id).sort()).toEqual(created.sort());
  expect(readdirSync(dir)).toEqual(["state.json"]);
});

test("reset writes the seed back; a state file that is not JSON is refused", async () => {
  const statePath = join(dir, "state.json");
  const emu = await startEmulator({ statePath });
  await ok(emu, "POST", "/v2/contacts", { first_name: "Temp" });
  emu.reset();
  await emu.close();
  const state = JSON.parse(readFileSync(statePath, "utf8"));
  expect(state.organizations[seeded.org].contacts).toBeUndefined();

  writeFileSync(statePath, "{ half a stat");
  await expect(startEmulator({ statePath })).rejects.toThrow(/not valid JSON/);
});

test("a custom seed (object or file) replaces the default one", async () => {
  const seedFile = join(dir, "seed.json");
  writeFileSync(
    seedFile,
    JSON.stringify({ organizations: { "my-org": { agents: [{ id: "a1", name: "Only Agent", type: "OUTBOUND" }] } } }),
  );
  const emu = await startEmulator({ seed: seedFile, apiKeys: ["k:my-org", "k2"] });
  try {
    const agents = await ok(emu, "GET", "/v1/ai-agents/agents/search", undefined, "k");
    expect(agents.content.map((a: Json) => a.name)).toEqual(["Only Agent"]);
    expect((await ok(emu, "GET", "/v1/ai-agents/agents/search", undefined, "k2")).total_elements).toBe(0);
    expect((await call(emu, "GET", "/v1/me")).status).toBe(401);
  } finally {
    await emu.close();
  }
  await expect(startEmulator({ seed: { organizations: { o: { nope: [] } } } })).rejects.toThrow(/unknown kind/);
});
