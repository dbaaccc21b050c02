import { isIP } from "node:net";
import { DELIVERY_ID_HEADER, type DeliveryRecord } from "../delivery";
import type { FaultSpec } from "../faults";
import type { CompleteCallInput } from "../model/calls";
import { badRequest } from "../model/errors";
import type { CompleteRobocallInput } from "../model/robocalls";
import type { StoredObject } from "../model/store";
import type { Counters, RequestLogEntry } from "./stats";

/**
 * The control operations: what tests and demos do to the emulator beside calling the API. Exposed as
 * methods of the `Emulator` object and over HTTP under `/__emulator/` (no authentication: the emulator
 * is a local test tool; never expose it beyond loopback). Over HTTP, a control request (see `controlGate`)
 * - must name a loopback host in `Host` (`localhost`, `*.localhost`, `127.x.x.x`, `[::1]`, with any
 *   port) or the address the emulator was bound to with `--host` (unless that is 0.0.0.0 or ::): a web
 *   page whose name was rebound to 127.0.0.1 sends its own name, and gets 403;
 * - when it is not a GET or HEAD, must send `Content-Type: application/json` or an `X-Romulus-Emulator`
 *   header (any value; `X-Romulus-Emulator: 1`), which a web page cannot send without a CORS preflight
 *   the emulator never grants: 415 otherwise (`PUT /__emulator/faults` with text/plain compact syntax
 *   needs the header);
 * - never comes from a webhook delivery (a request carrying `X-Romulus-Delivery-Id` gets 403; deliveries
 *   to the emulator's own port are refused before they are sent, see delivery/post.ts).
 *
 * | HTTP                                           | method                                   |
 * |------------------------------------------------|------------------------------------------|
 * | `POST /__emulator/reset`                       | `reset()`: back to the seed, logs, counters and deliveries cleared, pending webhook retries cancelled |
 * | `GET /__emulator/counters`                     | `counters()`: `{"total": n, "GET /v2/contacts/:contactId": n, "faults.429": n, …}` |
 * | `DELETE /__emulator/counters`                  | `resetCounters()`                        |
 * | `GET /__emulator/requests`                     | `requests()`: method, path, route, status, organization, durationMs, at, fault |
 * | `GET /__emulator/deliveries`                   | `deliveries()`: one record per webhook delivery attempt |
 * | `GET /__emulator/orgs/:org/:kind`              | `objects(org, kind)`                     |
 * | `POST /__emulator/orgs/:org/:kind`             | `insert(org, kind, object)` (id and timestamps filled in when absent; 400 naming a field that does not fit the kind's response shape) |
 * | `GET /__emulator/orgs/:org/:kind/:id`          | `object(org, kind, id)`                  |
 * | `PATCH /__emulator/orgs/:org/:kind/:id`        | `edit(org, kind, id, patch)`: shallow merge, updated_at = now (a dashboard change); 400 as for insert |
 * | `DELETE /__emulator/orgs/:org/:kind/:id`       | `remove(org, kind, id)`                  |
 * | `POST /__emulator/calls/complete`              | `completeCall({org, agentId, callId?, to?, direction?, duration?, contactData?, actions?, callTaskId?, transcript?, summary?, sentiment?})`: with `callTaskId`, the call goes to the task's `contact_phone_number` with the task's `contact_data` (a different `to`, or INBOUND, is a 400); 400 naming a bad field, 409 for a finished call or call task, nothing changed on either |
 * | `POST /__emulator/robocalls/:taskId/complete`  | `completeRobocall({org, taskId, robocallStatus?, attempts?})` |
 * | `PUT /__emulator/faults`                       | `setFaults(spec)`: a FaultSpec JSON object, `{"spec": "compact syntax"}`, or text/plain compact syntax (faults.ts: error statuses, drops, lost answers, latency, and `index-lag`, contacts search leaving out the contacts created since); `off` clears |
 * | `GET /__emulator/faults`                       | the fault injector's statistics          |
 *
 * Kinds: webhook-subscriptions, call-task-webhook-subscriptions, contacts, agents, whatsapp-bots,
 * robocall-configurations, calls, agent-call-tasks, campaigns, robocall-tasks (and the model's own tags,
 * campaign-call-tasks, whatsapp-messages). `org` defaults to the default organization in completeCall and
 * completeRobocall.
 */
export interface ControlOps {
  reset(): void;
  counters(): Counters;
  resetCounters(): void;
  requests(): RequestLogEntry[];
  deliveries(): DeliveryRecord[];
  objects(org: string, kind: string): StoredObject[];
  object(org: string, kind: string, id: string | number): StoredObject;
  insert(org: string, kind: string, object: Record<string, unknown>): StoredObject;
  edit(org: string, kind: string, id: string | number, patch: Record<string, unknown>): StoredObject;
  remove(org: string, kind: string, id: string | number): void;
  completeCall(input: CompleteCallInput & { org?: string }): { call: object; events: object[] };
  completeRobocall(input: CompleteRobocallInput & { org?: string }): { task: object; webhook: object };
  setFaults(spec: FaultSpec | string | undefined): void;
  faultStats(): Record<string, number>;
}

