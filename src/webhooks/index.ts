export {
  parseWebhookEvent,
  type WebhookEvent,
  WebhookEventError,
  type WebhookEventIssue,
  type WebhookEventType,
} from "./parse";
export * from "./schemas";
