import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Dispatcher, Pool } from "undici";
import type { ZodType } from "zod";
import {
  ConnectionError,
  dottedPath,
  fromResponse,
  InvalidEndpointError,
  normalizeHeaders,
  type RawHeaders,
  RequestValidationError,
  type ResponseHeaders,
  ResponseTooLargeError,
  ResponseValidationError,
  RomulusApiError,
  RomulusError,
  TimeoutError,
  truncate,
  type ValidationIssue,
  withAttempts,
  withRetryAfterBeyondLimit,
} from "./errors";
import { clipForLog, debug, isDebugEnabled } from "./log";
import { createRedactor, redactDeep, redactForLog } from "./redact";
import { closestKey, unknownKeys } from "./request-keys";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";
export type QueryValue = string | number | boolean | undefined | readonly string[];

export interface TransportOptions {
  /** `https://api.romulus.live`; plain http only to loopback (see `assertSafeEndpoint`). May carry a path prefix. */
  baseUrl: string;
  /** Lets `baseUrl` be plain http to any host (see `assertSafeEndpoint`). Default false. */
  allowInsecureHttp?: boolean;
  /** Sent as is in `Authorization` (the API wants no `Bearer ` prefix). */
  apiKey: string;
  /** Per attempt, from the moment the request goes out until its body is read. Default 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 4 (five attempts in all). */
  maxRetries?: number;
  /** Requests this transport may have in flight; also sizes the process-wide limit for the origin. Default 16. */
  maxConcurrency?: number;
  /** Appended to `pulumi-romulus/<version>`, so the vendor can still tell our traffic apart. */
  userAgent?: string;
  /** Shortest wait between attempts, and the first backoff ceiling, which doubles per retry (jittered between the two). Default 250 ms. */
  retryBaseDelayMs?: number;
  /** Ceiling of the client's own backoff between attempts (not of a server's `Retry-After`). Default 20 s. */
  retryMaxDelayMs?: number;
  /**
   * The longest `Retry-After` the client waits out. A shorter one is honoured in full (retrying sooner
   * only earns another 429); a longer one is not waited for at all: the request fails at once with the
   * server's answer, whose `retryAfterMs` and message say when to try again. Default 60 s.
   */
  maxRetryAfterMs?: number;
  /**
   * The largest response body the client reads, in bytes. A `Content-Length` above it fails at once; a body
   * without one is counted as it streams and dropped as soon as it passes the cap, so a hostile or broken
   * server cannot fill the process's memory. Default 64 MiB: the largest answers (a page of 200 calls with
   * transcripts) are a few MiB.
   */
  maxResponseBytes?: number;
}

export interface RequestOptions<T = unknown> {
  method: HttpMethod;
  /** Starts with `/v1/` or `/v2/`; ids already substituted and encoded. */
  path: string;
  query?: Record<string, QueryValue>;
  /** Serialised as JSON. */
  body?: unknown;
  /** Whether repeating the request is harmless. Default: true for GET/PUT/DELETE, false for POST. */
  idempotent?: boolean;
  /** Validates (and types) the 2xx body. */
  schema?: ZodType<T>;
  /** How errors name the call: `GET /v1/webhook-subscriptions/{id}`. Default `<method> <path>`. */
  endpoint?: string;
}

export interface RawResponse {
  status: number;
  headers: ResponseHeaders;
  /** Parsed JSON, `undefined` when empty. */
  body: unknown;
  requestId: string | undefined;
  attempts: number;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  maxRetries: 4,
  maxConcurrency: 16,
  retryBaseDelayMs: 250,
  retryMaxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
  maxResponseBytes: 64 * 1024 * 1024,
} as const;

/** Statuses worth repeating for any request: the server either did nothing (429, 503) or we cannot tell. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
/**
 * Statuses that prove the request was not processed, so even a POST may be repeated: 429 and 503 are the
 * documented "slow down / not now" answers. 502 and 504 come from a gateway that may have forwarded the
 * request: a repeated POST could create a duplicate contact or subscription.
 */
const NOT_PROCESSED_STATUSES = new Set([429, 503]);
/** Connection failures worth repeating when the request is idempotent. */
const RETRYABLE_CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);
/**
 * Failures that happen before a connection exists, so no byte of the request reached the server and a POST
 * may be repeated. A reset or closed socket is deliberately absent: it can happen after the server read the
 * request, and we cannot tell when.
 */
