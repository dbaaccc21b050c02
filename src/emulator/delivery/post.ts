import { randomUUID } from "node:crypto";
import { networkInterfaces } from "node:os";
import { Agent, buildConnector, request } from "undici";
import type { EventRoute, Subscriber } from "./match";

/**
 * POSTing webhook events the way Romulus does: in the background, `attempts` tries
 * `attempts_interval_seconds` apart, with a record of every attempt so tests can assert on what was sent
 * without running a receiver of their own. Which subscriptions an event goes to, and with what attempts,
 * is the event's route (match.ts); what the bodies hold is events.ts.
 *
 * No HTTP framework here: the emulator core calls `dispatch` from its model hooks.
 */

export const USER_AGENT = "Romulus-Webhooks/emulator";
/** Names the subscription a delivery is for: lets one receiver serve several subscriptions in a test. */
export const SUBSCRIPTION_ID_HEADER = "x-romulus-subscription-id";
/** 1-based attempt number of this POST. */
export const ATTEMPT_HEADER = "x-romulus-delivery-attempt";
/** Same on every attempt of one delivery: what a receiver dedupes retries on. */
export const DELIVERY_ID_HEADER = "x-romulus-delivery-id";

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * A delivery whose connection reached the emulator itself. Refused whatever the URL's spelling (127.0.0.1,
 * localhost, [::1], 0.0.0.0, a name that resolves to this machine, the bound address) because the check is
 * made on the connected socket's peer: a local address and the emulator's own port. Webhooks never reach
 * the emulator's API or its control routes (`/__emulator/reset` would otherwise let one organization wipe
 * every other one), and such a delivery is not retried.
 */
export class OwnAddressError extends Error {
  readonly code = "ERR_EMULATOR_OWN_ADDRESS";
  constructor(port: number) {
    super(`refused: the emulator does not deliver webhooks to itself (port ${port} of this machine)`);
    this.name = "OwnAddressError";
  }
}

/** Whether an address is one of this machine's: loopback, unspecified, or an address of an interface. */
export function isLocalAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address
    .toLowerCase()
    .replace(/%.*$/, "")
    .replace(/^::ffff:/, "");
  if (a === "::1" || a === "::" || a === "0.0.0.0" || a.startsWith("127.")) return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address.toLowerCase() === a));
}

/** One record per attempt. */
export interface DeliveryRecord {
  subscriptionId: string;
  /** Without its query string: receiver URLs often carry tokens, and records end up in logs and test output. */
  url: string;
  event: string;
  /** 1-based. */
  attempt: number;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** Why the attempt failed without an answer (connection refused, timeout, invalid URL). */
  error?: string;
  /** When the attempt started, ISO 8601. */
  at: string;
}

export interface WebhookDeliveryOptions {
  /** Multiplies `attempts_interval_seconds`: tests use 0.01 so that 10 s between attempts becomes 100 ms. */
  intervalScale?: number;
  /** Per attempt, connection to end of response body. */
  timeoutMs?: number;
}

interface Target {
  subscriptionId: string;
  url: string;
  attempts: number;
  intervalMs: number;
}

/**
 * The target of a retry as the subscription is now, or undefined when it would no longer get the event
 * (deleted, DISABLED, or changed to no longer match). Asked before every retry.
 */
type Recheck = () => Target | undefined;

/** One delivery: the same bytes and delivery id on every attempt. */
interface Delivery {
  event: string;
  payload: string;
  deliveryId: string;
  recheck: Recheck | undefined;
  /** `cancel()` count when the delivery started: a delivery of an earlier generation is over. */
  generation: number;
}

export class WebhookDelivery {
  private readonly intervalScale: number;
  private readonly timeoutMs: number;
  /** Own connection pool, so `close()` releases exactly the sockets deliveries opened. */
  private readonly agent: Agent;
  private readonly records: DeliveryRecord[] = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  private generation = 0;
  /** The emulator's own port, once it listens: connections to it are refused. */
  private ownPort: number | undefined;

