import { createHash, timingSafeEqual } from "node:crypto";
import * as http from "node:http";
import { parseWebhookEvent, type WebhookEvent, WebhookEventError } from "pulumi-romulus";

export interface ReceiverOptions {
  /** Where the one line per event goes (default: stdout). */
  log?: (line: string) => void;
  /** Called with every valid event, after it is logged: where your own handling goes. */
  onEvent?: (event: WebhookEvent, path: string) => void | Promise<void>;
  /** Bodies above this are refused with 413 before they are parsed. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * The secret every delivery must carry as `?token=` in its URL (the subscriptions' URLs hold it): Romulus
   * signs nothing, so the token is how the receiver tells Romulus from anyone else who finds the address.
   * A request without it, or with another, is answered 401 before its body is read. Leave it out only for
   * a receiver nobody else can reach.
   */
  token?: string;
}

/** Compares in constant time (over SHA-256 digests, so the length does not leak either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * One line per event, with ids and types only: webhook bodies carry transcripts, phone numbers and
 * e-mail addresses, which have no place in logs.
 */
export function describeEvent(event: WebhookEvent): string {
  switch (event.type) {
    case "AGENT_CALL_COMPLETED":
      return `AGENT_CALL_COMPLETED call=${event.data.call_id} agent=${event.data.agent_id} status=${event.data.status ?? "-"} duration=${event.data.duration ?? "-"}s actions=${event.data.action_results?.length ?? 0}`;
    case "AGENT_ACTION_COMPLETED":
      return `AGENT_ACTION_COMPLETED ${event.data.action_type} action=${event.data.action_id} call=${event.data.call_id} agent=${event.data.agent_id}`;
    case "ROBOCALL_RESULT":
      return `ROBOCALL_RESULT robocall=${event.data.robocall_id} configuration=${event.data.robocall_configuration_id} status=${event.data.robocall_status ?? "-"} attempts=${event.data.attempts?.length ?? 0}`;
  }
}

function answer(res: http.ServerResponse, status: number, body: object): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/**
 * A receiver for Romulus webhooks on plain node:http: every POST body is validated with
 * `parseWebhookEvent`. A valid event is logged and answered 200; an invalid body is answered 400 with the
 * parser's message (which names the field and never quotes the body), so a misconfigured sender sees why.
 * Romulus retries a delivery that is not answered 2xx (`attempts`, `attemptsIntervalSeconds`), so a 200
 * must only go out once the event is safely handled: `onEvent` runs before the answer.
 */
export function createReceiver(options: ReceiverOptions = {}): http.Server {
  const log = options.log ?? ((line: string) => console.log(line));
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  return http.createServer((req, res) => {
    // Only the path is logged or handed on: the query carries the token.
    const url = new URL(req.url ?? "/", "http://receiver");
    const path = url.pathname;
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      answer(res, 405, { error: "only POST is accepted" });
      return;
    }
    if (options.token !== undefined && !sameSecret(url.searchParams.get("token") ?? "", options.token)) {
      log(`refused ${path}: missing or wrong token`);
      answer(res, 401, { error: "missing or wrong token" });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes && !refused) {
        refused = true;
        answer(res, 413, { error: `the body exceeds ${maxBodyBytes} bytes` });
        req.resume();
      } else if (!refused) chunks.push(chunk);
    });
    req.on("end", async () => {
      if (refused) return;
      let event: WebhookEvent;
      try {
        event = parseWebhookEvent(Buffer.concat(chunks));
      } catch (error) {
        const message = error instanceof WebhookEventError ? error.message : "invalid webhook event";
        log(`rejected ${path}: ${message}`);
        answer(res, 400, { error: message });
        return;
      }
      log(`${path} ${describeEvent(event)}`);
      try {
        await options.onEvent?.(event, path);
      } catch (error) {
        // 500: Romulus will deliver the event again, which is what a failed handler wants.
        log(`failed ${path}: ${(error as Error).message}`);
        answer(res, 500, { error: "the event could not be handled" });
        return;
      }
      answer(res, 200, { ok: true });
    });
  });
}
