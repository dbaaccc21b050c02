/**
 * The emulator under hostile input (contacts with huge lists, deeply nested bodies, organizations named
 * like Object.prototype members, damaged state files), and the agent call task details that depend on
 * the task (the call completing it, when its first attempt is due). Real HTTP on loopback.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Emulator, startEmulator } from "../../src/emulator";
import { readStateFile } from "../../src/emulator/persistence";
import { call, type Json, ok, seeded, startTestEmulator } from "./support";

let emu: Emulator | undefined;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "romulus-emulator-hardening-"));
});
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const phones = (n: number, offset = 0) =>
  Array.from({ length: n }, (_, i) => ({ number: `+3902${String(i + offset).padStart(8, "0")}`, label: "MOBILE" }));

describe("contact lists", () => {
  test("a PUT or POST with more than 100 phones, emails, addresses or tags is a 400 naming the list; nothing changes", async () => {
    emu = await startTestEmulator();
    const contact = await ok(emu, "POST", "/v2/contacts", { first_name: "Ada", phones: phones(2) });
    const huge = await call(emu, "PUT", `/v2/contacts/${contact.id}`, {
      body: { first_name: "Ada", phones: phones(8000) },
    });
    expect(huge.status).toBe(400);
    expect(huge.body).toMatchObject({
      errors: [{ field: "phones", message: "must have at most 100 entries, got 8000" }],
    });
    for (const field of ["emails", "addresses", "tags", "tag_ids"]) {
      const list = Array.from({ length: 101 }, () => (field === "addresses" ? { city: "Rome" } : "x"));
      const res = await call(emu, "POST", "/v2/contacts", { body: { first_name: "Ada", [field]: list } });
      expect([field, res.status, (res.body as Json).errors[0].field]).toEqual([field, 400, field]);
    }
    expect(await ok(emu, "GET", `/v2/contacts/${contact.id}`)).toEqual(contact);
    // At the limit: accepted.
    expect(
      (await call(emu, "PUT", `/v2/contacts/${contact.id}`, { body: { first_name: "Ada", phones: phones(100) } }))
        .status,
    ).toBe(200);
  });

  test("a PUT keeps the ids of unchanged entries, repeated ones included, in order", async () => {
    emu = await startTestEmulator();
    const same = { number: "+390200000001", label: "MOBILE" };
    const created = await ok(emu, "POST", "/v2/contacts", {
      first_name: "Ada",
      phones: [same, same, ...phones(60, 10)],
    });
    const ids = created.phones.map((p: Json) => p.id);
    expect(new Set(ids).size).toBe(62);
    // Reordered, one repeat dropped, one new number.
    const updated = await ok(emu, "PUT", `/v2/contacts/${created.id}`, {
      first_name: "Ada",
      phones: [...phones(60, 10).reverse(), same, { number: "+390299999999", label: "HOME" }],
    });
    expect(updated.phones.slice(0, 60).map((p: Json) => p.id)).toEqual(ids.slice(2).reverse());
    expect(updated.phones[60].id).toBe(ids[0]);
    expect(ids).not.toContain(updated.phones[61].id);
  });
});

test("a request body nested 100,000 levels deep is a 400 naming the body, not a 500", async () => {
  emu = await startTestEmulator();
  const [agent] = emu.objects(seeded.org, "agents");
  const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
  const shallowEnough = `${"[".repeat(60)}${"]".repeat(60)}`;
  const task = (nested: string) =>
    call(emu!, "POST", `/v1/ai-agents/agents/${agent!.id}/call-tasks`, {
      rawBody: `{"contact_phone_number":"+391234567","contact_data":{"name":"x","nested":${nested}}}`,
    });
  const refused = await task(deep);
  expect(refused.status).toBe(400);
  expect(refused.body).toMatchObject({ errors: [{ field: "body", message: "is nested more than 64 levels deep" }] });
  expect((await call(emu, "POST", "/v2/contacts", { rawBody: deep })).status).toBe(400);
  // Brackets inside strings do not count.
  expect((await task(JSON.stringify("[".repeat(1000)))).status).toBe(200);
  expect((await task(shallowEnough)).status).toBe(200);
  expect(emu.objects(seeded.org, "agent-call-tasks")).toHaveLength(2);
});

describe("organizations named like Object.prototype members", () => {
  test.each(["__proto__", "constructor", "toString", "hasOwnProperty"])(
    "an organization named %s keeps its objects across a restart",
    async (org) => {
      const statePath = join(dir, "state.json");
      const apiKeys = [`k:${org}`];
      emu = await startEmulator({ apiKeys, statePath, outboundCallCompletionMs: 0 });
      const contact = await ok(emu, "POST", "/v2/contacts", { first_name: "Kept" }, "k");
      await emu.close();
      emu = await startEmulator({ apiKeys, statePath, outboundCallCompletionMs: 0 });
      expect(await ok(emu, "GET", `/v2/contacts/${contact.id}`, undefined, "k")).toEqual(contact);
      expect(emu.snapshot().organizations).toHaveProperty([org]);
      expect(Object.keys(emu.snapshot().organizations)).toContain(org);
    },
  );
});

describe("state files", () => {
  test("temporary files left by a killed writer are removed at start; a running writer's are not", async () => {
    const statePath = join(dir, "state.json");
    // A pid that is not running: a process that has exited.
    const dead = 2 ** 22 + 12345;
    writeFileSync(join(dir, `.state.json.${dead}.7.tmp`), "{ partial");
    writeFileSync(join(dir, `.state.json.${process.ppid}.1.tmp`), "{ another writer's");
    writeFileSync(join(dir, ".other.json.1.1.tmp"), "not ours");
    emu = await startEmulator({ statePath, outboundCallCompletionMs: 0 });
    await emu.flush();
    expect(readdirSync(dir).sort()).toEqual([`.other.json.1.1.tmp`, `.state.json.${process.ppid}.1.tmp`, "state.json"]);
  });

  const contactOf = (phones: unknown) => ({
    id: "c-1",
    first_name: "Ada",
    phones,
    emails: [],
    addresses: [],
    tags: [],
    created_at: "2025-01-01T00:00:00Z",
    updated_at: "2025-01-01T00:00:00Z",
  });

  test.each<[string, unknown, string]>([
    ["organizations is an array", { version: 1, organizations: [] }, "organizations: must be an object mapping"],
    ["a kind is not an array", { organizations: { o: { contacts: {} } } }, "organizations.o.contacts:"],
    ["an unknown kind", { organizations: { o: { robots: [] } } }, "organizations.o: unknown kind(s) robots"],
    ["an object without id", { organizations: { o: { agents: [{ name: "x" }] } } }, "organizations.o.agents.0.id:"],
    [
      "a contact's phones a string",
      { organizations: { o: { contacts: [contactOf("+39")] } } },
      "organizations.o.contacts.0.phones:",
    ],
    ["sequences not numbers", { organizations: {}, sequences: { "robocall-tasks": "x" } }, "sequences.robocall-tasks:"],
    ["another version", { version: 2, organizations: {} }, "version:"],
    ["not an object", [1, 2], "the document: must be a JSON object"],
  ])("%s: an error naming the field", async (_what, doc, named) => {
    const statePath = join(dir, "state.json");
    writeFileSync(statePath, JSON.stringify(doc));
    expect(() => readStateFile(statePath)).toThrow(named);
    await expect(startEmulator({ statePath })).rejects.toThrow(`state file ${statePath}: ${named}`);
  });

  test("seeds, control inserts and control edits are held to the same shapes: a 400 or an error naming the field", async () => {
    const seed = { organizations: { o: { contacts: [contactOf("+39")] } } };
    await expect(startEmulator({ seed })).rejects.toThrow("seed: organizations.o.contacts.0.phones:");
    emu = await startTestEmulator();
    const inserted = await call(emu, "POST", `/__emulator/orgs/${seeded.org}/contacts`, {
      key: null,
      body: { first_name: "Partial" },
    });
    expect(inserted.status).toBe(400);
    expect((inserted.body as Json).errors[0]).toEqual({ field: "emails", message: "is required" });
    const contact = await ok(emu, "POST", "/v2/contacts", { first_name: "Ada" });
    expect(() => emu!.edit(seeded.org, "contacts", contact.id, { phones: "+39" })).toThrow(
      "phones: must be of type array",
    );
    expect(await ok(emu, "GET", `/v2/contacts/${contact.id}`)).toEqual(contact);
    // A dashboard agent needs little more than a name.
    expect(emu.insert(seeded.org, "agents", { name: "Dashboard Agent" })).toMatchObject({ name: "Dashboard Agent" });
  });

  test("a state holding every kind the model writes reads back", async () => {
    const statePath = join(dir, "state.json");
    emu = await startEmulator({ statePath, outboundCallCompletionMs: 0 });
    const [agent] = emu.objects(seeded.org, "agents");
    await ok(emu, "POST", "/v2/contacts", { first_name: "Ada", tags: ["vip"], phones: phones(1) });
    await ok(emu, "POST", `/v1/ai-agents/agents/${agent!.id}/call-tasks`, { contact_phone_number: "+391234567" });
    emu.completeCall({ agentId: String(agent!.id) });
    const [config] = emu.objects(seeded.org, "robocall-configurations");
    const robocall = await ok(emu, "POST", "/v1/call-tasks/robocalls", {
      robocall_configuration_id: config!.id,
      phone_number: "+39012345678",
    });
    emu.completeRobocall({ taskId: robocall.id });
    const [campaign] = emu.objects(seeded.org, "campaigns");
    await ok(emu, "POST", `/v1/call-campaigns/${campaign!.id}/tasks`, {
      recipients: [{ contact_phone_number: "+39012345678" }],
    });
    for (const kind of ["calls", "agent-call-tasks", "robocall-tasks", "campaign-call-tasks", "tags", "contacts"]) {
      expect([kind, emu.objects(seeded.org, kind).length > 0]).toEqual([kind, true]);
    }
    await emu.flush();
    expect(readStateFile(statePath)).toEqual(emu.snapshot());
  });
});

describe("agent call tasks", () => {
  test("completing a call task's call: the task's number and contact data, in the call and the webhook", async () => {
    emu = await startTestEmulator();
    const [agent] = emu.objects(seeded.org, "agents").filter((a) => a.type === "OUTBOUND");
    const task = await ok(emu, "POST", `/v1/ai-agents/agents/${agent!.id}/call-tasks`, {
      contact_phone_number: "+393331234567",
      contact_data: { name: "Ada Lovelace", email: "ada@example.com", timezone: "Europe/London", custom_1: "vip" },
    });
    const done = await call(emu, "POST", "/__emulator/calls/complete", {
      key: null,
      body: { agentId: agent!.id, callTaskId: task.id },
    });
    expect(done.status).toBe(200);
    const body = done.body as Json;
    expect(body.call).toMatchObject({ destination: "+393331234567", direction: "OUTBOUND" });
    expect(body.events[0]).toMatchObject({
      call_task: { id: task.id },
      metadata: {
        contact_data: {
          name: "Ada Lovelace",
          email: "ada@example.com",
          timezone: "Europe/London",
          phone_number: "+393331234567",
        },
      },
    });
    const search = await ok(emu, "GET", "/v1/pbxes/calls/search?destination=%2B393331234567");
    expect(search.content.map((c: Json) => c.id)).toEqual([body.call.id]);
  });

  test("completing a call task's call to another number, or inbound, is a 400 and changes nothing", async () => {
    emu = await startTestEmulator();
    const [agent] = emu.objects(seeded.org, "agents").filter((a) => a.type === "OUTBOUND");
    const task = await ok(emu, "POST", `/v1/ai-agents/agents/${agent!.id}/call-tasks`, {
      contact_phone_number: "+393331234567",
    });
    const before = emu.objects(seeded.org, "calls");
    for (const [extra, field] of [
      [{ to: "+390000000000" }, "to"],
      [{ direction: "INBOUND" }, "direction"],
    ] as const) {
      const res = await call(emu, "POST", "/__emulator/calls/complete", {
        key: null,
        body: { agentId: agent!.id, callTaskId: task.id, ...extra },
      });
      expect([field, res.status, (res.body as Json).errors[0].field]).toEqual([field, 400, field]);
    }
    expect(emu.objects(seeded.org, "calls")).toEqual(before);
    const same = await call(emu, "POST", "/__emulator/calls/complete", {
      key: null,
      body: { agentId: agent!.id, callTaskId: task.id, to: "+393331234567" },
    });
    expect(same.status).toBe(200);
  });
});

describe("next_attempt_at of a new agent call task", () => {
  const WEEKDAYS = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"];
  const HOUR = 3_600_000;
  /** The wall clock `days` days from now in a zone `offsetHours` ahead of UTC (no DST), as UTC fields. */
  const localDay = (offsetHours: number, days: number) => {
    const local = new Date(Date.now() + offsetHours * HOUR + days * 24 * HOUR);
    return {
      weekday: WEEKDAYS[local.getUTCDay()]!,
      /** The instant at `hh:mm` local time on that day. */
      at: (hh: number, mm = 0) =>
        Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hh, mm) - offsetHours * HOUR,
    };
  };
  const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
  const create = async (agentId: string, body: Json) =>
    (
      await ok(emu!, "POST", `/v1/ai-agents/agents/${agentId}/call-tasks`, {
        contact_phone_number: "+391234567",
        ...body,
      })
    ).next_attempt_at as string | null;
  const salesAgent = () => emu!.objects(seeded.org, "agents").find((a) => a.name === "Sales Agent")!.id as string;

  beforeEach(async () => {
    emu = await startTestEmulator();
  });

  test("the next range, in the contact's time zone, when now is outside every range", async () => {
    const day = localDay(9, 2);
    const due = await create(salesAgent(), {
      contact_data: { timezone: "Asia/Tokyo" },
      availability_configuration: {
        skip_for_first_attempt: false,
        days: [
          {
            day_of_week: day.weekday,
            timeranges: [
              { from: "9:00", to: "10:00" },
              { from: "16:30", to: "18:00" },
            ],
          },
        ],
      },
    });
    expect(due).toBe(stamp(day.at(9)));
  });

  test("the agent's default_timezone when the contact has none (or one that is not a time zone)", async () => {
    const agent = emu!.insert(seeded.org, "agents", {
      name: "Kolkata Agent",
      type: "OUTBOUND",
      default_timezone: "Asia/Kolkata",
    });
    const day = localDay(5.5, 3);
    const availability_configuration = {
      days: [{ day_of_week: day.weekday, timeranges: [{ from: "08:30", to: "09:00" }] }],
    };
    expect(await create(String(agent.id), { availability_configuration })).toBe(stamp(day.at(8, 30)));
    expect(
      await create(String(agent.id), { availability_configuration, contact_data: { timezone: "Mars/Olympus_Mons" } }),
    ).toBe(stamp(day.at(8, 30)));
  });

  test("now, when now is inside a range", async () => {
    // A zone where it is between 02:00 and 21:59, so that a range around now stays within the day.
    const k = Array.from({ length: 27 }, (_, i) => i - 12).find((h) => {
      const hour = new Date(Date.now() + h * HOUR).getUTCHours();
      return hour >= 2 && hour <= 21;
    })!;
    const zone = k >= 0 ? `Etc/GMT-${k}` : `Etc/GMT+${-k}`;
    const local = new Date(Date.now() + k * HOUR);
    const h = local.getUTCHours();
    const before = Date.now();
    const due = await create(salesAgent(), {
      contact_data: { timezone: zone },
      availability_configuration: {
        days: [{ day_of_week: localDay(k, 0).weekday, timeranges: [{ from: `${h - 1}:00`, to: `${h + 2}:00` }] }],
      },
    });
    expect(Date.parse(due!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(due!)).toBeLessThanOrEqual(Date.now());
  });

  test("now with skip_for_first_attempt, whatever the ranges; null when no range is ever open", async () => {
    const day = localDay(9, 2);
    const before = Date.now();
    const due = await create(salesAgent(), {
      contact_data: { timezone: "Asia/Tokyo" },
      availability_configuration: {
        skip_for_first_attempt: true,
        days: [{ day_of_week: day.weekday, timeranges: [{ from: "9:00", to: "10:00" }] }],
      },
    });
    expect(Date.parse(due!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(due!)).toBeLessThanOrEqual(Date.now());
    expect(await create(salesAgent(), { availability_configuration: { days: [] } })).toBeNull();
  });

  test("a range whose end is not after its start runs past midnight", async () => {
    const day = localDay(9, 2);
    const due = await create(salesAgent(), {
      contact_data: { timezone: "Asia/Tokyo" },
      availability_configuration: {
        days: [{ day_of_week: day.weekday, timeranges: [{ from: "22:00", to: "06:00" }] }],
      },
    });
    expect(due).toBe(stamp(day.at(22)));
  });
});
