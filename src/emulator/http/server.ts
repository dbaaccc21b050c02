import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { FaultDecision, FaultInjector } from "../faults";
import type { RomulusModel } from "../model";
import { ApiError, errorBody } from "../model/errors";
import { registerAgentCallTasks } from "./agent-call-tasks";
import { registerAgents } from "./agents";
import { registerCallTaskWebhookSubscriptions } from "./call-task-webhook-subscriptions";
import { registerCalls } from "./calls";
import { registerCampaigns } from "./campaigns";
import { registerContacts } from "./contacts";
import { type ControlOps, controlGate, registerControl } from "./control";
import { registerMe } from "./me";
import { registerRobocalls } from "./robocalls";
import { type ApiHandler, type ApiRouter, HTTP_METHODS } from "./router";
import type { Stats } from "./stats";
import { registerWebhookSubscriptions } from "./webhook-subscriptions";
import { registerWhatsApp } from "./whatsapp";

export interface ServerDeps {
  model: RomulusModel;
  /** API key → organization id. */
  keys: ReadonlyMap<string, string>;
  faults: FaultInjector;
  /** Whether any fault rule is set (the hot path skips the injector otherwise). */
  faultsActive(): boolean;
  stats: Stats;
  control: ControlOps;
  /** The address the server is bound to (control requests may name it in Host, see control.ts). */
  host: string;
  logger: boolean;
}

/**
 * Per-request state, kept in one decorated property so fastify sees a stable request shape. The route
 * pattern and config are read once (fastify's `request.routeOptions` builds a new object per access).
 */
interface RequestState {
  route: string | null;
  config: RouteConfig | undefined;
  org: string | null;
  fault: string | undefined;
  /** An `index-lag` fault: search answers leave out what was created at or after this instant. */
  indexedBefore: number | undefined;
  /** Logged already (dropped or lost responses): onResponse must not log it again. */
  logged: boolean;
}

interface RouteConfig {
  control?: boolean;
  /** Set on the routes answering 405: the methods the path does support. */
  allow?: string;
}

function state(request: FastifyRequest): RequestState {
  const r = request as unknown as { romulus: RequestState | null };
  if (r.romulus === null) {
    const options = request.routeOptions;
    r.romulus = {
      route: options.url ?? null,
      config: options.config as RouteConfig | undefined,
      org: null,
      fault: undefined,
      indexedBefore: undefined,
      logged: false,
    };
  }
  return r.romulus;
}

/** Answers a handler's result, unless the fault injector decided this response is lost. */
function answer(request: FastifyRequest, reply: FastifyReply, result: unknown, onLost: () => void): void {
  const s = (request as unknown as { romulus: RequestState | null }).romulus;
  if (s?.fault === "lose-response") {
    // The handler ran (the change is stored); the client never learns it.
    onLost();
    reply.hijack();
    request.raw.socket?.destroy();
    return;
  }
  if (result === undefined) reply.code(204).send();
  else reply.send(result);
}

function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}

/**
 * How deeply request bodies may nest arrays and objects. The API's own bodies nest four levels at most;
 * the loose fields (`contact_data`, specifications) have room to spare. Deeper JSON parses, but copying
 * or validating it overflows the stack: it is refused as a 400 before anything else sees it.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests deeper than `max`. Linear, and free for the usual body with few brackets. */
export function nestsDeeperThan(text: string, max: number): boolean {
  // Depth cannot exceed the number of opening brackets: count up to max + 1 of them with indexOf first.
  let brackets = 0;
  for (const open of ["{", "["]) {
    for (let i = text.indexOf(open); i >= 0 && brackets <= max; i = text.indexOf(open, i + 1)) brackets += 1;
  }
  if (brackets <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return false;
}

/** Absent Accept, `*\/*`, `application/*` or `application/json` (with q > 0) are fine; anything else is 406. */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept === "" || accept === "*/*" || accept === "application/json") return true;
  for (const part of accept.split(",")) {
    const [type = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    if (type !== "*/*" && type !== "application/*" && type !== "application/json") continue;
    const q = params.find((p) => p.startsWith("q="));
    if (q !== undefined && !(Number(q.slice(2)) > 0)) continue;
    return true;
  }
  return false;
}