/** The header that marks a control request as deliberate when it has no JSON body. */
export const CONTROL_HEADER = "x-romulus-emulator";

/** `host` or `host:port` of a Host header or `--host`, as a URL hostname (lower case, IPv6 in brackets). */
function hostnameOf(value: string): string | undefined {
  try {
    return new URL(`http://${value}`).hostname.replace(/\.$/, "");
  } catch {
    return undefined;
  }
}

/** Whether `host` (a `--host` value, or a Host header: IPv6 with or without brackets, any port) is loopback. */
export function isLoopbackHost(host: string): boolean {
  const name = hostnameOf(isIP(host) === 6 ? `[${host}]` : host);
  return name !== undefined && isLoopbackName(name);
}

function isLoopbackName(name: string): boolean {
  return name === "localhost" || name.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(name) || name === "[::1]";
}

/**
 * Whether a control request may go on: undefined, or the status and message to answer. `boundHost` is the
 * address the emulator listens on (`--host`).
 */
export function controlGate(
  method: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  boundHost: string,
): { status: 403 | 415; message: string } | undefined {
  if (headers[DELIVERY_ID_HEADER] !== undefined) {
    return { status: 403, message: "Forbidden: the control API does not answer webhook deliveries" };
  }
  const host = typeof headers.host === "string" ? hostnameOf(headers.host) : undefined;
  const bound = isIP(boundHost) === 6 ? `[${boundHost}]` : boundHost;
  const own = hostnameOf(bound);
  const allowed =
    host !== undefined &&
    (isLoopbackName(host) || (own !== undefined && own !== "0.0.0.0" && own !== "[::]" && host === own));
  if (!allowed) {
    return {
      status: 403,
      message: `Forbidden: the control API answers only requests to a loopback host (localhost, 127.0.0.1, [::1]) or to the address it was bound to; Host was ${JSON.stringify(headers.host ?? "")}`,
    };
  }
  if (method === "GET" || method === "HEAD") return undefined;
  const type = headers["content-type"];
  const mediaType = typeof type === "string" ? (type.split(";")[0] ?? "").trim().toLowerCase() : "";
  const marked = typeof headers[CONTROL_HEADER] === "string" && headers[CONTROL_HEADER] !== "";
  if (mediaType !== "application/json" && !marked) {
    return {
      status: 415,
      message: `Unsupported Media Type: control requests other than GET must send Content-Type: application/json or the header X-Romulus-Emulator: 1`,
    };
  }
  return undefined;
}

export type ControlRoute = (
  method: string | readonly string[],
  url: string,
  handler: (req: { params: Record<string, string>; query: Record<string, unknown>; body: unknown }) => unknown,
) => void;

function objectBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw badRequest({ field: "body", message: "must be a JSON object" });
  }
  return body as Record<string, unknown>;
}

export function registerControl(route: ControlRoute, ops: ControlOps): void {
  route("POST", "/__emulator/reset", () => {
    ops.reset();
    return { reset: true };
  });
  route("GET", "/__emulator/counters", () => ops.counters());
  route("DELETE", "/__emulator/counters", () => {
    ops.resetCounters();
    return undefined;
  });
  route("GET", "/__emulator/requests", () => ops.requests());
  route("GET", "/__emulator/deliveries", () => ops.deliveries());
  route("GET", "/__emulator/orgs/:org/:kind", ({ params }) => ops.objects(params.org!, params.kind!));
  route("POST", "/__emulator/orgs/:org/:kind", ({ params, body }) =>
    ops.insert(params.org!, params.kind!, objectBody(body)),
  );
  const one = "/__emulator/orgs/:org/:kind/:id";
  route("GET", one, ({ params }) => ops.object(params.org!, params.kind!, params.id!));
  route("PATCH", one, ({ params, body }) => ops.edit(params.org!, params.kind!, params.id!, objectBody(body)));
  route("DELETE", one, ({ params }) => {
    ops.remove(params.org!, params.kind!, params.id!);
    return undefined;
  });
  route("POST", "/__emulator/calls/complete", ({ body }) =>
    ops.completeCall(objectBody(body) as unknown as CompleteCallInput & { org?: string }),
  );
  route("POST", "/__emulator/robocalls/:taskId/complete", ({ params, body }) => {
    const input = body === undefined ? {} : objectBody(body);
    return ops.completeRobocall({ ...input, taskId: params.taskId! } as CompleteRobocallInput & { org?: string });
  });
  route("PUT", "/__emulator/faults", ({ body }) => {
    let spec: FaultSpec | string | undefined;
    if (typeof body === "string") spec = body;
    else if (body === undefined || body === null) spec = undefined;
    else {
      const b = objectBody(body);
      spec = typeof b.spec === "string" ? b.spec : (b as unknown as FaultSpec);
    }
    ops.setFaults(spec);
    return ops.faultStats();
  });
  route("GET", "/__emulator/faults", () => ops.faultStats());
}
