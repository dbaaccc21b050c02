import { z } from "zod";
import { RomulusClient } from "../../../src/client";
import {
  ConnectionError,
  InvalidEndpointError,
  RateLimitedError,
  RedirectError,
  ResponseValidationError,
  type RomulusApiError,
  RomulusError,
  type ServerError,
  TimeoutError,
} from "../../../src/client/core/errors";
import { assertSafeEndpoint, Transport, validateRequest } from "../../../src/client/core/transport";
import { delay, drop, everythingAbout, failure, json, KEY, serverPerTest, text, unusedPort } from "./test-server";

const { server, logLines, transport } = serverPerTest(2000);

describe("what goes on the wire", () => {
  test("headers, query and body", async () => {
    server.handle((_req, res) => json(res, 200, { ok: true }));
    const t = transport({ userAgent: "tests/1" });
    const result = await t.request({
      method: "POST",
      path: "/v2/contacts/search",
      query: { tags: ["a", "b c"], page: 2, active: true, skip: undefined },
      body: { page: 0, size: 200 },
    });
    expect(result).toEqual({ ok: true });
    const seen = server.requests[0]!;
    expect(seen.url).toBe("/v2/contacts/search?tags=a&tags=b+c&page=2&active=true");
    expect(seen.headers.authorization).toBe(KEY);
    expect(seen.headers.accept).toBe("application/json");
    expect(seen.headers["content-type"]).toBe("application/json");
    expect(seen.headers["user-agent"]).toBe("pulumi-romulus/0.1.0 tests/1");
    expect(JSON.parse(seen.body)).toEqual({ page: 0, size: 200 });

    await t.request({ method: "GET", path: "/v1/me" });
    expect(server.requests[1]!.headers["content-type"]).toBeUndefined();
  });

  test("a base URL path prefix is kept", async () => {
    server.handle((_req, res) => json(res, 200, {}));
    await new Transport({ baseUrl: `${server.url}/romulus/`, apiKey: KEY }).request({ method: "GET", path: "/v1/me" });
    expect(server.requests[0]!.url).toBe("/romulus/v1/me");
  });

  test("empty bodies and 204 give undefined; requestRaw exposes status and request id", async () => {
    server.handle((_req, res) => {
      res.writeHead(204, { "x-request-id": "r204" });
      res.end();
    });
    const t = transport();
    await expect(t.request({ method: "DELETE", path: "/v1/x/1" })).resolves.toBeUndefined();
    const raw = await t.requestRaw({ method: "DELETE", path: "/v1/x/1" });
    expect(raw).toMatchObject({ status: 204, body: undefined, requestId: "r204", attempts: 1 });
  });
});

