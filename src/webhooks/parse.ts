import type { z } from "zod";
import {
  type AgentActionCompletedEvent,
  type AgentCallCompletedEvent,
  agentActionCompletedEventSchema,
  agentCallCompletedEventSchema,
  EVENT_TYPES,
  type RobocallResultEvent,
  robocallResultEventSchema,
} from "./schemas";

/**
 * A parsed webhook body, tagged so that callers can `switch (event.type)`. `data` is the body in the
 * vendor's own shape; the robocall result body has no `event` field, so its tag is ours.
 */
export type WebhookEvent =
  | { type: "AGENT_CALL_COMPLETED"; data: AgentCallCompletedEvent }
  | { type: "AGENT_ACTION_COMPLETED"; data: AgentActionCompletedEvent }
  | { type: "ROBOCALL_RESULT"; data: RobocallResultEvent };
export type WebhookEventType = WebhookEvent["type"];

/** One reason a body was rejected. `path` is dotted (`action_results.1.data.attempts`), "" for the body. */
export interface WebhookEventIssue {
  path: string;
  message: string;
}

/**
 * Thrown by `parseWebhookEvent` for any body it cannot accept. The message names the field and what was
 * expected, and never quotes the body: webhook bodies carry personal data and end up in logs.
 */
export class WebhookEventError extends Error {
  override readonly name = "WebhookEventError";
  readonly issues: readonly WebhookEventIssue[];

  constructor(detail: string, issues: readonly WebhookEventIssue[] = []) {
    super(`invalid webhook event: ${detail}`);
    this.issues = issues;
  }
}

const EXPECTED_EVENTS = `expected ${EVENT_TYPES.join(" or ")} (or a robocall result body)`;
/** At most this many issues are spelled out in the message; all of them are in `issues`. */
const MAX_ISSUES_IN_MESSAGE = 5;
/** Values quoted back from the body (an unknown event name, say) are cut to this length. */
const MAX_QUOTED_LENGTH = 40;

/**
 * Parses and validates a webhook body: AGENT_CALL_COMPLETED, AGENT_ACTION_COMPLETED or a robocall result.
 * Accepts what a web framework hands over: an already parsed object, the JSON text, or the raw bytes
 * (Buffer, Uint8Array, ArrayBuffer). Throws `WebhookEventError`.
 *
 * The vendor's deprecated `transcriptions` and `summary` are copied into `agent_transcription` and
 * `agent_summary` when only the old names are present, so callers read the modern fields alone.
 */
export function parseWebhookEvent(body: unknown): WebhookEvent {
  const value = decode(body);
  if (!isRecord(value)) {
    throw new WebhookEventError(`expected a JSON object, got ${describe(value)}`, [
      { path: "", message: "expected an object" },
    ]);
  }

  const event = value.event;
  if (event === undefined || event === null) {
    // The robocall body is the only one without `event`: it is recognised by its own identifiers.
    if (value.robocall_id !== undefined || value.robocall_configuration_id !== undefined) {
      return { type: "ROBOCALL_RESULT", data: validate(robocallResultEventSchema, value) };
    }
    const message = `missing "event": ${EXPECTED_EVENTS}`;
    throw new WebhookEventError(message, [{ path: "event", message }]);
  }
  if (typeof event !== "string") {
    const message = `expected a string, ${EXPECTED_EVENTS}`;
    throw new WebhookEventError(`event: ${message}`, [{ path: "event", message }]);
  }

  switch (event) {
    case "AGENT_CALL_COMPLETED":
      return {
        type: "AGENT_CALL_COMPLETED",
        data: fillDeprecatedAliases(validate(agentCallCompletedEventSchema, value)),
      };
    case "AGENT_ACTION_COMPLETED":
      return { type: "AGENT_ACTION_COMPLETED", data: validate(agentActionCompletedEventSchema, value) };
    default: {
      const message = `unknown event ${quote(event)}: ${EXPECTED_EVENTS}`;
      throw new WebhookEventError(message, [{ path: "event", message }]);
    }
  }
}