const NOT_SENT_CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]", "::1"]);

/** How a refusal of plain http tells the user to opt in, in the words of each place a setting can come from. */
export const INSECURE_HTTP_OPT_IN =
  "`allowInsecureHttp: true` (RomulusClient or Provider option), `pulumi config set romulus:allowInsecureHttp true` " +
  "or ROMULUS_ALLOW_INSECURE_HTTP=1";

/**
 * Refuses endpoints that would send the API key in clear text or somewhere odd: https anywhere, plain http
 * only to loopback (the emulator), unless `allowInsecureHttp` opts in to plain http to any host (an
 * emulator in docker-compose or a CI service container). The opt-in covers the scheme only: credentials,
 * a query or a fragment in the URL and other schemes stay refused. Exported so configuration code fails
 * early with the same words.
 */
export function assertSafeEndpoint(url: string | URL, opts: { allowInsecureHttp?: boolean } = {}): URL {
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : new URL(url.href);
  } catch {
    throw new InvalidEndpointError(`Romulus base URL ${JSON.stringify(String(url))} is not a valid URL`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw new InvalidEndpointError(
      "Romulus base URL must not contain credentials: the API key goes in the Authorization header",
    );
  }
  if (parsed.search !== "" || parsed.hash !== "") {
    throw new InvalidEndpointError(
      `Romulus base URL ${parsed.origin}${parsed.pathname} must not have a query or fragment`,
    );
  }
  if (parsed.protocol === "https:") return parsed;
  if (parsed.protocol === "http:") {
    if (opts.allowInsecureHttp === true || isLoopbackHost(parsed.hostname)) return parsed;
    throw new InvalidEndpointError(
      `Romulus base URL ${parsed.origin} uses plain http to a host that is not loopback: the API key would travel ` +
        "in clear text. Use https (plain http is only allowed to localhost, 127.0.0.0/8 or ::1, e.g. the emulator). " +
        `For an emulator on another host of a network you trust (docker-compose, a CI service container), opt in with ${INSECURE_HTTP_OPT_IN}.`,
    );
  }
  throw new InvalidEndpointError(`Romulus base URL must be https (got ${parsed.protocol.replace(/:$/, "")})`);
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (LOOPBACK_HOSTS.has(host) || host.endsWith(".localhost")) return true;
  // WHATWG URL normalises IPv4 (`127.1`, `0x7f.0.0.1`) to dotted quads, so this check sees the real address.
  const octets = host.split(".");
  return octets.length === 4 && octets[0] === "127" && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

/** FIFO counting semaphore. A released slot goes straight to the oldest waiter so newcomers cannot starve it. */
class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private capacity: number) {}

  /** Raises the capacity (never lowers it: slots already handed out cannot be taken back). */
  grow(capacity: number): void {
    if (capacity <= this.capacity) return;
    this.capacity = capacity;
    while (this.active < this.capacity && this.waiters.length > 0) {
      this.active++;
      this.waiters.shift()?.();
    }
  }

  async acquire(): Promise<() => void> {
    if (this.active < this.capacity) this.active++;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    };
  }
}

/**
 * The in-flight limit a transport takes a slot from, shared by every transport for the same origin. Kept to
 * two methods because another copy of this package (another version, even) may be the one that created it:
 * see `sharedLimits`.
 */
interface SharedLimiter {
  /** Raises the capacity; never lowers it. */
  grow(capacity: number): void;
  /** Resolves with the function that gives the slot back (calling it more than once is harmless). */
  acquire(): Promise<() => void>;
}

/**
 * Where the per-origin limits live: on `globalThis` under a registered symbol, not in this module, so that
 * two copies of pulumi-romulus loaded in one process (a program's own and the provider's, or two versions
 * under different `node_modules`) still share one limit per API.
 *
 * Semantics:
 * - one limiter per origin (`https://api.romulus.live`): every client of that API in the process takes its
 *   slots from it, because the API's rate limit is per organisation, not per client object, and a Pulumi
 *   provider host runs many resources at once, each possibly with its own client;
 * - a base URL path prefix does not make another origin: it is the same server;
 * - its capacity is the largest `maxConcurrency` any transport for the origin asked for. A transport that
 *   asked for fewer still gets its own lower cap (see `Transport`), so the only effect of "largest" is that
 *   one cautious transport cannot throttle everyone else, and the result does not depend on which
 *   transport happened to be built first;
 * - entries are never removed: there is one per API endpoint the process ever talked to, and an idle
 *   limiter holds nothing.
 *
 * Connection pools are not shared this way: they belong to one copy's undici, and sharing them would tie
 * two copies to the same undici version for no gain (a second pool costs a TLS handshake, not correctness).
 */
