/** The transport core every API section builds on: errors, HTTP transport, pagination and debug logging. */
export * from "./errors";
export { clipForLog, isDebugEnabled, type LogSink, MAX_LOGGED_BODY_CHARS, setLogSink } from "./log";
export * from "./pagination";
export { idProblem } from "./path";
export { createRedactor, redactDeep, redactForLog } from "./redact";
export * from "./transport";