/** Turns the accepted input forms into a JS value, with errors that do not echo the body. */
function decode(body: unknown): unknown {
  if (body instanceof ArrayBuffer) return decode(new Uint8Array(body));
  // Buffer is a Uint8Array, so this covers both.
  if (body instanceof Uint8Array) {
    let text: string;
    try {
      // `fatal`: a body that is not UTF-8 is an error, not a string full of U+FFFD that then fails elsewhere.
      text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    } catch {
      throw new WebhookEventError("body is not valid UTF-8", [{ path: "", message: "expected UTF-8 text" }]);
    }
    return decode(text);
  }
  if (typeof body !== "string") return body;

  // TextDecoder drops a byte order mark; a string may still start with one, which JSON.parse rejects.
  const text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  if (text.trim() === "") {
    throw new WebhookEventError("body is empty, expected a JSON object", [{ path: "", message: "expected JSON" }]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8's SyntaxError quotes part of the input, so only the position is kept.
    const position = error instanceof Error ? /at position (\d+)/.exec(error.message)?.[1] : undefined;
    const where = position === undefined ? "" : ` (syntax error at position ${position})`;
    throw new WebhookEventError(`body is not valid JSON${where}`, [{ path: "", message: "expected JSON" }]);
  }
}

function validate<T extends z.ZodType>(schema: T, value: Record<string, unknown>): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: describeIssue(issue, value),
  }));
  const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => `${issue.path}: ${issue.message}`);
  const more = issues.length > MAX_ISSUES_IN_MESSAGE ? ` (and ${issues.length - MAX_ISSUES_IN_MESSAGE} more)` : "";
  throw new WebhookEventError(`${shown.join("; ")}${more}`, issues);
}

/**
 * Rewrites zod's issue in the words of the rest of this module: what was expected, whether the field was
 * missing rather than wrong. Zod's own messages are not used as-is because they are meant for forms, and
 * because only the type of a wrong value is shown, never the value (except a short discriminator).
 */
function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const actual = valueAt(root, issue.path);
  const missing = actual === undefined;
  switch (issue.code) {
    case "invalid_type": {
      const expected = withArticle(issue.expected);
      return missing ? `missing (expected ${expected})` : `expected ${expected}, got ${describe(actual)}`;
    }
    case "invalid_value":
      return `expected ${oneOf(issue.values.map(String))}`;
    case "invalid_union": {
      // A discriminated union whose discriminator (`type`, `action_type`) matched none of its options.
      const options = "options" in issue && Array.isArray(issue.options) ? issue.options.map(String) : undefined;
      if (options !== undefined) {
        if (missing) return `missing (expected ${oneOf(options)})`;
        const got = typeof actual === "string" ? quote(actual) : describe(actual);
        return `expected ${oneOf(options)}, got ${got}`;
      }
      // A plain union, e.g. an id that may be a string or an integer.
      const alternatives = issue.errors.flatMap((errors) =>
        errors.flatMap((nested) => (nested.code === "invalid_type" ? [withArticle(nested.expected)] : [])),
      );
      const expected = alternatives.length > 0 ? alternatives.join(" or ") : "a value of another shape";
      return missing ? `missing (expected ${expected})` : `expected ${expected}, got ${describe(actual)}`;
    }
    case "too_small":
      if (issue.origin === "string" && Number(issue.minimum) === 1) return "must not be empty";
      return issue.message;
    default:
      return issue.message;
  }
}

/** Copies the deprecated `transcriptions`/`summary` into their replacements when only the old names came. */
function fillDeprecatedAliases(data: AgentCallCompletedEvent): AgentCallCompletedEvent {
  if (data.agent_transcription == null && data.transcriptions != null) {
    data.agent_transcription = [...data.transcriptions];
  }
  if (data.agent_summary == null && data.summary != null) {
    data.agent_summary = data.summary;
  }
  return data;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** The kind of a value, for messages: never the value itself. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return withArticle(typeof value);
}

function withArticle(kind: string): string {
  const noun = kind === "int" ? "integer" : kind;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function oneOf(values: readonly string[]): string {
  return values.length === 1 ? `${values[0]}` : `one of ${values.join(", ")}`;
}

function quote(value: string): string {
  const short = value.length > MAX_QUOTED_LENGTH ? `${value.slice(0, MAX_QUOTED_LENGTH)}…` : value;
  return JSON.stringify(short);
}
