/**
 * Every endpoint of the reference over real HTTP: the reference's request examples are accepted and
 * answered in the documented response shape (parsed with the schemas in src/models).
 */
import {
  agent,
  agentCallTask,
  call as callSchema,
  callTaskWebhookSubscription,
  campaignCallTasks,
  contact,
  me,
  robocallConfiguration,
  robocallTask,
  springPage,
  templateMessageResponse,
  v2Page,
  webhookSubscription,
  whatsAppBot,
} from "../../src/models";
import { call, deobfuscate, emulatorForTests, type Json, ok, reference, seeded } from "./support";

const emu = emulatorForTests();

const firstAgent = (type?: string): Json =>
  emu.objects(seeded.org, "agents").find((a) => type === undefined || a.type === type);

describe("/v1/me", () => {
  test.each(["GET", "POST"])("%s answers the key's organization", async (method) => {
    const body = await ok(emu, method, "/v1/me");
    expect(me.parse(body)).toEqual({ organization_id: seeded.org });
  });
});

describe("pagination (v1 envelope)", () => {
  test("defaults page 0 size 20 and the envelope matches the reference's keys", async () => {
    const body = await ok(emu, "GET", "/v1/ai-agents/agents/search");
    const example = reference("pagination.v1.json");
    expect(Object.keys(body).sort()).toEqual(Object.keys(example).sort());
    expect(Object.keys(body.pageable).sort()).toEqual(Object.keys(example.pageable).sort());
    expect(body).toMatchObject({ number: 0, size: 20, first: true, last: true, total_elements: 3, total_pages: 1 });
    expect(body.number_of_elements).toBe(3);
    expect(springPage(agent).parse(body).content).toHaveLength(3);
  });

  test("page and size query params page through", async () => {
    const p0 = await ok(emu, "GET", "/v1/ai-agents/agents/search?page=0&size=2");
    const p1 = await ok(emu, "GET", "/v1/ai-agents/agents/search?page=1&size=2");
    const p2 = await ok(emu, "GET", "/v1/ai-agents/agents/search?page=2&size=2");
    expect([p0.content.length, p1.content.length, p2.content.length]).toEqual([2, 1, 0]);
    expect(p0).toMatchObject({ first: true, last: false, total_pages: 2, number: 0, size: 2 });
    expect(p1).toMatchObject({ first: false, last: true, number: 1, pageable: { offset: 2, page_number: 1 } });
    expect(p2).toMatchObject({ empty: true, last: true });
    const ids = [...p0.content, ...p1.content].map((a: Json) => a.id);
    expect(new Set(ids).size).toBe(3);
  });

  test("size is capped at 1000; bad page or size is a 400 naming it", async () => {
    expect((await ok(emu, "GET", "/v1/ai-agents/agents/search?size=5000")).size).toBe(1000);
    for (const [q, field] of [
      ["page=-1", "page"],
      ["size=0", "size"],
      ["size=abc", "size"],
    ]) {
      const res = await call(emu, "GET", `/v1/ai-agents/agents/search?${q}`);
      expect(res.status).toBe(400);
      expect((res.body as Json).errors[0].field).toBe(field);
    }
  });
});

