import { type RomulusSettings, resolveSettings, type StackConfigReader } from "../config";
import { type Me, me } from "../models/me";
import { AgentCallTasks } from "./agent-call-tasks";
import { Agents } from "./agents";
import { CallTaskWebhookSubscriptions } from "./call-task-webhook-subscriptions";
import { Calls } from "./calls";
import { Campaigns } from "./campaigns";
import { Contacts } from "./contacts";
import { endpoint, send } from "./core/endpoint";
import { Transport } from "./core/transport";
import { Robocalls } from "./robocalls";
import { WebhookSubscriptions } from "./webhook-subscriptions";
import { WhatsApp } from "./whatsapp";

const api = { me: endpoint("GET /v1/me", { response: me }) };

export interface RomulusClientOptions extends RomulusSettings {
  /** Per request attempt. Default 30 s. */
  timeoutMs?: number;
  /** Retries of a failed request that is safe to repeat. Default 4. */
  maxRetries?: number;
  /** Requests in flight at once, shared by every client of the same endpoint in the process. Default 16. */
  maxConcurrency?: number;
  /**
   * The longest `Retry-After` (429, 503) the client waits out before retrying. A longer one fails the
   * request at once, with `retryAfterMs` set and a message saying when to retry. Default 60 s.
   */
  maxRetryAfterMs?: number;
  /**
   * The largest response body read, in bytes; a larger answer fails with `ResponseTooLargeError` naming the
   * endpoint, before it is downloaded in full. Default 64 MiB.
   */
  maxResponseBytes?: number;
  /** Read when an option is missing, before the environment variables (used inside Pulumi programs). */
  stackConfig?: StackConfigReader;
}

/**
 * A typed client for the whole Romulus API, one namespace per section of the reference, with request and
 * response bodies in the API's own field names so the vendor documentation reads one-to-one.
 *
 * ```ts
 * const client = new RomulusClient({ apiKey: process.env.ROMULUS_API_KEY, environment: "sandbox" });
 * for await (const agent of client.agents.list()) console.log(agent.name);
 * ```
 */
export class RomulusClient {
  readonly baseUrl: string;
  readonly agents: Agents;
  readonly agentCallTasks: AgentCallTasks;
  readonly calls: Calls;
  readonly campaigns: Campaigns;
  readonly contacts: Contacts;
  readonly whatsapp: WhatsApp;
  readonly webhookSubscriptions: WebhookSubscriptions;
  readonly robocalls: Robocalls;
  readonly callTaskWebhookSubscriptions: CallTaskWebhookSubscriptions;
  /** ES private (see Section): the transport holds the key and must not show in `util.inspect(client)`. */
  readonly #transport: Transport;

  constructor(options: RomulusClientOptions = {}) {
    const settings = resolveSettings(options, options.stackConfig);
    this.baseUrl = settings.baseUrl;
    this.#transport = new Transport({
      baseUrl: settings.baseUrl,
      allowInsecureHttp: settings.allowInsecureHttp,
      apiKey: settings.apiKey,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      maxConcurrency: options.maxConcurrency,
      maxRetryAfterMs: options.maxRetryAfterMs,
      maxResponseBytes: options.maxResponseBytes,
    });
    this.agents = new Agents(this.#transport);
    this.agentCallTasks = new AgentCallTasks(this.#transport);
    this.calls = new Calls(this.#transport);
    this.campaigns = new Campaigns(this.#transport);
    this.contacts = new Contacts(this.#transport);
    this.whatsapp = new WhatsApp(this.#transport);
    this.webhookSubscriptions = new WebhookSubscriptions(this.#transport);
    this.robocalls = new Robocalls(this.#transport);
    this.callTaskWebhookSubscriptions = new CallTaskWebhookSubscriptions(this.#transport);
  }

  /** The organization the key belongs to: a cheap check that credentials point where they should. */
  me(): Promise<Me> {
    return send(this.#transport, api.me, {});
  }

  /** The key, as it would appear in a string, is never part of this object's JSON form. */
  toJSON(): { baseUrl: string } {
    return { baseUrl: this.baseUrl };
  }
}
