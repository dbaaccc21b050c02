import {
  AGENT_EVENTS,
  type AgentCallCompletedBody,
  ATTEMPT_HEADER,
  buildAgentActionCompletedEvents,
  buildAgentCallCompletedEvent,
  buildRobocallResult,
  DELIVERY_ID_HEADER,
  ROBOCALL_RESULT_EVENT,
  ROBOCALL_RESULTS,
  SUBSCRIPTION_ID_HEADER,
  USER_AGENT,
  WebhookDelivery,
  withoutQuery,
} from "../../src/emulator/delivery";
import { ACTION_TYPES, type CallTaskWebhookSubscription, type WebhookSubscription } from "../../src/models";
import { parseWebhookEvent } from "../../src/webhooks";
import { Receiver } from "./support";

const AGENT = "950c3899-d6b2-45d9-b8df-724a6c614c5e";
const OTHER_AGENT = "df08ca35-552c-4e02-b922-d4f9bfbe6213";
const CONFIG = "93451f38-5b14-4140-b6d4-8c6ee6aa0ce5";

let receiver: Receiver;
let base: string;
let delivery: WebhookDelivery;

beforeEach(async () => {
  receiver = new Receiver();
  base = await receiver.listen();
  delivery = new WebhookDelivery({ intervalScale: 0.01, timeoutMs: 2000 });
});

afterEach(async () => {
  await delivery.close();
  await receiver.close();
});

function subscription(id: string, overrides: Partial<WebhookSubscription> = {}): WebhookSubscription {
  return {
    id,
    status: "ACTIVE",
    event: "AGENT_CALL_COMPLETED",
    entity_id: null,
    entity_type: null,
    url: `${base}/${id}`,
    attempts: 3,
    attempts_interval_seconds: 10,
    specifications: {},
    created_at: "2025-04-17T07:59:35.813396Z",
    updated_at: "2025-04-17T07:59:35.813444Z",
    ...overrides,
  };
}

function callTaskSubscription(id: string, entityId: string | null): CallTaskWebhookSubscription {
  return { id, entity_id: entityId, entity_type: "robocall", url: `${base}/${id}` };
}

function callEvent(agentId = AGENT, actionResults = [...ACTION_TYPES]): AgentCallCompletedBody {
  return buildAgentCallCompletedEvent({
    call: {
      id: "b4d8cb59-a2c0-4424-9201-5e36981c2223",
      status: "COMPLETED",
      direction: "OUTBOUND",
      origination: "+390212345678",
      destination: "+393331234567",
      duration: 70,
      ended_at: "2025-03-31T10:18:47Z",
    },
    agentId,
    contactData: { name: "Jonh", email: "jonh@example.com", timezone: "Europe/Rome" },
    actionResults,
  });
}

const pathsHit = () => [...new Set(receiver.received.map((entry) => entry.path.slice(1)))].sort();

