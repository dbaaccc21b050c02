/** The control API (methods and /__emulator/ over HTTP), simulated calls and robocalls, and fault wiring. */
import { request } from "undici";
import type { Emulator } from "../../src/emulator";
import { call, type Json, ok, Receiver, seeded, startTestEmulator, until } from "./support";

let emu: Emulator;
let hooks: Receiver;
beforeAll(async () => {
  hooks = await Receiver.answering(200);
  emu = await startTestEmulator({ outboundCallCompletionMs: 50 });
});
afterAll(async () => {
  await emu.close();
  await hooks.close();
});
beforeEach(() => {
  emu.reset();
  emu.setFaults(undefined);
  hooks.received.length = 0;
});

const agents = () => emu.objects(seeded.org, "agents") as Json[];

describe("objects, insert, edit, remove", () => {
  test("as methods: insert fills id and timestamps, edit merges and moves updated_at, remove deletes", async () => {
    const inserted = emu.insert(seeded.org, "agents", { name: "Dashboard Agent", type: "OUTBOUND" });
    expect(inserted).toMatchObject({
      id: expect.any(String),
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const listed = await ok(emu, "GET", "/v1/ai-agents/agents/search");
    expect(listed.content.map((a: Json) => a.name)).toContain("Dashboard Agent");

    const sub = await ok(emu, "POST", "/v1/webhook-subscriptions", {
      event: "AGENT_CALL_COMPLETED",
      url: "https://e.com/h",
    });
    await new Promise((r) => setTimeout(r, 5));
    const edited = emu.edit(seeded.org, "webhook-subscriptions", sub.id, { url: "https://changed.example.com/h" });
    expect(edited).toMatchObject({ id: sub.id, url: "https://changed.example.com/h", event: "AGENT_CALL_COMPLETED" });
    expect(Date.parse(String(edited.updated_at))).toBeGreaterThan(Date.parse(sub.updated_at));
    expect((await ok(emu, "GET", `/v1/webhook-subscriptions/${sub.id}`)).url).toBe("https://changed.example.com/h");

    emu.remove(seeded.org, "webhook-subscriptions", sub.id);
    expect((await call(emu, "GET", `/v1/webhook-subscriptions/${sub.id}`)).status).toBe(404);
    expect(() => emu.remove(seeded.org, "webhook-subscriptions", sub.id)).toThrow(/No webhook-subscriptions/);
    expect(() => emu.objects(seeded.org, "nope")).toThrow(/Unknown kind/);
  });

  test("objects are copies: changing them does not change the emulator", () => {
    const [a] = agents();
    a.name = "mutated";
    expect(agents()[0].name).not.toBe("mutated");
  });

  test("over HTTP under /__emulator/ (no key)", async () => {
    const base = `/__emulator/orgs/${seeded.org}/contacts`;
    const created = await call(emu, "POST", base, {
      key: null,
      body: { first_name: "Seeded", phones: [], emails: [], addresses: [], tags: [] },
    });
    expect(created.status).toBe(200);
    const id = (created.body as Json).id;
    expect((await ok(emu, "GET", `/v2/contacts/${id}`)).first_name).toBe("Seeded");
    const patched = await call(emu, "PATCH", `${base}/${id}`, { key: null, body: { first_name: "Drifted" } });
    expect((patched.body as Json).first_name).toBe("Drifted");
    expect((await call(emu, "GET", `${base}/${id}`, { key: null })).body).toMatchObject({ first_name: "Drifted" });
    expect(((await call(emu, "GET", base, { key: null })).body as Json[]).map((c) => c.id)).toEqual([id]);
    expect((await call(emu, "DELETE", `${base}/${id}`, { key: null })).status).toBe(204);
    expect((await call(emu, "GET", `/v2/contacts/${id}`)).status).toBe(404);
    expect((await call(emu, "GET", "/__emulator/orgs/x/unknown-kind", { key: null })).status).toBe(404);
    expect((await call(emu, "PUT", base, { key: null })).status).toBe(405);
  });

  test("reset goes back to the seed and clears logs and counters", async () => {
    await ok(emu, "POST", "/v2/contacts", { first_name: "Temp" });
    expect(emu.counters()["POST /v2/contacts"]).toBe(1);
    expect((await call(emu, "POST", "/__emulator/reset", { key: null })).status).toBe(200);
    expect(emu.objects(seeded.org, "contacts")).toEqual([]);
    expect(emu.counters()).toEqual({ total: 0 });
    expect(emu.requests()).toEqual([]);
  });
});

describe("counters and request log", () => {
  test("per route pattern plus total; resetCounters; GET and DELETE over HTTP", async () => {
    const c = await ok(emu, "POST", "/v2/contacts", { first_name: "A" });
    await ok(emu, "GET", `/v2/contacts/${c.id}`);
    await ok(emu, "GET", `/v2/contacts/${c.id}`);
    await call(emu, "GET", "/v2/contacts/missing");
    const counters = (await call(emu, "GET", "/__emulator/counters", { key: null })).body as Json;
    expect(counters).toEqual({ total: 4, "POST /v2/contacts": 1, "GET /v2/contacts/:contactId": 3 });
    const log = emu.requests();
    expect(log.at(-1)).toEqual({
      method: "GET",
      path: "/v2/contacts/missing",
      route: "/v2/contacts/:contactId",
      status: 404,
      organization: seeded.org,
      durationMs: expect.any(Number),
      at: expect.any(String),
    });
    expect(((await call(emu, "GET", "/__emulator/requests", { key: null })).body as Json[]).length).toBe(4);
    expect((await call(emu, "DELETE", "/__emulator/counters", { key: null })).status).toBe(204);
    expect(emu.counters()).toEqual({ total: 0 });
  });
});

describe("simulated agent calls and webhook delivery", () => {
  test("completeCall delivers AGENT_CALL_COMPLETED and AGENT_ACTION_COMPLETED to matching subscriptions", async () => {
    const [sales, support] = agents();
    await ok(emu, "POST", "/v1/webhook-subscriptions", {
      event: "AGENT_CALL_COMPLETED",
      url: `${hooks.url}/all-calls`,
    });
    await ok(emu, "POST", "/v1/webhook-subscriptions", {
      event: "AGENT_CALL_COMPLETED",
      url: `${hooks.url}/support-calls`,
      entity_type: "AGENT",
      entity_id: support.id,
    });
    await ok(emu, "POST", "/v1/webhook-subscriptions", {
      event: "AGENT_ACTION_COMPLETED",
      url: `${hooks.url}/forwarding`,
      specifications: { ACTION_TYPE: "CALL_FORWARDING" },
    });
    const result = emu.completeCall({
      org: seeded.org,
      agentId: sales.id,
      to: "+390101010101",
      actions: ["CALL_FORWARDING", "DATA_EXTRACTION"],
    });
    expect(result.call).toMatchObject({ status: "COMPLETED", agent_id: sales.id, destination: "+390101010101" });
    expect(result.events.map((e: Json) => e.event)).toEqual([
      "AGENT_CALL_COMPLETED",
      "AGENT_ACTION_COMPLETED",
      "AGENT_ACTION_COMPLETED",
    ]);
    await emu.deliveriesIdle();
    expect(hooks.received.map((r) => r.path).sort()).toEqual(["/all-calls", "/forwarding"]);
    expect(hooks.received.find((r) => r.path === "/forwarding")!.body).toMatchObject({
      action_type: "CALL_FORWARDING",
      agent_id: sales.id,
    });
    expect(emu.deliveries().every((d) => d.status === 200)).toBe(true);
    // The call is searchable.
    const found = await ok(emu, "GET", `/v1/pbxes/calls/search?id=${(result.call as Json).id}`);
    expect(found.content[0]).toMatchObject({
      status: "COMPLETED",
      duration: expect.any(Number),
      ended_at: expect.any(String),
    });
  });

  test("over HTTP, completing an agent call task", async () => {
    const [sales] = agents();
    const task = await ok(emu, "POST", `/v1/ai-agents/agents/${sales.id}/call-tasks`, {
      contact_phone_number: "+391234567",
    });
    await ok(emu, "POST", "/v1/webhook-subscriptions", { event: "AGENT_CALL_COMPLETED", url: `${hooks.url}/calls` });
    const res = await call(emu, "POST", "/__emulator/calls/complete", {
      key: null,
      body: { org: seeded.org, agentId: sales.id, to: "+391234567", callTaskId: task.id },
    });
    expect(res.status).toBe(200);
    await emu.deliveriesIdle();
    expect(hooks.received[0]!.body).toMatchObject({
      event: "AGENT_CALL_COMPLETED",
      call_task: { id: task.id, status: "COMPLETED" },
    });
    expect((await ok(emu, "GET", `/v1/ai-agents/agents/${sales.id}/call-tasks`)).content[0].status).toBe("COMPLETED");
    const bad = await call(emu, "POST", "/__emulator/calls/complete", { key: null, body: { agentId: "nope" } });
    expect(bad.status).toBe(404);
  });

  test("a bad completeCall body is a 400 naming the field, and changes nothing", async () => {
    const [sales] = agents();
    const task = await ok(emu, "POST", `/v1/ai-agents/agents/${sales.id}/call-tasks`, {
      contact_phone_number: "+391234567",
    });
    await ok(emu, "POST", "/v1/webhook-subscriptions", { event: "AGENT_CALL_COMPLETED", url: `${hooks.url}/calls` });
    const callsBefore = emu.objects(seeded.org, "calls");
    const complete = (body: Json) => call(emu, "POST", "/__emulator/calls/complete", { key: null, body });
    const cases: Array<[Json, string]> = [
      [{ actions: ["NOPE"] }, "actions.0.type"],
      [{ actions: ["CALL_FORWARDING", { type: "TELEPORT" }] }, "actions.1.type"],
      [{ actions: [{ actionId: "a-1" }] }, "actions.0.type"],
      [{ actions: [{ type: "CALL_FORWARDING", data: { attempts: "all of them" } }] }, "actions.0.data.attempts"],
      [{ actions: [{ type: "DATA_EXTRACTION", action_id: "a-1" }] }, "actions.0.action_id"],
      [{ actions: "CALL_FORWARDING" }, "actions"],
      [{ transcript: "Hello" }, "transcript"],
      [{ direction: "SIDEWAYS" }, "direction"],
      [{ sentiment: 101 }, "sentiment"],
      [{ taskId: task.id }, "taskId"],
    ];
    for (const [extra, field] of cases) {
      const res = await complete({ org: seeded.org, agentId: sales.id, callTaskId: task.id, ...extra });
      expect([JSON.stringify(extra), res.status]).toEqual([JSON.stringify(extra), 400]);
      expect((res.body as Json).errors[0].field).toBe(field);
      expect((res.body as Json).message).toContain(field);
    }
    const unknownType = await complete({ agentId: sales.id, actions: ["NOPE"] });
    expect((unknownType.body as Json).errors[0].message).toBe(
      "must be one of APPOINTMENT, CALL_FORWARDING, DATA_EXTRACTION, WHATS_APP_MESSAGE",
    );
    expect((await complete({ actions: [] })).body).toMatchObject({ errors: [{ field: "agentId" }] });
    // Nothing changed: no new call, the task still PENDING, nothing sent.
    expect(emu.objects(seeded.org, "calls")).toEqual(callsBefore);
    expect(emu.object(seeded.org, "agent-call-tasks", task.id)).toMatchObject({ status: "PENDING", attempts: 0 });
    await emu.deliveriesIdle();
    expect(emu.deliveries()).toEqual([]);
    // The same call with its actions right goes through.
    const good = await complete({ org: seeded.org, agentId: sales.id, callTaskId: task.id, actions: ["APPOINTMENT"] });
    expect(good.status).toBe(200);
    expect((good.body as Json).events.map((e: Json) => e.event)).toEqual([
      "AGENT_CALL_COMPLETED",
      "AGENT_ACTION_COMPLETED",
    ]);
  });

  test("completing a call of a TERMINATED or already COMPLETED call task is a 409 and changes nothing", async () => {
    const [sales] = agents();
    const newTask = async () =>
      (await ok(emu, "POST", `/v1/ai-agents/agents/${sales.id}/call-tasks`, { contact_phone_number: "+391234567" }))
        .id as string;
    const complete = (callTaskId: string) =>
      call(emu, "POST", "/__emulator/calls/complete", { key: null, body: { agentId: sales.id, callTaskId } });

    const terminated = await newTask();
    await ok(emu, "PUT", `/v1/ai-agents/agents/call-tasks/${terminated}/terminate`);
    const callsBefore = emu.objects(seeded.org, "calls");
    const refused = await complete(terminated);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      status: 409,
      error: "Conflict",
      message: `Agent call task ${terminated} is TERMINATED: only a PENDING or IN_PROGRESS task can be completed`,
      errors: [{ field: "callTaskId" }],
    });
    expect(emu.object(seeded.org, "agent-call-tasks", terminated)).toMatchObject({ status: "TERMINATED" });
    expect(emu.objects(seeded.org, "calls")).toEqual(callsBefore);

    const done = await newTask();
    expect((await complete(done)).status).toBe(200);
    const completedOnce = emu.object(seeded.org, "agent-call-tasks", done);
    const again = await complete(done);
    expect(again.status).toBe(409);
    expect((again.body as Json).message).toMatch(/is COMPLETED: only a PENDING or IN_PROGRESS task/);
    expect(emu.object(seeded.org, "agent-call-tasks", done)).toEqual(completedOnce);

    // IN_PROGRESS (set as the service would while dialling) is still open.
    const dialling = await newTask();
    emu.edit(seeded.org, "agent-call-tasks", dialling, { status: "IN_PROGRESS" });
    expect((await complete(dialling)).status).toBe(200);
    expect(emu.object(seeded.org, "agent-call-tasks", dialling)).toMatchObject({ status: "COMPLETED", attempts: 1 });
  });

  test("an outbound call completes after outboundCallCompletionMs and fires AGENT_CALL_COMPLETED", async () => {
    const [sales] = agents();
    await ok(emu, "POST", "/v1/webhook-subscriptions", { event: "AGENT_CALL_COMPLETED", url: `${hooks.url}/calls` });
    const started = await ok(emu, "POST", `/v1/ai-agents/agents/${sales.id}/call`, {
      to: "+390101010101",
      contact_data: { name: "Mario" },
    });
    expect(started.status).toBe("INITIATED");
    await until(() => hooks.received.length > 0);
    expect(hooks.received[0]!.body).toMatchObject({
      event: "AGENT_CALL_COMPLETED",
      call_id: started.id,
      agent_id: sales.id,
      status: "COMPLETED",
      metadata: { contact_data: { name: "Mario", phone_number: "+390101010101" } },
    });
    expect((await ok(emu, "GET", `/v1/pbxes/calls/search?id=${started.id}`)).content[0].status).toBe("COMPLETED");
  });

  test("an outbound call completing on its own reports the actions configured on its agent", async () => {
    const byName = (name: string) => agents().find((a) => a.name === name)!;
    await ok(emu, "POST", "/v1/webhook-subscriptions", { event: "AGENT_CALL_COMPLETED", url: `${hooks.url}/calls` });
    await ok(emu, "POST", "/v1/webhook-subscriptions", {
      event: "AGENT_ACTION_COMPLETED",
      url: `${hooks.url}/actions`,
    });
    const placeCall = async (agent: Json) => {
      const started = await ok(emu, "POST", `/v1/ai-agents/agents/${agent.id}/call`, { to: "+390101010101" });
      await until(() => hooks.received.some((r) => r.body.call_id === started.id && r.path === "/calls"));
      await emu.deliveriesIdle();
      const mine = hooks.received.filter((r) => r.body.call_id === started.id);
      return {
        call: mine.find((r) => r.path === "/calls")!.body,
        actions: mine.filter((r) => r.path === "/actions").map((r) => r.body),
      };
    };

    // The seed's Sales Agent has {{ call_forwarding_sales }} in its prompt ({{ contact_name }} is a variable).
    const sales = byName("Sales Agent");
    const first = await placeCall(sales);
    expect(first.call.action_results.map((a: Json) => a.type)).toEqual(["CALL_FORWARDING"]);
    expect(first.actions).toEqual([
      expect.objectContaining({
        event: "AGENT_ACTION_COMPLETED",
        action_type: "CALL_FORWARDING",
        action_id: first.call.action_results[0].action_id,
        agent_id: sales.id,
      }),
    ]);
    // The same configured action has the same id on every call, so an ACTION_ID subscription works.
    await ok(emu, "POST", "/v1/webhook-subscriptions", {
      event: "AGENT_ACTION_COMPLETED",
      url: `${hooks.url}/by-id`,
      specifications: { ACTION_ID: first.actions[0].action_id },
    });
    const second = await placeCall(sales);
    expect(second.actions.map((a: Json) => a.action_id)).toEqual([first.actions[0].action_id]);
    expect(hooks.received.filter((r) => r.path === "/by-id").map((r) => r.body.call_id)).toEqual([second.call.call_id]);

    // {{ appointment_calendar }}: an APPOINTMENT; the Support Agent's {{ end_call }} is a tool, not an action.
    const appointment = await placeCall(byName("Appointment Agent"));
    expect(appointment.actions.map((a: Json) => a.action_type)).toEqual(["APPOINTMENT"]);
    const support = await placeCall(byName("Support Agent"));
    expect(support.call.action_results).toEqual([]);
    expect(support.actions).toEqual([]);
  });

  test("a failing receiver is retried attempts times (interval scaled)", async () => {
    const [sales] = agents();
    await ok(emu, "POST", "/v1/webhook-subscriptions", {
      event: "AGENT_CALL_COMPLETED",
      url: "http://127.0.0.1:9/closed",
      attempts: 2,
      attempts_interval_seconds: 1,
    });
    emu.completeCall({ org: seeded.org, agentId: sales.id });
    await emu.deliveriesIdle();
    const records = (await call(emu, "GET", "/__emulator/deliveries", { key: null })).body as Json[];
    expect(records.map((r) => r.attempt)).toEqual([1, 2]);
    expect(records[0].error).toEqual(expect.any(String));
  });
});