describe("responses that are not what we expect", () => {
  test("schema failures name the endpoint and the field path", async () => {
    server.handle((_req, res) =>
      json(res, 200, { content: [{ name: "a" }, { name: "b" }, { name: "c" }, { name: 4 }], last: true }),
    );
    const schema = z.object({ content: z.array(z.object({ name: z.string() })), last: z.boolean() });
    const err = (await failure(
      transport().request({
        method: "GET",
        path: "/v1/ai-agents/agents/search",
        endpoint: "GET /v1/ai-agents/agents/search",
        schema,
      }),
    )) as ResponseValidationError;
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect(err.endpoint).toBe("GET /v1/ai-agents/agents/search");
    expect(err.path).toBe("content.3.name");
    expect(err.expected).toBe("string");
    expect(err.message).toContain("GET /v1/ai-agents/agents/search");
    expect(err.message).toContain("content.3.name");
  });

  test("a valid body comes back typed", async () => {
    server.handle((_req, res) => json(res, 200, { organization_id: "org-1", extra: 1 }));
    const me = await transport().request({
      method: "GET",
      path: "/v1/me",
      schema: z.looseObject({ organization_id: z.string() }),
    });
    expect(me.organization_id).toBe("org-1");
  });

  test("an HTML 200 is a clear error naming the endpoint", async () => {
    server.handle((_req, res) =>
      text(res, 200, "<html><body>Welcome to the captive portal</body></html>", "text/html"),
    );
    const err = (await failure(
      transport().request({ method: "GET", path: "/v1/ai-agents/agents/search", query: { page: 0 } }),
    )) as ResponseValidationError;
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect(err.endpoint).toBe("GET /v1/ai-agents/agents/search");
    expect(err.expected).toBe("a JSON body");
    expect(err.message).toContain("was not JSON (text/html)");
    expect(err.message).toContain("captive portal");
  });

  test("truncated JSON is a clear error", async () => {
    server.handle((_req, res) => text(res, 200, '{"content": [{"id": "a"', "application/json"));
    const err = (await failure(transport().request({ method: "GET", path: "/v1/x" }))) as ResponseValidationError;
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect(err.message).toContain("invalid or truncated JSON");
  });

  test("a 3xx is not followed", async () => {
    server.handle((_req, res) => {
      res.writeHead(302, { location: "http://elsewhere.example/v1/me" });
      res.end();
    });
    const err = (await failure(transport().request({ method: "GET", path: "/v1/me" }))) as RedirectError;
    expect(err).toBeInstanceOf(RedirectError);
    expect(err.status).toBe(302);
    expect(err.location).toBe("http://elsewhere.example/v1/me");
    expect(err.message).toContain("GET /v1/me");
    expect(err.message).toContain("http://elsewhere.example/v1/me");
    expect(server.requests).toHaveLength(1);
  });
});

