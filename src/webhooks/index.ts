// First, before any dependency loads: an unsupported Node stops here with one line.
import "../node-version";

export {
  parseWebhookEvent,
  type WebhookEvent,
  WebhookEventError,
  type WebhookEventIssue,
  type WebhookEventType,
} from "./parse";
export * from "./schemas";
