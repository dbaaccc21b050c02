/**
 * The control API under attack: through webhook delivery (a tenant subscribing the emulator's own control
 * routes), through DNS rebinding (a Host that is not loopback) and from a web page (a text/plain POST).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { CONTROL_HEADER, type Emulator } from "../../src/emulator";
import { DELIVERY_ID_HEADER } from "../../src/emulator/delivery";
import { call, type Json, ok, SECOND_API_KEY, seeded, startTestEmulator } from "./support";

let emu: Emulator;

afterEach(async () => {
  await emu?.close();
});

/** A contact in the second organization: what a reset through the first one would wipe. */
async function victim(): Promise<string> {
  return (await ok(emu, "POST", "/v2/contacts", { first_name: "Victim" }, SECOND_API_KEY)).id as string;
}

function salesAgent(): Json {
  return emu.objects(seeded.org, "agents").find((a) => a.name === "Sales Agent");
}

/** Organization A subscribes `url` with its own key and places a call: the delivery goes out. */
async function deliverTo(urls: string[]): Promise<Json[]> {
  for (const url of urls) await ok(emu, "POST", "/v1/webhook-subscriptions", { event: "AGENT_CALL_COMPLETED", url });
  emu.completeCall({ agentId: salesAgent().id });
  await emu.deliveriesIdle();
  return emu.deliveries();
}

describe("webhook delivery never reaches the emulator itself", () => {
  test("the control routes in every spelling of the emulator's address: refused once, nothing reset", async () => {
    // Bound to every address, so that each spelling below really connects to the emulator.
    emu = await startTestEmulator({ host: "::" });
    const id = await victim();
    const p = emu.port;
    const urls = [
      `http://127.0.0.1:${p}/__emulator/reset`,
      `http://localhost:${p}/__emulator/reset`,
      `http://[::1]:${p}/__emulator/reset`,
      `http://0.0.0.0:${p}/__emulator/reset`,
      `http://127.1.2.3:${p}/__emulator/reset`,
      `http://[::ffff:127.0.0.1]:${p}/__emulator/reset`,
      `http://2130706433:${p}/__emulator/reset`,
      `http://127.0.0.1:${p}/%5F%5Femulator/reset`,
      `http://localhost:${p}/v2/contacts`,
    ];
    const records = await deliverTo(urls);
    // One attempt each (attempts is 3 by default: a refusal is not retried), each refused.
    expect(records).toHaveLength(urls.length);
    for (const r of records) expect(r.error).toContain("the emulator does not deliver webhooks to itself");
    expect(records.every((r) => r.status === undefined)).toBe(true);
    // The second organization's contact is still there, and the emulator saw no request from the delivery.
    expect(emu.object(seeded.org2, "contacts", id)).toMatchObject({ first_name: "Victim" });
    expect(emu.requests().filter((r) => r.organization === null)).toEqual([]);
  });

  test("a receiver redirecting to the control API: the redirect is not followed", async () => {
    emu = await startTestEmulator();
    const id = await victim();
    const redirector: Server = createServer((_req, res) => {
      res.writeHead(307, { location: `${emu.url}/__emulator/reset` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
    try {
      const records = await deliverTo([`http://127.0.0.1:${(redirector.address() as AddressInfo).port}/hook`]);
      expect(records.map((r) => r.status)).toEqual([307, 307, 307]);
      expect(emu.object(seeded.org2, "contacts", id)).toMatchObject({ first_name: "Victim" });
    } finally {
      await new Promise((resolve) => redirector.close(resolve));
    }
  });

  test("a control request carrying a delivery's header (another emulator's delivery) is a 403", async () => {
    emu = await startTestEmulator();
    const id = await victim();
    const res = await call(emu, "POST", "/__emulator/reset", {
      key: null,
      body: {},
      headers: { [DELIVERY_ID_HEADER]: "d-1" },
    });
    expect(res.status).toBe(403);
    expect((res.body as Json).message).toContain("does not answer webhook deliveries");
    expect(emu.object(seeded.org2, "contacts", id)).toBeDefined();
  });
});

describe("control routes answer only deliberate local requests", () => {
  beforeEach(async () => {
    emu = await startTestEmulator();
  });

  /** A control request with raw headers (Host included): undici sends the Host given. */
  async function raw(method: string, path: string, headers: Record<string, string>, body?: string) {
    const res = await request(`${emu.url}${path}`, {
      method: method as "GET",
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: (text === "" ? undefined : JSON.parse(text)) as Json };
  }

  test.each([
    ["a rebound name", "attacker.example:8787"],
    ["a rebound name without port", "attacker.example"],
    ["an empty Host", ""],
    ["a name that merely starts like localhost", "localhost.attacker.example"],
  ])("Host of %s: 403 on GET and POST, nothing reset", async (_what, host) => {
    const id = await victim();
    const get = await raw("GET", "/__emulator/counters", { host });
    expect(get.status).toBe(403);
    expect(get.body.message).toContain("only requests to a loopback host");
    const post = await raw("POST", "/__emulator/reset", { host, "content-type": "application/json" }, "{}");
    expect(post.status).toBe(403);
    expect(emu.object(seeded.org2, "contacts", id)).toBeDefined();
  });

  test.each([
    ["127.0.0.1 with the port", (p: number) => `127.0.0.1:${p}`],
    ["localhost", (p: number) => `localhost:${p}`],
    ["LOCALHOST in capitals", () => "LOCALHOST"],
    ["a .localhost name", () => "emulator.localhost"],
    ["[::1]", (p: number) => `[::1]:${p}`],
  ])("Host of %s is a loopback name: answered", async (_what, host) => {
    expect((await raw("GET", "/__emulator/counters", { host: host(emu.port) })).status).toBe(200);
  });

  test("a text/plain POST (what a web page can send without a preflight) is a 415 and resets nothing", async () => {
    const id = await victim();
    const forms = [
      { "content-type": "text/plain" },
      { "content-type": "application/x-www-form-urlencoded" },
      {},
    ] as Array<Record<string, string>>;
    for (const headers of forms) {
      const res = await raw("POST", "/__emulator/reset", headers, "x");
      expect(res.status).toBe(415);
      expect(res.body.message).toContain("Content-Type: application/json or the header X-Romulus-Emulator: 1");
    }
    expect((await raw("DELETE", "/__emulator/counters", {})).status).toBe(415);
    expect(emu.object(seeded.org2, "contacts", id)).toBeDefined();
  });

  test("JSON, or the X-Romulus-Emulator header, is a deliberate request", async () => {
    const id = await victim();
    expect((await raw("POST", "/__emulator/reset", { "content-type": "application/json; charset=utf-8" })).status).toBe(
      200,
    );
    expect(() => emu.object(seeded.org2, "contacts", id)).toThrow();
    // The compact fault syntax as text/plain, with the header.
    const faults = await raw(
      "PUT",
      "/__emulator/faults",
      { "content-type": "text/plain", "x-romulus-emulator": "1" },
      "503=1",
    );
    expect(faults.status).toBe(200);
    expect((await call(emu, "GET", "/v1/me")).status).toBe(503);
    // Bodiless, with the header alone (the name exported as CONTROL_HEADER).
    expect((await raw("DELETE", "/__emulator/counters", { [CONTROL_HEADER]: "1" })).status).toBe(204);
  });
});