describe("retries", () => {
  test("Retry-After in seconds is honoured, and the wait does not hold a concurrency slot", async () => {
    let limited = false;
    server.handle((req, res) => {
      if (req.url === "/v1/a" && !limited) {
        limited = true;
        return json(res, 429, { message: "slow down" }, { "retry-after": "1" });
      }
      json(res, 200, { url: req.url });
    });
    const t = transport({ maxConcurrency: 1 });
    const started = Date.now();
    const a = t.request({ method: "GET", path: "/v1/a" }).then(() => Date.now() - started);
    while (server.requests.length < 1) await delay(5);
    await delay(50);
    // With one slot, B can only run now if A's backoff released it.
    await t.request({ method: "GET", path: "/v1/b" });
    const elapsed = await a;
    expect(server.requests.map((r) => r.url)).toEqual(["/v1/a", "/v1/b", "/v1/a"]);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(server.requests[2]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  test("Retry-After as an HTTP date is honoured", async () => {
    let askedUntil = 0;
    server.handle((_req, res) => {
      if (askedUntil === 0) {
        // HTTP dates have whole seconds: the next full second at least 1 s away.
        askedUntil = Math.ceil((Date.now() + 1000) / 1000) * 1000;
        return json(res, 503, {}, { "retry-after": new Date(askedUntil).toUTCString() });
      }
      json(res, 200, { ok: true });
    });
    // A POST: 503 proves it was not processed, so it may be repeated.
    await expect(transport().request({ method: "POST", path: "/v1/robocalls", body: {} })).resolves.toEqual({
      ok: true,
    });
    expect(server.requests).toHaveLength(2);
    // A few ms of slack for timer rounding between Date.now() and the event loop's clock.
    expect(server.requests[1]!.at).toBeGreaterThanOrEqual(askedUntil - 5);
  });

  test("Retry-After beyond retryMaxDelayMs is still honoured in full", async () => {
    // retryMaxDelayMs caps our own backoff; the server's wait is not ours to shorten.
    server.handle((_req, res) =>
      server.requests.length === 1 ? json(res, 429, {}, { "retry-after": "1" }) : json(res, 200, { ok: 1 }),
    );
    await expect(transport({ retryMaxDelayMs: 50 }).request({ method: "GET", path: "/v1/x" })).resolves.toEqual({
      ok: 1,
    });
    expect(server.requests).toHaveLength(2);
    // A few ms of slack for timer rounding.
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(995);
  });

  test("Retry-After beyond maxRetryAfterMs is not waited for: the error says when to retry", async () => {
    server.handle((_req, res) => json(res, 429, { message: "slow down" }, { "retry-after": "3600" }));
    const started = Date.now();
    const err = (await failure(
      transport({ maxRetryAfterMs: 1000 }).request({ method: "GET", path: "/v1/x" }),
    )) as RateLimitedError;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.requests).toHaveLength(1);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(err.attempts).toBe(1);
    expect(err.message).toContain("rate limited by the API, Retry-After 3600 s");
    expect(err.message).toContain("not retried: the API asked to wait 3600 s, longer than this client waits");
    expect(err.message).toContain("maxRetryAfterMs 1 s");
    const when = /retry after (\S+)\)/.exec(err.message)?.[1];
    expect(Math.abs(Date.parse(when ?? "") - (started + 3_600_000))).toBeLessThan(5000);
  });

  test("a 503 POST with a Retry-After beyond the limit fails at once too, through the client", async () => {
    server.handle((_req, res) => json(res, 503, {}, { "retry-after": "2" }));
    const client = new RomulusClient({ apiKey: KEY, endpoint: server.url, maxRetryAfterMs: 500 });
    const err = (await failure(client.contacts.create({ first_name: "Z" }))) as ServerError;
    expect(err.status).toBe(503);
    expect(err.retryAfterMs).toBe(2000);
    expect(err.message).toContain("not retried: the API asked to wait 2 s");
    expect(server.requests).toHaveLength(1);
  });

  test("the default limit honours a Retry-After up to 60 s and refuses a longer one", async () => {
    server.handle((_req, res) => json(res, 429, {}, { "retry-after": "61" }));
    const err = (await failure(transport().request({ method: "GET", path: "/v1/x" }))) as RateLimitedError;
    expect(err.message).toContain("maxRetryAfterMs 60 s");
    expect(server.requests).toHaveLength(1);
  });

  test("retries stop at maxRetries and the last error says so", async () => {
    server.handle((_req, res) => json(res, 429, { message: "rate limited" }));
    const err = (await failure(
      transport({ maxRetries: 3 }).request({ method: "GET", path: "/v1/x" }),
    )) as RateLimitedError;
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(server.requests).toHaveLength(4);
    expect(err.attempts).toBe(4);
    expect(err.message).toContain("gave up after 4 attempts");
  });

  test("a POST is not retried after a timeout", async () => {
    server.handle(async (_req, res) => {
      await delay(400);
      json(res, 200, {});
    });
    const err = (await failure(
      transport({ timeoutMs: 100 }).request({ method: "POST", path: "/v2/contacts", body: { first_name: "A" } }),
    )) as TimeoutError;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.timeoutMs).toBe(100);
    expect(err.method).toBe("POST");
    expect(err.path).toBe("/v2/contacts");
    expect(err.attempts).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  test("a GET is retried after a timeout", async () => {
    server.handle(async (_req, res) => {
      if (server.requests.length === 1) await delay(400);
      json(res, 200, { ok: true });
    });
    await expect(transport({ timeoutMs: 100 }).request({ method: "GET", path: "/v1/x" })).resolves.toEqual({
      ok: true,
    });
    expect(server.requests).toHaveLength(2);
  });

  test("a POST is not retried after the connection drops", async () => {
    server.handle((_req, _res, raw) => drop(raw));
    const err = (await failure(
      transport().request({ method: "POST", path: "/v2/contacts", body: { first_name: "A" } }),
    )) as ConnectionError;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.code).toBeDefined();
    expect(err.method).toBe("POST");
    expect(server.requests).toHaveLength(1);
  });

  test.each([500, 502, 504])("a POST is not retried after %i", async (status) => {
    server.handle((_req, res) => json(res, status, {}));
    const err = (await failure(transport().request({ method: "POST", path: "/v1/x", body: {} }))) as ServerError;
    expect(err.status).toBe(status);
    expect(server.requests).toHaveLength(1);
  });

  test.each([429, 503])("a POST is retried after %i", async (status) => {
    server.handle((_req, res) => (server.requests.length === 1 ? json(res, status, {}) : json(res, 201, { id: "c1" })));
    await expect(transport().request({ method: "POST", path: "/v2/contacts", body: {} })).resolves.toEqual({
      id: "c1",
    });
    expect(server.requests).toHaveLength(2);
  });

  test("idempotent: true lets a POST be retried after a 502", async () => {
    server.handle((_req, res) => (server.requests.length === 1 ? json(res, 502, {}) : json(res, 200, {})));
    await transport().request({ method: "POST", path: "/v2/contacts/search", body: {}, idempotent: true });
    expect(server.requests).toHaveLength(2);
  });

  test("a POST is retried after ECONNREFUSED", async () => {
    process.env.ROMULUS_LOG = "debug";
    const port = await unusedPort();
    const t = new Transport({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY, maxRetries: 2, retryBaseDelayMs: 5 });
    const err = (await failure(t.request({ method: "POST", path: "/v2/contacts", body: {} }))) as ConnectionError;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.code).toBe("ECONNREFUSED");
    expect(err.attempts).toBe(3);
    expect(err.message).toContain("gave up after 3 attempts");
    expect(logLines.filter((l) => l.includes("request POST"))).toHaveLength(3);
  });

  test.each([502, 504])("a GET is retried after %i", async (status) => {
    server.handle((_req, res) => (server.requests.length === 1 ? json(res, status, {}) : json(res, 200, { ok: 1 })));
    await expect(transport().request({ method: "GET", path: "/v1/x" })).resolves.toEqual({ ok: 1 });
    expect(server.requests).toHaveLength(2);
  });

  test("a GET is retried after the connection drops", async () => {
    server.handle((_req, res, raw) => (server.requests.length === 1 ? drop(raw) : json(res, 200, { ok: 1 })));
    await expect(transport().request({ method: "GET", path: "/v1/x" })).resolves.toEqual({ ok: 1 });
    expect(server.requests).toHaveLength(2);
  });

  test("a GET is not retried after a 500 or a 400", async () => {
    server.handle((_req, res) => json(res, 500, {}));
    await failure(transport().request({ method: "GET", path: "/v1/x" }));
    server.handle((_req, res) => json(res, 400, {}));
    await failure(transport().request({ method: "GET", path: "/v1/x" }));
    expect(server.requests).toHaveLength(2);
  });
});