const LIMITS_KEY = Symbol.for("pulumi-romulus.limits");
/** Used only if something other than a Map sits under the key: a limit of our own beats a crash. */
let unsharedLimits: Map<string, SharedLimiter> | undefined;

function sharedLimits(): Map<string, SharedLimiter> {
  const holder = globalThis as typeof globalThis & { [LIMITS_KEY]?: unknown };
  const existing = holder[LIMITS_KEY];
  if (existing instanceof Map) return existing as Map<string, SharedLimiter>;
  if (existing !== undefined) {
    unsharedLimits ??= new Map();
    return unsharedLimits;
  }
  const created = new Map<string, SharedLimiter>();
  // Not enumerable, not writable: a stray `Object.assign(globalThis, ...)` cannot replace it mid-run.
  Object.defineProperty(holder, LIMITS_KEY, { value: created, enumerable: false, writable: false });
  return created;
}

function sharedLimiter(origin: string, maxConcurrency: number): SharedLimiter {
  const limits = sharedLimits();
  let limiter = limits.get(origin);
  if (limiter === undefined) {
    limiter = new Semaphore(maxConcurrency);
    limits.set(origin, limiter);
  } else {
    limiter.grow(maxConcurrency);
  }
  return limiter;
}

type Undici = typeof import("undici");
let undiciModule: Undici | undefined;

/**
 * undici, loaded on the first request rather than at import: it costs tens of milliseconds to load, and the
 * provider host imports this module for its first Check, which validates inputs and never sends a request.
 */
function undici(): Undici {
  // A plain require (the build is CommonJS): a dynamic import() would make the first request wait an extra
  // turn, and `import type` above keeps the types strict without loading anything.
  undiciModule ??= require("undici") as Undici;
  return undiciModule;
}

/** One keep-alive pool per origin for this copy of the package: TLS handshakes are the slow part of calls. */
const pools = new Map<string, Pool>();

function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (pool === undefined) {
    // Unbounded: the shared limiter already bounds what is in flight.
    pool = new (undici().Pool)(origin, { connections: null, pipelining: 1 });
    pools.set(origin, pool);
  }
  return pool;
}

/** Closes every pooled connection (tests, or a host shutting down). Later requests open new ones. */
export async function closeConnections(): Promise<void> {
  const open = [...pools.values()];
  pools.clear();
  await Promise.all(open.map((p) => p.close().catch(() => undefined)));
}

let cachedVersion: string | undefined;
function packageVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  cachedVersion = "0.0.0";
  try {
    // src/client/core and dist/client/core are both three levels below the package root.
    const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8")) as {
      name?: unknown;
      version?: unknown;
    };
    if (pkg.name === "pulumi-romulus" && typeof pkg.version === "string") cachedVersion = pkg.version;
  } catch {
    // A bundler may have moved us away from package.json; the version is informational only.
  }
  return cachedVersion;
}

/** One attempt of a request: `url` is where it goes, `path` (without host or query) how errors name it. */
interface AttemptRequest {
  method: HttpMethod;
  url: string;
  path: string;
  /** The JSON body, already serialised. */
  payload: string | undefined;
  /** 1 for the first. */
  attempt: number;
}

/** One attempt's answer, body already read (the connection is back in the pool). */
interface AttemptResponse {
  status: number;
  headers: ResponseHeaders;
  text: string;
}

type ParsedBody =
  | { kind: "empty" }
  | { kind: "json"; value: unknown }
  | { kind: "text"; value: string; jsonType: boolean };

export class Transport {
  readonly baseUrl: URL;
  /** ES private: an ordinary property would show the key in `util.inspect(transport)`. */
  readonly #apiKey: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseDelayMs: number;
  private readonly retryMaxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly maxResponseBytes: number;
  private readonly userAgent: string;
  private readonly limiter: Semaphore;
  private readonly origin: string;
  private readonly shared: SharedLimiter;
  private readonly pathPrefix: string;
  /** Public so endpoint code can scrub its own messages the same way. */
  readonly redact: (text: string) => string;