describe("webhook subscriptions", () => {
  test("create with the reference request, echoing what was stored", async () => {
    const req = reference("webhook-subscriptions.create.request.json");
    const body = await ok(emu, "POST", "/v1/webhook-subscriptions", req);
    const sub = webhookSubscription.parse(body);
    expect(sub.id).toMatch(/^[0-9a-f]{32}$/);
    expect(body).toMatchObject({
      status: "ACTIVE",
      event: "AGENT_ACTION_COMPLETED",
      entity_id: req.entity_id,
      entity_type: "AGENT",
      url: req.url,
      attempts: 3,
      attempts_interval_seconds: 10,
      specifications: { ACTION_TYPE: "CALL_FORWARDING" },
    });
    expect(Object.keys(body).sort()).toEqual(Object.keys(reference("webhook-subscriptions.get.response.json")).sort());
    expect(await ok(emu, "GET", `/v1/webhook-subscriptions/${sub.id}`)).toEqual(body);
  });

  test("defaults: ACTIVE, 3 attempts every 10 s, no entity, empty specifications", async () => {
    const body = await ok(emu, "POST", "/v1/webhook-subscriptions", {
      event: "AGENT_CALL_COMPLETED",
      url: "https://example.com/hook",
    });
    expect(body).toMatchObject({
      status: "ACTIVE",
      attempts: 3,
      attempts_interval_seconds: 10,
      entity_id: null,
      entity_type: null,
      specifications: {},
    });
  });

  test("update with the reference request (status required, event kept), list, delete", async () => {
    const created = await ok(
      emu,
      "POST",
      "/v1/webhook-subscriptions",
      reference("webhook-subscriptions.create.request.json"),
    );
    const update = reference("webhook-subscriptions.update.request.json");
    const updated = await ok(emu, "PUT", `/v1/webhook-subscriptions/${created.id}`, update);
    expect(webhookSubscription.parse(updated)).toMatchObject({
      id: created.id,
      status: "DISABLED",
      event: "AGENT_ACTION_COMPLETED",
      entity_id: update.entity_id,
      entity_type: "AGENT",
      created_at: created.created_at,
    });
    const list = springPage(webhookSubscription).parse(await ok(emu, "GET", "/v1/webhook-subscriptions/search"));
    expect(list.content.map((s) => s.id)).toEqual([created.id]);
    const del = await call(emu, "DELETE", `/v1/webhook-subscriptions/${created.id}`);
    expect(del.status).toBe(204);
    expect((await call(emu, "GET", `/v1/webhook-subscriptions/${created.id}`)).status).toBe(404);
    expect((await call(emu, "DELETE", `/v1/webhook-subscriptions/${created.id}`)).status).toBe(404);
  });

  test("PUT: omitted fields take their defaults; the same event is accepted, another one is a 400", async () => {
    const created = await ok(
      emu,
      "POST",
      "/v1/webhook-subscriptions",
      reference("webhook-subscriptions.create.request.json"),
    );
    const same = await ok(emu, "PUT", `/v1/webhook-subscriptions/${created.id}`, {
      status: "ACTIVE",
      url: "https://example.com/other",
      event: "AGENT_ACTION_COMPLETED",
    });
    expect(same).toMatchObject({ entity_id: null, entity_type: null, specifications: {}, attempts: 3 });
    const other = await call(emu, "PUT", `/v1/webhook-subscriptions/${created.id}`, {
      body: { status: "ACTIVE", url: "https://example.com/other", event: "AGENT_CALL_COMPLETED" },
    });
    expect(other.status).toBe(400);
    expect((other.body as Json).errors[0].field).toBe("event");
  });

  test("rules: entity_id with entity_type, specifications only for AGENT_ACTION_COMPLETED (on PUT too), status required", async () => {
    const cases: Array<[unknown, string]> = [
      [{ event: "AGENT_CALL_COMPLETED", url: "https://e.com/h", entity_type: "AGENT" }, "entity_id"],
      [{ event: "AGENT_CALL_COMPLETED", url: "https://e.com/h", entity_id: "x" }, "entity_type"],
      [
        { event: "AGENT_CALL_COMPLETED", url: "https://e.com/h", specifications: { ACTION_TYPE: "APPOINTMENT" } },
        "specifications",
      ],
      [{ event: "SOMETHING", url: "https://e.com/h" }, "event"],
      [{ event: "AGENT_CALL_COMPLETED" }, "url"],
      [{ event: "AGENT_CALL_COMPLETED", url: "not a url" }, "url"],
      [
        { event: "AGENT_ACTION_COMPLETED", url: "https://e.com/h", specifications: { ACTION_TYPE: "NOPE" } },
        "specifications.ACTION_TYPE",
      ],
      [{ event: "AGENT_CALL_COMPLETED", url: "https://e.com/h", attempts: 0 }, "attempts"],
    ];
    for (const [body, field] of cases) {
      const res = await call(emu, "POST", "/v1/webhook-subscriptions", { body });
      expect({ status: res.status, fields: (res.body as Json).errors.map((e: Json) => e.field) }).toEqual({
        status: 400,
        fields: expect.arrayContaining([field]),
      });
    }
    const created = await ok(emu, "POST", "/v1/webhook-subscriptions", {
      event: "AGENT_CALL_COMPLETED",
      url: "https://e.com/h",
    });
    const put1 = await call(emu, "PUT", `/v1/webhook-subscriptions/${created.id}`, {
      body: { status: "ACTIVE", url: "https://e.com/h", specifications: { ACTION_TYPE: "APPOINTMENT" } },
    });
    expect(put1.status).toBe(400);
    expect((put1.body as Json).errors[0].field).toBe("specifications");
    const put2 = await call(emu, "PUT", `/v1/webhook-subscriptions/${created.id}`, {
      body: { url: "https://e.com/h" },
    });
    expect(put2.status).toBe(400);
    expect((put2.body as Json).errors[0]).toEqual({ field: "status", message: "is required" });
  });
});