describe("concurrency", () => {
  test("50 parallel requests with maxConcurrency 4 never exceed 4 in flight", async () => {
    server.handle(async (_req, res) => {
      await delay(15);
      json(res, 200, {});
    });
    const t = transport({ maxConcurrency: 4 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => t.request({ method: "GET", path: `/v1/x/${i}` })));
    expect(server.requests).toHaveLength(50);
    expect(server.maxInFlight).toBeLessThanOrEqual(4);
    expect(server.maxInFlight).toBeGreaterThanOrEqual(2);
  });

  test("the limit is shared by every transport for the origin", async () => {
    server.handle(async (_req, res) => {
      await delay(15);
      json(res, 200, {});
    });
    const a = transport({ maxConcurrency: 3 });
    const b = transport({ maxConcurrency: 3 });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).request({ method: "GET", path: `/v1/x/${i}` })),
    );
    expect(server.maxInFlight).toBeLessThanOrEqual(3);
  });

  test("two RomulusClient instances against one origin share the limit", async () => {
    server.handle(async (_req, res) => {
      await delay(15);
      json(res, 200, { organization_id: "org-1" });
    });
    // Different path prefixes, same origin: the same API, so the same limit.
    const a = new RomulusClient({ apiKey: KEY, endpoint: server.url, maxConcurrency: 3 });
    const b = new RomulusClient({ apiKey: `${KEY}-other`, endpoint: `${server.url}/prefix`, maxConcurrency: 3 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).me()));
    expect(server.requests).toHaveLength(30);
    expect(server.maxInFlight).toBe(3);
  });

  test("two copies of the package loaded in one process share the limit", async () => {
    server.handle(async (_req, res) => {
      await delay(15);
      json(res, 200, {});
    });
    // A second, independent instance of the module, as a second copy under another node_modules would be.
    let copy: typeof import("../../../src/client/core/transport") | undefined;
    jest.isolateModules(() => {
      copy = require("../../../src/client/core/transport") as typeof import("../../../src/client/core/transport");
    });
    expect(copy?.Transport).toBeDefined();
    expect(copy?.Transport).not.toBe(Transport);
    const mine = transport({ maxConcurrency: 2 });
    const theirs = new copy!.Transport({ baseUrl: server.url, apiKey: KEY, maxConcurrency: 2 });
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? mine : theirs).request({ method: "GET", path: `/v1/x/${i}` })),
      );
    } finally {
      await copy!.closeConnections();
    }
    expect(server.requests).toHaveLength(20);
    expect(server.maxInFlight).toBe(2);
  });

  test("a transport with a lower maxConcurrency keeps its own cap", async () => {
    server.handle(async (_req, res) => {
      await delay(15);
      json(res, 200, {});
    });
    transport({ maxConcurrency: 8 });
    const low = transport({ maxConcurrency: 2 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => low.request({ method: "GET", path: `/v1/x/${i}` })));
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
  });

  test("the timeout does not count time spent waiting for a slot", async () => {
    server.handle(async (_req, res) => {
      await delay(60);
      json(res, 200, {});
    });
    const t = transport({ maxConcurrency: 1, timeoutMs: 150, maxRetries: 0 });
    await Promise.all(Array.from({ length: 5 }, (_, i) => t.request({ method: "POST", path: `/v1/x/${i}`, body: {} })));
    expect(server.requests).toHaveLength(5);
    expect(server.maxInFlight).toBe(1);
  });
});

