import type * as pulumi from "@pulumi/pulumi";
import { RomulusClient } from "../client/client";
import type { RomulusSettings } from "../config";
import { callTaskWebhookSubscriptionDefinition } from "../resources/call-task-webhook-subscription";
import { contactDefinition } from "../resources/contact";
import { webhookSubscriptionDefinition } from "../resources/webhook-subscription";
import type { ApiObject, ResourceDefinition } from "./define";
import * as engine from "./engine";

/**
 * The implementation behind the serialised stub (`pulumi-romulus/provider`), loaded by the provider host.
 * One host process serves one provider (the default one or an explicit `Provider`), so the configuration
 * lives at module level.
 */

const definitions: Record<string, ResourceDefinition<ApiObject>> = Object.fromEntries(
  [webhookSubscriptionDefinition, callTaskWebhookSubscriptionDefinition, contactDefinition].map((d) => [
    d.kind,
    d as unknown as ResourceDefinition<ApiObject>,
  ]),
);

let settings: RomulusSettings = {};
let client: RomulusClient | undefined;
let organization: Promise<string> | undefined;

/**
 * Called by the host with the stack configuration (or an explicit Provider's inputs), secrets decrypted.
 * It only stores them, synchronously: the host may call check or create before an async configure ends.
 */
export function configure(req: pulumi.dynamic.ConfigureRequest): void {
  settings = {
    apiKey: req.config.get("romulus:apiKey"),
    endpoint: req.config.get("romulus:endpoint"),
    environment: req.config.get("romulus:environment"),
  };
  client = undefined;
  organization = undefined;
}

const context: engine.Context = {
  // Built on first use, from configure's values and then the environment variables, read now (never
  // captured when the program ran, or they would be written into state).
  client() {
    client ??= new RomulusClient({ stackConfig: (name) => settings[name] });
    return client;
  },
  organizationId() {
    organization ??= context
      .client()
      .me()
      .then((me) => me.organization_id)
      .catch((error: unknown) => {
        organization = undefined; // a failed lookup is not remembered
        throw error;
      });
    return organization;
  },
};

type Props = Record<string, unknown>;

export function handler(kind: string) {
  const def = definitions[kind];
  if (!def)
    throw new Error(
      `pulumi-romulus has no resource kind "${kind}"; is the installed package older than the program's state?`,
    );
  return {
    async check(_olds: Props, news: Props) {
      return engine.check(def, news);
    },
    async diff(_id: string, olds: Props, news: Props) {
      const { changes, replaces, deleteBeforeReplace } = engine.diff(def, olds, news);
      return { changes, replaces, deleteBeforeReplace };
    },
    async create(inputs: Props) {
      return engine.create(def, context, inputs);
    },
    async read(id: string, props: Props) {
      return engine.read(def, context, id, props);
    },
    async update(id: string, _olds: Props, news: Props) {
      return engine.update(def, context, id, news);
    },
    async delete(id: string, _props: Props) {
      await engine.remove(def, context, id);
    },
  };
}