  constructor(opts: WebhookDeliveryOptions = {}) {
    const intervalScale = opts.intervalScale ?? 1;
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(intervalScale >= 0) || !Number.isFinite(intervalScale)) {
      throw new RangeError(`intervalScale must be a finite number >= 0, got ${intervalScale}`);
    }
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
      throw new RangeError(`timeoutMs must be a finite number > 0, got ${timeoutMs}`);
    }
    this.intervalScale = intervalScale;
    this.timeoutMs = timeoutMs;
    const connect = buildConnector({ timeout: timeoutMs });
    this.agent = new Agent({
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      // Checked on the socket, after DNS and connect: what the URL says cannot hide where it leads.
      connect: (options, callback) =>
        connect(options, (error, socket) => {
          if (error !== null) return callback(error, null);
          const own = this.ownPort;
          if (own !== undefined && socket.remotePort === own && isLocalAddress(socket.remoteAddress)) {
            socket.destroy();
            return callback(new OwnAddressError(own), null);
          }
          callback(null, socket);
        }),
    });
  }

  /** The port the emulator listens on: deliveries that connect to it are refused (see OwnAddressError). */
  refuseOwnPort(port: number): void {
    this.ownPort = port;
  }

  /**
   * Sends `event` to every subscription its route matches. `current` looks a subscription up as it is now:
   * with it, each retry first checks that the subscription still exists and still takes the event (for an
   * agent event: ACTIVE, same entity and specifications), and goes to its current URL within its current
   * attempts. Without it, retries use what was true at dispatch.
   */
  dispatch<S extends Subscriber, E>(
    route: EventRoute<S, E>,
    subscriptions: readonly S[],
    event: E,
    current?: (subscriptionId: string) => S | undefined,
  ): void {
    const targetOf = (subscription: S): Target => {
      const policy = route.policy(subscription);
      return {
        subscriptionId: subscription.id,
        url: subscription.url,
        attempts: Math.max(1, policy.attempts),
        intervalMs: policy.attemptsIntervalSeconds * 1000 * this.intervalScale,
      };
    };
    const eventName = route.eventName(event);
    for (const subscription of subscriptions) {
      if (!route.matches(subscription, event)) continue;
      const recheck =
        current &&
        (() => {
          const now = current(subscription.id);
          return now !== undefined && route.matches(now, event) ? targetOf(now) : undefined;
        });
      this.start(eventName, event, targetOf(subscription), recheck);
    }
  }

  /** Every attempt so far, oldest first (a copy). */
  deliveries(): DeliveryRecord[] {
    return this.records.map((record) => ({ ...record }));
  }

  /** Forgets the records; deliveries under way continue and record their next attempts. */
  clear(): void {
    this.records.length = 0;
  }

  /**
   * Ends every delivery under way (what an emulator reset needs): pending retries are cancelled, and
   * attempts in flight are neither recorded nor retried, so nothing of the old state lands in a fresh
   * log. Unlike `close()`, the connection pool stays open and new deliveries go on as usual.
   */
  cancel(): void {
    this.generation += 1;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
  }

  /** Resolves once nothing is in flight and no retry is pending: what tests await instead of sleeping. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.retryTimers.size > 0) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Cancels pending retries, waits for the POSTs in flight, and closes the connection pool. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    await Promise.allSettled([...this.inFlight]);
    if (!this.agent.closed) await this.agent.close();
  }

  private start(event: string, body: unknown, target: Target, recheck: Recheck | undefined): void {
    if (this.closed) return;
    // Serialized once: every attempt sends the same bytes, as a receiver checking signatures would expect.
    const delivery: Delivery = {
      event,
      payload: JSON.stringify(body),
      deliveryId: randomUUID(),
      recheck,
      generation: this.generation,
    };
    this.attempt(delivery, target, 1);
  }

  private current(delivery: Delivery): boolean {
    return !this.closed && delivery.generation === this.generation;
  }

  private attempt(delivery: Delivery, target: Target, attempt: number): void {
    const promise = this.post(delivery, target, attempt).then((outcome) => {
      if (outcome !== "failed" || attempt >= target.attempts || !this.current(delivery)) return;
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        // A well-run service asks before retrying: a deleted or disabled subscription gets no more attempts,
        // and a changed URL or attempts count applies from the next attempt on.
        const next = delivery.recheck === undefined ? target : delivery.recheck();
        if (next === undefined || attempt >= next.attempts) return;
        this.attempt(delivery, next, attempt + 1);
      }, target.intervalMs);
      this.retryTimers.add(timer);
    });
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  /**
   * One POST; never rejects. "delivered" on a 2xx, the only answer that ends a delivery; "refused" when the
   * target is the emulator itself (no retry can change that); "failed" otherwise.
   */
  private async post(delivery: Delivery, target: Target, attempt: number): Promise<"delivered" | "refused" | "failed"> {
    const record: DeliveryRecord = {
      subscriptionId: target.subscriptionId,
      url: withoutQuery(target.url),
      event: delivery.event,
      attempt,
      at: new Date().toISOString(),
    };
    let refused = false;
    try {
      const response = await request(target.url, {
        method: "POST",
        dispatcher: this.agent,
        headers: {
          "content-type": "application/json",
          "user-agent": USER_AGENT,
          [SUBSCRIPTION_ID_HEADER]: target.subscriptionId,
          [ATTEMPT_HEADER]: String(attempt),
          [DELIVERY_ID_HEADER]: delivery.deliveryId,
        },
        body: delivery.payload,
        // Overall deadline per attempt, on top of the agent's per-phase timeouts (a slow-dripping body).
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // The body is not needed, but must be consumed for the connection to be reused.
      await response.body.dump();
      record.status = response.statusCode;
    } catch (error) {
      record.error = describeError(error, target.url);
      refused = error instanceof OwnAddressError || (error as Error | undefined)?.cause instanceof OwnAddressError;
    }
    // Cancelled while in flight (a reset): the attempt belongs to the state that was thrown away.
    if (delivery.generation !== this.generation) return "failed";
    this.records.push(record);
    if (refused) return "refused";
    return record.status !== undefined && record.status >= 200 && record.status < 300 ? "delivered" : "failed";
  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

/** Drops the query string and fragment; an unparseable URL is cut at the first `?` or `#` all the same. */
export function withoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.search = "";
    parsed.hash = "";
    // Credentials in the authority are as secret as a token in the query.
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url.split(/[?#]/, 1)[0] ?? "";
  }
}

/** A short reason for a failed attempt, never containing the URL's query string or credentials. */
function describeError(error: unknown, url: string): string {
  let message: string;
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    message = `${typeof code === "string" ? code : error.name}: ${error.message}${cause}`;
  } else {
    message = String(error);
  }
  // Undici quotes the URL in some messages (an invalid URL, say): keep the path, lose the secrets.
  let scrubbed = message.split(url).join(withoutQuery(url));
  try {
    const { search, username, password } = new URL(url);
    for (const secret of [search, username, password])
      if (secret.length > 1) scrubbed = scrubbed.split(secret).join("");
  } catch {
    // Not a URL at all: nothing more to scrub than the whole string, done above.
  }
  return scrubbed;
}
