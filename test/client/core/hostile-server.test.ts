import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";
import { RomulusClient } from "../../../src/client";
import {
  ConnectionError,
  parseRetryAfter,
  RateLimitedError,
  RequestValidationError,
  ResponseTooLargeError,
  UnauthorizedError,
} from "../../../src/client/core/errors";
import { closeConnections } from "../../../src/client/core/transport";
import { ENV_VARS } from "../../../src/config";
import { getAgent, resetLookupCache } from "../../../src/functions";
import { everythingAbout, failure, json, KEY, serverPerTest, text } from "./test-server";

const { server, logLines, transport } = serverPerTest(5000);

describe("an answer undici cannot parse", () => {
  // A raw TCP server: node:http cannot send a malformed status line. It answers `HTTP/1.1 2OO OK <key>`,
  // which makes undici throw an HTTPParserError whose `data` holds those raw bytes.
  let tcp: TcpServer;
  let url: string;
  beforeEach(async () => {
    tcp = createTcpServer((socket) => {
      let received = "";
      socket.on("data", (chunk: Buffer) => {
        received += chunk.toString("latin1");
        if (!received.includes("\r\n\r\n")) return;
        const authorization = /^authorization: (.*)$/im.exec(received)?.[1] ?? "";
        socket.end(`HTTP/1.1 2OO OK ${authorization}\r\ncontent-length: 0\r\n\r\n`);
      });
      socket.on("error", () => undefined);
    });
    tcp.listen(0, "127.0.0.1");
    await once(tcp, "listening");
    url = `http://127.0.0.1:${(tcp.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await closeConnections();
    await new Promise((resolve) => tcp.close(resolve));
  });

  test("the client's error keeps a clean copy of undici's: name, code, message, never the raw bytes", async () => {
    process.env.ROMULUS_LOG = "debug";
    const client = new RomulusClient({ apiKey: KEY, endpoint: url, maxRetries: 0 });
    const error = (await failure(client.me())) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain("GET /v1/me");
    const cause = error.cause as Error & { code?: string };
    expect(cause.name).toBe("HTTPParserError");
    expect(cause.message).toBe("Response does not match the HTTP/1.1 protocol (Invalid status code)");
    expect(Object.keys(cause)).not.toContain("data");
    expect(everythingAbout(error)).not.toContain(KEY);
    expect(everythingAbout(error)).not.toContain("TOPSECRET");
    for (const line of logLines) expect(line).not.toContain("TOPSECRET");
  });

  test("nor does a data source's failure, printed the way `pulumi up` prints a failed program", async () => {
    const saved = { key: process.env[ENV_VARS.apiKey], endpoint: process.env[ENV_VARS.endpoint] };
    process.env[ENV_VARS.apiKey] = KEY;
    process.env[ENV_VARS.endpoint] = url;
    resetLookupCache();
    try {
      const error = await failure(getAgent({ name: "Sales Agent" }));
      expect(String(error)).toContain("GET /v1/ai-agents/agents/search");
      expect(everythingAbout(error)).not.toContain("TOPSECRET");
    } finally {
      for (const [name, value] of [
        [ENV_VARS.apiKey, saved.key],
        [ENV_VARS.endpoint, saved.endpoint],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      resetLookupCache();
    }
  });
});

describe("a key echoed back in another form", () => {
  const forms = {
    base64: Buffer.from(KEY).toString("base64"),
    "base64 of :key (Basic auth, empty user)": Buffer.from(`:${KEY}`).toString("base64"),
    "base64 of user:key": Buffer.from(`api:${KEY}`).toString("base64"),
    "base64url inside a token": Buffer.from(`{"k":"${KEY}"}`).toString("base64url"),
    "upper case": KEY.toUpperCase(),
    "lower case": KEY.toLowerCase(),
  };

  test.each(Object.entries(forms))(
    "%s is redacted in the message, the headers, the body and the log",
    async (_name, form) => {
      process.env.ROMULUS_LOG = "debug";
      server.handle((_req, res) =>
        json(
          res,
          401,
          { message: `invalid key ${form}`, echo: form },
          { "x-echo": `Basic ${form}`, "x-request-id": form },
        ),
      );
      const error = (await failure(
        transport({ maxRetries: 0 }).request({ method: "GET", path: "/v1/me" }),
      )) as UnauthorizedError;
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect(error.message).toContain("invalid key [REDACTED]");
      expect(error.headers?.["x-echo"]).toBe("Basic [REDACTED]");
      expect(error.body).toEqual({ message: "invalid key [REDACTED]", echo: "[REDACTED]" });
      // The middle of the form, which no neighbouring byte can change, is nowhere.
      const middle = form.slice(8, -8);
      expect(everythingAbout(error)).not.toContain(middle);
      expect(logLines.some((line) => line.includes("response 401"))).toBe(true);
      for (const line of logLines) expect(line).not.toContain(middle);
    },
  );
});

describe("the debug log", () => {
  test("keeps paging, redacts other query values, URL credentials, phone numbers and emails", async () => {
    process.env.ROMULUS_LOG = "debug";
    const contact = {
      first_name: "Ada",
      phones: [{ number: "+442071234567", label: "MOBILE" }],
      emails: [{ email: "ada.lovelace@example.com", label: "JOB" }],
      website: "https://ada:hunter2@example.com/profile?token=tok_s3cr3t&lang=en",
    };
    server.handle((_req, res) => json(res, 200, { id: "c1", ...contact }));
    const t = transport();
    await t.request({ method: "POST", path: "/v2/contacts", body: contact });
    await t.request({ method: "GET", path: "/v1/x", query: { page: 2, size: 50, token: "tok_query" } });

    const all = logLines.join("\n");
    expect(all).toContain("first_name");
    expect(all).toContain("Ada");
    expect(all).toContain("[PHONE]");
    expect(all).toContain("[EMAIL]");
    expect(all).toContain("page=2&size=50&token=[REDACTED]");
    expect(all).toContain("https://[REDACTED]@example.com/profile?token=[REDACTED]&lang=[REDACTED]");
    for (const secret of [
      "+442071234567",
      "2071234567",
      "ada.lovelace@",
      'example.com","label',
      "hunter2",
      "tok_s3cr3t",
      "tok_query",
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});

describe("response size", () => {
  /** Streams up to `total` bytes, honouring backpressure, and says how many were written when it stopped. */
  function streamBody(total: number, declare: boolean): Promise<number> {
    return new Promise((resolve) => {
      server.handle(async (_req, res) => {
        res.writeHead(200, {
          "content-type": "application/json",
          ...(declare ? { "content-length": String(total) } : {}),
        });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        let wake: (() => void) | undefined;
        res.on("close", () => {
          resolve(sent);
          wake?.();
        });
        res.on("drain", () => wake?.());
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) await new Promise<void>((resume) => (wake = resume));
        }
        res.end();
        resolve(sent);
      });
    });
  }

  test("a declared Content-Length over the cap fails at once, naming the endpoint", async () => {
    const total = 256 * 1024 * 1024;
    const sent = streamBody(total, true);
    const client = new RomulusClient({ apiKey: KEY, endpoint: server.url, maxResponseBytes: 1024 * 1024 });
    const error = (await failure(client.contacts.get("c1"))) as ResponseTooLargeError;
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error.message).toContain(
      `GET /v2/contacts/c1 was too large (${total} bytes, more than the 1048576-byte limit`,
    );
    expect(error.attempts).toBe(1);
    // The connection was closed long before the body was: kernel buffers hold a few MiB at most.
    expect(await sent).toBeLessThan(32 * 1024 * 1024);
  });

  test("an undeclared body is counted as it streams and dropped at the cap", async () => {
    const total = 64 * 1024 * 1024;
    const sent = streamBody(total, false);
    const error = (await failure(
      transport({ maxResponseBytes: 1024 * 1024 }).request({ method: "GET", path: "/v1/calls" }),
    )) as ResponseTooLargeError;
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error.message).toContain("GET /v1/calls was too large (more than the 1048576-byte limit, maxResponseBytes)");
    expect(await sent).toBeLessThan(32 * 1024 * 1024);
  });

  test("the same body under the cap is read", async () => {
    const body = { items: "x".repeat(500_000) };
    server.handle((_req, res) => json(res, 200, body));
    await expect(
      transport({ maxResponseBytes: 1024 * 1024 }).request({ method: "GET", path: "/v1/x" }),
    ).resolves.toEqual(body);
  });
});

describe("Retry-After", () => {
  const BACKOFF = 40;
  const options = { retryBaseDelayMs: BACKOFF, retryMaxDelayMs: BACKOFF, maxRetries: 3 };

  test.each([
    ["0", "valid, but shorter than our own backoff"],
    ["-1", "not delta-seconds"],
    ["0.0001", "not delta-seconds"],
    ["Thu, 01 Jan 1970 00:00:00 GMT", "a date long past"],
    ["banana 1", "what Date.parse reads as a date"],
    ["", "empty"],
  ])("%j (%s) never makes the client wait less than its own backoff", async (value) => {
    server.handle((_req, res) => json(res, 429, { message: "slow down" }, { "retry-after": value }));
    const error = (await failure(transport(options).request({ method: "GET", path: "/v1/x" }))) as RateLimitedError;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.attempts).toBe(4);
    expect(server.requests).toHaveLength(4);
    const gaps = server.requests.slice(1).map((r, i) => r.at - server.requests[i]!.at);
    // A couple of ms of slack for timer rounding between Date.now() and the event loop's clock.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(BACKOFF - 2);
  });

  test("99999999999999999999 is clamped: the request fails at once, naming the endpoint and when to retry", async () => {
    server.handle((_req, res) => json(res, 429, {}, { "retry-after": "99999999999999999999" }));
    const error = (await failure(transport(options).request({ method: "GET", path: "/v1/x" }))) as RateLimitedError;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.attempts).toBe(1);
    expect(error.retryAfterMs).toBe(2 ** 31 * 1000);
    expect(error.message).toContain("GET /v1/x");
    expect(error.message).toMatch(/not retried: .* retry after \d{4}-\d\d-\d\dT/);
  });

  test("a valid short Retry-After is still honoured in full, beyond the backoff", async () => {
    server.handle((_req, res) =>
      server.requests.length === 1 ? json(res, 503, {}, { "retry-after": "1" }) : json(res, 200, { ok: true }),
    );
    await expect(transport(options).request({ method: "GET", path: "/v1/x" })).resolves.toEqual({ ok: true });
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(995);
  });

  test("the three HTTP-date forms are read; look-alikes are not", () => {
    const now = Date.UTC(1994, 10, 6, 8, 49, 30);
    expect(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now)).toBe(7000);
    expect(parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now)).toBe(7000);
    expect(parseRetryAfter("Sun Nov  6 08:49:37 1994", now)).toBe(7000);
    for (const value of [
      "06 Nov 1994 08:49:37 GMT",
      "Sun, 31 Feb 1994 08:49:37 GMT",
      "Sun, 06 Nov 1994 08:49:37 PST",
      "1e3",
      "+5",
      " 5x",
    ]) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
    expect(parseRetryAfter(" 5 ", now)).toBe(5000);
  });
});

describe("ids", () => {
  let client: RomulusClient;
  beforeEach(() => {
    client = new RomulusClient({ apiKey: KEY, endpoint: server.url, maxRetries: 0 });
  });

  const calls: [string, (c: RomulusClient, id: string) => Promise<unknown>, string][] = [
    ["contacts.get", (c, id) => c.contacts.get(id), "contactId"],
    ["contacts.update", (c, id) => c.contacts.update(id, { first_name: "A" }), "contactId"],
    ["contacts.delete", (c, id) => c.contacts.delete(id), "contactId"],
    ["webhookSubscriptions.get", (c, id) => c.webhookSubscriptions.get(id), "webhookSubscriptionId"],
    ["webhookSubscriptions.delete", (c, id) => c.webhookSubscriptions.delete(id), "webhookSubscriptionId"],
    [
      "callTaskWebhookSubscriptions.delete",
      (c, id) => c.callTaskWebhookSubscriptions.delete(id),
      "webhookSubscriptionId",
    ],
    ["agentCallTasks.terminate", (c, id) => c.agentCallTasks.terminate(id), "callTaskId"],
    ["agentCallTasks.list", (c, id) => c.agentCallTasks.list(id).toArray(), "agentId"],
    ["calls.create", (c, id) => c.calls.create(id, { to: "+442071234567" }), "agentId"],
    ["campaigns.terminateTasks", (c, id) => c.campaigns.terminateTasks(id, "+442071234567"), "callCampaignId"],
  ];

  test.each(
    calls.flatMap(([name, call, param]) =>
      ["", ".", "..", " "].map((id) => [name, JSON.stringify(id), id, call, param] as const),
    ),
  )("%s(%s) is refused before anything is sent, naming the parameter", async (_name, _shown, id, call, param) => {
    const error = (await failure(call(client, id))) as RequestValidationError;
    expect(error).toBeInstanceOf(RequestValidationError);
    expect(error.path).toBe(param);
    expect(error.message).toContain(`${param}: must be`);
    expect(server.requests).toHaveLength(0);
  });

  test('"search" where a sibling route has that word is refused; elsewhere it is an id like any other', async () => {
    for (const call of [() => client.contacts.get("search"), () => client.webhookSubscriptions.get("search")]) {
      const error = (await failure(call())) as RequestValidationError;
      expect(error.message).toContain('must be an id, not "search"');
    }
    expect(server.requests).toHaveLength(0);
    server.handle((_req, res) => text(res, 200, ""));
    await client.agentCallTasks.terminate("search");
    expect(server.requests.map((r) => r.url)).toEqual(["/v1/ai-agents/agents/call-tasks/search/terminate"]);
  });

  test("a word of any declared route is refused where another route takes an id there, naming that route", async () => {
    const refusals = [
      [() => client.agentCallTasks.list("search").firstPage(), "/v1/ai-agents/agents/search"],
      [() => client.calls.create("call-tasks", { to: "+442071234567" }), "/v1/ai-agents/agents/call-tasks/terminate"],
      [() => client.agentCallTasks.terminate("terminate"), "/v1/ai-agents/agents/call-tasks/terminate"],
    ] as const;
    for (const [call, route] of refusals) {
      const error = (await failure(call())) as RequestValidationError;
      expect(error).toBeInstanceOf(RequestValidationError);
      expect(error.message).toContain(`${route} is another endpoint`);
    }
    expect(server.requests).toHaveLength(0);
  });

  test("ids that merely contain dots or slashes are encoded and sent", async () => {
    server.handle((_req, res) => text(res, 204, ""));
    await client.contacts.delete("a/../b");
    await client.contacts.delete("...");
    expect(server.requests.map((r) => r.url)).toEqual(["/v2/contacts/a%2F..%2Fb", "/v2/contacts/..."]);
  });
});
