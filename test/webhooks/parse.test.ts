import fc from "fast-check";
import * as models from "../../src/models";
import {
  ACTION_TYPES,
  agentCallCompletedEventSchema,
  contactDataSchema,
  EVENT_TYPES,
  parseWebhookEvent,
  transcriptionSchema,
  type WebhookEvent,
  WebhookEventError,
} from "../../src/webhooks";
import { fixture } from "./helpers";

/** Runs the parser expecting a WebhookEventError, and returns it for inspection. */
function rejection(body: unknown): WebhookEventError {
  try {
    parseWebhookEvent(body);
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookEventError);
    return error as WebhookEventError;
  }
  throw new Error("expected parseWebhookEvent to throw");
}

function callData(event: WebhookEvent) {
  if (event.type !== "AGENT_CALL_COMPLETED") throw new Error(`expected a call event, got ${event.type}`);
  return event.data;
}

describe("deprecated aliases", () => {
  const turns = [
    { speaker: "USER", text: "Hi" },
    { speaker: "AGENT", text: "Hello!" },
  ];

  test("transcriptions and summary alone fill agent_transcription and agent_summary, and are kept", () => {
    const body = fixture("agent-call-completed");
    delete body.agent_transcription;
    delete body.agent_summary;
    body.transcriptions = turns;
    body.summary = "old summary";
    const data = callData(parseWebhookEvent(body));
    expect(data.agent_transcription).toEqual(turns);
    expect(data.agent_summary).toBe("old summary");
    expect(data.transcriptions).toEqual(turns);
    expect(data.summary).toBe("old summary");
  });

  test("the modern fields win when both are present", () => {
    const body = fixture("agent-call-completed");
    body.transcriptions = turns;
    body.summary = "old summary";
    const data = callData(parseWebhookEvent(body));
    expect(data.agent_transcription).toHaveLength(2);
    expect(data.agent_transcription?.[0]?.text).toBe("Hello.");
    expect(data.agent_summary).toMatch(/^The caller contacted the assistant/);
  });

  test("null modern fields are filled from the deprecated ones", () => {
    const data = callData(
      parseWebhookEvent({
        event: "AGENT_CALL_COMPLETED",
        call_id: "c",
        agent_id: "a",
        agent_transcription: null,
        agent_summary: null,
        transcriptions: turns,
        summary: "s",
      }),
    );
    expect(data.agent_transcription).toEqual(turns);
    expect(data.agent_summary).toBe("s");
  });

  test("the caller's object is not modified", () => {
    const body = { event: "AGENT_CALL_COMPLETED", call_id: "c", agent_id: "a", summary: "s" };
    parseWebhookEvent(body);
    expect(body).toEqual({ event: "AGENT_CALL_COMPLETED", call_id: "c", agent_id: "a", summary: "s" });
  });
});

describe("leniency", () => {
  test("unknown fields are tolerated and kept, at every level", () => {
    const body = fixture("agent-call-completed");
    body.new_top_level = { nested: true };
    const results = body.action_results as Array<Record<string, unknown> & { data: Record<string, unknown> }>;
    results[0]!.extra = 1;
    results[0]!.data.extra = "x";
    (body.metadata as Record<string, unknown>).external_metadata = { crm_id: "42" };
    const data = callData(parseWebhookEvent(body)) as Record<string, unknown>;
    expect(data.new_top_level).toEqual({ nested: true });
    expect(data.metadata).toMatchObject({ external_metadata: { crm_id: "42" } });
    expect((data.action_results as unknown[])[0]).toMatchObject({ extra: 1, data: { extra: "x" } });
  });

  test("only the identifying fields are needed for a call event; optional ones may be null", () => {
    const data = callData(
      parseWebhookEvent({
        event: "AGENT_CALL_COMPLETED",
        call_id: "c",
        agent_id: "a",
        call_recording_url: null,
        status: "NO_ANSWER",
        direction: "SOMETHING_NEW",
      }),
    );
    expect(data.call_recording_url).toBeNull();
    expect(data.status).toBe("NO_ANSWER");
  });

  test("call_task is read when present; an integer id is kept as a string", () => {
    const body = fixture("agent-call-completed");
    body.call_task = { id: 6158, status: "COMPLETED" };
    expect(callData(parseWebhookEvent(body)).call_task).toEqual({ id: "6158", status: "COMPLETED" });
  });

  test("a robocall body with an integer robocall_id and only its identifiers", () => {
    const event = parseWebhookEvent({ robocall_id: 12347, robocall_configuration_id: "cfg" });
    expect(event).toEqual({
      type: "ROBOCALL_RESULT",
      data: { robocall_id: "12347", robocall_configuration_id: "cfg" },
    });
  });

  test("contact data and transcription turns, the API's own shapes, stay lenient here", () => {
    const body = fixture("agent-call-completed");
    const metadata = body.metadata as { contact_data: Record<string, unknown> };
    // The call task's custom fields come back with the contact data; unknown ones are kept; null is unset.
    Object.assign(metadata.contact_data, { custom_1: "vip", loyalty: "gold", email: null });
    body.agent_transcription = [
      { ordinal: 0, speaker: "USER", text: "Hi" },
      { ordinal: null, speaker: "NARRATOR", text: "(music)", confidence: 0.9 },
    ];
    const data = callData(parseWebhookEvent(body));
    expect(data.metadata?.contact_data).toMatchObject({ custom_1: "vip", loyalty: "gold", email: null });
    expect(data.metadata?.contact_data?.phone_number).toBe("+39---------");
    expect(data.agent_transcription?.[1]).toEqual({
      ordinal: null,
      speaker: "NARRATOR",
      text: "(music)",
      confidence: 0.9,
    });
  });

  test("input forms: a BOM-prefixed string, a Uint8Array and an ArrayBuffer", () => {
    const text = JSON.stringify(fixture("robocall-result"));
    const bytes = new TextEncoder().encode(text);
    expect(parseWebhookEvent(`\uFEFF${text}`).type).toBe("ROBOCALL_RESULT");
    expect(parseWebhookEvent(bytes).type).toBe("ROBOCALL_RESULT");
    expect(parseWebhookEvent(bytes.buffer).type).toBe("ROBOCALL_RESULT");
  });
});

