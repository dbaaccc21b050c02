// First, before any dependency loads: an unsupported Node stops here with one line.
import "../node-version";

/** zod schemas of every request and response model in the Romulus reference, one file per API section. */
export * from "./agent-call-tasks";
export * from "./agents";
export * from "./call-task-webhook-subscriptions";
export * from "./calls";
export * from "./campaigns";
export * from "./common";
export * from "./contacts";
export * from "./me";
export * from "./robocalls";
export * from "./webhook-subscriptions";
export * from "./whatsapp";