describe("call-task webhook subscriptions", () => {
  test("create (reference request), list, delete; no get, no update", async () => {
    // The reference's entity_id names a configuration of the vendor's example account: one of ours instead.
    const [configuration] = emu.objects(seeded.org, "robocall-configurations");
    const req = { ...reference("call-task-webhook-subscriptions.create.request.json"), entity_id: configuration!.id };
    const body = await ok(emu, "POST", "/v1/call-tasks/webhook-subscriptions", req);
    const sub = callTaskWebhookSubscription.parse(body);
    expect(sub.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(body).toMatchObject({ entity_id: req.entity_id, entity_type: "robocall", url: req.url });
    expect(Object.keys(body).sort()).toEqual(
      Object.keys(reference("call-task-webhook-subscriptions.create.response.json")).sort(),
    );
    const list = springPage(callTaskWebhookSubscription).parse(
      await ok(emu, "GET", "/v1/call-tasks/webhook-subscriptions"),
    );
    expect(list.content).toEqual([body]);
    for (const method of ["GET", "PUT"]) {
      const res = await call(emu, method, `/v1/call-tasks/webhook-subscriptions/${sub.id}`, { body: req });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe("DELETE");
    }
    expect((await call(emu, "DELETE", `/v1/call-tasks/webhook-subscriptions/${sub.id}`)).status).toBe(204);
    expect((await call(emu, "DELETE", `/v1/call-tasks/webhook-subscriptions/${sub.id}`)).status).toBe(404);
  });

  test("entity_id is optional (all robocalls); entity_type must be robocall", async () => {
    const all = await ok(emu, "POST", "/v1/call-tasks/webhook-subscriptions", {
      entity_type: "robocall",
      url: "https://e.com/r",
    });
    expect(all.entity_id).toBeNull();
    const bad = await call(emu, "POST", "/v1/call-tasks/webhook-subscriptions", {
      body: { entity_type: "AGENT", url: "https://e.com/r" },
    });
    expect(bad.status).toBe(400);
    expect((bad.body as Json).errors[0].field).toBe("entity_type");
  });

  test("entity_id must be a robocall configuration of the organization: otherwise a 400 naming it", async () => {
    const mine = emu.objects(seeded.org, "robocall-configurations")[0]!.id;
    const theirs = emu.objects(seeded.org2, "robocall-configurations")[0]!.id;
    const agentId = firstAgent().id;
    for (const entityId of ["93451f38-5b74-4140-b6d4-8c6ok2aa0ce5", theirs, agentId]) {
      const res = await call(emu, "POST", "/v1/call-tasks/webhook-subscriptions", {
        body: { entity_type: "robocall", entity_id: entityId, url: "https://e.com/r" },
      });
      expect([entityId, res.status]).toEqual([entityId, 400]);
      expect((res.body as Json).errors).toEqual([
        {
          field: "entity_id",
          message: `no robocall configuration ${entityId} in this organization (omit entity_id for all robocalls)`,
        },
      ]);
    }
    expect((await ok(emu, "GET", "/v1/call-tasks/webhook-subscriptions")).content).toEqual([]);
    const created = await ok(emu, "POST", "/v1/call-tasks/webhook-subscriptions", {
      entity_type: "robocall",
      entity_id: mine,
      url: "https://e.com/r",
    });
    expect(created.entity_id).toBe(mine);
  });
});

describe("contacts", () => {
  test("create with the reference request answers the documented shape", async () => {
    const body = await ok(emu, "POST", "/v2/contacts", deobfuscate(reference("contacts.create.request.json")));
    contact.parse(body);
    const example = reference("contacts.create.response.json");
    expect(Object.keys(body).sort()).toEqual(Object.keys(example).sort());
    expect(body).toMatchObject({
      first_name: "John",
      last_name: "Doe",
      external_id: null,
      website: null,
      crm_name: null,
      crm_contact_url: null,
      crm_logo: null,
      source: "API",
      tags: [],
      metadata: {},
      addresses: [],
      company_name: "Acme Corp",
      job_title: "Software Engineer",
      phones: [{ number: "+39012345678", label: "MOBILE", id: expect.any(String) }],
      emails: [{ email: "john.doe@example.com", label: "PRIMARY", id: expect.any(String) }],
    });
    expect(await ok(emu, "GET", `/v2/contacts/${body.id}`)).toEqual(body);
  });

  test("update with the reference request replaces the contact; search with the reference request", async () => {
    const created = await ok(emu, "POST", "/v2/contacts", {
      ...deobfuscate(reference("contacts.create.request.json")),
      tags: ["vip"],
      website: "https://acme.example.com",
    });
    const updated = await ok(
      emu,
      "PUT",
      `/v2/contacts/${created.id}`,
      deobfuscate(reference("contacts.update.request.json")),
    );
    contact.parse(updated);
    expect(updated).toMatchObject({
      id: created.id,
      last_name: "Smith",
      company_name: "New Corp",
      job_title: null,
      website: null,
      tags: [],
    });
    expect(updated.created_at).toBe(created.created_at);
    await ok(emu, "PUT", `/v2/contacts/${created.id}`, { first_name: "John", last_name: "Doe", tags: ["vip"] });
    const search = await ok(emu, "POST", "/v2/contacts/search", reference("contacts.search.request.json"));
    const page = v2Page(contact).parse(search);
    expect(page).toMatchObject({ page: 0, size: 20, total_elements: 1, total_pages: 1 });
    expect(Object.keys(search).sort()).toEqual(Object.keys(reference("contacts.search.response.json")).sort());
    expect(page.content[0]!.tags[0]).toMatchObject({ name: "vip", id: expect.any(String), color: expect.any(String) });
  });

  test("delete", async () => {
    const created = await ok(emu, "POST", "/v2/contacts", { first_name: "Gone" });
    expect((await call(emu, "DELETE", `/v2/contacts/${created.id}`)).status).toBe(204);
    expect((await call(emu, "GET", `/v2/contacts/${created.id}`)).status).toBe(404);
    expect((await call(emu, "PUT", `/v2/contacts/${created.id}`, { body: { first_name: "X" } })).status).toBe(404);
  });
});

describe("agents and agent call tasks", () => {
  test("agents list has distinct names, an OUTBOUND and an INBOUND agent", async () => {
    const page = springPage(agent).parse(await ok(emu, "GET", "/v1/ai-agents/agents/search"));
    const names = page.content.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(["Sales Agent", "Support Agent"]));
    expect(page.content.map((a) => a.type)).toEqual(expect.arrayContaining(["OUTBOUND", "INBOUND"]));
    expect(Object.keys(page.content[0]!).sort()).toEqual(Object.keys(reference("agents.list.item.json")).sort());
  });

  test("create with the reference request answers the response shape", async () => {
    const a = firstAgent("OUTBOUND");
    const req = reference("agent-call-tasks.create.request.json");
    const body = await ok(emu, "POST", `/v1/ai-agents/agents/${a.id}/call-tasks`, req);
    agentCallTask.parse(body);
    const example = reference("agent-call-tasks.create.response.json");
    expect(Object.keys(body).sort()).toEqual(Object.keys(example).sort());
    expect(body).toMatchObject({
      agent_id: a.id,
      contact_phone_number: "+1234567890",
      attempts: 0,
      status: "PENDING",
      next_attempt_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      retry_configuration: example.retry_configuration,
      availability_configuration: { ...example.availability_configuration, skip_for_first_attempt: true },
      contact_data: req.contact_data,
      metadata: example.metadata,
    });
    const list = springPage(agentCallTask).parse(await ok(emu, "GET", `/v1/ai-agents/agents/${a.id}/call-tasks`));
    expect(list.content.map((t) => t.id)).toEqual([body.id]);
    const other = firstAgent("INBOUND");
    expect((await ok(emu, "GET", `/v1/ai-agents/agents/${other.id}/call-tasks`)).content).toEqual([]);
  });

  test("validation: attempt 1..10, delay 60..172800, E.164, HH:mm; unknown agent 404", async () => {
    const a = firstAgent();
    const base = reference("agent-call-tasks.create.request.json");
    const cases: Array<[Json, string]> = [
      [{ ...base, contact_phone_number: "12345" }, "contact_phone_number"],
      [
        { ...base, retry_configuration: { attempts: [{ attempt: 11, delay_sec: 60 }] } },
        "retry_configuration.attempts.0.attempt",
      ],
      [
        { ...base, retry_configuration: { attempts: [{ attempt: 0, delay_sec: 60 }] } },
        "retry_configuration.attempts.0.attempt",
      ],
      [
        { ...base, retry_configuration: { attempts: [{ attempt: 1, delay_sec: 59 }] } },
        "retry_configuration.attempts.0.delay_sec",
      ],
      [
        { ...base, retry_configuration: { attempts: [{ attempt: 1, delay_sec: 172801 }] } },
        "retry_configuration.attempts.0.delay_sec",
      ],
      [
        {
          ...base,
          availability_configuration: {
            days: [{ day_of_week: "MONDAY", timeranges: [{ from: "25:00", to: "10:00" }] }],
          },
        },
        "availability_configuration.days.0.timeranges.0.from",
      ],
      [
        { ...base, availability_configuration: { days: [{ day_of_week: "FUNDAY", timeranges: [] }] } },
        "availability_configuration.days.0.day_of_week",
      ],
      [{ ...base, retry_configuration: {} }, "retry_configuration.attempts"],
    ];
    for (const [body, field] of cases) {
      const res = await call(emu, "POST", `/v1/ai-agents/agents/${a.id}/call-tasks`, { body });
      expect({ status: res.status, field: (res.body as Json).errors?.[0]?.field }).toEqual({ status: 400, field });
    }
    const missing = await call(emu, "POST", "/v1/ai-agents/agents/no-such-agent/call-tasks", { body: base });
    expect(missing.status).toBe(404);
    expect((await call(emu, "GET", "/v1/ai-agents/agents/no-such-agent/call-tasks")).status).toBe(404);
  });

  test("terminate by id (PUT) and by phone (POST and PUT)", async () => {
    const a = firstAgent();
    const mk = (phone: string) =>
      ok(emu, "POST", `/v1/ai-agents/agents/${a.id}/call-tasks`, { contact_phone_number: phone });
    const t1 = await mk("+391111111");
    const byId = await ok(emu, "PUT", `/v1/ai-agents/agents/call-tasks/${t1.id}/terminate`);
    expect(agentCallTask.parse(byId)).toMatchObject({ id: t1.id, status: "TERMINATED", next_attempt_at: null });
    expect((await call(emu, "PUT", "/v1/ai-agents/agents/call-tasks/nope/terminate")).status).toBe(404);

    const t2 = await mk("+392222222");
    const t3 = await mk("+392222222");
    const t4 = await mk("+393333333");
    const put = await ok(
      emu,
      "PUT",
      "/v1/ai-agents/agents/call-tasks/terminate",
      reference("agent-call-tasks.terminate-by-phone.request.json"),
    );
    expect(put.call_tasks).toEqual([]);
    const res = await ok(emu, "POST", "/v1/ai-agents/agents/call-tasks/terminate", {
      contact_phone_number: "+392222222",
    });
    expect(res.call_tasks.map((t: Json) => t.id).sort()).toEqual([t2.id, t3.id].sort());
    const statuses = Object.fromEntries(
      (await ok(emu, "GET", `/v1/ai-agents/agents/${a.id}/call-tasks`)).content.map((t: Json) => [t.id, t.status]),
    );
    expect(statuses).toEqual({
      [t1.id]: "TERMINATED",
      [t2.id]: "TERMINATED",
      [t3.id]: "TERMINATED",
      [t4.id]: "PENDING",
    });
    const bad = await call(emu, "PUT", "/v1/ai-agents/agents/call-tasks/terminate", {
      body: { contact_phone_number: "x" },
    });
    expect(bad.status).toBe(400);
    expect((bad.body as Json).errors[0].field).toBe("contact_phone_number");
  });
});

