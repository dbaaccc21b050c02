import { STATUS_CODES } from "node:http";
import { setMessage } from "./message";

/**
 * Every failure the client raises is a `RomulusError`, so callers (and the provider engine) can tell "the
 * Romulus API or the way to it failed" from a bug with one `instanceof`. HTTP failures carry what a support
 * ticket needs (status, method, path, request id, body); none of them may carry the API key: the transport
 * redacts bodies and headers before they reach these constructors.
 */
export class RomulusError extends Error {
  /** How many attempts the transport made before giving up; set by the transport, absent elsewhere. */
  attempts?: number;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // `new.target.name` keeps subclasses' names without each one restating it.
    this.name = new.target.name;
  }
}

/** Headers as the errors keep them: lower-case names, one string per header. */
export type ResponseHeaders = Record<string, string>;
/** Headers as they arrive from undici or node:http. */
export type RawHeaders = Record<string, string | string[] | number | undefined>;

/** The API answered with a status that is not a success. */
export class RomulusApiError extends RomulusError {
  readonly status: number;
  readonly method: string;
  /** The request path without host or query string: neither helps and the host may be private. */
  readonly path: string;
  /** Parsed JSON when the body was JSON, the text otherwise, `undefined` when the body was empty. */
  readonly body: unknown;
  readonly requestId: string | undefined;
  readonly headers: ResponseHeaders | undefined;
  /** The wait the server asked for in `Retry-After`, if it sent one (429 and 503 mostly). */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, method: string, path: string, body: unknown, headers?: RawHeaders, message?: string) {
    const normalized = headers === undefined ? undefined : normalizeHeaders(headers);
    const requestId = normalized?.["x-request-id"] || undefined;
    super(message ?? apiErrorMessage(status, method, path, body, requestId));
    this.status = status;
    this.method = method;
    this.path = path;
    this.body = body;
    this.requestId = requestId;
    this.headers = normalized;
    this.retryAfterMs = parseRetryAfter(normalized?.["retry-after"]);
  }
}

export class BadRequestError extends RomulusApiError {}
export class UnauthorizedError extends RomulusApiError {}
export class ForbiddenError extends RomulusApiError {}
export class NotFoundError extends RomulusApiError {}
export class MethodNotAllowedError extends RomulusApiError {}
export class NotAcceptableError extends RomulusApiError {}
/** A 429. Its message says "rate limited" and the wait the API asked for, so a give-up reads as what it is. */
export class RateLimitedError extends RomulusApiError {
  constructor(status: number, method: string, path: string, body: unknown, headers?: RawHeaders, message?: string) {
    super(status, method, path, body, headers, message);
    if (message === undefined) {
      const wait = this.retryAfterMs === undefined ? "" : `, Retry-After ${this.retryAfterMs / 1000} s`;
      noted(this, `[rate limited by the API${wait}]`);
    }
  }
}
/** Any 5xx. */
export class ServerError extends RomulusApiError {}
/** A status the reference does not document (409, 418, 1xx...). */
export class UnexpectedStatusError extends RomulusApiError {}

/**
 * A 3xx. The API never redirects; following one would resend the Authorization header to wherever the
 * Location points, so the transport stops and says where it was sent.
 */
export class RedirectError extends RomulusApiError {
  readonly location: string | undefined;

  constructor(status: number, method: string, path: string, body: unknown, headers?: RawHeaders) {
    const location = headers === undefined ? undefined : normalizeHeaders(headers).location;
    super(
      status,
      method,
      path,
      body,
      headers,
      `Romulus API ${status} ${statusText(status)} on ${method} ${path}: redirected to ${location ?? "(no Location header)"}; ` +
        "redirects are not followed (the API never redirects: check the base URL)",
    );
    this.location = location;
  }
}

/** The request never got an answer: refused, reset, closed socket, DNS failure. */
export class ConnectionError extends RomulusError {
  /** The system or undici code: ECONNREFUSED, ECONNRESET, EPIPE, UND_ERR_SOCKET, ENOTFOUND... */
  readonly code: string | undefined;
  readonly method: string;
  readonly path: string;

  constructor(method: string, path: string, code: string | undefined, detail: string, options?: { cause?: unknown }) {
    super(`Romulus API ${method} ${path} failed: ${detail}${code ? ` (${code})` : ""}`, options);
    this.code = code;
    this.method = method;
    this.path = path;
  }
}

/** No complete answer within `timeoutMs` of the request going out. */
export class TimeoutError extends RomulusError {
  readonly method: string;
  readonly path: string;
  readonly timeoutMs: number;

