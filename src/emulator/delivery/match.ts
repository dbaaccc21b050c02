import type { CallTaskWebhookSubscription } from "../../models/call-task-webhook-subscriptions";
import { WEBHOOK_DEFAULTS, type WebhookSubscription } from "../../models/webhook-subscriptions";
import type { WebhookEvent, WebhookEventType } from "../../webhooks/parse";
import type { EventType, RobocallResultEvent } from "../../webhooks/schemas";
import type { Kind } from "../model/store";

/**
 * Which subscriptions an event goes to, and with what attempts: one route per kind of subscription. The
 * delivery (post.ts) follows a route without knowing the kind. An event that agent webhook subscriptions
 * can name (webhooks/parse.ts and the subscription's event list) takes AGENT_EVENTS as it is; an event for
 * another kind of subscription is a route of its own here.
 */

/** What the delivery needs of any subscription. */
export interface Subscriber {
  id: string;
  url: string;
}

/** Attempts of one delivery and the seconds between them. */
export interface DeliveryPolicy {
  attempts: number;
  attemptsIntervalSeconds: number;
}

/** How events of one kind find their subscriptions. */
export interface EventRoute<S extends Subscriber, E> {
  /** Where the emulator keeps these subscriptions. */
  readonly kind: Kind;
  /** The `event` of the delivery records. */
  eventName(event: E): string;
  matches(subscription: S, event: E): boolean;
  policy(subscription: S): DeliveryPolicy;
}

/** The bodies agent webhook subscriptions take: those whose `event` a subscription can name. */
export type AgentEvent = Extract<WebhookEvent, { type: EventType }>["data"];

/** The `event` of records of robocall results, whose body has no `event` field (the tag `parseWebhookEvent` uses). */
export const ROBOCALL_RESULT_EVENT = "ROBOCALL_RESULT" satisfies WebhookEventType;

/**
 * Call-task webhook subscriptions have no documented attempts or interval: the emulator gives them the
 * documented defaults of agent webhook subscriptions, the best guess at the vendor's common machinery.
 */
export const ROBOCALL_DELIVERY_POLICY: DeliveryPolicy = Object.freeze({
  attempts: WEBHOOK_DEFAULTS.attempts,
  attemptsIntervalSeconds: WEBHOOK_DEFAULTS.attempts_interval_seconds,
});

/**
 * An agent event goes to a subscription that is ACTIVE, for the same event, for all agents or for the
 * event's agent, and, for AGENT_ACTION_COMPLETED only, whose specifications (ACTION_ID, ACTION_TYPE) all
 * equal the event's. Specifications on other events are ignored: the API refuses to store them anyway.
 */
function matchesAgentEvent(subscription: WebhookSubscription, event: AgentEvent): boolean {
  if (subscription.status !== "ACTIVE" || subscription.event !== event.event) return false;
  if (subscription.entity_id != null && subscription.entity_id !== "") {
    if (subscription.entity_type !== "AGENT" || subscription.entity_id !== event.agent_id) return false;
  }
  if (event.event === "AGENT_ACTION_COMPLETED" && subscription.specifications != null) {
    const { ACTION_ID: actionId, ACTION_TYPE: actionType } = subscription.specifications;
    if (actionId != null && actionId !== event.action_id) return false;
    if (actionType != null && actionType !== event.action_type) return false;
  }
  return true;
}

/** A robocall result goes to subscriptions for its configuration and to those without an entity_id (all). */
function matchesRobocallResult(subscription: CallTaskWebhookSubscription, body: RobocallResultEvent): boolean {
  if (subscription.entity_id == null || subscription.entity_id === "") return true;
  return subscription.entity_id === body.robocall_configuration_id;
}

/** AGENT_CALL_COMPLETED and AGENT_ACTION_COMPLETED, to agent webhook subscriptions, with their own attempts. */
export const AGENT_EVENTS: EventRoute<WebhookSubscription, AgentEvent> = {
  kind: "webhook-subscriptions",
  eventName: (event) => event.event,
  matches: matchesAgentEvent,
  policy: (subscription) => ({
    attempts: subscription.attempts,
    attemptsIntervalSeconds: subscription.attempts_interval_seconds,
  }),
};

/** The "Call task webhook body" of a finished robocall, to call-task webhook subscriptions. */
export const ROBOCALL_RESULTS: EventRoute<CallTaskWebhookSubscription, RobocallResultEvent> = {
  kind: "call-task-webhook-subscriptions",
  eventName: () => ROBOCALL_RESULT_EVENT,
  matches: matchesRobocallResult,
  policy: () => ROBOCALL_DELIVERY_POLICY,
};