describe("calls", () => {
  test("outbound call with the reference request: INITIATED, success shape", async () => {
    const a = firstAgent("OUTBOUND");
    const body = await ok(
      emu,
      "POST",
      `/v1/ai-agents/agents/${a.id}/call`,
      deobfuscate(reference("calls.create.request.json")),
    );
    callSchema.parse(body);
    expect(Object.keys(body).sort()).toEqual(Object.keys(reference("calls.create.response.success.json")).sort());
    expect(body).toMatchObject({
      agent_id: a.id,
      status: "INITIATED",
      direction: "OUTBOUND",
      origination: a.outbound_cli,
      destination: "+390101010101",
      initiated_at: expect.any(String),
    });
  });

  test("an invalid number answers 200 with a FAILED call and error_message", async () => {
    const a = firstAgent("OUTBOUND");
    const res = await call(emu, "POST", `/v1/ai-agents/agents/${a.id}/call`, { body: { to: "invalid number" } });
    expect(res.status).toBe(200);
    const example = reference("calls.create.response.failure.json");
    expect(Object.keys(res.body as Json).sort()).toEqual(Object.keys(example).sort());
    expect(res.body).toMatchObject({
      status: "FAILED",
      destination: "invalid number",
      error_message: "Phone number is invalid",
    });
    expect((await call(emu, "POST", `/v1/ai-agents/agents/${a.id}/call`, { body: {} })).status).toBe(400);
    expect((await call(emu, "POST", "/v1/ai-agents/agents/nope/call", { body: { to: "+390101010101" } })).status).toBe(
      404,
    );
  });

  test("search with every documented filter", async () => {
    const all = springPage(callSchema).parse(await ok(emu, "GET", "/v1/pbxes/calls/search"));
    expect(all.total_elements).toBe(4);
    const times = all.content.map((c) => Date.parse(c.initiated_at!));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    const calls = emu.objects(seeded.org, "calls") as Json[];
    const [c1, c2, c3, c4] = calls;
    const q = async (query: string) =>
      (await ok(emu, "GET", `/v1/pbxes/calls/search?${query}`)).content.map((c: Json) => c.id).sort();
    expect(await q(`id=${c1.id}`)).toEqual([c1.id]);
    expect(await q(`agent_id=${c2.agent_id}`)).toEqual([c2.id]);
    expect(await q(`campaign_id=${c2.campaign_id}`)).toEqual([c2.id]);
    expect(await q(`did_id=${c3.did_id}`)).toEqual([c3.id]);
    expect(await q(`endpoint_id=${c1.endpoint_id}`)).toEqual([c1.id, c2.id].sort());
    expect(await q(`user_id=${c4.caller_user_id}`)).toEqual([c3.id, c4.id].sort());
    expect(await q(`caller_user_id=${c4.caller_user_id}`)).toEqual([c4.id]);
    expect(await q(`callee_user_id=${c4.callee_user_id}`)).toEqual([c4.id]);
    expect(await q("origination=1234567")).toEqual([c1.id]);
    expect(await q("destination=0101")).toEqual([c2.id]);
    expect(await q("caller_label=jOhN")).toEqual([c1.id]);
    expect(await q("callee_label=SUPPORT")).toEqual([c3.id]);
    expect(await q("direction=inbound")).toEqual([c1.id, c3.id].sort());
    expect(await q("status=completed&direction=OUTBOUND")).toEqual([c2.id]);
    expect(await q("duration_from=33&duration_to=61")).toEqual([c1.id, c4.id].sort());
    expect(await q("has_voicemail=true")).toEqual([c3.id]);
    expect(await q("initiated_at_from=2025-02-01T00:00:00Z&initiated_at_to=2025-03-31T00:00:00Z")).toEqual(
      [c2.id, c3.id].sort(),
    );
    expect(await q("ended_at_from=2025-04-01T09:01:01Z")).toEqual([c4.id]);
    expect(await q("status=COMPLETED&direction=INBOUND&initiated_at_from=2026-05-01T00:00:00Z")).toEqual([]);
    const bad = await call(emu, "GET", "/v1/pbxes/calls/search?initiated_at_from=yesterday");
    expect(bad.status).toBe(400);
    expect((bad.body as Json).errors[0].field).toBe("initiated_at_from");
    const bad2 = await call(emu, "GET", "/v1/pbxes/calls/search?duration_from=abc");
    expect((bad2.body as Json).errors[0].field).toBe("duration_from");
  });

  test("search: status and direction outside their documented values are a 400 listing them, in any case", async () => {
    const status = await call(emu, "GET", "/v1/pbxes/calls/search?status=BOGUS");
    expect(status.status).toBe(400);
    expect((status.body as Json).errors).toEqual([
      {
        field: "status",
        message:
          "must be one of INITIATED, ANSWERED, BUSY, UNANSWERED, COMPLETED, FAILED, FORWARDED (case-insensitive)",
      },
    ]);
    const direction = await call(emu, "GET", "/v1/pbxes/calls/search?direction=SIDEWAYS&status=bogus");
    expect(direction.status).toBe(400);
    expect((direction.body as Json).errors.map((e: Json) => e.field).sort()).toEqual(["direction", "status"]);
    expect((direction.body as Json).message).toContain(
      "direction: must be one of INBOUND, OUTBOUND, INTERNAL (case-insensitive)",
    );
    // Documented as case-insensitive: every case of a listed value is a filter, not an error.
    for (const query of ["status=Completed", "direction=internal", "status=forwarded&direction=Inbound"]) {
      expect([query, (await call(emu, "GET", `/v1/pbxes/calls/search?${query}`)).status]).toEqual([query, 200]);
    }
  });
});

