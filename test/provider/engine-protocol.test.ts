/**
 * The three resources through the real dynamic-provider host over gRPC, in the engine's RPC order, against
 * the emulator over HTTP: what `pulumi up`, `preview`, `refresh` and `destroy` do with a user's program.
 * The tests share one stack and run in order, like successive CLI runs.
 */
import * as pulumi from "@pulumi/pulumi";
import { byName, ENGINE_TEST_TIMEOUT_MS, Engine, type Step } from "../harness/engine";
import { createProgramDir, type ProgramDir } from "../harness/host";
import { runProgram } from "../harness/program";
import { isSecret, type Json } from "../harness/wire";
import { emulator as emu, romulus } from "../support/package";

jest.setTimeout(ENGINE_TEST_TIMEOUT_MS);

const { WebhookSubscription, CallTaskWebhookSubscription, Contact, Provider } = romulus;
const ORG = emu.DEFAULT_ORGANIZATION_ID;

let server: Awaited<ReturnType<typeof emu.startEmulator>>;
let programDir: ProgramDir;
let engine: Engine;
let agentId: string;

/** Every state the stack went through, and every serialised provider the programs produced. */
const seenStates: unknown[] = [];
const serialisedProviders: string[] = [];

/** What the checkpoint shows once the engine has encrypted its secrets. */
function encrypted(value: Json): Json {
  if (isSecret(value)) return "[encrypted]";
  if (Array.isArray(value)) return value.map(encrypted);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encrypted(v)]));
  return value;
}

