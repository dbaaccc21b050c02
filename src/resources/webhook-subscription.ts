import * as pulumi from "@pulumi/pulumi";
import { orUndefined } from "../client";
import type { Assert } from "../models/case";
import {
  type ACTION_TYPES,
  type WebhookSubscription as ApiWebhookSubscription,
  createWebhookSubscriptionRequest,
  updateWebhookSubscriptionRequest,
  WEBHOOK_DEFAULTS,
  type WEBHOOK_ENTITY_TYPES,
  type WEBHOOK_EVENTS,
  type WEBHOOK_STATUSES,
  webhookSubscriptionRules,
} from "../models/webhook-subscriptions";
import { defineResource, fieldsFrom, serverOutputs } from "../provider/define";

import stub = require("../provider/stubs/webhook-subscription");

import { type Agrees, type ResourceOutputs, resourceProps } from "./common";

// The create request's fields, and `status`, which only the update takes.
const { event, url, ...settings } = createWebhookSubscriptionRequest.shape;
const { status } = updateWebhookSubscriptionRequest.shape;

const fields = fieldsFrom(
  { event, url, status, ...settings },
  {
    event: { replaceOnChange: true, createOnly: true },
    // A subscription is created ACTIVE (the create body has no status): DISABLED takes an update after.
    status: { default: WEBHOOK_DEFAULTS.status, updateOnly: true },
    // The reference bounds neither: at least one attempt, at least a second apart (see the models).
    attempts: { default: WEBHOOK_DEFAULTS.attempts },
    attemptsIntervalSeconds: { default: WEBHOOK_DEFAULTS.attempts_interval_seconds },
    specifications: {
      default: {},
      // An empty value and an absent one mean the same to the API.
      normalise: (v: unknown) =>
        Object.fromEntries(
          Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && x !== null && x !== ""),
        ),
    },
  },
);
const outputs = serverOutputs(["created_at", "updated_at"]);

/**
 * A webhook subscription (`/v1/webhook-subscriptions`): Romulus POSTs the chosen event to `url`.
 * `event` cannot change in place (the update body has none), so changing it replaces the subscription.
 */
export const webhookSubscriptionDefinition = defineResource<ApiWebhookSubscription>({
  kind: "WebhookSubscription",
  noun: "webhook subscription",
  fields,
  rules: webhookSubscriptionRules,
  serverOutputs: outputs,
  api: {
    create: (client, body) => client.webhookSubscriptions.create(body as never),
    get: (client, id) => orUndefined(client.webhookSubscriptions.get(id)),
    update: (client, id, body) => client.webhookSubscriptions.update(id, body as never),
    delete: (client, id) => orUndefined(client.webhookSubscriptions.delete(id)).then(() => undefined),
    findCreated: async (client, body, since) =>
      (await client.webhookSubscriptions.list().toArray()).filter(
        (s) => s.event === body.event && s.url === body.url && (!s.created_at || new Date(s.created_at) >= since),
      ),
    // A refresh reads every subscription from one walk of the list.
    readMany: { by: "list", read: (client) => client.webhookSubscriptions.list().toArray() },
  },
});

export interface WebhookSubscriptionArgs {
  /** AGENT_CALL_COMPLETED or AGENT_ACTION_COMPLETED. Changing it replaces the subscription. */
  event: pulumi.Input<(typeof WEBHOOK_EVENTS)[number]>;
  /** Where Romulus POSTs the events; may carry a token (pass it as a secret). */
  url: pulumi.Input<string>;
  /** ACTIVE (default) or DISABLED. */
  status?: pulumi.Input<(typeof WEBHOOK_STATUSES)[number]>;
  /** AGENT, to receive the events of one agent only; requires `entityId`. */
  entityType?: pulumi.Input<(typeof WEBHOOK_ENTITY_TYPES)[number]>;
  /** The agent's id, with `entityType: "AGENT"`. */
  entityId?: pulumi.Input<string>;
  /** Delivery attempts before giving up (default 3). */
  attempts?: pulumi.Input<number>;
  /** Seconds between attempts (default 10). */
  attemptsIntervalSeconds?: pulumi.Input<number>;
  /** AGENT_ACTION_COMPLETED only: `{ ACTION_TYPE: "APPOINTMENT" }` or `{ ACTION_ID: "..." }`. */
  specifications?: pulumi.Input<{
    ACTION_ID?: pulumi.Input<string>;
    ACTION_TYPE?: pulumi.Input<(typeof ACTION_TYPES)[number]>;
  }>;
  /** The id of an existing subscription to take over instead of creating one (`import` does not work with dynamic providers). */
  importId?: pulumi.Input<string>;
}

export class WebhookSubscription extends pulumi.dynamic.Resource {
  declare readonly event: pulumi.Output<string>;
  declare readonly url: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly entityType: pulumi.Output<string | undefined>;
  declare readonly entityId: pulumi.Output<string | undefined>;
  declare readonly attempts: pulumi.Output<number>;
  declare readonly attemptsIntervalSeconds: pulumi.Output<number>;
  declare readonly specifications: pulumi.Output<Record<string, string>>;
  declare readonly createdAt: ResourceOutputs["createdAt"];
  declare readonly updatedAt: ResourceOutputs["updatedAt"];
  declare readonly organizationId: ResourceOutputs["organizationId"];

  constructor(name: string, args: WebhookSubscriptionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      stub,
      name,
      resourceProps(webhookSubscriptionDefinition, args, name, opts),
      opts,
      "romulus",
      "WebhookSubscription",
    );
  }

  /** Reads an existing subscription by id without managing it. */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): WebhookSubscription {
    return new WebhookSubscription(name, {} as WebhookSubscriptionArgs, { ...opts, id });
  }
}

// WebhookSubscriptionArgs and the outputs above say what the definition says (see Agrees).
type _WebhookSubscriptionAgrees = Assert<
  Agrees<WebhookSubscriptionArgs, typeof fields, WebhookSubscription, typeof outputs>
>;