describe("robocalls", () => {
  test("completeRobocall delivers the result to subscriptions for that configuration or for all", async () => {
    const [ivr, payment] = emu.objects(seeded.org, "robocall-configurations") as Json[];
    await ok(emu, "POST", "/v1/call-tasks/webhook-subscriptions", { entity_type: "robocall", url: `${hooks.url}/all` });
    await ok(emu, "POST", "/v1/call-tasks/webhook-subscriptions", {
      entity_type: "robocall",
      entity_id: ivr.id,
      url: `${hooks.url}/ivr`,
    });
    await ok(emu, "POST", "/v1/call-tasks/webhook-subscriptions", {
      entity_type: "robocall",
      entity_id: payment.id,
      url: `${hooks.url}/payment`,
    });
    const task = await ok(emu, "POST", "/v1/call-tasks/robocalls", {
      robocall_configuration_id: ivr.id,
      phone_number: "+39012345678",
    });
    const res = await call(emu, "POST", `/__emulator/robocalls/${task.id}/complete`, {
      key: null,
      body: { org: seeded.org },
    });
    expect(res.status).toBe(200);
    expect((res.body as Json).task).toMatchObject({ id: task.id, status: "COMPLETED" });
    await emu.deliveriesIdle();
    expect(hooks.received.map((r) => r.path).sort()).toEqual(["/all", "/ivr"]);
    expect(hooks.received[0]!.body).toMatchObject({
      robocall_id: String(task.id),
      robocall_name: ivr.name,
      robocall_configuration_id: ivr.id,
      phone_number: "+39012345678",
      robocall_status: "completed",
    });
    expect(emu.objects(seeded.org, "robocall-tasks")[0]).toMatchObject({ status: "COMPLETED" });
    expect(() => emu.completeRobocall({ org: seeded.org, taskId: task.id })).toThrow(/COMPLETED/);
    expect(() => emu.completeRobocall({ org: seeded.org, taskId: 1 })).toThrow(/not found/);
  });
});