const ops = (steps: Step[]) => Object.fromEntries(steps.map((s) => [s.urn.split("::").pop() as string, s.op]));
const managed = (kind: string) => server.objects(ORG, kind);
/** API requests per route since the last reset (the emulator's counters also hold a total). */
function requests(): Record<string, number> {
  return Object.fromEntries(
    Object.entries(server.counters()).filter(([route]) => route.startsWith("/") || / \//.test(route)),
  );
}

interface Options {
  url?: string;
  event?: "AGENT_CALL_COMPLETED" | "AGENT_ACTION_COMPLETED";
  lastName?: string;
  importId?: string;
}
function program(o: Options = {}) {
  return () => {
    const calls = new WebhookSubscription("calls", {
      event: o.event ?? "AGENT_CALL_COMPLETED",
      url: pulumi.secret(o.url ?? "https://hooks.example.com/romulus?token=t0ps3cret"),
      entityType: "AGENT",
      entityId: agentId,
    });
    new WebhookSubscription("appointments", {
      event: "AGENT_ACTION_COMPLETED",
      url: "https://hooks.example.com/appointments",
      specifications: { ACTION_TYPE: "APPOINTMENT" },
      attempts: 5,
    });
    new CallTaskWebhookSubscription("robocalls", { url: "https://hooks.example.com/robocalls" });
    new Contact("ada", {
      firstName: "Ada",
      lastName: o.lastName ?? "Lovelace",
      phones: [{ number: "+442071234567", label: "MOBILE" }],
      emails: [{ email: "ada@example.com" }],
      addresses: [{ city: "London", country: "UK" }],
      companyName: "Analytical Engines",
      tags: ["vip", "pioneers"],
    });
    new Contact("grace", { firstName: "Grace", tags: ["pioneers"], importId: o.importId });
    return { callsId: calls.id };
  };
}

beforeAll(async () => {
  server = await emu.startEmulator({ outboundCallCompletionMs: 0 });
  agentId = String(server.objects(ORG, "agents")[0]!.id);
  programDir = createProgramDir();
  engine = new Engine({
    programDir: programDir.dir,
    config: { "romulus:endpoint": server.url },
    secretConfig: { "romulus:apiKey": emu.DEFAULT_API_KEY },
    parallelism: 16,
  });
});

afterEach(async () => {
  seenStates.push(JSON.parse(JSON.stringify(engine.state)));
  const { resources } = await runProgram(program({ event: "AGENT_ACTION_COMPLETED" }), engine.programOptions());
  for (const r of resources) if (typeof r.inputs.__provider === "string") serialisedProviders.push(r.inputs.__provider);
});

afterAll(async () => {
  await engine?.close();
  await programDir?.cleanup();
  await server?.close();
});

test("up creates every resource with one request each, plus one organization lookup per provider process", async () => {
  server.resetCounters();
  const r = await engine.upProgram(program());
  expect(ops(r.steps)).toMatchObject({
    calls: "create",
    appointments: "create",
    robocalls: "create",
    ada: "create",
    grace: "create",
  });
  expect(requests()).toEqual({
    "POST /v1/webhook-subscriptions": 2,
    "POST /v1/call-tasks/webhook-subscriptions": 1,
    "POST /v2/contacts": 2,
    "GET /v1/me": 1,
  });
  expect(r.rpcCounts).toMatchObject({ check: 5, create: 5 });

  const calls = byName(r.state, "calls")!;
  expect(calls.id).toMatch(/^[0-9a-f]{32}$/);
  // Outputs echo the inputs in canonical form, server defaults filled in.
  expect(calls.outputs).toMatchObject({
    event: "AGENT_CALL_COMPLETED",
    status: "ACTIVE",
    attempts: 3,
    attemptsIntervalSeconds: 10,
    entityType: "AGENT",
    entityId: agentId,
    specifications: {},
    organizationId: ORG,
  });
  // A secret input stays secret in outputs.
  expect(isSecret(calls.outputs.url)).toBe(true);
  const ada = byName(r.state, "ada")!;
  expect(ada.outputs).toMatchObject({
    source: "API",
    tags: ["pioneers", "vip"],
    emails: [{ email: "ada@example.com", label: "OTHER" }],
  });
  expect((ada.outputs.phones as Array<{ id: string }>)[0]!.id).toEqual(expect.any(String));
  expect(managed("contacts")).toHaveLength(2);
});

test("an unchanged program shows no change, and makes no API request", async () => {
  server.resetCounters();
  const preview = await engine.previewProgram(program());
  expect(new Set(preview.steps.map((s) => s.op))).toEqual(new Set(["same"]));
  expect(requests()).toEqual({});
  const again = await engine.upProgram(program());
  expect(new Set(again.steps.map((s) => s.op))).toEqual(new Set(["same"]));
});

test("refresh without drift, then preview --refresh --expect-no-changes passes", async () => {
  const { resources } = await runProgram(program(), engine.programOptions());
  const check = await engine.previewRefreshExpectNoChanges(resources);
  expect(check.changes).toEqual([]);
  expect(check.ok).toBe(true);
});

test("update changes in place with one request, and a contact update keeps every other field", async () => {
  server.resetCounters();
  const r = await engine.upProgram(program({ url: "https://hooks.example.com/v2?token=t0ps3cret", lastName: "King" }));
  expect(ops(r.steps)).toMatchObject({ calls: "update", ada: "update", appointments: "same", grace: "same" });
  expect(requests()).toEqual({
    "PUT /v1/webhook-subscriptions/:webhookSubscriptionId": 1,
    "PUT /v2/contacts/:contactId": 1,
    "GET /v1/me": 1,
  });
  const ada = managed("contacts").find((c) => c.first_name === "Ada")!;
  expect(ada).toMatchObject({
    last_name: "King",
    company_name: "Analytical Engines",
    phones: [expect.objectContaining({ number: "+442071234567", label: "MOBILE" })],
    addresses: [expect.objectContaining({ city: "London" })],
  });
  expect((ada.tags as Array<{ name: string }>).map((t) => t.name).sort()).toEqual(["pioneers", "vip"]);
});

test("changing the event replaces the subscription: the new one exists, the old one is gone", async () => {
  const before = byName(engine.state, "calls")!.id;
  const r = await engine.upProgram(program({ event: "AGENT_ACTION_COMPLETED", lastName: "King" }));
  expect(ops(r.steps).calls).toBe("replace");
  const after = byName(r.state, "calls")!.id;
  expect(after).not.toBe(before);
  const ids = managed("webhook-subscriptions").map((s) => s.id);
  expect(ids).toContain(after);
  expect(ids).not.toContain(before);
});

test("an out-of-band edit shows as drift, and the next up puts it back", async () => {
  const p = program({ event: "AGENT_ACTION_COMPLETED", lastName: "King" });
  const appointments = byName(engine.state, "appointments")!;
  server.edit(ORG, "webhook-subscriptions", appointments.id, { status: "DISABLED", attempts: 1 });
  const { resources } = await runProgram(p, engine.programOptions());
  const drift = await engine.previewRefreshExpectNoChanges(resources);
  expect(drift.ok).toBe(false);
  expect(ops(drift.changes)).toEqual({ appointments: "update" });

  // `pulumi up` alone diffs against the state; `pulumi up --refresh` (refresh, then up) puts it back.
  await engine.refresh();
  const fixed = await engine.upProgram(p);
  expect(ops(fixed.steps).appointments).toBe("update");
  expect(server.object(ORG, "webhook-subscriptions", appointments.id)).toMatchObject({ status: "ACTIVE", attempts: 5 });
  const clean = await engine.previewRefreshExpectNoChanges((await runProgram(p, engine.programOptions())).resources);
  expect(clean.ok).toBe(true);
});

test("an out-of-band delete leaves the state on refresh, and up creates it again", async () => {
  const p = program({ event: "AGENT_ACTION_COMPLETED", lastName: "King" });
  const grace = byName(engine.state, "grace")!;
  server.remove(ORG, "contacts", grace.id);
  const refreshed = await engine.refresh();
  expect(byName(refreshed.state, "grace")).toBeUndefined();
  const r = await engine.upProgram(p);
  expect(ops(r.steps).grace).toBe("create");
  expect(managed("contacts").filter((c) => c.first_name === "Grace")).toHaveLength(1);
});

test("importId adopts an existing object, brings it to the declared state, and removing it changes nothing", async () => {
  const p = (importId?: string) => program({ event: "AGENT_ACTION_COMPLETED", lastName: "King", importId });
  const existing = server.insert(ORG, "contacts", {
    first_name: "Grace",
    last_name: "Hopper",
    phones: [],
    emails: [],
    addresses: [],
    tags: [],
  });
  // Forget the managed Grace (as if the stack never had her), then adopt the existing one.
  const old = byName(engine.state, "grace")!;
  server.remove(ORG, "contacts", old.id);
  engine.state = engine.state.filter((s) => s.urn !== old.urn);
  const before = managed("contacts").length;

  const adopted = await engine.upProgram(p(String(existing.id)));
  expect(ops(adopted.steps).grace).toBe("create");
  expect(byName(adopted.state, "grace")!.id).toBe(String(existing.id));
  expect(managed("contacts")).toHaveLength(before);
  expect(server.object(ORG, "contacts", existing.id)).toMatchObject({ first_name: "Grace", last_name: null });
  expect((server.object(ORG, "contacts", existing.id).tags as Array<{ name: string }>).map((t) => t.name)).toEqual([
    "pioneers",
  ]);

  const preview = await engine.previewProgram(p(undefined));
  expect(ops(preview.steps).grace).toBe("same");
});

test("static get reads an existing object without managing it", async () => {
  const id = byName(engine.state, "appointments")!.id;
  const r = await engine.upProgram(() => {
    program({ event: "AGENT_ACTION_COMPLETED", lastName: "King" })();
    WebhookSubscription.get("looked-up", id);
  });
  expect(ops(r.steps)["looked-up"]).toBe("read");
  expect(r.outputs[byName(r.state, "looked-up")!.urn]).toMatchObject({ event: "AGENT_ACTION_COMPLETED", attempts: 5 });
});

test("credentials of another organization fail the refresh instead of reporting objects deleted", async () => {
  const other = new Engine({
    programDir: programDir.dir,
    config: { "romulus:endpoint": server.url },
    secretConfig: { "romulus:apiKey": emu.SECOND_API_KEY },
    state: engine.state.map((s) => ({ ...s, inputs: { ...s.inputs }, provider: s.provider })),
  });
  // The refresh rebuilds providers from state, as the CLI does: run `up` of the provider config first.
  other.state = other.state.map((s) =>
    s.type === "pulumi:providers:pulumi-nodejs" ? { ...s, inputs: other.defaultProviderInputs() } : s,
  );
  await expect(other.refresh()).rejects.toThrow(
    /belongs to organization emulator-org, but the configured credentials are for organization emulator-org-2/,
  );
  await other.close();
});

test("two explicit providers manage two organizations from one program", async () => {
  const r = await engine.upProgram(() => {
    program({ event: "AGENT_ACTION_COMPLETED", lastName: "King" })();
    const sandbox = new Provider("sandbox", { apiKey: emu.DEFAULT_API_KEY, endpoint: server.url });
    const prod = new Provider("prod", { apiKey: emu.SECOND_API_KEY, endpoint: server.url });
    new Contact("in-sandbox", { firstName: "Sandy" }, { provider: sandbox });
    new Contact("in-prod", { firstName: "Prudence" }, { provider: prod });
  });
  expect(ops(r.steps)).toMatchObject({ "in-sandbox": "create", "in-prod": "create" });
  expect(server.objects(ORG, "contacts").map((c) => c.first_name)).toEqual(["Ada", "Grace", "Sandy"]);
  expect(server.objects(emu.SECOND_ORGANIZATION_ID, "contacts").map((c) => c.first_name)).toEqual(["Prudence"]);
  // The explicit providers' keys are stored encrypted.
  const sandbox = r.state.find((s) => s.urn.endsWith("::sandbox"))!;
  expect(isSecret(sandbox.inputs["romulus:apiKey"])).toBe(true);
});

test("destroy deletes everything it manages, and nothing stored anywhere holds a key", async () => {
  const r = await engine.destroy();
  expect(r.state.filter((s) => !s.type.startsWith("pulumi:providers:"))).toEqual([]);
  expect(managed("webhook-subscriptions")).toEqual([]);
  expect(managed("call-task-webhook-subscriptions")).toEqual([]);
  expect(server.objects(emu.SECOND_ORGANIZATION_ID, "contacts")).toEqual([]);
  expect(managed("contacts")).toEqual([]);

  const keys = [emu.DEFAULT_API_KEY, emu.SECOND_API_KEY];
  const checkpoints = JSON.stringify(seenStates.map((state) => encrypted(state as Json)));
  const hostLogs = JSON.stringify(engine.hostLogs);
  for (const key of keys) {
    expect(checkpoints).not.toContain(key);
    expect(hostLogs).not.toContain(key);
    for (const text of serialisedProviders) expect(text).not.toContain(key);
  }
  expect(serialisedProviders.length).toBeGreaterThan(0);
});

test("the serialised provider is the same small stub for every resource of a type, with no path in it", () => {
  const byType = new Map<string, Set<string>>();
  for (const text of serialisedProviders) {
    const kind = /kind: "(\w+)"/.exec(text)?.[1] ?? "?";
    byType.set(kind, (byType.get(kind) ?? new Set()).add(text));
  }
  expect([...byType.keys()].sort()).toEqual(["CallTaskWebhookSubscription", "Contact", "WebhookSubscription"]);
  for (const [, texts] of byType) {
    expect(texts.size).toBe(1);
    const [text] = [...texts];
    expect(text).not.toMatch(/\/(work|home|tmp|Users)\//);
    expect(text).toContain('require("pulumi-romulus/provider")');
  }
});