describe("failures name the field and what was expected", () => {
  test("missing call_id", () => {
    const body = fixture("agent-call-completed");
    delete body.call_id;
    const error = rejection(body);
    expect(error.message).toBe("invalid webhook event: call_id: missing (expected a string)");
    expect(error.issues).toEqual([{ path: "call_id", message: "missing (expected a string)" }]);
  });

  test("empty agent_id", () => {
    expect(rejection({ event: "AGENT_CALL_COMPLETED", call_id: "c", agent_id: "" }).message).toBe(
      "invalid webhook event: agent_id: must not be empty",
    );
  });

  test("wrong action_type", () => {
    const body = fixture("agent-action-completed-call-forwarding");
    body.action_type = "SMS";
    expect(rejection(body).message).toBe(
      'invalid webhook event: action_type: expected one of CALL_FORWARDING, DATA_EXTRACTION, WHATS_APP_MESSAGE, APPOINTMENT, got "SMS"',
    );
  });

  test("missing action_type", () => {
    const body = fixture("agent-action-completed-call-forwarding");
    delete body.action_type;
    expect(rejection(body).message).toMatch(/^invalid webhook event: action_type: missing \(expected one of /);
  });

  test("data of the wrong shape for its action_type", () => {
    // DATA_EXTRACTION's data sent under CALL_FORWARDING.
    const body = fixture("agent-action-completed-call-forwarding");
    body.data = fixture("agent-action-completed-data-extraction").data;
    const error = rejection(body);
    expect(error.message).toBe(
      "invalid webhook event: data.target: missing (expected a string); data.status: missing (expected a string)",
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(["data.target", "data.status"]);
  });

  test("the call event's action_results entry of the wrong shape", () => {
    const body = fixture("agent-call-completed");
    const results = body.action_results as Array<{ data: Record<string, unknown> }>;
    results[1]!.data = { attempts: "none" };
    results[0]!.data.attempts = "none";
    const error = rejection(body);
    expect(error.message).toContain("action_results.0.data.attempts: expected an array, got a string");
    expect(error.message).toContain("action_results.1.data.send_message_result_logs: missing (expected an array)");
  });

  test("an unknown type in action_results", () => {
    const body = fixture("agent-call-completed");
    (body.action_results as Array<Record<string, unknown>>)[2]!.type = "SMS";
    expect(rejection(body).message).toMatch(
      /^invalid webhook event: action_results\.2\.type: expected one of .*got "SMS"$/,
    );
  });

  test("a robocall body without its configuration id", () => {
    const body = fixture("robocall-result");
    delete body.robocall_configuration_id;
    expect(rejection(body).message).toBe(
      "invalid webhook event: robocall_configuration_id: missing (expected a string)",
    );
  });

  test("wrong types name what they got, never the value", () => {
    const body = fixture("agent-call-completed");
    body.duration = "seventy";
    body.agent_transcription = [{ speaker: "USER" }];
    expect(rejection(body).message).toBe(
      "invalid webhook event: duration: expected a number, got a string; agent_transcription.0.text: missing (expected a string)",
    );
  });

  test("invalid JSON string", () => {
    const error = rejection('{"event": "AGENT_CALL_COMPLETED", "call_id": ');
    expect(error.message).toMatch(
      /^invalid webhook event: body is not valid JSON( \(syntax error at position \d+\))?$/,
    );
    expect(error.message).not.toContain("AGENT_CALL_COMPLETED");
  });

  test("invalid JSON in a Buffer, and bytes that are not UTF-8", () => {
    expect(rejection(Buffer.from("not json")).message).toMatch(/^invalid webhook event: body is not valid JSON/);
    expect(rejection(Buffer.from([0x7b, 0xff, 0x7d])).message).toBe("invalid webhook event: body is not valid UTF-8");
  });

  test("empty body", () => {
    expect(rejection("").message).toBe("invalid webhook event: body is empty, expected a JSON object");
    expect(rejection(Buffer.alloc(0)).message).toBe("invalid webhook event: body is empty, expected a JSON object");
  });

  test("a body that is not an object", () => {
    expect(rejection("[1,2]").message).toBe("invalid webhook event: expected a JSON object, got an array");
    expect(rejection(null).message).toBe("invalid webhook event: expected a JSON object, got null");
    expect(rejection(42).message).toBe("invalid webhook event: expected a JSON object, got a number");
  });

  test("unknown event", () => {
    const error = rejection({ event: "FOO", call_id: "c" });
    expect(error.message).toBe(
      'invalid webhook event: unknown event "FOO": expected AGENT_CALL_COMPLETED or AGENT_ACTION_COMPLETED (or a robocall result body)',
    );
    expect(error.issues[0]?.path).toBe("event");
  });

  test("no event and not a robocall body", () => {
    expect(rejection({ call_id: "c" }).message).toBe(
      'invalid webhook event: missing "event": expected AGENT_CALL_COMPLETED or AGENT_ACTION_COMPLETED (or a robocall result body)',
    );
    expect(rejection({ event: 3 }).message).toMatch(/^invalid webhook event: event: expected a string, /);
  });

  test("a long unknown event name is cut short", () => {
    const message = rejection({ event: "X".repeat(10_000) }).message;
    expect(message.length).toBeLessThan(200);
  });
});

describe("properties", () => {
  test("any JSON value or string either parses or throws a WebhookEventError", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string(), fc.json()), (body) => {
        try {
          parseWebhookEvent(body);
        } catch (error) {
          if (!(error instanceof WebhookEventError)) throw error;
        }
      }),
    );
  });

  test("extra fields never prevent parsing, and the message never quotes a field's value", () => {
    // Any name but the documented ones, whose values must have their documented types.
    const documented = new Set(Object.keys(agentCallCompletedEventSchema.shape));
    const key = fc.string({ minLength: 1 }).filter((name) => !documented.has(name) && !(name in {}));
    fc.assert(
      fc.property(fc.dictionary(key, fc.jsonValue()), fc.string({ minLength: 12 }), (extra, secret) => {
        const body = { ...fixture("agent-call-completed"), ...extra };
        expect(parseWebhookEvent(body).type).toBe("AGENT_CALL_COMPLETED");
        const error = rejection({ ...body, call_id: undefined, duration: secret, general_summary: secret });
        expect(error.message).not.toContain(secret);
      }),
    );
  });
});

