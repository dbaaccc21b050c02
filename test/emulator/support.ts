import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { request } from "undici";
import { DEFAULT_API_KEY, type Emulator, type EmulatorOptions, startEmulator } from "../../src/emulator";

export { DEFAULT_API_KEY, SECOND_API_KEY } from "../../src/emulator";

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

/**
 * A JSON call over real HTTP on loopback. `key: null` sends no Authorization header. Control requests
 * (`/__emulator/`) carry `X-Romulus-Emulator: 1`, as the control API asks of bodiless ones (see
 * src/emulator/http/control.ts); `headers` can override it.
 */
export async function call(
  emulator: Emulator,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; key?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    ...(path.startsWith("/__emulator/") ? { "x-romulus-emulator": "1" } : {}),
    ...options.headers,
  };
  const key = options.key === undefined ? DEFAULT_API_KEY : options.key;
  if (key !== null) headers.authorization = key;
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    headers["content-type"] ??= "application/json";
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await request(`${emulator.url}${path}`, {
    method: method as "GET",
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.body.text();
  let parsed: unknown;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.statusCode, headers: res.headers, body: parsed, text };
}

// biome-ignore lint/suspicious/noExplicitAny: test bodies are read loosely
export type Json = any;

export async function ok(
  emulator: Emulator,
  method: string,
  path: string,
  body?: unknown,
  key?: string,
): Promise<Json> {
  const res = await call(emulator, method, path, { body, ...(key !== undefined ? { key } : {}) });
  if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`);
  return res.body;
}

export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ outboundCallCompletionMs: 0, webhookIntervalScale: 0.01, ...options });
}

/**
 * One emulator for the tests of the calling file or describe block: started before the first, back to its
 * seed before each, closed after the last. The handle stands for that emulator while it runs.
 */
export function emulatorForTests(): Emulator {
  let running: Emulator | undefined;
  const live = (): Emulator => {
    if (!running) throw new Error("the emulator runs only while the tests that share it do");
    return running;
  };
  beforeAll(async () => {
    running = await startTestEmulator();
  });
  afterAll(async () => {
    await live().close();
    running = undefined;
  });
  beforeEach(() => live().reset());
  return new Proxy({} as Emulator, {
    get(_target, key) {
      const emulator = live();
      const value: unknown = Reflect.get(emulator, key, emulator);
      return typeof value === "function" ? value.bind(emulator) : value;
    },
  });
}

const REFERENCE = join(__dirname, "..", "fixtures", "reference");

/** A JSON example of the vendor reference (test/fixtures/reference), parsed afresh. */
export function reference(file: string): Json {
  return JSON.parse(readFileSync(join(REFERENCE, file), "utf8"));
}

/** The page's e-mail obfuscation turned addresses into "[email protected]"; a real address in its place. */
export function deobfuscate<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(/\[email(?:&#160;|\s)protected\]/g, "john.doe@example.com")) as T;
}

export const seeded = {
  org: "emulator-org",
  org2: "emulator-org-2",
};

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON. */
  body: Json;
}

/**
 * A loopback webhook receiver. `respond` picks the status of each request (by its 1-based number at this
 * path); `hang` paths never answer, to exercise timeouts.
 */
export class Receiver {
  readonly received: Received[] = [];
  private readonly server: Server;
  private readonly counts = new Map<string, number>();
  respond: (path: string, nth: number) => number = () => 200;
  hang = new Set<string>();

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const path = (req.url ?? "/").split("?")[0] ?? "/";
        const nth = (this.counts.get(path) ?? 0) + 1;
        this.counts.set(path, nth);
        this.received.push({ path, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
        if (this.hang.has(path)) return;
        res.statusCode = this.respond(path, nth);
        res.end("ok");
      });
    });
  }

  /** Its base URL, once listening. */
  url = "";

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** A receiver already listening, answering `status` to every request. */
  static async answering(status = 200): Promise<Receiver> {
    const receiver = new Receiver();
    receiver.respond = () => status;
    await receiver.listen();
    return receiver;
  }

  /** The paths received, in order. */
  paths(): string[] {
    return this.received.map((entry) => entry.path);
  }

  at(path: string): Received[] {
    return this.received.filter((entry) => entry.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Polls `check` until it holds, failing after `ms`: a safety net, generous because a delivery or a restart
 * that takes well under a second on an idle machine can take seconds when both cores are busy elsewhere.
 */
export async function until(check: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}