describe("matching", () => {
  test("event, entity, status: only the matching subscriptions get an AGENT_CALL_COMPLETED", async () => {
    delivery.dispatch(
      AGENT_EVENTS,
      [
        subscription("all-agents"),
        subscription("this-agent", { entity_type: "AGENT", entity_id: AGENT }),
        subscription("other-agent", { entity_type: "AGENT", entity_id: OTHER_AGENT }),
        subscription("other-event", { event: "AGENT_ACTION_COMPLETED" }),
        subscription("disabled", { status: "DISABLED" }),
      ],
      callEvent(),
    );
    await delivery.idle();
    expect(pathsHit()).toEqual(["all-agents", "this-agent"]);
    expect(
      delivery
        .deliveries()
        .map((record) => record.subscriptionId)
        .sort(),
    ).toEqual(["all-agents", "this-agent"]);
  });

  test("specifications filter AGENT_ACTION_COMPLETED by ACTION_TYPE and ACTION_ID", async () => {
    const call = callEvent();
    const actions = buildAgentActionCompletedEvents(call);
    const forwarding = actions.find((action) => action.action_type === "CALL_FORWARDING");
    expect(forwarding).toBeDefined();
    const subscriptions = [
      subscription("any-action", { event: "AGENT_ACTION_COMPLETED" }),
      subscription("forwarding", {
        event: "AGENT_ACTION_COMPLETED",
        specifications: { ACTION_TYPE: "CALL_FORWARDING" },
      }),
      subscription("by-id", {
        event: "AGENT_ACTION_COMPLETED",
        specifications: { ACTION_ID: forwarding?.action_id ?? "" },
      }),
      subscription("both-mismatch", {
        event: "AGENT_ACTION_COMPLETED",
        specifications: { ACTION_ID: forwarding?.action_id ?? "", ACTION_TYPE: "APPOINTMENT" },
      }),
      subscription("other-agent", { event: "AGENT_ACTION_COMPLETED", entity_type: "AGENT", entity_id: OTHER_AGENT }),
      subscription("call-event", { event: "AGENT_CALL_COMPLETED" }),
    ];
    for (const action of actions) delivery.dispatch(AGENT_EVENTS, subscriptions, action);
    await delivery.idle();

    expect(receiver.at("/any-action")).toHaveLength(4);
    const types = (path: string) =>
      receiver.at(path).map((entry) => (entry.body as { action_type: string }).action_type);
    expect(types("/forwarding")).toEqual(["CALL_FORWARDING"]);
    expect(types("/by-id")).toEqual(["CALL_FORWARDING"]);
    expect(receiver.at("/both-mismatch")).toHaveLength(0);
    expect(receiver.at("/other-agent")).toHaveLength(0);
    expect(receiver.at("/call-event")).toHaveLength(0);
  });

  test("robocall results go to subscriptions for their configuration and to those for all", async () => {
    const body = robocallBody();
    delivery.dispatch(
      ROBOCALL_RESULTS,
      [
        callTaskSubscription("for-config", CONFIG),
        callTaskSubscription("for-all", null),
        callTaskSubscription("for-other", "5128437e-c64e-44e2-8f37-c8ef05530a2b"),
      ],
      body,
    );
    await delivery.idle();
    expect(pathsHit()).toEqual(["for-all", "for-config"]);
    expect(receiver.at("/for-config")[0]?.body).toEqual(body);
    expect(delivery.deliveries().every((record) => record.event === ROBOCALL_RESULT_EVENT)).toBe(true);
  });
});