describe("endpoint safety", () => {
  test("plain http to a host that is not loopback is refused", () => {
    expect(() => new Transport({ baseUrl: "http://api.romulus.live", apiKey: KEY })).toThrow(InvalidEndpointError);
    expect(() => assertSafeEndpoint("http://api.romulus.live")).toThrow(/clear text/);
    expect(() => assertSafeEndpoint("http://10.0.0.1:8080")).toThrow(/clear text/);
    expect(() => assertSafeEndpoint("http://127.0.0.1.evil.example")).toThrow(/clear text/);
    expect(() => assertSafeEndpoint("ftp://api.romulus.live")).toThrow(/https/);
    expect(() => assertSafeEndpoint("https://user:pw@api.romulus.live")).toThrow(/credentials/);
    expect(() => assertSafeEndpoint("not a url")).toThrow(RomulusError);
  });

  test("https anywhere and http to loopback are accepted", () => {
    for (const url of [
      "https://api.romulus.live",
      "https://api.sandbox.romulus.live/",
      "http://127.0.0.1:4010",
      "http://127.9.8.7",
      "http://localhost:8080",
      "http://[::1]:9000",
    ]) {
      expect(assertSafeEndpoint(url)).toBeInstanceOf(URL);
    }
  });

  test("validateRequest refuses unknown keys at any depth, where z.object would strip them", () => {
    const schema = z.object({
      name: z.string().trim(),
      tags: z.record(z.string(), z.string()).optional(),
      where: z.union([z.string(), z.object({ city: z.string() })]).optional(),
      when: z
        .object({ from: z.string() })
        .transform((v) => v.from)
        .optional(),
      loose: z.looseObject({ a: z.string().optional() }).optional(),
    });
    const issues = (value: unknown) => {
      try {
        validateRequest(schema, value, "POST /v1/x");
      } catch (error) {
        return (error as { issues: { path: string }[] }).issues.map((i) => i.path);
      }
      return [];
    };
    // Records are maps: any key. A union's string option does not hide the object option's unknown keys.
    expect(issues({ name: "n", tags: { anything: "goes" }, where: "Rome" })).toEqual([]);
    expect(issues({ name: "n", where: { city: "Rome", zip: "1" } })).toEqual(["where.zip"]);
    // Through a transform, and into a loose object: what the caller writes is checked.
    expect(issues({ name: "n", when: { from: "x", to: "y" }, loose: { b: "1" } })).toEqual(["when.to", "loose.b"]);
    // Own keys only: a name Object.prototype has is still unknown.
    expect(issues(JSON.parse('{"name":"n","toString":"x","__proto__":{}}'))).toEqual(["toString", "__proto__"]);
    expect(validateRequest(schema, { name: " n " }, "POST /v1/x")).toEqual({ name: "n" });
  });

  test("validateRequest raises before sending", () => {
    const schema = z.object({ phones: z.array(z.object({ number: z.string().regex(/^\+\d+$/) })) });
    expect(() => validateRequest(schema, { phones: [{ number: "12" }] }, "POST /v2/contacts")).toThrow(
      /Invalid request for POST \/v2\/contacts: phones\.0\.number/,
    );
  });
});

