// First, before any dependency loads: an unsupported Node stops here with one line.
import "./node-version";

/**
 * pulumi-romulus: Romulus webhook subscriptions, call-task webhook subscriptions and contacts as Pulumi
 * resources; agents, WhatsApp bots and robocall configurations as data sources; a typed client for the
 * whole API; and the webhook event parser.
 */
export { RomulusClient, type RomulusClientOptions } from "./client/client";
export * from "./client/core/errors";
export { ENVIRONMENTS, type Environment, type RomulusSettings, resolveSettings } from "./config";
export {
  ContactBook,
  type ContactBookArgs,
  ContactBookError,
  type ContactBookIssue,
  type ContactBookRow,
  type ContactValues,
  parseContactBook,
} from "./contact-book";
export * from "./functions";
export {
  CallTaskWebhookSubscription,
  type CallTaskWebhookSubscriptionArgs,
} from "./resources/call-task-webhook-subscription";
export {
  Contact,
  type ContactAddress,
  type ContactArgs,
  type ContactEmail,
  type ContactPhone,
} from "./resources/contact";
export { Provider, type ProviderArgs } from "./resources/provider";
export { WebhookSubscription, type WebhookSubscriptionArgs } from "./resources/webhook-subscription";
export * from "./webhooks";
