/** 401, 403/404 across organizations, 404, 405, 406, 400 bodies; the key never comes back. */
import type { Emulator } from "../../src/emulator";
import { call, DEFAULT_API_KEY, type Json, ok, SECOND_API_KEY, seeded, startTestEmulator } from "./support";

let emu: Emulator;
beforeAll(async () => {
  emu = await startTestEmulator({ apiKeys: [DEFAULT_API_KEY, `${SECOND_API_KEY}:${seeded.org2}`, "third:org-3"] });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => emu.reset());

describe("authentication", () => {
  test("a missing key, an unknown key and a Bearer-prefixed key are 401 with a JSON body that does not echo the key", async () => {
    for (const key of [null, "nope", `Bearer ${DEFAULT_API_KEY}`]) {
      const res = await call(emu, "GET", "/v1/me", { key });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ status: 401, error: "Unauthorized" });
      expect(res.text).not.toContain(DEFAULT_API_KEY);
      expect(JSON.stringify(res.headers)).not.toContain(DEFAULT_API_KEY);
    }
  });

  test("keys map to organizations; KEY alone means the default organization", async () => {
    expect((await ok(emu, "GET", "/v1/me", undefined, DEFAULT_API_KEY)).organization_id).toBe(seeded.org);
    expect((await ok(emu, "GET", "/v1/me", undefined, SECOND_API_KEY)).organization_id).toBe(seeded.org2);
    expect((await ok(emu, "GET", "/v1/me", undefined, "third")).organization_id).toBe("org-3");
  });

  test("the request log and counters never hold the key", async () => {
    await call(emu, "GET", "/v1/me");
    await call(emu, "GET", "/v1/me", { key: "secret-wrong-key" });
    const dump = JSON.stringify([emu.requests(), emu.counters()]);
    expect(dump).not.toContain(DEFAULT_API_KEY);
    expect(dump).not.toContain("secret-wrong-key");
    expect(emu.requests().at(-1)).toMatchObject({
      method: "GET",
      path: "/v1/me",
      route: "/v1/me",
      status: 401,
      organization: null,
    });
  });
});

describe("tenant isolation", () => {
  test("one organization never sees another's objects", async () => {
    const contact = await ok(emu, "POST", "/v2/contacts", { first_name: "Private" });
    const sub = await ok(emu, "POST", "/v1/webhook-subscriptions", {
      event: "AGENT_CALL_COMPLETED",
      url: "https://e.com/h",
    });
    const cts = await ok(emu, "POST", "/v1/call-tasks/webhook-subscriptions", {
      entity_type: "robocall",
      url: "https://e.com/r",
    });
    const other = { key: SECOND_API_KEY };
    expect((await call(emu, "GET", `/v2/contacts/${contact.id}`, other)).status).toBe(404);
    expect((await call(emu, "PUT", `/v2/contacts/${contact.id}`, { ...other, body: { first_name: "X" } })).status).toBe(
      404,
    );
    expect((await call(emu, "DELETE", `/v2/contacts/${contact.id}`, other)).status).toBe(404);
    expect((await call(emu, "GET", `/v1/webhook-subscriptions/${sub.id}`, other)).status).toBe(404);
    expect((await call(emu, "DELETE", `/v1/call-tasks/webhook-subscriptions/${cts.id}`, other)).status).toBe(404);
    const search = await call(emu, "POST", "/v2/contacts/search", { ...other, body: { page: 0, size: 10 } });
    expect((search.body as Json).total_elements).toBe(0);
    expect((await ok(emu, "GET", "/v1/webhook-subscriptions/search", undefined, SECOND_API_KEY)).content).toEqual([]);
    // Same names, different ids in the second organization; the first one's agents are unknown there.
    const agents1 = (await ok(emu, "GET", "/v1/ai-agents/agents/search")).content;
    const agents2 = (await ok(emu, "GET", "/v1/ai-agents/agents/search", undefined, SECOND_API_KEY)).content;
    expect(agents2.map((a: Json) => a.name)).toEqual(agents1.map((a: Json) => a.name));
    expect(agents2.map((a: Json) => a.id)).not.toEqual(expect.arrayContaining([agents1[0].id]));
    const res = await call(emu, "POST", `/v1/ai-agents/agents/${agents1[0].id}/call-tasks`, {
      ...other,
      body: { contact_phone_number: "+391234567" },
    });
    expect(res.status).toBe(404);
    // An organization without seed data starts empty.
    expect((await ok(emu, "GET", "/v1/ai-agents/agents/search", undefined, "third")).total_elements).toBe(0);
  });
});