describe("defined once, with the API models", () => {
  test("event and action types, contact data and transcription turns come from src/models", () => {
    expect(EVENT_TYPES).toBe(models.WEBHOOK_EVENTS);
    expect(ACTION_TYPES).toBe(models.ACTION_TYPES);
    expect(transcriptionSchema).toBe(models.transcriptionTurn);
    expect(Object.keys(contactDataSchema.shape).sort()).toEqual(
      [...Object.keys(models.contactData.shape), "phone_number"].sort(),
    );
  });
});

describe("hostile bodies: bounded work", () => {
  const badAction = { action_type: "APPOINTMENT", action_id: 7 };

  test("a million bad action results are refused by the array bound, with one issue and no item checked", () => {
    const body = fixture("agent-call-completed");
    body.action_results = Array.from({ length: 1_000_000 }, () => badAction);
    const error = rejection(body);
    expect(error.issues).toEqual([{ path: "action_results", message: "must have at most 1000 items" }]);
  });

  test("within the bound, checking stops after three invalid items and says how many were left", () => {
    const body = fixture("agent-call-completed");
    body.action_results = Array.from({ length: 1_000 }, () => badAction);
    const error = rejection(body);
    const paths = error.issues.map((issue) => issue.path);
    expect(new Set(paths.map((path) => path.split(".").slice(0, 2).join(".")))).toEqual(
      new Set(["action_results.0", "action_results.1", "action_results.2", "action_results"]),
    );
    expect(error.issues.at(-1)).toEqual({
      path: "action_results",
      message: "3 items are invalid; the other 997 were not checked",
    });
    expect(error.message).toContain("action_results.0.");
  });

  test("a transcript of 15,000 turns, a four-hour call's worth, is accepted; 20,001 turns are not", () => {
    const body = fixture("agent-call-completed");
    body.agent_transcription = Array.from({ length: 15_000 }, (_, i) => ({
      speaker: i % 2 ? "USER" : "AGENT",
      text: "ok",
    }));
    expect(callData(parseWebhookEvent(body)).agent_transcription).toHaveLength(15_000);
    body.agent_transcription = Array.from({ length: 20_001 }, () => ({ speaker: "USER", text: "ok" }));
    expect(rejection(body).issues).toEqual([{ path: "agent_transcription", message: "must have at most 20000 items" }]);
  });

  test("nested arrays are bounded too (extracted properties of an action's data)", () => {
    const body = fixture("agent-action-completed-data-extraction");
    const error = rejection({ ...body, data: { extracted_properties: Array.from({ length: 5_000 }, () => ({})) } });
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.message).toBe("must have at most 1000 items");
  });
});