describe("the POST", () => {
  test("JSON body, user agent, subscription, attempt and delivery id headers", async () => {
    const event = callEvent();
    delivery.dispatch(AGENT_EVENTS, [subscription("sub-1")], event);
    await delivery.idle();
    const [only] = receiver.received;
    expect(only?.body).toEqual(event);
    expect(only?.headers["content-type"]).toBe("application/json");
    expect(only?.headers["user-agent"]).toBe(USER_AGENT);
    expect(only?.headers[SUBSCRIPTION_ID_HEADER]).toBe("sub-1");
    expect(only?.headers[ATTEMPT_HEADER]).toBe("1");
    expect(only?.headers[DELIVERY_ID_HEADER]).toMatch(/^[0-9a-f-]{36}$/);
    expect(delivery.deliveries()).toEqual([
      {
        subscriptionId: "sub-1",
        url: `${base}/sub-1`,
        event: "AGENT_CALL_COMPLETED",
        attempt: 1,
        status: 200,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
  });

  test("dispatch returns at once: delivery happens in the background", () => {
    delivery.dispatch(AGENT_EVENTS, [subscription("sub-1")], callEvent());
    expect(delivery.deliveries()).toEqual([]);
  });
});

describe("retries", () => {
  test("a receiver failing twice gets a third attempt, intervalScale apart, with the same delivery id", async () => {
    receiver.respond = (_path, nth) => (nth <= 2 ? 500 : 204);
    delivery.dispatch(
      AGENT_EVENTS,
      [subscription("flaky", { attempts: 5, attempts_interval_seconds: 10 })],
      callEvent(),
    );
    await delivery.idle();

    const records = delivery.deliveries();
    expect(records.map((record) => [record.attempt, record.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 204],
    ]);
    // 10 s × 0.01 = 100 ms between attempts (timers may fire a millisecond early).
    for (let i = 1; i < records.length; i++) {
      const gap = Date.parse(records[i]?.at ?? "") - Date.parse(records[i - 1]?.at ?? "");
      expect(gap).toBeGreaterThanOrEqual(95);
    }
    const hits = receiver.at("/flaky");
    expect(hits.map((hit) => hit.headers[ATTEMPT_HEADER])).toEqual(["1", "2", "3"]);
    expect(new Set(hits.map((hit) => hit.headers[DELIVERY_ID_HEADER])).size).toBe(1);
  });

  test("gives up after `attempts` attempts", async () => {
    receiver.respond = () => 503;
    delivery.dispatch(AGENT_EVENTS, [subscription("down", { attempts: 2, attempts_interval_seconds: 1 })], callEvent());
    await delivery.idle();
    expect(delivery.deliveries().map((record) => [record.attempt, record.status])).toEqual([
      [1, 503],
      [2, 503],
    ]);
    expect(receiver.at("/down")).toHaveLength(2);
  });

  test("a redirect is a failure, not followed", async () => {
    receiver.respond = (_path, nth) => (nth === 1 ? 302 : 200);
    delivery.dispatch(AGENT_EVENTS, [subscription("moved", { attempts_interval_seconds: 1 })], callEvent());
    await delivery.idle();
    expect(delivery.deliveries().map((record) => record.status)).toEqual([302, 200]);
  });

  test("connection errors are recorded and retried", async () => {
    const dead = new Receiver();
    const deadUrl = await dead.listen();
    await dead.close();
    delivery.dispatch(
      AGENT_EVENTS,
      [subscription("refused", { url: `${deadUrl}/hook`, attempts: 2, attempts_interval_seconds: 1 })],
      callEvent(),
    );
    await delivery.idle();
    const records = delivery.deliveries();
    expect(records).toHaveLength(2);
    for (const record of records) {
      expect(record.status).toBeUndefined();
      expect(record.error).toMatch(/ECONNREFUSED/);
    }
  });

  test("a receiver that does not answer within timeoutMs is a failed attempt", async () => {
    await delivery.close();
    delivery = new WebhookDelivery({ intervalScale: 0.01, timeoutMs: 200 });
    receiver.hang.add("/slow");
    receiver.respond = () => 200;
    const started = Date.now();
    delivery.dispatch(AGENT_EVENTS, [subscription("slow", { attempts: 1 })], callEvent());
    await delivery.idle();
    expect(Date.now() - started).toBeLessThan(1500);
    const [record] = delivery.deliveries();
    expect(record?.status).toBeUndefined();
    expect(record?.error).toMatch(/timeout|abort/i);
  });

  test("close() cancels pending retries and waits for posts in flight", async () => {
    await delivery.close();
    delivery = new WebhookDelivery({ intervalScale: 1, timeoutMs: 2000 });
    receiver.respond = () => 500;
    delivery.dispatch(
      AGENT_EVENTS,
      [subscription("later", { attempts: 3, attempts_interval_seconds: 10 })],
      callEvent(),
    );
    const started = Date.now();
    await delivery.close();
    expect(Date.now() - started).toBeLessThan(2000);
    // The first POST was in flight and was waited for; the retry 10 s later never happens.
    expect(delivery.deliveries().map((record) => record.status)).toEqual([500]);
    delivery.dispatch(AGENT_EVENTS, [subscription("after-close")], callEvent());
    expect(receiver.at("/after-close")).toHaveLength(0);
  });

  test("cancel() ends deliveries under way: the attempt in flight is not recorded nor retried; the pool stays open", async () => {
    await delivery.close();
    delivery = new WebhookDelivery({ intervalScale: 0.01, timeoutMs: 2000 });
    receiver.respond = (path) => (path === "/before" ? 500 : 200);
    delivery.dispatch(AGENT_EVENTS, [subscription("before", { attempts: 3 })], callEvent());
    // The first POST is in flight now.
    delivery.cancel();
    await delivery.idle();
    await new Promise((resolve) => setTimeout(resolve, 3 * 100));
    expect(receiver.at("/before")).toHaveLength(1);
    expect(delivery.deliveries()).toEqual([]);
    delivery.dispatch(AGENT_EVENTS, [subscription("after")], callEvent());
    await delivery.idle();
    expect(delivery.deliveries().map((record) => [record.subscriptionId, record.status])).toEqual([["after", 200]]);
  });

  test("with a lookup, a retry stops once the subscription is gone or disabled", async () => {
    receiver.respond = () => 500;
    const current = new Map([
      ["gone", subscription("gone")],
      ["disabled", subscription("disabled")],
      ["kept", subscription("kept")],
    ]);
    delivery.dispatch(AGENT_EVENTS, [...current.values()], callEvent(), (id) => current.get(id));
    current.delete("gone");
    current.set("disabled", subscription("disabled", { status: "DISABLED" }));
    await delivery.idle();
    const attempts = (id: string) => receiver.at(`/${id}`).map((entry) => entry.headers[ATTEMPT_HEADER]);
    expect(attempts("gone")).toEqual(["1"]);
    expect(attempts("disabled")).toEqual(["1"]);
    expect(attempts("kept")).toEqual(["1", "2", "3"]);
  });
});

describe("records", () => {
  test("never carry the query string, fragment or credentials of the URL", async () => {
    receiver.respond = () => 500;
    const dead = new Receiver();
    const deadUrl = await dead.listen();
    await dead.close();
    delivery.dispatch(
      AGENT_EVENTS,
      [
        subscription("tokened", { url: `${base}/tokened?token=s3cret&x=1#frag`, attempts: 1 }),
        subscription("tokened-dead", { url: `${deadUrl.replace("//", "//user:pw@")}/h?token=s3cret`, attempts: 1 }),
      ],
      callEvent(),
    );
    await delivery.idle();
    const records = delivery.deliveries();
    expect(records).toHaveLength(2);
    expect(records.find((record) => record.subscriptionId === "tokened")?.url).toBe(`${base}/tokened`);
    expect(JSON.stringify(records)).not.toMatch(/s3cret|frag|pw@/);
    // The receiver did get the full URL.
    expect(receiver.at("/tokened")).toHaveLength(1);
  });

  test("clear() forgets them", async () => {
    delivery.dispatch(AGENT_EVENTS, [subscription("sub-1")], callEvent());
    await delivery.idle();
    expect(delivery.deliveries()).toHaveLength(1);
    delivery.clear();
    expect(delivery.deliveries()).toEqual([]);
  });

  test("withoutQuery on URLs that do not parse still cuts the query", () => {
    expect(withoutQuery("not a url?token=1")).toBe("not a url");
  });
});

function robocallBody() {
  return buildRobocallResult({
    task: {
      id: 6158,
      phone_number: "+39012345678",
      attempts: 2,
      success_criteria: "call_answered",
      status: "COMPLETED",
      created_at: "2024-08-26T13:49:28.825Z",
      updated_at: "2024-08-26T13:52:28.825Z",
    },
    configuration: { id: CONFIG, name: "Robocall - IVR with WA" },
  });
}

describe("builders", () => {
  test("AGENT_CALL_COMPLETED: every documented field, parseable by parseWebhookEvent", () => {
    const event = callEvent();
    const parsed = parseWebhookEvent(JSON.parse(JSON.stringify(event)));
    expect(parsed.type).toBe("AGENT_CALL_COMPLETED");
    for (const field of [
      "event",
      "call_id",
      "agent_id",
      "status",
      "direction",
      "origination",
      "destination",
      "duration",
      "call_recording_url",
      "general_transcription",
      "general_summary",
      "general_sentiment",
      "agent_transcription",
      "agent_summary",
      "metadata",
      "action_results",
      "initiated_at",
      "ended_at",
    ]) {
      expect(event).toHaveProperty(field);
    }
    expect(event.metadata.contact_data).toEqual({
      phone_number: "+393331234567",
      name: "Jonh",
      email: "jonh@example.com",
      timezone: "Europe/Rome",
    });
    expect(event.action_results.map((result) => result.type)).toEqual([...ACTION_TYPES]);
    expect(event.initiated_at).toBe("2025-03-31T10:17:37.000Z");
    expect(event.call_task).toBeUndefined();
  });

  test("AGENT_CALL_COMPLETED without actions, with a call task, with the call's own transcription", () => {
    const event = buildAgentCallCompletedEvent({
      call: {
        id: "c1",
        status: "COMPLETED",
        direction: "INBOUND",
        origination: "+390211111111",
        call_task_id: "task-1",
        agent_transcription: [{ ordinal: 1, speaker: "USER", text: "Hi" }],
        agent_summary: "Said hi.",
      },
      agentId: AGENT,
    });
    expect(parseWebhookEvent(event).type).toBe("AGENT_CALL_COMPLETED");
    expect(event.action_results).toEqual([]);
    expect(event.call_task).toEqual({ id: "task-1", status: "COMPLETED" });
    expect(event.agent_transcription).toEqual([{ speaker: "USER", text: "Hi" }]);
    expect(event.transcriptions).toEqual(event.agent_transcription);
    expect(event.summary).toBe("Said hi.");
    expect(event.metadata.contact_data.phone_number).toBe("+390211111111");
  });

  test("caller-supplied action ids and data are kept", () => {
    const event = buildAgentCallCompletedEvent({
      call: { id: "c2", status: "COMPLETED" },
      agentId: AGENT,
      actionResults: [
        {
          type: "CALL_FORWARDING",
          actionId: "fw-1",
          data: {
            attempts: [
              { target: "+391", child_call_id: null, status: "FAILED" },
              { target: "+392", child_call_id: "child-2", status: "INITIATED" },
            ],
          },
        },
      ],
    });
    expect(event.action_results[0]?.action_id).toBe("fw-1");
    const [action] = buildAgentActionCompletedEvents(event);
    // The action event reports the attempt the action ended with.
    expect(action?.data).toEqual({ target: "+392", child_call_id: "child-2", status: "INITIATED" });
    expect(() => parseWebhookEvent(action)).not.toThrow();
  });

  test("AGENT_ACTION_COMPLETED: one per action, per-type data, parseable by parseWebhookEvent", () => {
    const call = callEvent();
    const actions = buildAgentActionCompletedEvents(call);
    expect(actions.map((action) => action.action_type)).toEqual([...ACTION_TYPES]);
    for (const action of actions) {
      const parsed = parseWebhookEvent(JSON.stringify(action));
      expect(parsed.type).toBe("AGENT_ACTION_COMPLETED");
      expect(action.agent_id).toBe(call.agent_id);
      expect(action.call_id).toBe(call.call_id);
      expect(action.metadata).toEqual(call.metadata);
      expect(call.action_results.map((result) => result.action_id)).toContain(action.action_id);
    }
    const byType = Object.fromEntries(actions.map((action) => [action.action_type, action.data]));
    expect(byType.CALL_FORWARDING).toEqual({
      target: expect.any(String),
      child_call_id: expect.any(String),
      status: "INITIATED",
    });
    expect(byType.DATA_EXTRACTION).toEqual({ extracted_properties: [expect.objectContaining({ value: "Yes" })] });
    expect(byType.APPOINTMENT).toMatchObject({
      step: "SCHEDULING",
      success: true,
      event_data: { timezone: "Europe/Rome" },
    });
    expect(byType.WHATS_APP_MESSAGE).toMatchObject({ success: true, phone_number: "+393331234567" });
  });

  test("robocall result: the documented shape, parseable by parseWebhookEvent", () => {
    const body = robocallBody();
    expect(parseWebhookEvent(body).type).toBe("ROBOCALL_RESULT");
    expect(body).toEqual({
      robocall_id: "6158",
      robocall_name: "Robocall - IVR with WA",
      robocall_configuration_id: CONFIG,
      phone_number: "+39012345678",
      robocall_status: "completed",
      attempts: [
        { duration: 0, call_status: "unanswered", rule_names: [], labels: [], timestamp: "2024-08-26T13:52:28.825Z" },
        {
          duration: 17,
          call_status: "answered",
          rule_names: ["Office opening"],
          labels: ["Option 1"],
          timestamp: "2024-08-26T13:52:28.825Z",
        },
      ],
    });
  });
});
