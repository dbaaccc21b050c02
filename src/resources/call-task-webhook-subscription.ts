import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { NotFoundError } from "../client";
import {
  type CallTaskWebhookSubscription as ApiCallTaskWebhookSubscription,
  CALL_TASK_ENTITY_TYPES,
} from "../models/call-task-webhook-subscriptions";
import { webhookUrl } from "../models/webhook-subscriptions";
import { defineResource } from "../provider/define";

import stub = require("../provider/stubs/call-task-webhook-subscription");

import { type ResourceOutputs, resourceProps } from "./common";

/**
 * A robocall results subscription (`/v1/call-tasks/webhook-subscriptions`). The API has no get and no
 * update: reading one scans the list (a refresh shares one scan, see provider/reads.ts), and every change
 * replaces it.
 */
export const callTaskWebhookSubscriptionDefinition = defineResource<ApiCallTaskWebhookSubscription>({
  kind: "CallTaskWebhookSubscription",
  noun: "call-task webhook subscription",
  fields: {
    url: { schema: webhookUrl, replaceOnChange: true },
    entityId: { schema: z.string().min(1, "must not be empty").optional(), replaceOnChange: true },
    entityType: {
      schema: z
        .enum(CALL_TASK_ENTITY_TYPES, { message: 'must be "robocall" (the only call-task entity type)' })
        .optional(),
      default: "robocall",
      replaceOnChange: true,
    },
  },
  serverOutputs: (answer) => ({ createdAt: answer.created_at, updatedAt: answer.updated_at }),
  api: {
    create: (client, body) => client.callTaskWebhookSubscriptions.create(body as never),
    get: async (client, id) => {
      for await (const s of client.callTaskWebhookSubscriptions.list()) if (s.id === id) return s;
      return undefined;
    },
    delete: async (client, id) => {
      try {
        await client.callTaskWebhookSubscriptions.delete(id);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    },
    findCreated: async (client, body, since) =>
      (await client.callTaskWebhookSubscriptions.list().toArray()).filter(
        (s) => s.url === body.url && (!s.created_at || new Date(s.created_at) >= since),
      ),
    // A refresh reads every subscription from one shared walk of the list, not one walk each; one missing
    // from it is confirmed by `get`, a walk of its own begun after the shared one.
    readMany: { by: "list", read: (client) => client.callTaskWebhookSubscriptions.list().toArray() },
  },
});

export interface CallTaskWebhookSubscriptionArgs {
  /** Where Romulus POSTs robocall results. Changing it replaces the subscription. */
  url: pulumi.Input<string>;
  /** A robocall configuration id (see getRobocallConfiguration); absent = every robocall. */
  entityId?: pulumi.Input<string>;
  /** Always "robocall" (the default). */
  entityType?: pulumi.Input<(typeof CALL_TASK_ENTITY_TYPES)[number]>;
  /** The id of an existing subscription to take over instead of creating one. */
  importId?: pulumi.Input<string>;
}

const SERVER_OUTPUTS = ["createdAt", "updatedAt", "organizationId"] as const;

export class CallTaskWebhookSubscription extends pulumi.dynamic.Resource {
  declare readonly url: pulumi.Output<string>;
  declare readonly entityId: pulumi.Output<string | undefined>;
  declare readonly entityType: pulumi.Output<string>;
  declare readonly createdAt: ResourceOutputs["createdAt"];
  declare readonly updatedAt: ResourceOutputs["updatedAt"];
  declare readonly organizationId: ResourceOutputs["organizationId"];

  constructor(name: string, args: CallTaskWebhookSubscriptionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      stub,
      name,
      resourceProps(callTaskWebhookSubscriptionDefinition, args, SERVER_OUTPUTS, name, opts),
      opts,
      "romulus",
      "CallTaskWebhookSubscription",
    );
  }

  /** Reads an existing subscription by id without managing it. */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): CallTaskWebhookSubscription {
    return new CallTaskWebhookSubscription(name, {} as CallTaskWebhookSubscriptionArgs, { ...opts, id });
  }
}