describe("the API key never leaks", () => {
  const hostileKey = 'rk_"/hostile+key=0123456789';

  test("not in errors, even when the server echoes the Authorization header everywhere", async () => {
    process.env.ROMULUS_LOG = "debug";
    const echo = (req: { headers: Record<string, string | string[] | undefined> }) => String(req.headers.authorization);
    const t = new Transport({ baseUrl: server.url, apiKey: hostileKey, maxRetries: 1, retryBaseDelayMs: 1 });
    const errors: unknown[] = [];

    server.handle((req, res) => {
      const quoted = JSON.stringify(echo(req));
      // Raw JSON text: the key as a value, as a property name, and hidden behind a \u escape of its first letter.
      const body = `{"message":${JSON.stringify(`bad key ${echo(req)}`)},${quoted}:[${quoted}],"escaped":"\\u0072${quoted.slice(2)}}`;
      text(res, 400, body, "application/json", { "x-request-id": echo(req), "x-echo": echo(req) });
    });
    errors.push(await failure(t.request({ method: "POST", path: "/v2/contacts", body: {} })));
    server.handle((req, res) => text(res, 503, `Authorization: ${echo(req)}`, "text/plain", { "x-echo": echo(req) }));
    errors.push(await failure(t.request({ method: "GET", path: "/v1/x" })));
    server.handle((req, res) => text(res, 200, `<html>${echo(req)}</html>`, "text/html"));
    errors.push(await failure(t.request({ method: "GET", path: "/v1/x" })));
    server.handle((req, res) => {
      res.writeHead(307, { location: `https://evil.example/?key=${encodeURIComponent(echo(req))}` });
      res.end();
    });
    errors.push(await failure(t.request({ method: "GET", path: "/v1/x" })));
    server.handle((req, res) => json(res, 200, { items: [{ name: 1, echo: echo(req) }] }));
    errors.push(
      await failure(
        t.request({
          method: "GET",
          path: "/v1/x",
          schema: z.object({ items: z.array(z.object({ name: z.string() })) }),
        }),
      ),
    );
    server.handle((_req, _res, raw) => drop(raw));
    errors.push(await failure(t.request({ method: "GET", path: "/v1/x" })));

    expect(errors).toHaveLength(6);
    for (const err of errors) {
      expect(err).toBeInstanceOf(RomulusError);
      const everything = everythingAbout(err);
      expect(everything).not.toContain(hostileKey);
      expect(everything).not.toContain("hostile+key");
      expect(everything).not.toContain(encodeURIComponent(hostileKey));
    }
    expect((errors[0] as RomulusApiError).body).toMatchObject({ message: "bad key [REDACTED]" });
    expect((errors[0] as RomulusApiError).body).toMatchObject({ escaped: "[REDACTED]", "[REDACTED]": ["[REDACTED]"] });
    expect((errors[0] as RomulusApiError).requestId).toBe("[REDACTED]");
    expect(JSON.stringify((errors[0] as RomulusApiError).body)).not.toContain("hostile");

    // And a success body that echoes it comes back scrubbed.
    server.handle((req, res) => json(res, 200, { echo: echo(req) }));
    await expect(t.request({ method: "GET", path: "/v1/x" })).resolves.toEqual({ echo: "[REDACTED]" });

    expect(logLines.length).toBeGreaterThan(10);
    for (const line of logLines) expect(line).not.toContain("hostile");
  });
});