  constructor(method: string, path: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(`Romulus API ${method} ${path} timed out after ${timeoutMs} ms`, options);
    this.method = method;
    this.path = path;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The answer was larger than the client reads (`maxResponseBytes`). Not retried: the same request would get
 * the same answer. The request itself may have been processed.
 */
export class ResponseTooLargeError extends RomulusError {
  readonly method: string;
  readonly path: string;
  readonly limitBytes: number;
  /** The `Content-Length` the server declared, when it declared one. */
  readonly declaredBytes: number | undefined;

  constructor(method: string, path: string, limitBytes: number, declaredBytes?: number) {
    const size = declaredBytes === undefined ? "more than" : `${declaredBytes} bytes, more than`;
    super(
      `Romulus API response to ${method} ${path} was too large (${size} the ${limitBytes}-byte limit, ` +
        "maxResponseBytes); it was not read",
    );
    this.method = method;
    this.path = path;
    this.limitBytes = limitBytes;
    this.declaredBytes = declaredBytes;
  }
}

export interface ValidationIssue {
  /** Dotted path into the value, `content.3.name`; empty for the value itself. */
  path: string;
  message: string;
}

/**
 * A success whose body is not what the client expects: wrong shape, or not JSON at all. Distinct from
 * an API error because retrying will not help and the fix is in the client's model (or the vendor's API).
 */
export class ResponseValidationError extends RomulusError {
  /** `GET /v1/ai-agents/agents/search`: the endpoint template, not the concrete URL. */
  readonly endpoint: string;
  /** Dotted path of the first problem, `content.3.name`; empty when the body as a whole is wrong. */
  readonly path: string;
  /** What the client expected there, in words ("string", "a JSON body"). */
  readonly expected: string;
  readonly issues: readonly ValidationIssue[];

  constructor(endpoint: string, path: string, expected: string, message: string, issues?: readonly ValidationIssue[]) {
    super(message);
    this.endpoint = endpoint;
    this.path = path;
    this.expected = expected;
    this.issues = issues ?? [{ path, message }];
  }
}

/** The caller's input failed the request schema: raised before anything is sent. */
export class RequestValidationError extends RomulusError {
  readonly endpoint: string;
  /** Dotted path of the first bad field, `phones.0.number`; empty when the input as a whole is wrong. */
  readonly path: string;
  readonly issues: readonly ValidationIssue[];

  constructor(endpoint: string, path: string, message: string, issues?: readonly ValidationIssue[]) {
    super(`Invalid request for ${endpoint}: ${path ? `${path}: ` : ""}${message}${moreIssues(issues)}`);
    this.endpoint = endpoint;
    this.path = path;
    this.issues = issues ?? [{ path, message }];
  }
}

/** The base URL is unusable (not http(s), or plain http to a host that is not loopback). */
export class InvalidEndpointError extends RomulusError {}

/** Maps a non-2xx answer to its class. `body` and `headers` must already be redacted. */
export function fromResponse(
  status: number,
  method: string,
  path: string,
  body: unknown,
  headers?: RawHeaders,
): RomulusApiError {
  if (status >= 300 && status < 400) return new RedirectError(status, method, path, body, headers);
  const Class = errorClassFor(status);
  return new Class(status, method, path, body, headers);
}

function errorClassFor(status: number): typeof RomulusApiError {
  switch (status) {
    case 400:
      return BadRequestError;
    case 401:
      return UnauthorizedError;
    case 403:
      return ForbiddenError;
    case 404:
      return NotFoundError;
    case 405:
      return MethodNotAllowedError;
    case 406:
      return NotAcceptableError;
    case 429:
      return RateLimitedError;
    default:
      return status >= 500 && status <= 599 ? ServerError : UnexpectedStatusError;
  }
}

const SUMMARY_CHARS = 200;

function apiErrorMessage(
  status: number,
  method: string,
  path: string,
  body: unknown,
  requestId: string | undefined,
): string {
  const summary = summarizeBody(body);
  return (
    `Romulus API ${status} ${statusText(status)} on ${method} ${path}` +
    (summary ? `: ${summary}` : "") +
    (requestId ? ` (request id ${requestId})` : "")
  );
}

function statusText(status: number): string {
  return STATUS_CODES[status] ?? "Unknown Status";
}

/**
 * The error body is undocumented: Spring answers `{error, message, path, ...}`, validators often answer
 * `{errors: [{field, message}]}`, proxies answer HTML. Pick the human sentence when there is one; otherwise
 * show the start of the body so the message is never empty of evidence.
 */
export function summarizeBody(body: unknown): string | undefined {
  if (body === undefined || body === null || body === "") return undefined;
  if (typeof body === "string") return truncate(body.trim().replace(/\s+/g, " "), SUMMARY_CHARS);
  if (typeof body === "object" && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    const fieldErrors = summarizeFieldErrors(record.errors);
    for (const key of ["message", "error_message", "detail", "error", "title"]) {
      const value = record[key];
      if (typeof value === "string" && value.trim() !== "") {
        const text = fieldErrors && !value.includes(fieldErrors) ? `${value.trim()}: ${fieldErrors}` : value.trim();
        return truncate(text, SUMMARY_CHARS);
      }
      // `{"error": {"message": "..."}}`, the shape many gateways use.
      if (
        typeof value === "object" &&
        value !== null &&
        typeof (value as Record<string, unknown>).message === "string"
      ) {
        return truncate(String((value as Record<string, unknown>).message), SUMMARY_CHARS);
      }
    }
    if (fieldErrors) return truncate(fieldErrors, SUMMARY_CHARS);
  }
  return truncate(safeStringify(body), SUMMARY_CHARS);
}

function summarizeFieldErrors(errors: unknown): string | undefined {
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const parts: string[] = [];
  for (const entry of errors) {
    if (typeof entry === "string") parts.push(entry);
    else if (typeof entry === "object" && entry !== null) {
      const e = entry as Record<string, unknown>;
      const field = e.field ?? e.path ?? e.name;
      const message = e.message ?? e.defaultMessage ?? e.reason;
      if (typeof message === "string") parts.push(typeof field === "string" ? `${field}: ${message}` : message);
    }
  }
  return parts.length > 0 ? parts.join("; ") : undefined;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function moreIssues(issues: readonly ValidationIssue[] | undefined): string {
  return issues !== undefined && issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
}

export function normalizeHeaders(headers: RawHeaders): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return out;
}

/**
 * The largest wait a `Retry-After` is taken to ask for: 2^31 seconds, the value RFC 9111 §1.2.2 tells a
 * recipient to use for delta-seconds too large to represent. Anything above a few minutes fails the request
 * at once anyway (`maxRetryAfterMs`); the clamp keeps the "retry after" date computable.
 */
export const MAX_RETRY_AFTER_MS = 2 ** 31 * 1000;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const TIME = "(?<hour>\\d{2}):(?<minute>\\d{2}):(?<second>\\d{2})";
const MONTH = `(?<month>${MONTHS.join("|")})`;
/** The three HTTP-date forms a recipient must accept (RFC 9110 §5.6.7), and nothing else. */
const HTTP_DATE_FORMS = [
  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
  new RegExp(`^${DAY}, (?<day>\\d{2}) ${MONTH} (?<year>\\d{4}) ${TIME} GMT$`),
  // rfc850-date (obsolete): Sunday, 06-Nov-94 08:49:37 GMT
  new RegExp(`^${LONG_DAY}, (?<day>\\d{2})-${MONTH}-(?<year2>\\d{2}) ${TIME} GMT$`),
  // asctime-date (obsolete): Sun Nov  6 08:49:37 1994
  new RegExp(`^${DAY} ${MONTH} (?<day> \\d|\\d{2}) ${TIME} (?<year>\\d{4})$`),
];

/** Milliseconds since the epoch of an HTTP-date, or `undefined` when `text` is not one. */
export function parseHttpDate(text: string, now: number = Date.now()): number | undefined {
  const groups = HTTP_DATE_FORMS.map((form) => form.exec(text)?.groups).find((g) => g !== undefined);
  if (groups === undefined) return undefined;
  const field = (name: string) => Number(groups[name]?.trim());
  let year = field("year");
  if (groups.year2 !== undefined) {
    // Two-digit years: the one that is not more than 50 years in the future (RFC 9110 §5.6.7).
    const currentYear = new Date(now).getUTCFullYear();
    year = field("year2") + Math.floor(currentYear / 100) * 100;
    if (year > currentYear + 50) year -= 100;
  }
  const [day, hour, minute, second] = [field("day"), field("hour"), field("minute"), field("second")];
  if (day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  // A leap second reads as the last second of its minute.
  const ms = Date.UTC(year, MONTHS.indexOf(groups.month ?? ""), day, hour, minute, Math.min(second, 59));
  // Refuses 31 Feb and the like, which Date.UTC would roll into March.
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}

/**
 * `Retry-After` is either delta-seconds (digits only) or an HTTP-date (RFC 9110 §10.2.3). Returns the wait
 * in ms, between 0 (a date in the past) and `MAX_RETRY_AFTER_MS`, or `undefined` when absent or anything
 * else (`-1`, `0.5`, `banana 1`): the caller then falls back to its own backoff. The transport never waits
 * less than its own backoff whatever this returns.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
  const date = parseHttpDate(trimmed, now);
  if (date === undefined) return undefined;
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

/** Joins zod-style issue paths (`["content", 3, "name"]`) the way users write them: `content.3.name`. */
export function dottedPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => (typeof segment === "symbol" ? segment.toString() : String(segment))).join(".");
}

/**
 * Says why a 429 or 503 was not retried: the server asked for a longer wait than the client is willing to
 * spend, so the caller learns when to come back instead of seeing a bare refusal.
 */
export function withRetryAfterBeyondLimit<E extends RomulusError>(
  error: E,
  retryAfterMs: number,
  limitMs: number,
  now: number = Date.now(),
): E {
  return noted(
    error,
    `(not retried: the API asked to wait ${seconds(retryAfterMs)}, longer than this client waits ` +
      `(maxRetryAfterMs ${seconds(limitMs)}); retry after ${new Date(now + retryAfterMs).toISOString()})`,
  );
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** Adds the attempt count to an error once the transport is done with it. */
export function withAttempts<E extends RomulusError>(error: E, attempts: number, gaveUp: boolean): E {
  error.attempts = attempts;
  return gaveUp ? noted(error, `(gave up after ${attempts} attempts)`) : error;
}

/**
 * Adds a note after the message, in the stack too (which is what Pulumi prints): every addition the client
 * makes to an error it has built goes through here.
 */
function noted<E extends Error>(error: E, note: string): E {
  setMessage(error, `${error.message} ${note}`);
  return error;
}
