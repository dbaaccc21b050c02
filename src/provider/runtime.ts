// First, before any dependency loads: an unsupported Node stops here with one line.
import "../node-version";
import type * as pulumi from "@pulumi/pulumi";
import { RomulusClient } from "../client/client";
import type { RomulusSettings } from "../config";
import { callTaskWebhookSubscriptionDefinition } from "../resources/call-task-webhook-subscription";
import { contactDefinition } from "../resources/contact";
import { webhookSubscriptionDefinition } from "../resources/webhook-subscription";
import type { ApiObject, ResourceDefinition } from "./define";
import * as engine from "./engine";
import { UNKNOWN } from "./values";

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

// As text, whatever the source: what a `StackConfigReader` answers.
let settings: Partial<Record<keyof RomulusSettings, string>> = {};
let client: RomulusClient | undefined;
let organization: Promise<string> | undefined;

function textOf(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

/**
 * Called by the host with the stack configuration (or an explicit Provider's inputs), secrets decrypted.
 * It only stores them, synchronously: the host may call check or create before an async configure ends.
 */
export function configure(req: pulumi.dynamic.ConfigureRequest): void {
  const next: typeof settings = {
    apiKey: req.config.get("romulus:apiKey"),
    endpoint: req.config.get("romulus:endpoint"),
    environment: req.config.get("romulus:environment"),
    // An explicit Provider's input arrives as a boolean, the stack configuration's as text.
    allowInsecureHttp: textOf(req.config.get("romulus:allowInsecureHttp")),
  };
  // The host configures each resource kind's provider on its first use, with the same configuration: the
  // client is kept then, and with it what the reads of a refresh share (a new client would start over).
  if (JSON.stringify(next) === JSON.stringify(settings)) return;
  settings = next;
  client = undefined;
  organization = undefined;
}

/**
 * Retries per request in the provider: 8 (nine attempts), where the client's default is 4.
 * - A `pulumi up` sends hundreds of requests, and one that runs out of retries fails its resource. Under
 *   a rate-limit storm where a quarter of the answers are 429/503, five attempts still fail about one
 *   request in a thousand (0.25^5), so a 240-resource stack failed about half the time; nine attempts
 *   fail one in 260,000 (0.25^9).
 * - Waits are bounded: `Retry-After` is honoured up to 60 s (a longer one fails at once), and otherwise
 *   full-jitter backoff from 250 ms doubling to 20 s (ceilings 0.25+0.5+1+2+4+8+16+20 s, ~26 s expected in all): long enough to ride out an
 *   API restart or a short outage, short enough that a dead endpoint fails the run within a minute or two.
 * - Only requests that are safe to repeat are repeated (see the transport): more retries never mean
 *   more duplicates.
 */
const PROVIDER_MAX_RETRIES = 8;

/** `ROMULUS_TIMEOUT_MS` / `ROMULUS_MAX_RETRIES`: overrides for slow links, CI and tests, read when the client is built. */
function numberFromEnv(name: string, min: number): number | undefined {
  const raw = process.env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number of at least ${min}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

const context: engine.Context = {
  // Built on first use, from configure's values and then the environment variables, read now (never
  // captured when the program ran, or they would be written into state).
  client() {
    client ??= new RomulusClient({
      stackConfig: (name) => settings[name],
      maxRetries: numberFromEnv("ROMULUS_MAX_RETRIES", 0) ?? PROVIDER_MAX_RETRIES,
      timeoutMs: numberFromEnv("ROMULUS_TIMEOUT_MS", 1),
    });
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
      // Configuration mistakes (no key, plain http to a remote host, an unknown environment) fail the
      // preview here, before any request; building the client checks them and sends nothing. A setting
      // still unknown during a preview (computed by another resource) is judged at create instead.
      if (!Object.values(settings).includes(UNKNOWN)) context.client();
      return engine.check(def, news);
    },
    async diff(_id: string, olds: Props, news: Props) {
      const { changes, replaces, deleteBeforeReplace } = engine.diff(def, olds, news);
      return { changes, replaces, deleteBeforeReplace };
    },
    async create(inputs: Props) {
      return engine.create(def, context, inputs).catch((error: unknown) => {
        throw engine.inResourceTerms(def, error);
      });
    },
    async read(id: string, props: Props) {
      return engine.read(def, context, id, props);
    },
    async update(id: string, _olds: Props, news: Props) {
      return engine.update(def, context, id, news).catch((error: unknown) => {
        throw engine.inResourceTerms(def, error);
      });
    },
    async delete(id: string, _props: Props) {
      await engine.remove(def, context, id);
    },
  };
}
