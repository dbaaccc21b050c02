import {
  BadRequestError,
  ConnectionError,
  ForbiddenError,
  fromResponse,
  MethodNotAllowedError,
  NotAcceptableError,
  NotFoundError,
  parseRetryAfter,
  RateLimitedError,
  RedirectError,
  RomulusApiError,
  RomulusError,
  ServerError,
  UnauthorizedError,
  UnexpectedStatusError,
} from "../../../src/client/core/errors";
import { closeConnections, Transport } from "../../../src/client/core/transport";
import { failure, json, startServer, type TestServer, text } from "./test-server";

const KEY = "rk_test_errors_0123456789";
let server: TestServer;
let transport: Transport;

beforeAll(async () => {
  server = await startServer();
  transport = new Transport({ baseUrl: server.url, apiKey: KEY, maxRetries: 0, retryBaseDelayMs: 1 });
});
afterAll(async () => {
  await closeConnections();
  await server.close();
});

describe("each status maps to its class over real HTTP", () => {
  const cases: [number, typeof RomulusApiError][] = [
    [400, BadRequestError],
    [401, UnauthorizedError],
    [403, ForbiddenError],
    [404, NotFoundError],
    [405, MethodNotAllowedError],
    [406, NotAcceptableError],
    [429, RateLimitedError],
    [500, ServerError],
    [502, ServerError],
    [503, ServerError],
    [409, UnexpectedStatusError],
    [418, UnexpectedStatusError],
  ];
  test.each(cases)("%i", async (status, Class) => {
    server.handle((_req, res) =>
      json(res, status, { message: `status ${status}` }, { "x-request-id": `rid-${status}` }),
    );
    const err = await failure(transport.request({ method: "GET", path: "/v1/things", query: { page: 0 } }));
    expect(err).toBeInstanceOf(Class);
    expect(err).toBeInstanceOf(RomulusApiError);
    expect(err).toBeInstanceOf(RomulusError);
    const apiErr = err as RomulusApiError;
    expect(apiErr.name).toBe(Class.name);
    expect(apiErr.status).toBe(status);
    expect(apiErr.method).toBe("GET");
    expect(apiErr.path).toBe("/v1/things");
    expect(apiErr.requestId).toBe(`rid-${status}`);
    expect(apiErr.body).toEqual({ message: `status ${status}` });
    expect(apiErr.attempts).toBe(1);
    expect(apiErr.message).toContain(`Romulus API ${status}`);
    expect(apiErr.message).toContain(`on GET /v1/things: status ${status} (request id rid-${status})`);
  });
});

test("message summarises a JSON body by its message field", async () => {
  server.handle((_req, res) =>
    json(
      res,
      400,
      { error: "Bad Request", message: "phones.0.number: must be E.164", path: "/v2/contacts" },
      { "x-request-id": "abc" },
    ),
  );
  const err = (await failure(
    transport.request({ method: "POST", path: "/v2/contacts", body: { first_name: "A" } }),
  )) as BadRequestError;
  expect(err.message).toBe(
    "Romulus API 400 Bad Request on POST /v2/contacts: phones.0.number: must be E.164 (request id abc)",
  );
  expect(err.body).toEqual({ error: "Bad Request", message: "phones.0.number: must be E.164", path: "/v2/contacts" });
});

test("a text body is kept as text and summarised by its first 200 characters", async () => {
  const long = `upstream exploded ${"x".repeat(400)}`;
  server.handle((_req, res) => text(res, 500, long));
  const err = (await failure(transport.request({ method: "GET", path: "/v1/me" }))) as ServerError;
  expect(err.body).toBe(long);
  expect(err.requestId).toBeUndefined();
  expect(err.message).toContain("Romulus API 500 Internal Server Error on GET /v1/me: upstream exploded xxx");
  expect(err.message.length).toBeLessThan(300);
});

test("an empty body leaves body undefined and the message short", async () => {
  server.handle((_req, res) => {
    res.writeHead(404, { "x-request-id": "r-404" });
    res.end();
  });
  const err = (await failure(transport.request({ method: "DELETE", path: "/v2/contacts/c1" }))) as NotFoundError;
  expect(err).toBeInstanceOf(NotFoundError);
  expect(err.body).toBeUndefined();
  expect(err.message).toBe("Romulus API 404 Not Found on DELETE /v2/contacts/c1 (request id r-404)");
});

test("JSON without a content-type is still parsed", async () => {
  server.handle((_req, res) => {
    res.writeHead(403);
    res.end('{"error":"forbidden"}');
  });
  const err = (await failure(transport.request({ method: "GET", path: "/v1/x" }))) as ForbiddenError;
  expect(err.body).toEqual({ error: "forbidden" });
  expect(err.message).toBe("Romulus API 403 Forbidden on GET /v1/x: forbidden");
});

test("a 429 carries retryAfterMs from its header", async () => {
  server.handle((_req, res) => json(res, 429, {}, { "retry-after": "7" }));
  const err = (await failure(transport.request({ method: "GET", path: "/v1/x" }))) as RateLimitedError;
  expect(err).toBeInstanceOf(RateLimitedError);
  expect(err.retryAfterMs).toBe(7000);
  expect(err.headers?.["retry-after"]).toBe("7");
});

test("fromResponse maps statuses without a network", () => {
  expect(fromResponse(400, "GET", "/p", undefined)).toBeInstanceOf(BadRequestError);
  expect(fromResponse(599, "GET", "/p", undefined)).toBeInstanceOf(ServerError);
  expect(fromResponse(302, "GET", "/p", undefined, { location: "https://x" })).toBeInstanceOf(RedirectError);
  const e = fromResponse(
    422,
    "PUT",
    "/p",
    { errors: [{ field: "url", message: "must be https" }] },
    { "X-Request-Id": "q" },
  );
  expect(e).toBeInstanceOf(UnexpectedStatusError);
  expect(e.message).toBe("Romulus API 422 Unprocessable Entity on PUT /p: url: must be https (request id q)");
});

test("parseRetryAfter reads seconds and HTTP dates", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  expect(parseRetryAfter("3", now)).toBe(3000);
  expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
  expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
  expect(parseRetryAfter("soon", now)).toBeUndefined();
  expect(parseRetryAfter(undefined, now)).toBeUndefined();
});

test("ConnectionError names the call and the code", () => {
  const e = new ConnectionError("POST", "/v2/contacts", "ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:1");
  expect(e.message).toBe("Romulus API POST /v2/contacts failed: connect ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED)");
  expect(e.name).toBe("ConnectionError");
});