describe("campaigns", () => {
  test("create tasks with the reference request: invalid rows FAILED with code 101", async () => {
    const [campaign] = emu.objects(seeded.org, "campaigns");
    const body = await ok(
      emu,
      "POST",
      `/v1/call-campaigns/${campaign!.id}/tasks`,
      reference("campaigns.create-tasks.request.json"),
    );
    const tasks = campaignCallTasks.parse(body)["call-tasks"];
    const example = reference("campaigns.create-tasks.response.json")["call-tasks"];
    expect(Object.keys(body)).toEqual(["call-tasks"]);
    expect(Object.keys(tasks[0]!).sort()).toEqual(Object.keys(example[0]).sort());
    expect(tasks[0]).toMatchObject({
      import_row_index: 0,
      import_errors: example[0].import_errors,
      import_status: "FAILED",
      call_status: "FAILED",
      contact_phone_number: "",
      import_source: "API",
      recipient_file_id: -1,
      contact_name: "Leonardo",
    });
    expect(tasks[1]).toMatchObject({
      import_row_index: 1,
      import_errors: [],
      import_status: "VALID",
      call_status: "NEW",
      contact_phone_number: "+123456789012",
    });
    expect(tasks[1]!.ordinal).toBeGreaterThan(tasks[0]!.ordinal!);
    expect(
      (
        await call(emu, "POST", "/v1/call-campaigns/nope/tasks", {
          body: reference("campaigns.create-tasks.request.json"),
        })
      ).status,
    ).toBe(404);
  });

  test("a recipient without a phone number is imported as a FAILED row with error 101, not a 400", async () => {
    const [campaign] = emu.objects(seeded.org, "campaigns");
    const res = await call(emu, "POST", `/v1/call-campaigns/${campaign!.id}/tasks`, {
      body: {
        recipients: [
          { contact_name: "No Number", custom_1: "kept" },
          { contact_phone_number: null, contact_name: "Null Number" },
          { contact_phone_number: "+123456789012", contact_name: "Tom" },
        ],
      },
    });
    expect(res.status).toBe(200);
    const tasks = campaignCallTasks.parse(res.body)["call-tasks"];
    const documented = reference("campaigns.create-tasks.response.json")["call-tasks"][0].import_errors[0];
    for (const [index, name] of [
      [0, "No Number"],
      [1, "Null Number"],
    ] as const) {
      expect(tasks[index]).toMatchObject({
        import_row_index: index,
        import_status: "FAILED",
        call_status: "FAILED",
        contact_phone_number: "",
        contact_name: name,
        import_errors: [
          {
            code: 101,
            message: "Recipient phone number not specified",
            raw_value: null,
            substitute: documented.substitute,
            reference: "contact_phone_number",
          },
        ],
      });
    }
    expect(tasks[0]!.custom_1).toBe("kept");
    expect(tasks[2]).toMatchObject({
      import_status: "VALID",
      call_status: "NEW",
      contact_phone_number: "+123456789012",
    });
    // A phone number of the wrong type is still a malformed request.
    const bad = await call(emu, "POST", `/v1/call-campaigns/${campaign!.id}/tasks`, {
      body: { recipients: [{ contact_phone_number: 390101010101 }] },
    });
    expect(bad.status).toBe(400);
    expect((bad.body as Json).errors[0].field).toBe("recipients.0.contact_phone_number");
  });

  test("terminate tasks by phone_number", async () => {
    const [campaign] = emu.objects(seeded.org, "campaigns");
    const phone = reference("campaigns.terminate-tasks.request.json").phone_number;
    await ok(emu, "POST", `/v1/call-campaigns/${campaign!.id}/tasks`, {
      recipients: [
        { contact_phone_number: phone, contact_name: "Alice" },
        { contact_phone_number: phone },
        { contact_phone_number: "+39000000001" },
      ],
    });
    const body = await ok(emu, "PUT", `/v1/call-campaigns/${campaign!.id}/tasks/terminate`, { phone_number: phone });
    const tasks = campaignCallTasks.parse(body)["call-tasks"];
    expect(tasks.map((t) => [t.contact_phone_number, t.call_status])).toEqual([
      [phone, "TERMINATED"],
      [phone, "TERMINATED"],
    ]);
    expect(
      (await ok(emu, "PUT", `/v1/call-campaigns/${campaign!.id}/tasks/terminate`, { phone_number: phone }))[
        "call-tasks"
      ],
    ).toEqual([]);
    expect(
      (await call(emu, "PUT", "/v1/call-campaigns/nope/tasks/terminate", { body: { phone_number: phone } })).status,
    ).toBe(404);
    const bad = await call(emu, "PUT", `/v1/call-campaigns/${campaign!.id}/tasks/terminate`, {
      body: { phone_number: "x" },
    });
    expect((bad.body as Json).errors[0].field).toBe("phone_number");
  });
});

