/**
 * Debug logging for the transport. Off unless `ROMULUS_LOG=debug`; the variable is read on every call, not
 * at import, because inside a Pulumi provider host the environment is only final once the provider runs,
 * and tests flip it per case.
 */

import { redactForLog } from "./redact";

export type LogSink = (line: string) => void;

const stderrSink: LogSink = (line) => {
  process.stderr.write(`${line}\n`);
};

let sink: LogSink = stderrSink;

/** Redirects log lines (tests capture them; a host may forward them). `undefined` restores stderr. */
export function setLogSink(next: LogSink | undefined): void {
  sink = next ?? stderrSink;
}

export function isDebugEnabled(): boolean {
  const level = process.env.ROMULUS_LOG?.trim().toLowerCase();
  return level === "debug" || level === "trace";
}

/** Bodies are logged only up to this many characters: enough to debug, not enough to flood a CI log. */
export const MAX_LOGGED_BODY_CHARS = 1000;

export function clipForLog(text: string): string {
  return text.length <= MAX_LOGGED_BODY_CHARS
    ? text
    : `${text.slice(0, MAX_LOGGED_BODY_CHARS)}… (${text.length - MAX_LOGGED_BODY_CHARS} more chars)`;
}

/**
 * Writes one line when debug logging is on. `redact` is mandatory so no call site can forget it: every
 * line passes through the transport's key redactor on its way out, then through `redactForLog` (URL
 * credentials and query values, phone numbers, email addresses).
 */
export function debug(redact: (text: string) => string, message: string): void {
  if (!isDebugEnabled()) return;
  const line = `[romulus] ${new Date().toISOString()} ${redactForLog(redact(message))}`;
  try {
    sink(line);
  } catch {
    // A broken sink must not turn a successful API call into a failure.
  }
}
