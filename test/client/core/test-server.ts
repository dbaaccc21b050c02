import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { setLogSink } from "../../../src/client/core/log";
import { closeConnections, Transport, type TransportOptions } from "../../../src/client/core/transport";

/** The API key the client tests send: distinctive, so any output that leaks it is caught. */
export const KEY = "rk_live_TOPSECRET_0123456789abcdef";

/** A request as the server saw it, for assertions on what the client sent. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  /** `Date.now()` when the request arrived, to measure waits between attempts. */
  at: number;
}

export type Handler = (req: SeenRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export interface TestServer {
  url: string;
  port: number;
  requests: SeenRequest[];
  /** Highest number of requests the server was handling at the same time. */
  maxInFlight: number;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/** A real node:http server on loopback: the client's network behaviour is tested against real sockets. */
export async function startServer(handler: Handler = (_req, res) => json(res, 200, {})): Promise<TestServer> {
  let current = handler;
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const requests: SeenRequest[] = [];

  const server: Server = createServer((raw, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight--;
    };
    res.on("close", finish);
    const chunks: Buffer[] = [];
    raw.on("data", (chunk: Buffer) => chunks.push(chunk));
    raw.on("end", () => {
      const seen: SeenRequest = {
        method: raw.method ?? "",
        url: raw.url ?? "",
        headers: raw.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      };
      requests.push(seen);
      Promise.resolve(current(seen, res, raw)).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(599);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    handle(next) {
      current = next;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function text(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = "text/plain",
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Kills the connection after the request was read: the client cannot know whether it was processed. */
export function drop(raw: IncomingMessage): void {
  raw.socket.destroy();
}

/** What `promise` rejected with; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the request to fail");
}

/** What `fn` threw; fails the test when it returns. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A loopback port with nothing listening on it (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every way an error could be shown or shipped: message, stack, own properties, JSON, deep inspection. */
export function everythingAbout(err: unknown): string {
  const record = err as Record<string, unknown>;
  const own = Object.fromEntries(Object.getOwnPropertyNames(err).map((name) => [name, record[name]]));
  return [
    String(err),
    JSON.stringify(own, (_k, v: unknown) =>
      v instanceof Error ? { ...v, message: v.message, stack: v.stack, cause: v.cause } : v,
    ),
    inspect(err, { showHidden: true, depth: null }),
  ].join("\n");
}

export interface ServerPerTest {
  /** This test's server (a fresh one per test). */
  server: TestServer;
  /** The client's log lines of this test, with `ROMULUS_LOG` unset. */
  logLines: string[];
  /** A transport to this test's server with the test key, short retry delays and `timeoutMs`. */
  transport(options?: Partial<TransportOptions>): Transport;
}

/**
 * Registers hooks that give each test of the calling file a fresh server and captured log lines, and
 * close both (with the client's pooled connections) after it.
 */
export function serverPerTest(timeoutMs: number): ServerPerTest {
  let current: TestServer | undefined;
  const live = (): TestServer => {
    if (!current) throw new Error("the test server exists only while a test runs");
    return current;
  };
  const logLines: string[] = [];
  beforeEach(async () => {
    current = await startServer();
    logLines.length = 0;
    setLogSink((line) => logLines.push(line));
    delete process.env.ROMULUS_LOG;
  });
  afterEach(async () => {
    setLogSink(undefined);
    delete process.env.ROMULUS_LOG;
    await closeConnections();
    await live().close();
    current = undefined;
  });
  const server: TestServer = {
    get url() {
      return live().url;
    },
    get port() {
      return live().port;
    },
    get requests() {
      return live().requests;
    },
    get maxInFlight() {
      return live().maxInFlight;
    },
    handle: (handler) => live().handle(handler),
    close: () => live().close(),
  };
  return {
    server,
    logLines,
    transport: (options = {}) =>
      new Transport({ baseUrl: server.url, apiKey: KEY, retryBaseDelayMs: 5, timeoutMs, ...options }),
  };
}