describe("WhatsApp", () => {
  test("bots list with templates; two templates share a name in different languages", async () => {
    const page = springPage(whatsAppBot).parse(await ok(emu, "GET", "/v1/messengers/whatsapp/bots"));
    const templates = page.content.flatMap((b) => b.templates);
    const welcome = templates.filter((t) => t.name === "welcome_message");
    expect(welcome.map((t) => t.language).sort()).toEqual(["en", "it"]);
    expect(Object.keys(page.content[0]!).sort()).toEqual(Object.keys(reference("whatsapp.bots.item.json")).sort());
  });

  test("template message: success, unknown bot 404, foreign template 400, bad recipient 400", async () => {
    const [sales, support] = emu.objects(seeded.org, "whatsapp-bots") as Json[];
    const template = sales.templates[0];
    const req = { ...reference("whatsapp.template-message.request.json"), bot_id: sales.id, template_id: template.id };
    expect(
      templateMessageResponse.parse(await ok(emu, "POST", "/v1/messengers/whatsapp/template-message", req)),
    ).toEqual({ success: true });
    const curl = {
      ...reference("whatsapp.template-message.request.curl.json"),
      bot_id: sales.id,
      template_id: template.id,
    };
    expect(await ok(emu, "POST", "/v1/messengers/whatsapp/template-message", curl)).toEqual({ success: true });
    expect(emu.objects(seeded.org, "whatsapp-messages")).toHaveLength(2);

    const unknownBot = await call(emu, "POST", "/v1/messengers/whatsapp/template-message", {
      body: reference("whatsapp.template-message.request.json"),
    });
    expect(unknownBot.status).toBe(404);
    const foreign = await call(emu, "POST", "/v1/messengers/whatsapp/template-message", {
      body: { ...req, bot_id: support.id },
    });
    expect(foreign.status).toBe(400);
    expect((foreign.body as Json).errors[0].field).toBe("template_id");
    const badRecipient = await call(emu, "POST", "/v1/messengers/whatsapp/template-message", {
      body: { ...req, recipient: "0039" },
    });
    expect((badRecipient.body as Json).errors[0].field).toBe("recipient");
  });

  test("template message parameters go in header and body components only, as documented", async () => {
    const [sales] = emu.objects(seeded.org, "whatsapp-bots") as Json[];
    const req = {
      ...reference("whatsapp.template-message.request.json"),
      bot_id: sales.id,
      template_id: sales.templates[0].id,
    };
    const text = [{ type: "text", text: "Marco" }];
    const header = { ...req, parameters: [{ component: "header", component_parameters: text }] };
    expect(await ok(emu, "POST", "/v1/messengers/whatsapp/template-message", header)).toEqual({ success: true });
    for (const component of ["footer", "buttons", "BODY"]) {
      const refused = await call(emu, "POST", "/v1/messengers/whatsapp/template-message", {
        body: { ...req, parameters: [{ component, component_parameters: text }] },
      });
      expect(refused.status).toBe(400);
      expect((refused.body as Json).errors[0]).toMatchObject({
        field: "parameters.0.component",
        message: expect.stringContaining('must be "header" or "body"'),
      });
    }
  });
});