describe("faults", () => {
  test("429 with Retry-After and 503 answer without running the handler; counted", async () => {
    emu.setFaults({ rules: [{ route: "POST /v2/contacts", rate429: 1, retryAfterSeconds: 2 }] });
    const res = await call(emu, "POST", "/v2/contacts", { body: { first_name: "Nope" } });
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("2");
    expect(res.body).toMatchObject({ status: 429 });
    expect(emu.objects(seeded.org, "contacts")).toEqual([]);
    expect(emu.counters()["faults.429"]).toBe(1);
    // Other routes are untouched; the control API never faults.
    expect((await call(emu, "GET", "/v1/me")).status).toBe(200);
    await call(emu, "PUT", "/__emulator/faults", { key: null, body: { spec: "503=1" } });
    expect((await call(emu, "GET", "/v1/me")).status).toBe(503);
    expect((await call(emu, "GET", "/__emulator/counters", { key: null })).status).toBe(200);
    const bad = await call(emu, "PUT", "/__emulator/faults", { key: null, body: { rules: [{ rate429: 2 }] } });
    expect(bad.status).toBe(400);
  });

  test("a 429 rule without retry-after still sends Retry-After (1 s), as real rate limiters do; 0 is kept", async () => {
    emu.setFaults("route=GET /v1/me;429=1");
    const res = await call(emu, "GET", "/v1/me");
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("1");
    emu.setFaults({ rules: [{ route: "GET /v1/me", rate429: 1 }] });
    expect((await call(emu, "GET", "/v1/me")).headers["retry-after"]).toBe("1");
    emu.setFaults("route=GET /v1/me;429=1@retry-after=0");
    expect((await call(emu, "GET", "/v1/me")).headers["retry-after"]).toBe("0");
  });

  test("500: answered without running the handler, a JSON body, no Retry-After; counted and logged", async () => {
    await call(emu, "PUT", "/__emulator/faults", { key: null, body: { spec: "route=POST /v2/contacts;500=1" } });
    const res = await call(emu, "POST", "/v2/contacts", { body: { first_name: "Never" } });
    expect(res.status).toBe(500);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers["retry-after"]).toBeUndefined();
    expect(res.body).toEqual({
      status: 500,
      error: "Internal Server Error",
      message: "Internal Server Error (injected fault)",
    });
    expect(emu.objects(seeded.org, "contacts")).toEqual([]);
    expect(emu.counters()).toMatchObject({ "faults.500": 1, "POST /v2/contacts": 1 });
    expect(emu.requests()).toEqual([expect.objectContaining({ status: 500, fault: "500", route: "/v2/contacts" })]);
    expect(((await call(emu, "GET", "/__emulator/faults", { key: null })).body as Json)["500"]).toBe(1);
    // Only the rule's route faults.
    expect((await call(emu, "GET", "/v1/me")).status).toBe(200);
  });

  test("drop: no answer, nothing stored; lose-response: stored, no answer", async () => {
    emu.setFaults({ rules: [{ route: "POST /v2/contacts", dropRate: 1 }] });
    await expect(
      request(`${emu.url}/v2/contacts`, {
        method: "POST",
        headers: { authorization: "romulus-emulator-key", "content-type": "application/json" },
        body: JSON.stringify({ first_name: "Dropped" }),
      }),
    ).rejects.toThrow();
    expect(emu.objects(seeded.org, "contacts")).toEqual([]);

    emu.setFaults({ rules: [{ route: "POST /v2/contacts", loseResponseRate: 1 }] });
    await expect(
      request(`${emu.url}/v2/contacts`, {
        method: "POST",
        headers: { authorization: "romulus-emulator-key", "content-type": "application/json" },
        body: JSON.stringify({ first_name: "Lost" }),
      }),
    ).rejects.toThrow();
    expect(emu.objects(seeded.org, "contacts").map((c) => c.first_name)).toEqual(["Lost"]);
    expect(emu.counters()).toMatchObject({ "faults.drop": 1, "faults.lose-response": 1, "POST /v2/contacts": 2 });
    expect(emu.requests().map((r) => r.status)).toEqual([0, 0]);
  });

  test("latency delays the answer", async () => {
    emu.setFaults("route=GET /v1/me;latency=120");
    const t0 = Date.now();
    expect((await call(emu, "GET", "/v1/me")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
  });
});