  constructor(options: TransportOptions) {
    this.baseUrl = assertSafeEndpoint(options.baseUrl, { allowInsecureHttp: options.allowInsecureHttp === true });
    if (typeof options.apiKey !== "string" || options.apiKey.trim() === "") {
      throw new RomulusError("Romulus API key is empty: set it in the provider config or ROMULUS_API_KEY");
    }
    this.#apiKey = options.apiKey;
    this.timeoutMs = positive("timeoutMs", options.timeoutMs ?? DEFAULTS.timeoutMs);
    this.maxRetries = nonNegativeInt("maxRetries", options.maxRetries ?? DEFAULTS.maxRetries);
    const maxConcurrency = nonNegativeInt("maxConcurrency", options.maxConcurrency ?? DEFAULTS.maxConcurrency);
    if (maxConcurrency < 1) throw new RomulusError("maxConcurrency must be at least 1");
    this.retryBaseDelayMs = nonNegative("retryBaseDelayMs", options.retryBaseDelayMs ?? DEFAULTS.retryBaseDelayMs);
    this.retryMaxDelayMs = nonNegative("retryMaxDelayMs", options.retryMaxDelayMs ?? DEFAULTS.retryMaxDelayMs);
    this.maxRetryAfterMs = nonNegative("maxRetryAfterMs", options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs);
    this.maxResponseBytes = nonNegativeInt("maxResponseBytes", options.maxResponseBytes ?? DEFAULTS.maxResponseBytes);
    const base = `pulumi-romulus/${packageVersion()}`;
    this.userAgent = options.userAgent ? `${base} ${options.userAgent}` : base;
    this.origin = this.baseUrl.origin;
    this.pathPrefix = this.baseUrl.pathname.replace(/\/+$/, "");
    this.limiter = new Semaphore(maxConcurrency);
    this.shared = sharedLimiter(this.origin, maxConcurrency);
    // Authorization carries the key as is, so the header value and the key are the same string; both are
    // listed so this stays right if a prefix is ever added.
    this.redact = createRedactor([this.#apiKey, this.#apiKey.trim()]);
  }

  /** Sends the request (retrying as allowed) and returns the 2xx body, validated when `schema` is given. */
  async request<T = unknown>(options: RequestOptions<T>): Promise<T> {
    const raw = await this.requestRaw(options);
    if (options.schema === undefined) return raw.body as T;
    return validateResponse(options.schema, raw.body, endpointOf(options), this.redact);
  }

  /** Like `request` but also returns status and headers; never validates against a schema. */
  async requestRaw(options: RequestOptions<unknown>): Promise<RawResponse> {
    const { method } = options;
    const endpoint = endpointOf(options);
    const idempotent = options.idempotent ?? method !== "POST";
    const url = this.buildUrl(options.path, options.query);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);

    for (let attempt = 1; ; attempt++) {
      let error: RomulusError;
      let retryable: boolean;
      try {
        const response = await this.attemptOnce({ method, url, path: options.path, payload, attempt });
        if (response.status >= 200 && response.status < 300) {
          return {
            status: response.status,
            headers: response.headers,
            body: this.successBody(response, endpoint),
            requestId: response.headers["x-request-id"] || undefined,
            attempts: attempt,
          };
        }
        const apiError = fromResponse(
          response.status,
          method,
          options.path,
          this.errorBody(response),
          response.headers,
        );
        error = apiError;
        retryable =
          RETRYABLE_STATUSES.has(response.status) && (idempotent || NOT_PROCESSED_STATUSES.has(response.status));
      } catch (thrown) {
        if (!(thrown instanceof RomulusError)) throw thrown;
        error = thrown;
        retryable = isRetryableFailure(thrown, idempotent);
      }

      if (!retryable) throw withAttempts(error, attempt, false);
      if (attempt > this.maxRetries) throw withAttempts(error, attempt, true);
      const asked = askedWait(error);
      if (asked !== undefined && asked > this.maxRetryAfterMs) {
        // Retrying sooner than the server allows only earns another refusal, and waiting an hour inside a
        // `pulumi up` is worse than failing now with the time the caller can come back.
        throw withRetryAfterBeyondLimit(withAttempts(error, attempt, false), asked, this.maxRetryAfterMs);
      }

      const delayMs = this.delayBefore(attempt, error);
      debug(
        this.redact,
        `retry ${method} ${url} in ${delayMs}ms after attempt=${attempt} failed: ${truncate(error.message, 300)}`,
      );
      // Sleeping outside the limiter: a backoff must not keep a slot other requests could use.
      await sleep(delayMs);
    }
  }

  private buildUrl(path: string, query: Record<string, QueryValue> | undefined): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      // Repeated keys (`tags=a&tags=b`) are how Spring binds lists.
      if (Array.isArray(value)) for (const v of value) params.append(name, v);
      else params.append(name, String(value));
    }
    const search = params.toString();
    const normalizedPath = path.startsWith("/") ? path : `/${path}`;
    return `${this.origin}${this.pathPrefix}${normalizedPath}${search ? `?${search}` : ""}`;
  }

  /**
   * One attempt: waits for a slot (this transport's, then the origin's), then sends with the timeout
   * running, and reads the whole body before giving the slot back.
   */
  private async attemptOnce(request: AttemptRequest): Promise<AttemptResponse> {
    const releaseOwn = await this.limiter.acquire();
    let releaseShared: (() => void) | undefined;
    try {
      releaseShared = await this.shared.acquire();
      return await this.send(request);
    } finally {
      releaseShared?.();
      releaseOwn();
    }
  }

  private async send({ method, url, path, payload, attempt }: AttemptRequest): Promise<AttemptResponse> {
    const headers: Record<string, string> = {
      authorization: this.#apiKey,
      accept: "application/json",
      "user-agent": this.userAgent,
    };
    if (payload !== undefined) headers["content-type"] = "application/json";

    debug(
      this.redact,
      `request ${method} ${url} attempt=${attempt}${payload === undefined ? "" : ` body=${this.loggable(payload)}`}`,
    );
    // Loaded before the clock starts: on a busy machine the first load takes longer than a short timeout,
    // which would then abort a request that was never sent.
    const http = undici();
    // The clock starts here, after the limiter: time spent queueing behind our own requests is not the
    // server being slow.
    const started = performance.now();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    try {
      const response = await http.request(url, {
        dispatcher: poolFor(this.origin),
        method,
        headers,
        body: payload,
        signal: controller.signal,
        // Backstops only: the abort above enforces the whole-attempt deadline.
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const text = await this.readBody(response, method, path);
      const responseHeaders = redactHeaders(normalizeHeaders(response.headers as RawHeaders), this.redact);
      const durationMs = Math.round(performance.now() - started);
      debug(
        this.redact,
        `response ${response.statusCode} ${method} ${url} duration_ms=${durationMs} request_id=${
          responseHeaders["x-request-id"] ?? "-"
        }${text === "" || !isDebugEnabled() ? "" : ` body=${this.loggable(this.decodedBody(text))}`}`,
      );
      return { status: response.statusCode, headers: responseHeaders, text };
    } catch (thrown) {
      const durationMs = Math.round(performance.now() - started);
      if (thrown instanceof ResponseTooLargeError) {
        debug(this.redact, `failed ${method} ${url} attempt=${attempt} duration_ms=${durationMs}: ${thrown.message}`);
        throw thrown;
      }
      const failure =
        timedOut || isUndiciTimeout(thrown)
          ? new TimeoutError(method, path, this.timeoutMs)
          : this.connectionError(method, path, thrown);
      debug(this.redact, `failed ${method} ${url} attempt=${attempt} duration_ms=${durationMs}: ${failure.message}`);
      throw failure;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Reads the body up to `maxResponseBytes`: refused at once when the declared length is over the cap,
   * counted chunk by chunk otherwise. Destroying the stream closes the connection, so the rest of a huge body
   * is never downloaded.
   */
  private async readBody(response: Dispatcher.ResponseData, method: HttpMethod, path: string): Promise<string> {
    const limit = this.maxResponseBytes;
    const declared = Number(response.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      response.body.destroy();
      throw new ResponseTooLargeError(method, path, limit, declared);
    }
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > limit) {
        response.body.destroy();
        throw new ResponseTooLargeError(method, path, limit);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, received).toString("utf8");
  }

  /**
   * A body as the debug log shows it: redacted, then clipped. In that order: clipping first could cut the
   * key in two, and neither half matches the redactor, so the part before the cut would reach the log.
   */
  private loggable(text: string): string {
    return clipForLog(redactForLog(this.redact(text)));
  }

  /** Re-serialises JSON so a key hidden behind `\u` escapes is decoded, then caught by the redactor. */
  private decodedBody(text: string): string {
    try {
      return JSON.stringify(redactDeep(JSON.parse(text), this.redact));
    } catch {
      return text;
    }
  }

  private connectionError(method: string, path: string, thrown: unknown): ConnectionError {
    const code = errorCode(thrown);
    const detail = this.redact(describe(thrown)) || "connection failed";
    // Not undici's error itself: its own properties hold whatever it saw (an HTTPParserError keeps the raw
    // bytes of the answer, which a hostile server can fill with the Authorization header it received), and
    // `util.inspect`, which is how `pulumi up` prints a failed program, shows every one of them.
    return new ConnectionError(method, path, code, detail, { cause: cleanCopy(thrown, this.redact) });
  }

  private parse(response: AttemptResponse): ParsedBody {
    const text = this.redact(response.text);
    if (text.trim() === "") return { kind: "empty" };
    const contentType = response.headers["content-type"] ?? "";
    const jsonType = /[/+]json\b/i.test(contentType);
    if (jsonType || /^\s*[[{]/.test(text)) {
      try {
        // Parsed text was already redacted; walking it again catches a key hidden behind \u escapes.
        return { kind: "json", value: redactDeep(JSON.parse(text), this.redact) };
      } catch {
        return { kind: "text", value: text, jsonType: true };
      }
    }
    return { kind: "text", value: text, jsonType: false };
  }

  private successBody(response: AttemptResponse, endpoint: string): unknown {
    const parsed = this.parse(response);
    if (parsed.kind === "empty") return undefined;
    if (parsed.kind === "json") return parsed.value;
    // Every Romulus endpoint answers JSON; an HTML page here is a proxy, a captive portal or a wrong base URL.
    const contentType = response.headers["content-type"] ?? "no content-type";
    const what = parsed.jsonType ? "invalid or truncated JSON" : `not JSON (${contentType})`;
    return this.throwNotJson(endpoint, response, what, parsed.value);
  }

  private throwNotJson(endpoint: string, response: AttemptResponse, what: string, text: string): never {
    const requestId = response.headers["x-request-id"];
    throw new ResponseValidationError(
      endpoint,
      "",
      "a JSON body",
      `Romulus API response ${response.status} to ${endpoint} was ${what}` +
        `${requestId ? ` (request id ${requestId})` : ""}: ${JSON.stringify(truncate(text, 200))}`,
    );
  }

  private errorBody(response: AttemptResponse): unknown {
    const parsed = this.parse(response);
    return parsed.kind === "empty" ? undefined : parsed.value;
  }

  private delayBefore(attempt: number, error: RomulusError): number {
    // Jitter (AWS architecture blog, "Exponential Backoff and Jitter") spreads the retries of many parallel
    // resources instead of having them all hit the API again at the same instant; the floor of
    // `retryBaseDelayMs` keeps a run of quick failures from spending every attempt in a few milliseconds.
    const ceiling = Math.max(
      this.retryBaseDelayMs,
      Math.min(this.retryMaxDelayMs, this.retryBaseDelayMs * 2 ** (attempt - 1)),
    );
    const backoff = Math.round(this.retryBaseDelayMs + Math.random() * (ceiling - this.retryBaseDelayMs));
    // The server said how long: honoured in full, even beyond our own backoff cap, since waiting less only
    // earns another 429; but never shorter than our own backoff (`Retry-After: 0` from a struggling server
    // must not turn the retries into a tight loop). `requestRaw` has already refused waits beyond
    // `maxRetryAfterMs`.
    return Math.max(askedWait(error) ?? 0, backoff);
  }
}

/** The wait a "not now" answer (429, 503) asked for in `Retry-After`, if it did. */
function askedWait(error: RomulusError): number | undefined {
  if (!(error instanceof RomulusApiError) || !NOT_PROCESSED_STATUSES.has(error.status)) return undefined;
  return error.retryAfterMs;
}

function endpointOf(options: RequestOptions<unknown>): string {
  return options.endpoint ?? `${options.method} ${options.path}`;
}

function isRetryableFailure(error: RomulusError, idempotent: boolean): boolean {
  // A timed-out request may well have been processed: only repeat it when repeating is harmless.
  if (error instanceof TimeoutError) return idempotent;
  if (error instanceof ConnectionError) {
    if (error.code === undefined || !RETRYABLE_CONNECTION_CODES.has(error.code)) return false;
    return idempotent || NOT_SENT_CONNECTION_CODES.has(error.code);
  }
  return false;
}

function isUndiciTimeout(error: unknown): boolean {
  const code = errorCode(error);
  return code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT";
}

/** The most specific `code` on an error, its cause, or (happy-eyeballs connects) its first aggregated error. */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== "object" || error === null || depth > 4) return undefined;
  const record = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof record.code === "string" && record.code !== "") return record.code;
  const fromCause = errorCode(record.cause, depth + 1);
  if (fromCause !== undefined) return fromCause;
  if (Array.isArray(record.errors)) {
    for (const inner of record.errors) {
      const code = errorCode(inner, depth + 1);
      if (code !== undefined) return code;
    }
  }
  return undefined;
}

/**
 * A third party's error reduced to what helps debugging and cannot hold a secret: its name, its code and its
 * redacted message, and the same for its own cause, a few levels deep.
 */
export function cleanCopy(error: unknown, redact: (text: string) => string, depth = 0): Error {
  const copy = new Error(redact(describe(error)));
  const record = typeof error === "object" && error !== null ? (error as { name?: unknown; code?: unknown }) : {};
  if (typeof record.name === "string") copy.name = redact(record.name);
  if (typeof record.code === "string") Object.assign(copy, { code: redact(record.code) });
  // The stack would repeat the message and point into undici; ours (the ConnectionError's) is the useful one.
  copy.stack = `${copy.name}: ${copy.message}`;
  const inner = error instanceof Error ? error.cause : undefined;
  if (inner !== undefined && depth < 3) copy.cause = cleanCopy(inner, redact, depth + 1);
  return copy;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    if (error.message !== "") return error.message;
    if (error instanceof AggregateError) return error.errors.map(describe).filter(Boolean).join("; ");
    return error.name;
  }
  return String(error);
}

