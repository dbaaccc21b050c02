/**
 * The client against the emulator over real HTTP on loopback: every endpoint of every section, both
 * pagination envelopes across several pages, each error class the emulator can produce, tenant isolation,
 * and request validation that keeps bad input from ever leaving the process.
 */
import { request as undiciRequest } from "undici";
import { RomulusClient, type RomulusClientOptions } from "../../src/client";
import {
  BadRequestError,
  fromResponse,
  MethodNotAllowedError,
  NotAcceptableError,
  NotFoundError,
  RateLimitedError,
  RequestValidationError,
  RomulusApiError,
  ServerError,
  UnauthorizedError,
} from "../../src/client/core/errors";
import { closeConnections, Transport } from "../../src/client/core/transport";
import {
  DEFAULT_API_KEY,
  DEFAULT_ORGANIZATION_ID,
  type Emulator,
  SECOND_API_KEY,
  SECOND_ORGANIZATION_ID,
  startEmulator,
} from "../../src/emulator";
import { deobfuscate, type Json, reference, until } from "../emulator/support";

let emu: Emulator;
let client: RomulusClient;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, outboundCallCompletionMs: 0, webhookIntervalScale: 0.01 });
});
afterAll(async () => {
  await closeConnections();
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  emu.setFaults(undefined);
  client = clientFor();
});

/** A client for the emulator; the environment is ignored because both key and endpoint are explicit. */
function clientFor(options: RomulusClientOptions = {}): RomulusClient {
  return new RomulusClient({ apiKey: DEFAULT_API_KEY, endpoint: emu.url, ...options });
}

/** A transport for requests the client has no method for. */
function transportFor(apiKey = DEFAULT_API_KEY): Transport {
  return new Transport({ baseUrl: emu.url, apiKey, maxRetries: 0 });
}

/** The per-route counters, without `total` and fault counters. */
function routeCounters(): Record<string, number> {
  return Object.fromEntries(Object.entries(emu.counters()).filter(([k]) => k !== "total" && !k.startsWith("faults.")));
}

const agentOf = (type: "OUTBOUND" | "INBOUND", org = DEFAULT_ORGANIZATION_ID): Json =>
  emu.objects(org, "agents").find((a: Json) => a.type === type);

async function rejection(promise: Promise<unknown>): Promise<Json> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

describe("me and agents", () => {
  test("me() answers the key's organization, with a GET", async () => {
    emu.resetCounters();
    expect(await client.me()).toEqual({ organization_id: DEFAULT_ORGANIZATION_ID });
    expect(routeCounters()).toEqual({ "GET /v1/me": 1 });
    expect(await clientFor({ apiKey: SECOND_API_KEY }).me()).toEqual({ organization_id: SECOND_ORGANIZATION_ID });
  });

  test("agents.list() yields the seeded agents", async () => {
    const agents = await client.agents.list().toArray();
    expect(agents.map((a) => a.name).sort()).toEqual(["Appointment Agent", "Sales Agent", "Support Agent"]);
    expect(agents.map((a) => a.id).sort()).toEqual(
      emu
        .objects(DEFAULT_ORGANIZATION_ID, "agents")
        .map((a) => a.id)
        .sort(),
    );
  });
});

