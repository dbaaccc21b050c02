import * as pulumi from "@pulumi/pulumi";
import { NotFoundError } from "../client";
import {
  type CallTaskWebhookSubscription as ApiCallTaskWebhookSubscription,
  type CALL_TASK_ENTITY_TYPES,
  createCallTaskWebhookSubscriptionRequest,
} from "../models/call-task-webhook-subscriptions";
import type { Assert } from "../models/case";
import { defineResource, fieldsFrom, serverOutputs } from "../provider/define";

import stub = require("../provider/stubs/call-task-webhook-subscription");

import { type Agrees, type ResourceOutputs, resourceProps } from "./common";

// The create request's fields in the resource's order.
const { url, entity_id, entity_type } = createCallTaskWebhookSubscriptionRequest.shape;
const fields = fieldsFrom({ url, entity_id, entity_type }, { entityType: { default: "robocall" } });
const outputs = serverOutputs(["created_at", "updated_at"]);

/**
 * A robocall results subscription (`/v1/call-tasks/webhook-subscriptions`). The API has no get and no
 * update: reading one scans the list (a refresh shares one scan, see provider/reads.ts), and every change
 * replaces it.
 */
export const callTaskWebhookSubscriptionDefinition = defineResource<ApiCallTaskWebhookSubscription>({
  kind: "CallTaskWebhookSubscription",
  noun: "call-task webhook subscription",
  fields,
  serverOutputs: outputs,
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
      resourceProps(callTaskWebhookSubscriptionDefinition, args, name, opts),
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

// CallTaskWebhookSubscriptionArgs and the outputs above say what the definition says (see Agrees).
type _CallTaskWebhookSubscriptionAgrees = Assert<
  Agrees<CallTaskWebhookSubscriptionArgs, typeof fields, CallTaskWebhookSubscription, typeof outputs>
>;