function redactHeaders(headers: ResponseHeaders, redact: (text: string) => string): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (const [name, value] of Object.entries(headers)) out[name] = redact(value);
  return out;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RomulusError(`${name} must be a positive number of ms`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RomulusError(`${name} must not be negative`);
  return value;
}

function nonNegativeInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RomulusError(`${name} must be a non-negative integer`);
  return value;
}

function issuesOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: dottedPath(issue.path), message: issue.message }));
}

/**
 * Checks a 2xx body against its model. The message names the endpoint and the field, because "expected
 * string, received undefined" alone does not say whether the vendor changed the API or our model is wrong.
 */
export function validateResponse<T>(
  schema: ZodType<T>,
  body: unknown,
  endpoint: string,
  redact: (text: string) => string = (t) => t,
): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = issuesOf(result.error).map((i) => ({ path: i.path, message: redact(i.message) }));
  const first = result.error.issues[0];
  const firstIssue = issues[0] ?? { path: "", message: "invalid" };
  const expected = first !== undefined && first.code === "invalid_type" ? String(first.expected) : firstIssue.message;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issues)` : "";
  throw new ResponseValidationError(
    endpoint,
    firstIssue.path,
    expected,
    `Romulus API response to ${endpoint} did not match the expected shape at ${firstIssue.path || "(body)"}: ` +
      `${firstIssue.message}${more}`,
    issues,
  );
}

/**
 * Checks caller input before anything is sent, so a mistake fails fast with the field's name: values the
 * schema refuses, and keys it has no field for (which `z.object` would strip without a word, see
 * `unknownKeys`). Unknown keys come first: a misspelt required field is reported as the typo it is, not
 * only as a missing field.
 */
export function validateRequest<T>(schema: ZodType<T>, value: unknown, endpoint: string): T {
  const unknown = unknownKeys(schema, value).map(({ path, key, known }): ValidationIssue => {
    const guess = closestKey(key, known);
    const hint = guess !== undefined ? `did you mean ${guess}?` : `expected one of ${known.join(", ")}`;
    return { path: dottedPath(path), message: `unknown field, which the API would ignore (${hint})` };
  });
  const result = schema.safeParse(value);
  if (result.success && unknown.length === 0) return result.data;
  // A strict object's own "unrecognized keys" issue repeats what `unknown` already says, key by key.
  const invalid = result.success
    ? []
    : issuesOf({ issues: result.error.issues.filter((issue) => issue.code !== "unrecognized_keys") });
  const issues = [...unknown, ...invalid];
  const first = issues[0] ?? { path: "", message: "invalid" };
  throw new RequestValidationError(endpoint, first.path, first.message, issues);
}