describe("debug logging", () => {
  test("ROMULUS_LOG=debug logs requests and responses, read at call time", async () => {
    server.handle((_req, res) => json(res, 200, { big: "y".repeat(5000) }, { "x-request-id": "req-42" }));
    const t = transport();
    await t.request({ method: "GET", path: "/v1/me" });
    expect(logLines).toEqual([]);

    process.env.ROMULUS_LOG = "debug";
    await t.request({ method: "POST", path: "/v1/me", body: { q: "z".repeat(3000) } });
    const request = logLines.find((l) => l.includes("request POST"));
    const response = logLines.find((l) => l.includes("response 200"));
    expect(request).toContain(`${server.url}/v1/me attempt=1`);
    expect(response).toMatch(/response 200 POST http:\/\/127\.0\.0\.1:\d+\/v1\/me duration_ms=\d+ request_id=req-42/);
    for (const line of logLines) {
      expect(line).not.toContain(KEY);
      // Bodies are clipped to 1,000 characters; the rest of the line is short.
      expect(line.length).toBeLessThan(1300);
    }
  });

  test("a key straddling the 1,000-character clip leaves no fragment of itself in the log", async () => {
    process.env.ROMULUS_LOG = "debug";
    const fragments = Array.from({ length: KEY.length - 7 }, (_, i) => KEY.slice(i, i + 8));
    const t = transport({ maxRetries: 0 });
    // Around char 990 the clip at 1,000 cuts through the key, whichever side of the cut most of it lies.
    for (const at of [970, 985, 990, 995, 999]) {
      server.handle((_req, res) => text(res, 400, `${"x".repeat(at)}${KEY}${"y".repeat(300)}`, "text/plain"));
      await failure(t.request({ method: "GET", path: "/v1/x" }));
      // The request body too: `{"q":"` is 6 characters, so the key starts at `at`.
      server.handle((_req, res) => json(res, 200, {}));
      await t.request({ method: "POST", path: "/v1/x", body: { q: `${"x".repeat(at - 6)}${KEY}${"y".repeat(300)}` } });
    }
    // Five responses and five requests carried the key; each was logged, clipped.
    expect(
      logLines.filter((l) => l.includes(`body=${"x".repeat(100)}`) || l.includes(`"q":"${"x".repeat(100)}`)),
    ).toHaveLength(10);
    for (const line of logLines) for (const fragment of fragments) expect(line).not.toContain(fragment);
  });

  test("retries are logged", async () => {
    process.env.ROMULUS_LOG = "debug";
    server.handle((_req, res) => (server.requests.length === 1 ? json(res, 503, {}) : json(res, 200, {})));
    await transport().request({ method: "GET", path: "/v1/x" });
    expect(logLines.some((l) => /retry GET .* after attempt=1 failed: Romulus API 503/.test(l))).toBe(true);
    expect(logLines.filter((l) => l.includes("attempt=2"))).toHaveLength(1);
  });
});