describe("HTTP errors", () => {
  test("404 for unknown paths and ids, with a JSON body", async () => {
    const res = await call(emu, "GET", "/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404, error: "Not Found" });
    expect((await call(emu, "GET", "/v2/contacts/does-not-exist")).status).toBe(404);
  });

  test("405 for a wrong method on a known path, with Allow", async () => {
    const cases: Array<[string, string, string]> = [
      ["DELETE", "/v2/contacts", "POST"],
      ["PATCH", "/v2/contacts/abc", "GET, PUT, DELETE, HEAD"],
      ["GET", "/v1/ai-agents/agents/call-tasks/terminate", "POST, PUT"],
      ["POST", "/v1/ai-agents/agents/search", "GET, HEAD"],
      ["DELETE", "/v1/me", "GET, POST, HEAD"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await call(emu, method, path);
      expect({ path, status: res.status, allow: res.headers.allow }).toEqual({ path, status: 405, allow });
      expect(res.body).toMatchObject({ status: 405, error: "Method Not Allowed" });
    }
  });

  test("406 when Accept excludes JSON; absent, */*, application/json and wildcards are fine", async () => {
    for (const accept of ["text/html", "application/xml", "application/json;q=0"]) {
      const res = await call(emu, "GET", "/v1/me", { headers: { accept } });
      expect({ accept, status: res.status }).toEqual({ accept, status: 406 });
    }
    for (const accept of [
      "*/*",
      "application/json",
      "application/*",
      "text/html, application/json;q=0.5",
      "application/json; charset=utf-8",
    ]) {
      const res = await call(emu, "GET", "/v1/me", { headers: { accept } });
      expect({ accept, status: res.status }).toEqual({ accept, status: 200 });
    }
  });

  test("malformed JSON is a 400 naming the body; an empty JSON body is no body", async () => {
    const res = await call(emu, "POST", "/v2/contacts", { rawBody: "{not json" });
    expect(res.status).toBe(400);
    expect((res.body as Json).errors[0].field).toBe("body");
    const empty = await call(emu, "POST", "/v2/contacts", { rawBody: "" });
    expect(empty.status).toBe(400);
    expect((empty.body as Json).errors[0]).toEqual({ field: "first_name", message: "is required" });
    const array = await call(emu, "POST", "/v2/contacts", { body: [1, 2] });
    expect((array.body as Json).errors[0].field).toBe("body");
  });

  test("400 body shape: status, error, message naming the field, errors[]", async () => {
    const res = await call(emu, "POST", "/v2/contacts", {
      body: { first_name: "A", phones: [{ number: "0039 123" }] },
    });
    expect(res.body).toEqual({
      status: 400,
      error: "Bad Request",
      message: expect.stringMatching(/^phones\.0\.number: must be a phone number in E\.164 format/),
      errors: [{ field: "phones.0.number", message: expect.stringMatching(/E\.164/) }],
    });
  });

  test("every answer carries x-request-id; the control API needs no key", async () => {
    const res = await call(emu, "GET", "/v1/me");
    expect(res.headers["x-request-id"]).toEqual(expect.any(String));
    expect((await call(emu, "GET", "/__emulator/counters", { key: null })).status).toBe(200);
  });
});