/**
 * The HTTP face of the model: authentication (the `Authorization` header holds a key as is), content
 * negotiation (406), 404 and 405 (with `Allow`), fault injection, counters and the request log, and
 * errors as JSON bodies `{status, error, message, errors?: [{field, message}]}`.
 */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const { model, keys, faults, stats } = deps;
  // Request ids: unique per emulator run, cheaper than a UUID per request.
  const idPrefix = randomUUID().slice(0, 8);
  let requestCount = 0;
  const app = Fastify({
    logger: deps.logger
      ? {
          // fastify's default request serializer logs method, url, host and remote address, never headers.
          level: "info",
        }
      : false,
    bodyLimit: 5 * 1024 * 1024,
    genReqId: () => `${idPrefix}-${(++requestCount).toString(36)}`,
    forceCloseConnections: true,
    return503OnClosing: true,
  });
  app.decorateRequest("romulus", null);

  // JSON bodies: an empty body is "no body" (some clients send Content-Length: 0 with a JSON content type);
  // malformed JSON is a 400 naming the body.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, text, done) => {
    const body = String(text);
    if (body.trim() === "") return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      done(
        new ApiError(
          400,
          errorBody(400, `body: is not valid JSON (${(err as Error).message})`, [
            { field: "body", message: "is not valid JSON" },
          ]),
        ),
        undefined,
      );
      return;
    }
    if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
      const message = `is nested more than ${MAX_JSON_DEPTH} levels deep`;
      done(new ApiError(400, errorBody(400, `body: ${message}`, [{ field: "body", message }])), undefined);
      return;
    }
    done(null, parsed);
  });

  const methodsByPath = new Map<string, { methods: Set<string>; control: boolean }>();
  const remember = (methods: readonly string[], url: string, control: boolean) => {
    const entry = methodsByPath.get(url) ?? { methods: new Set<string>(), control };
    for (const m of methods) entry.methods.add(m);
    methodsByPath.set(url, entry);
  };

  const api: ApiRouter = {
    model,
    route(methods, url, handler: ApiHandler) {
      const list = typeof methods === "string" ? [methods] : [...methods];
      remember(list, url, false);
      app.route({
        method: list,
        url,
        handler(request, reply) {
          const s = state(request);
          const result = handler({
            org: s.org!,
            ...(s.indexedBefore !== undefined ? { indexedBefore: s.indexedBefore } : {}),
            params: request.params as Record<string, string>,
            query: request.query as Record<string, unknown>,
            body: request.body,
          });
          answer(request, reply, result, () => lost(request, reply));
        },
      });
    },
  };

  registerMe(api);
  registerWebhookSubscriptions(api);
  registerCallTaskWebhookSubscriptions(api);
  registerContacts(api);
  registerAgents(api);
  registerAgentCallTasks(api);
  registerCalls(api);
  registerCampaigns(api);
  registerWhatsApp(api);
  registerRobocalls(api);

  registerControl((methods, url, handler) => {
    const list = typeof methods === "string" ? [methods] : [...methods];
    remember(list, url, true);
    app.route({
      method: list,
      url,
      config: { control: true } satisfies RouteConfig,
      handler(request, reply) {
        const result = handler({
          params: request.params as Record<string, string>,
          query: request.query as Record<string, unknown>,
          body: request.body,
        });
        if (result === undefined) reply.code(204).send();
        else reply.send(result);
      },
    });
  }, deps.control);

  // 405 for every other method of a known path, with the Allow header.
  for (const [url, { methods, control }] of methodsByPath) {
    const allowed = [...methods];
    if (methods.has("GET")) allowed.push("HEAD");
    const allow = allowed.join(", ");
    const others = HTTP_METHODS.filter((m) => !allowed.includes(m));
    if (others.length === 0) continue;
    app.route({
      method: others,
      url,
      config: { allow, control } satisfies RouteConfig,
      handler(request, reply) {
        reply
          .code(405)
          .header("allow", allow)
          .send(errorBody(405, `Method ${request.method} is not allowed on ${url}; allowed: ${allow}`));
      },
    });
  }

  const record = (request: FastifyRequest, reply: FastifyReply, status: number) => {
    const s = state(request);
    stats.record({
      method: request.method,
      path: pathOf(request.url),
      route: s.route,
      status,
      organization: s.org,
      durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
      at: Date.now(),
      ...(s.fault !== undefined ? { fault: s.fault } : {}),
    });
  };

  /** Accept, then authentication; sets the request's organization. Answers and returns false on failure. */
  const gate = (request: FastifyRequest, reply: FastifyReply, config: RouteConfig | undefined): boolean => {
    // 404 and 405 whatever the key: they say nothing about any organization's objects.
    if (request.is404 || config?.allow !== undefined) return true;
    if (!acceptsJson(request.headers.accept)) {
      reply.code(406).send(errorBody(406, "Not Acceptable: this API only produces application/json"));
      return false;
    }
    const key = request.headers.authorization;
    const org = key === undefined ? undefined : keys.get(key);
    if (org === undefined) {
      reply
        .code(401)
        .send(
          errorBody(
            401,
            key === undefined
              ? "Unauthorized: missing API key (send it as is in the Authorization header)"
              : "Unauthorized: invalid API key",
          ),
        );
      return false;
    }
    state(request).org = org;
    return true;
  };

  const applyFault = (request: FastifyRequest, reply: FastifyReply, decision: FaultDecision): boolean => {
    const action = decision.action;
    if (action === "none") return true;
    const s = state(request);
    if (action === "drop") {
      s.fault = "drop";
      s.logged = true;
      record(request, reply, 0);
      reply.hijack();
      request.raw.socket?.destroy();
      return false;
    }
    if (action === "lose-response") {
      s.fault = "lose-response";
      return true;
    }
    s.fault = String(action.status);
    if (action.retryAfterSeconds !== undefined) reply.header("retry-after", String(action.retryAfterSeconds));
    const messages = { 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable" };
    reply.code(action.status).send(errorBody(action.status, `${messages[action.status]} (injected fault)`));
    return false;
  };

  const lost = (request: FastifyRequest, reply: FastifyReply) => {
    const s = state(request);
    s.logged = true;
    record(request, reply, 0);
  };

  app.addHook("onRequest", (request, reply, done) => {
    const s = state(request);
    const config = s.config;
    if (config?.control) {
      const refusal = controlGate(request.method, request.headers, deps.host);
      if (refusal !== undefined) {
        reply.code(refusal.status).send(errorBody(refusal.status, refusal.message));
        return;
      }
      return done();
    }
    reply.header("x-request-id", request.id);
    if (deps.faultsActive()) {
      const decision = faults.decide(request.method, s.route ?? pathOf(request.url));
      s.indexedBefore = decision.indexedBefore;
      const proceed = () => {
        if (applyFault(request, reply, decision) && gate(request, reply, config)) done();
      };
      if (decision.latencyMs > 0) setTimeout(proceed, decision.latencyMs);
      else proceed();
      return;
    }
    if (gate(request, reply, config)) done();
  });

  app.addHook("onResponse", (request, reply, done) => {
    const s = state(request);
    if (!s.config?.control && !s.logged) record(request, reply, reply.statusCode);
    done();
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody(404, `Not Found: no such path ${request.method} ${pathOf(request.url)}`));
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError) {
      reply.code(error.status);
      answer(request, reply, error.body, () => lost(request, reply));
      return;
    }
    const err = error as Error & { statusCode?: number; code?: string };
    const status =
      typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err }, "emulator error");
      reply.code(500).send(errorBody(500, "Internal Server Error"));
      return;
    }
    reply.code(status).send(errorBody(status, err.message));
  });

  return app;
}