describe("robocalls", () => {
  test("configurations list; start with the reference request shape answers an integer-id PENDING task", async () => {
    const page = springPage(robocallConfiguration).parse(
      await ok(emu, "GET", "/v1/call-tasks/robocalls/configurations"),
    );
    expect(page.content.length).toBeGreaterThanOrEqual(1);
    expect(Object.keys(page.content[0]!).sort()).toEqual(
      Object.keys(reference("robocalls.configurations.item.json")).sort(),
    );
    const config = page.content[0]!;
    const req = { ...reference("robocalls.start.request.json"), robocall_configuration_id: config.id };
    const body = await ok(emu, "POST", "/v1/call-tasks/robocalls", req);
    const task = robocallTask.parse(body);
    expect(Number.isInteger(task.id)).toBe(true);
    expect(Object.keys(body).sort()).toEqual(Object.keys(reference("robocalls.start.response.json")).sort());
    expect(body).toMatchObject({
      phone_number: req.phone_number,
      attempts: 0,
      status: "PENDING",
      success_criteria: config.success_criteria,
      dnd_config: config.dnd_config,
      retry_config: { ...config.retry_config, max_attempts: 1 },
    });
    const next = await ok(emu, "POST", "/v1/call-tasks/robocalls", req);
    expect(next.id).toBe(task.id + 1);
    expect(
      (await call(emu, "POST", "/v1/call-tasks/robocalls", { body: reference("robocalls.start.request.json") })).status,
    ).toBe(404);
    const bad = await call(emu, "POST", "/v1/call-tasks/robocalls", { body: { ...req, phone_number: "123" } });
    expect((bad.body as Json).errors[0].field).toBe("phone_number");
  });
});