describe("agent call tasks", () => {
  test("create with the reference request: attempt_delay, time_ranges, zero-padded times; list shows it", async () => {
    const agent = agentOf("OUTBOUND");
    const req = reference("agent-call-tasks.create.request.json");
    const task = await client.agentCallTasks.create(agent.id, deobfuscate(req));
    expect(task).toMatchObject({
      agent_id: agent.id,
      contact_phone_number: "+1234567890",
      status: "PENDING",
      attempts: 0,
      retry_configuration: {
        strategy: "DYNAMIC_DELAY",
        attempts: [
          { attempt: 1, attempt_delay: 60 },
          { attempt: 2, attempt_delay: 200 },
        ],
      },
      availability_configuration: {
        skip_for_first_attempt: true,
        days: [
          { day_of_week: "MONDAY", time_ranges: [{ from: "09:00", to: "15:00" }] },
          {
            day_of_week: "TUESDAY",
            time_ranges: [
              { from: "09:00", to: "15:00" },
              { from: "16:00", to: "20:00" },
            ],
          },
        ],
      },
      metadata: { external_metadata: [{ key: "key", value: "value" }] },
      contact_data: { name: "John Doe", timezone: "Europe/Rome" },
    });
    // The request shape's names do not come back.
    const json = JSON.stringify(task);
    expect(json).not.toContain("delay_sec");
    expect(json).not.toContain('"timeranges"');
    expect(json).not.toContain('"9:00"');

    const listed = await client.agentCallTasks.list(agent.id).toArray();
    expect(listed.map((t) => t.id)).toEqual([task.id]);
    expect(await client.agentCallTasks.list(agentOf("INBOUND").id).toArray()).toEqual([]);
  });

  test("terminate(id) and terminateByPhone(phone)", async () => {
    const agent = agentOf("OUTBOUND");
    const t1 = await client.agentCallTasks.create(agent.id, { contact_phone_number: "+391111111" });
    const t2 = await client.agentCallTasks.create(agent.id, { contact_phone_number: "+392222222" });
    const t3 = await client.agentCallTasks.create(agent.id, { contact_phone_number: "+392222222" });
    const t4 = await client.agentCallTasks.create(agent.id, { contact_phone_number: "+393333333" });

    await expect(client.agentCallTasks.terminate(t1.id)).resolves.toBeUndefined();
    await expect(client.agentCallTasks.terminateByPhone("+392222222")).resolves.toBeUndefined();
    const statuses = Object.fromEntries(
      (await client.agentCallTasks.list(agent.id).toArray()).map((t) => [t.id, t.status]),
    );
    expect(statuses).toEqual({
      [t1.id]: "TERMINATED",
      [t2.id]: "TERMINATED",
      [t3.id]: "TERMINATED",
      [t4.id]: "PENDING",
    });
    // PUT, as documented in the example (the emulator answers POST too).
    expect(emu.counters()["PUT /v1/ai-agents/agents/call-tasks/terminate"]).toBe(1);
    await expect(client.agentCallTasks.terminate("no-such-task")).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("calls", () => {
  test("create with a valid number: INITIATED", async () => {
    const agent = agentOf("OUTBOUND");
    const made = await client.calls.create(agent.id, deobfuscate(reference("calls.create.request.json")));
    expect(made).toMatchObject({
      agent_id: agent.id,
      status: "INITIATED",
      direction: "OUTBOUND",
      destination: "+390101010101",
      origination: agent.outbound_cli,
    });
  });

  test("an invalid number is refused before sending; sent raw, the emulator answers a FAILED call", async () => {
    const agent = agentOf("OUTBOUND");
    emu.resetCounters();
    const error = await rejection(client.calls.create(agent.id, { to: "invalid number" }));
    expect(error).toBeInstanceOf(RequestValidationError);
    expect(error.path).toBe("to");
    expect(error.message).toContain("E.164");
    expect(emu.counters().total).toBe(0);

    const raw = await transportFor().request<Json>({
      method: "POST",
      path: `/v1/ai-agents/agents/${agent.id}/call`,
      body: { to: "invalid number" },
    });
    expect(raw).toMatchObject({ status: "FAILED", destination: "invalid number", error_message: expect.any(String) });
    expect(emu.counters().total).toBe(1);
  });

  test("search with a few filters (AND-ed)", async () => {
    const all = await client.calls.search().toArray();
    const seeded = emu.objects(DEFAULT_ORGANIZATION_ID, "calls") as Json[];
    expect(all.map((c) => c.id).sort()).toEqual(seeded.map((c) => c.id).sort());

    const ids = async (filters: Parameters<typeof client.calls.search>[0]) =>
      (await client.calls.search(filters).toArray()).map((c) => c.id).sort();
    const [c1, c2, c3, c4] = seeded;
    expect(await ids({ id: c1.id })).toEqual([c1.id]);
    expect(await ids({ agent_id: c2.agent_id })).toEqual([c2.id]);
    expect(await ids({ direction: "INBOUND" })).toEqual([c1.id, c3.id].sort());
    expect(await ids({ status: "COMPLETED", direction: "OUTBOUND" })).toEqual([c2.id]);
    expect(await ids({ duration_from: 33, duration_to: 61 })).toEqual([c1.id, c4.id].sort());
    expect(await ids({ has_voicemail: true })).toEqual([c3.id]);
    expect(await ids({ initiated_at_from: "2025-02-01T00:00:00Z", initiated_at_to: "2025-03-31T00:00:00Z" })).toEqual(
      [c2.id, c3.id].sort(),
    );
    // The filters travel in the query string.
    const last = emu.requests().at(-1)!;
    expect(last).toMatchObject({ method: "GET", route: "/v1/pbxes/calls/search", status: 200 });
  });
});

describe("campaigns", () => {
  test("createTasks: every row is created, invalid ones with import_errors; terminateTasks", async () => {
    const [campaign] = emu.objects(DEFAULT_ORGANIZATION_ID, "campaigns");
    const created = await client.campaigns.createTasks(
      String(campaign!.id),
      deobfuscate(reference("campaigns.create-tasks.request.json")),
    );
    const [bad, good] = created["call-tasks"];
    expect(bad).toMatchObject({
      import_row_index: 0,
      import_status: "FAILED",
      call_status: "FAILED",
      import_errors: [expect.objectContaining({ code: expect.any(Number), message: expect.any(String) })],
    });
    expect(good).toMatchObject({
      import_row_index: 1,
      import_status: "VALID",
      call_status: "NEW",
      import_errors: [],
      contact_phone_number: "+123456789012",
    });

    const terminated = await client.campaigns.terminateTasks(String(campaign!.id), "+123456789012");
    expect(terminated["call-tasks"].map((t) => [t.id, t.call_status])).toEqual([[good!.id, "TERMINATED"]]);
    expect((await client.campaigns.terminateTasks(String(campaign!.id), "+123456789012"))["call-tasks"]).toEqual([]);
    await expect(
      client.campaigns.createTasks("no-such-campaign", { recipients: [{ contact_phone_number: "+391234567" }] }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("contacts", () => {
  test("create, get, search, update (replaces), delete", async () => {
    const created = await client.contacts.create({
      ...deobfuscate(reference("contacts.create.request.json")),
      tags: ["vip"],
    });
    expect(created).toMatchObject({
      first_name: "John",
      last_name: "Doe",
      source: "API",
      phones: [{ number: "+39012345678", label: "MOBILE", id: expect.any(String) }],
      tags: [{ name: "vip", id: expect.any(String) }],
    });
    expect(await client.contacts.get(created.id)).toEqual(created);

    expect((await client.contacts.search({ phone: "12345678" }).toArray()).map((c) => c.id)).toEqual([created.id]);
    expect((await client.contacts.search({ tags: ["vip"], company_name: "acme" }).toArray()).length).toBe(1);
    expect(await client.contacts.search({ tags: ["vip"], company_name: "nope" }).toArray()).toEqual([]);

    const updated = await client.contacts.update(created.id, { first_name: "Johnny" });
    expect(updated).toMatchObject({ id: created.id, first_name: "Johnny", last_name: null, phones: [], tags: [] });
    expect(updated.created_at).toBe(created.created_at);

    await expect(client.contacts.delete(created.id)).resolves.toBeUndefined();
    await expect(client.contacts.get(created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.contacts.delete(created.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("WhatsApp", () => {
  test("listBots() and sendTemplateMessage()", async () => {
    const bots = await client.whatsapp.listBots().toArray();
    expect(bots.map((b) => b.name).sort()).toEqual(["Sales WA bot", "Support WA bot"]);
    const sales = bots.find((b) => b.name === "Sales WA bot")!;
    const template = (sales.templates as Json[])[0];
    const answer = await client.whatsapp.sendTemplateMessage({
      ...reference("whatsapp.template-message.request.json"),
      bot_id: sales.id,
      template_id: template.id,
    });
    expect(answer).toEqual({ success: true });
    expect(emu.objects(DEFAULT_ORGANIZATION_ID, "whatsapp-messages")).toHaveLength(1);
  });
});

describe("webhook subscriptions", () => {
  test("create, get, list, update, delete", async () => {
    const req = reference("webhook-subscriptions.create.request.json");
    const created = await client.webhookSubscriptions.create(req);
    expect(created).toMatchObject({ status: "ACTIVE", event: "AGENT_ACTION_COMPLETED", url: req.url });
    expect(created.id).toMatch(/^[0-9a-f]{32}$/);
    expect(await client.webhookSubscriptions.get(created.id)).toEqual(created);
    expect((await client.webhookSubscriptions.list().toArray()).map((s) => s.id)).toEqual([created.id]);

    const updated = await client.webhookSubscriptions.update(
      created.id,
      reference("webhook-subscriptions.update.request.json"),
    );
    expect(updated).toMatchObject({ id: created.id, status: "DISABLED", event: "AGENT_ACTION_COMPLETED" });

    await client.webhookSubscriptions.delete(created.id);
    await expect(client.webhookSubscriptions.get(created.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await client.webhookSubscriptions.list().toArray()).toEqual([]);
  });
});

describe("robocalls and call-task webhook subscriptions", () => {
  test("listConfigurations() and start()", async () => {
    const configs = await client.robocalls.listConfigurations().toArray();
    expect(configs).toHaveLength(2);
    const task = await client.robocalls.start({
      robocall_configuration_id: configs[0]!.id,
      phone_number: "+39012345678",
    });
    expect(Number.isInteger(task.id)).toBe(true);
    expect(task).toMatchObject({ phone_number: "+39012345678", status: "PENDING", attempts: 0 });
  });

  test("callTaskWebhookSubscriptions create, list, delete", async () => {
    const created = await client.callTaskWebhookSubscriptions.create({
      entity_type: "robocall",
      url: "https://example.com/robocalls",
    });
    expect(created).toMatchObject({ entity_type: "robocall", entity_id: null, url: "https://example.com/robocalls" });
    expect(await client.callTaskWebhookSubscriptions.list().toArray()).toEqual([created]);
    await client.callTaskWebhookSubscriptions.delete(created.id);
    expect(await client.callTaskWebhookSubscriptions.list().toArray()).toEqual([]);
    await expect(client.callTaskWebhookSubscriptions.delete(created.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("pagination", () => {
  const insertContacts = (n: number) => {
    for (let i = 0; i < n; i++) {
      emu.insert(DEFAULT_ORGANIZATION_ID, "contacts", {
        first_name: `Bulk ${i}`,
        last_name: null,
        emails: [],
        phones: [],
        addresses: [],
        job_title: null,
        company_name: "Bulk Inc",
        website: null,
        source: "API",
        tags: [],
        metadata: {},
      });
    }
  };
  const insertAgents = (n: number) => {
    const template = agentOf("OUTBOUND");
    for (let i = 0; i < n; i++) {
      const { id: _id, ...rest } = template;
      emu.insert(DEFAULT_ORGANIZATION_ID, "agents", { ...rest, name: `Bulk agent ${i}` });
    }
  };

  test("v2 envelope (contacts search): 250 contacts, 200 per page: 2 requests, each contact once", async () => {
    insertContacts(250);
    emu.resetCounters();
    const ids = (await client.contacts.search().toArray()).map((c) => c.id);
    expect(ids).toHaveLength(250);
    expect(new Set(ids)).toEqual(new Set(emu.objects(DEFAULT_ORGANIZATION_ID, "contacts").map((c) => c.id)));
    expect(routeCounters()).toEqual({ "POST /v2/contacts/search": 2 });

    emu.resetCounters();
    const small = [];
    for await (const c of client.contacts.search({ company_name: "bulk" }, { pageSize: 30 })) small.push(c.id);
    expect(small).toEqual(ids);
    expect(routeCounters()).toEqual({ "POST /v2/contacts/search": 9 }); // ceil(250 / 30)
  });

  test("v1 envelope (agents): 123 agents, 100 per page: 2 requests; 25 per page: 5; each agent once", async () => {
    insertAgents(120);
    emu.resetCounters();
    const ids = (await client.agents.list().toArray()).map((a) => a.id);
    expect(ids).toHaveLength(123);
    expect(new Set(ids).size).toBe(123);
    expect(new Set(ids)).toEqual(new Set(emu.objects(DEFAULT_ORGANIZATION_ID, "agents").map((a) => a.id)));
    expect(routeCounters()).toEqual({ "GET /v1/ai-agents/agents/search": 2 });

    emu.resetCounters();
    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of client.agents.list({ pageSize: 25 }).pages()) {
      pages.push(page.items.length);
      seen.push(...page.items.map((a) => a.id));
    }
    expect(pages).toEqual([25, 25, 25, 25, 23]);
    expect(seen).toEqual(ids);
    expect(routeCounters()).toEqual({ "GET /v1/ai-agents/agents/search": 5 });
  });

  test("firstPage(), nextPage() and page(n) on both envelopes", async () => {
    insertContacts(250);
    insertAgents(120);
    emu.resetCounters();

    const first = await client.contacts.search({}, { pageSize: 100 }).firstPage();
    expect(first).toMatchObject({ pageNumber: 0, last: false, totalElements: 250, totalPages: 3 });
    expect(first.items).toHaveLength(100);
    const second = await first.nextPage();
    expect(second).toMatchObject({ pageNumber: 1, last: false });
    const third = await client.contacts.search({}, { pageSize: 100 }).page(2);
    expect(third).toMatchObject({ pageNumber: 2, last: true });
    expect(third.items).toHaveLength(50);
    expect(third.hasNextPage()).toBe(false);
    expect(await third.nextPage()).toBeUndefined();

    const agents = client.agents.list({ pageSize: 50 });
    const a0 = await agents.firstPage();
    expect(a0).toMatchObject({ pageNumber: 0, last: false, totalElements: 123, totalPages: 3 });
    const a2 = await agents.page(2);
    expect(a2).toMatchObject({ pageNumber: 2, last: true });
    expect(a2.items).toHaveLength(23);
    const fromStart = await client.agents.list({ pageSize: 50, startPage: 1 }).toArray();
    expect(fromStart).toHaveLength(73);

    expect(routeCounters()).toEqual({ "POST /v2/contacts/search": 3, "GET /v1/ai-agents/agents/search": 4 });
  });
});

describe("errors from the emulator", () => {
  test("400: the field is named in the message", async () => {
    const error = await rejection(client.calls.search({ initiated_at_from: "yesterday" }).toArray());
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.status).toBe(400);
    expect(error.message).toContain("initiated_at_from");
    expect(error.body.errors[0].field).toBe("initiated_at_from");

    const [sales, support] = emu.objects(DEFAULT_ORGANIZATION_ID, "whatsapp-bots") as Json[];
    const foreign = await rejection(
      client.whatsapp.sendTemplateMessage({
        bot_id: support.id,
        template_id: sales.templates[0].id,
        recipient: "+39012345678",
      }),
    );
    expect(foreign).toBeInstanceOf(BadRequestError);
    expect(foreign.message).toContain("template_id");
  });

  test("401: a bad key, never echoed", async () => {
    const error = await rejection(clientFor({ apiKey: "not-a-valid-key-xyz" }).me());
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.status).toBe(401);
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain("not-a-valid-key-xyz");
  });

  test("404: unknown ids", async () => {
    for (const promise of [
      client.contacts.get("does-not-exist"),
      client.webhookSubscriptions.get("0123456789abcdef0123456789abcdef"),
      client.agentCallTasks.list("no-such-agent").toArray(),
      client.calls.create("no-such-agent", { to: "+390101010101" }),
    ]) {
      const error = await rejection(promise);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.status).toBe(404);
    }
  });

  test("405: a raw request through the transport (the client has no call the API refuses by method)", async () => {
    const created = await client.callTaskWebhookSubscriptions.create({
      entity_type: "robocall",
      url: "https://e.com/r",
    });
    // Call-task webhook subscriptions have no get: the path exists for DELETE only.
    const error = await rejection(
      transportFor().request({ method: "GET", path: `/v1/call-tasks/webhook-subscriptions/${created.id}` }),
    );
    expect(error).toBeInstanceOf(MethodNotAllowedError);
    expect(error.status).toBe(405);
    expect(error.headers.allow).toBe("DELETE");
    expect(await rejection(transportFor().request({ method: "DELETE", path: "/v1/me" }))).toBeInstanceOf(
      MethodNotAllowedError,
    );
  });

  test("406: the transport always sends Accept: application/json, so only a raw request shows it", async () => {
    // The transport cannot be made to send another Accept header; this shows the emulator's answer and
    // that the same answer maps to NotAcceptableError (the mapping the transport applies to every response).
    const res = await undiciRequest(`${emu.url}/v1/me`, {
      headers: { authorization: DEFAULT_API_KEY, accept: "text/html" },
    });
    const body = await res.body.json();
    expect(res.statusCode).toBe(406);
    const error = fromResponse(res.statusCode, "GET", "/v1/me", body, res.headers as Record<string, string>);
    expect(error).toBeInstanceOf(NotAcceptableError);
    expect(error.message).toMatch(/^Romulus API 406 Not Acceptable on GET \/v1\/me/);
  });

  test("429 with Retry-After: the client waits as told, then succeeds", async () => {
    emu.setFaults({ rules: [{ route: "GET /v1/me", rate429: 1, retryAfterSeconds: 1 }] });
    emu.resetCounters();
    const started = Date.now();
    const answer = client.me();
    // Faults off once the first attempt has been refused (not after a fixed time, which a busy machine
    // can outlast before the first attempt even arrives): the retry, a second later, goes through.
    await until(() => emu.counters()["faults.429"] === 1);
    emu.setFaults(undefined);
    expect(await answer).toEqual({ organization_id: DEFAULT_ORGANIZATION_ID });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(5000);
    expect(emu.counters()).toMatchObject({ "GET /v1/me": 2, "faults.429": 1 });
  });

  test("429 forever: retries stop at maxRetries, each after Retry-After", async () => {
    emu.setFaults({ rules: [{ route: "GET /v1/me", rate429: 1, retryAfterSeconds: 1 }] });
    emu.resetCounters();
    const started = Date.now();
    const error = await rejection(clientFor({ maxRetries: 2 }).me());
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ status: 429, attempts: 3, retryAfterMs: 1000 });
    expect(error.message).toContain("gave up after 3 attempts");
    expect(elapsed).toBeGreaterThanOrEqual(1900); // two waits of one second
    expect(emu.counters()).toMatchObject({ "GET /v1/me": 3, "faults.429": 3 });

    emu.resetCounters();
    const none = await rejection(clientFor({ maxRetries: 0 }).me());
    expect(none).toMatchObject({ status: 429, attempts: 1 });
    expect(emu.counters()["GET /v1/me"]).toBe(1);
  });

  test("503: retried even for a POST (the request was not processed), up to maxRetries", async () => {
    emu.setFaults({ rules: [{ route: "POST /v2/contacts", rate503: 1 }] });
    emu.resetCounters();
    const error = await rejection(clientFor({ maxRetries: 2 }).contacts.create({ first_name: "Nobody" }));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 503, attempts: 3 });
    expect(emu.counters()).toMatchObject({ "POST /v2/contacts": 3, "faults.503": 3 });
    expect(emu.objects(DEFAULT_ORGANIZATION_ID, "contacts")).toEqual([]);

    emu.setFaults(undefined);
    expect(await client.contacts.create({ first_name: "Somebody" })).toMatchObject({ first_name: "Somebody" });
  });

  test("every API error is a RomulusApiError and none carries the key", async () => {
    const errors = await Promise.all([
      rejection(client.contacts.get("nope")),
      rejection(clientFor({ apiKey: "wrong-key-123" }).agents.list().toArray()),
      rejection(client.calls.search({ initiated_at_from: "yesterday" }).toArray()),
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(RomulusApiError);
      const text = `${error.message} ${JSON.stringify(error)} ${JSON.stringify(error.body)}`;
      expect(text).not.toContain(DEFAULT_API_KEY);
      expect(text).not.toContain("wrong-key-123");
    }
  });
});

describe("tenant isolation through the client", () => {
  test("objects of organization 1 are 404s with organization 2's key", async () => {
    const other = clientFor({ apiKey: SECOND_API_KEY });
    const contact = await client.contacts.create({ first_name: "Private" });
    const sub = await client.webhookSubscriptions.create({ event: "AGENT_CALL_COMPLETED", url: "https://e.com/h" });
    const cts = await client.callTaskWebhookSubscriptions.create({ entity_type: "robocall", url: "https://e.com/r" });

    await expect(other.contacts.get(contact.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.contacts.update(contact.id, { first_name: "Stolen" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.contacts.delete(contact.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.webhookSubscriptions.get(sub.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.callTaskWebhookSubscriptions.delete(cts.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      other.agentCallTasks.create(agentOf("OUTBOUND").id, { contact_phone_number: "+391234567" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await other.contacts.search().toArray()).toEqual([]);
    expect(await other.webhookSubscriptions.list().toArray()).toEqual([]);

    // Still there, unchanged, for their owner.
    expect(await client.contacts.get(contact.id)).toEqual(contact);
    expect(await client.webhookSubscriptions.get(sub.id)).toEqual(sub);
  });
});

describe("request validation before sending", () => {
  test("bad E.164 numbers name the field; nothing reaches the emulator", async () => {
    const agent = agentOf("OUTBOUND");
    emu.resetCounters();
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => client.agentCallTasks.create(agent.id, { contact_phone_number: "12345" }), "contact_phone_number"],
      [() => client.agentCallTasks.terminateByPhone("0039 123"), "contact_phone_number"],
      [() => client.contacts.create({ first_name: "A", phones: [{ number: "0039 123" }] }), "phones.0.number"],
      [() => client.contacts.update("any-id", { first_name: "A", phones: [{ number: "+39 012" }] }), "phones.0.number"],
      [() => client.calls.create(agent.id, { to: "+0123" }), "to"],
      [() => client.campaigns.terminateTasks("any-campaign", "x"), "phone_number"],
      [() => client.robocalls.start({ robocall_configuration_id: "c", phone_number: "123" }), "phone_number"],
      [() => client.whatsapp.sendTemplateMessage({ bot_id: "b", template_id: "t", recipient: "0039" }), "recipient"],
    ];
    for (const [send, field] of cases) {
      // A rejected promise, never a synchronous throw: `.catch()` on the call sees the error.
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = send();
      }).not.toThrow();
      const error = await rejection(promise!);
      expect(error).toBeInstanceOf(RequestValidationError);
      expect({ field, path: error.path }).toEqual({ field, path: field });
      expect(error.message).toContain(field);
    }
    expect(emu.counters().total).toBe(0);
  });

  test("misspelt keys are refused, naming the key and the endpoint, instead of being dropped", async () => {
    const agent = agentOf("OUTBOUND");
    emu.resetCounters();
    let thrown: unknown;
    try {
      client.calls.search({ stauts: "COMPLETED" } as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RequestValidationError);
    expect(thrown).toMatchObject({ endpoint: "GET /v1/pbxes/calls/search", path: "stauts" });
    expect((thrown as Error).message).toBe(
      "Invalid request for GET /v1/pbxes/calls/search: stauts: unknown field, which the API would ignore " +
        "(did you mean status?)",
    );

    const title = await rejection(client.contacts.create({ first_name: "Z", job_tilte: "CEO" } as never));
    expect(title).toBeInstanceOf(RequestValidationError);
    expect(title).toMatchObject({ endpoint: "POST /v2/contacts", path: "job_tilte" });
    expect(title.message).toContain("Invalid request for POST /v2/contacts: job_tilte: unknown field");
    expect(title.message).toContain("did you mean job_title?");

    const cases: Array<[() => Promise<unknown>, string, string]> = [
      // camelCase where the API speaks snake_case
      [() => client.contacts.search({ firstName: "Z" } as never).toArray(), "firstName", "first_name"],
      // nested, in an array
      [
        () =>
          client.contacts.update("any-id", {
            first_name: "Z",
            phones: [{ number: "+391234567", lable: "HOME" }],
          } as never),
        "phones.0.lable",
        "label",
      ],
      // nested in an object that is loose because responses share it
      [
        () =>
          client.agentCallTasks.create(agent.id, {
            contact_phone_number: "+391234567",
            contact_data: { nmae: "Jo" },
          } as never),
        "contact_data.nmae",
        "name",
      ],
      // a strict object reports the key once, with the same words
      [
        () =>
          client.webhookSubscriptions.create({
            event: "AGENT_ACTION_COMPLETED",
            url: "https://e.com/h",
            specifications: { ACTION_TPYE: "APPOINTMENT" },
          } as never),
        "specifications.ACTION_TPYE",
        "ACTION_TYPE",
      ],
    ];
    for (const [send, path, guess] of cases) {
      const error = await rejection(Promise.resolve().then(send));
      expect(error).toBeInstanceOf(RequestValidationError);
      expect({ path: error.path, issues: error.issues.length }).toEqual({ path, issues: 1 });
      expect(error.message).toContain(`${path}: unknown field, which the API would ignore (did you mean ${guess}?)`);
    }
    // Nothing close: the message lists what the object takes.
    const far = await rejection(client.contacts.create({ first_name: "Z", xyz: 1 } as never));
    expect(far.message).toContain(
      "xyz: unknown field, which the API would ignore (expected one of first_name, last_name,",
    );
    // A typo next to a real mistake: both are reported, the typo first.
    const both = await rejection(client.contacts.create({ frist_name: "Z" } as never));
    expect(both.issues.map((i: { path: string }) => i.path)).toEqual(["frist_name", "first_name"]);
    expect(both.message).toContain("frist_name: unknown field, which the API would ignore (did you mean first_name?)");
    expect(emu.counters().total).toBe(0);

    // What the API does take still goes through, nulls included.
    const created = await client.contacts.create({ first_name: "Z", job_title: "CEO", last_name: null });
    expect(created.job_title).toBe("CEO");
    expect((await client.calls.search({ status: "COMPLETED" }).toArray()).every((c) => c.status === "COMPLETED")).toBe(
      true,
    );
  });

  test("a webhook subscription create may say status ACTIVE (what creation does) but no other status", async () => {
    emu.resetCounters();
    const body = { event: "AGENT_CALL_COMPLETED", url: "https://e.com/h" } as const;
    const disabled = await rejection(client.webhookSubscriptions.create({ ...body, status: "DISABLED" } as never));
    expect(disabled).toBeInstanceOf(RequestValidationError);
    expect(disabled).toMatchObject({ endpoint: "POST /v1/webhook-subscriptions", path: "status" });
    expect(disabled.message).toContain('always created ACTIVE; create it, then update it with status "DISABLED"');
    expect(emu.counters().total).toBe(0);
    const created = await client.webhookSubscriptions.create({ ...body, status: "ACTIVE" } as never);
    expect(created.status).toBe("ACTIVE");
    expect(emu.counters()["POST /v1/webhook-subscriptions"]).toBe(1);
  });

  test("webhook attempts and interval: whole and at least 1, with no invented upper bound", async () => {
    emu.resetCounters();
    const body = { event: "AGENT_CALL_COMPLETED", url: "https://e.com/h" } as const;
    const refused: Array<[Record<string, number>, string, string]> = [
      [{ attempts: 0 }, "attempts", "must be a whole number, at least 1"],
      [{ attempts: 2.5 }, "attempts", "must be a whole number, at least 1"],
      [{ attempts_interval_seconds: 0 }, "attempts_interval_seconds", "must be a whole number of seconds, at least 1"],
    ];
    for (const [extra, path, message] of refused) {
      const error = await rejection(client.webhookSubscriptions.create({ ...body, ...extra }));
      expect(error).toBeInstanceOf(RequestValidationError);
      expect(error.message).toBe(`Invalid request for POST /v1/webhook-subscriptions: ${path}: ${message}`);
    }
    expect(emu.counters().total).toBe(0);
    // The reference bounds neither: 20 attempts two days apart is the API's to judge, not ours.
    const created = await client.webhookSubscriptions.create({
      ...body,
      attempts: 20,
      attempts_interval_seconds: 172800,
    });
    expect(created).toMatchObject({ attempts: 20, attempts_interval_seconds: 172800 });
    const updated = await client.webhookSubscriptions.update(created.id, {
      status: "ACTIVE",
      url: body.url,
      attempts: 11,
      attempts_interval_seconds: 86401,
    });
    expect(updated).toMatchObject({ attempts: 11, attempts_interval_seconds: 86401 });
  });

  test("page sizes the endpoint cannot take are refused before sending", async () => {
    emu.resetCounters();
    let thrown: unknown;
    try {
      client.contacts.search({}, { pageSize: 500 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RequestValidationError);
    expect(thrown).toMatchObject({ endpoint: "POST /v2/contacts/search", path: "pageSize" });
    expect((thrown as Error).message).toBe(
      "Invalid request for POST /v2/contacts/search: pageSize: must be a whole number between 1 and 200, got 500",
    );
    const zero = await rejection(client.contacts.search().page(0, 0));
    expect(zero).toBeInstanceOf(RequestValidationError);
    expect(zero.message).toContain("pageSize: must be a whole number between 1 and 200, got 0");
    const v1 = await rejection(client.agents.list().page(0, 0));
    expect(v1).toMatchObject({ endpoint: "GET /v1/ai-agents/agents/search", path: "pageSize" });
    expect(emu.counters().total).toBe(0);
    // The largest documented size is fine.
    await client.contacts.search({}, { pageSize: 200 }).firstPage();
    expect(emu.counters().total).toBe(1);
  });

  test("other request rules: a time that is not HH:mm, a delay out of range, webhook entity rules", async () => {
    const agent = agentOf("OUTBOUND");
    emu.resetCounters();
    const bad = await rejection(
      client.agentCallTasks.create(agent.id, {
        contact_phone_number: "+391234567",
        retry_configuration: { attempts: [{ attempt: 1, delay_sec: 10 }] },
      }),
    );
    expect(bad).toBeInstanceOf(RequestValidationError);
    expect(bad.path).toBe("retry_configuration.attempts.0.delay_sec");
    const time = await rejection(
      client.agentCallTasks.create(agent.id, {
        contact_phone_number: "+391234567",
        availability_configuration: { days: [{ day_of_week: "MONDAY", timeranges: [{ from: "25:00", to: "26:00" }] }] },
      }),
    );
    expect(time).toBeInstanceOf(RequestValidationError);
    expect(time.path).toBe("availability_configuration.days.0.timeranges.0.from");
    const rule = await rejection(
      client.webhookSubscriptions.create({
        event: "AGENT_CALL_COMPLETED",
        url: "https://e.com/h",
        entity_type: "AGENT",
      }),
    );
    expect(rule).toBeInstanceOf(RequestValidationError);
    expect(rule.path).toBe("entity_id");
    expect(emu.counters().total).toBe(0);
  });
});
