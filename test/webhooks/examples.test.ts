import { parseWebhookEvent, type WebhookEvent } from "../../src/webhooks";
import { FIXTURES, fixture, fixtureText } from "./helpers";

/** Narrows to one kind of event, failing the test (not just the type) if it is another. */
function expectType<T extends WebhookEvent["type"]>(event: WebhookEvent, type: T): Extract<WebhookEvent, { type: T }> {
  expect(event.type).toBe(type);
  return event as Extract<WebhookEvent, { type: T }>;
}

describe("every webhook example of the vendor reference parses", () => {
  test.each(FIXTURES)("%s, as an object, a JSON string and a Buffer, to the same result", (name) => {
    const fromObject = parseWebhookEvent(fixture(name));
    expect(parseWebhookEvent(fixtureText(name))).toEqual(fromObject);
    expect(parseWebhookEvent(Buffer.from(fixtureText(name), "utf8"))).toEqual(fromObject);
    // Nothing is dropped: the body is kept in the vendor's shape.
    expect(fromObject.data).toEqual(fixture(name));
  });
});

describe("AGENT_CALL_COMPLETED example", () => {
  const event = expectType(parseWebhookEvent(fixture("agent-call-completed")), "AGENT_CALL_COMPLETED");
  const { data } = event;

  test("call fields", () => {
    expect(data).toMatchObject({
      event: "AGENT_CALL_COMPLETED",
      call_id: "b4d8cb59-a2c0-4424-9201-5e36981c2223",
      agent_id: "950c3899-d6b2-45d9-b8df-724a6c614c5e",
      status: "COMPLETED",
      direction: "OUTBOUND",
      origination: "+39----------",
      duration: 70,
      general_sentiment: 80,
      ended_at: "2025-03-31T10:18:47Z",
      initiated_at: "2025-03-31T10:17:36.696603Z",
    });
    expect(data.agent_transcription).toEqual([
      { speaker: "USER", text: "Hello." },
      { speaker: "AGENT", text: "Hello, I'm an AI assistant. How can I help you?" },
    ]);
    expect(data.agent_summary).toMatch(/^The caller contacted the assistant/);
    expect(data.metadata?.contact_data?.timezone).toBe("Europe/Rome");
    expect(data.metadata?.contact_data?.phone_number).toBe("+39---------");
    expect(data.call_task).toBeUndefined();
  });

  test("action_results are narrowed by type", () => {
    const results = data.action_results ?? [];
    expect(results.map((result) => result.type)).toEqual([
      "CALL_FORWARDING",
      "WHATS_APP_MESSAGE",
      "APPOINTMENT",
      "DATA_EXTRACTION",
    ]);
    const seen: string[] = [];
    for (const result of results) {
      // Each branch reads fields only its own type has: this is what the discriminated union buys.
      switch (result.type) {
        case "CALL_FORWARDING":
          expect(result.data.attempts[0]).toEqual({
            target: "39-------",
            child_call_id: "05647ef8-50cb-4fa7-93c0-83ce3eddb45c",
            status: "INITIATED",
          });
          break;
        case "WHATS_APP_MESSAGE": {
          const log = result.data.send_message_result_logs[0];
          expect(log?.success).toBe(true);
          expect(log?.extracted_properties?.[0]?.key).toBe(
            "Sei soddisfatto dell'ultimo intervento di spurgo effettuato?",
          );
          expect(log?.message_components?.map((component) => component.type)).toEqual([
            "header",
            "body",
            "footer",
            "buttons",
          ]);
          expect(log?.message_components?.[1]?.text).toContain("\u{1F64C}");
          expect(log?.message_components?.[3]?.buttons?.[0]).toEqual({ type: "url", text: "DEMO", url: "https://..." });
          break;
        }
        case "APPOINTMENT":
          expect(result.data.appointment_entries.map((entry) => entry.step)).toEqual(["AVAILABILITY", "SCHEDULING"]);
          expect(result.data.appointment_entries[1]?.event_data?.start).toEqual({ date: "2025-03-31", time: "15:00" });
          break;
        case "DATA_EXTRACTION":
          expect(result.data.extracted_properties).toEqual([
            { description: "Sei soddisfatto dell'ultimo intervento di spurgo effettuato?", value: "Si" },
          ]);
          break;
      }
      seen.push(result.type);
    }
    expect(seen).toHaveLength(4);
  });
});

describe("AGENT_ACTION_COMPLETED examples", () => {
  const common = {
    event: "AGENT_ACTION_COMPLETED",
    action_id: "b58c4ba0-b6cf-4e3c-8114-ae2c94aa6890",
    agent_id: "df08ca35-552c-4e02-b922-d4f9bfbe6213",
    call_id: "42768ebf-7a3f-4414-9bb4-d7244ff59583",
  };

  test("CALL_FORWARDING: data is a single attempt", () => {
    const { data } = expectType(
      parseWebhookEvent(fixture("agent-action-completed-call-forwarding")),
      "AGENT_ACTION_COMPLETED",
    );
    expect(data).toMatchObject({ ...common, action_type: "CALL_FORWARDING" });
    expect(data.metadata?.contact_data?.name).toBe("Jonh");
    if (data.action_type !== "CALL_FORWARDING") throw new Error("narrowing");
    expect(data.data).toEqual({
      target: "+39--------",
      child_call_id: "b3fa49d6-863c-49bd-8774-f65f80dad02b",
      status: "INITIATED",
    });
  });

  test("DATA_EXTRACTION: data lists the extracted properties", () => {
    const { data } = expectType(
      parseWebhookEvent(fixture("agent-action-completed-data-extraction")),
      "AGENT_ACTION_COMPLETED",
    );
    expect(data).toMatchObject({ ...common, action_type: "DATA_EXTRACTION" });
    if (data.action_type !== "DATA_EXTRACTION") throw new Error("narrowing");
    expect(data.data.extracted_properties[0]?.value).toBe("Si");
  });

  test("WHATS_APP_MESSAGE: data is a single send attempt", () => {
    const { data } = expectType(
      parseWebhookEvent(fixture("agent-action-completed-whats-app-message")),
      "AGENT_ACTION_COMPLETED",
    );
    expect(data).toMatchObject({ ...common, action_type: "WHATS_APP_MESSAGE" });
    if (data.action_type !== "WHATS_APP_MESSAGE") throw new Error("narrowing");
    expect(data.data.success).toBe(true);
    expect(data.data.phone_number).toBe("+39...");
    expect(data.data.attempted_at).toBe("2025-03-31T10:18:47Z");
    expect(data.data.message_components).toHaveLength(4);
  });

  test("APPOINTMENT: data is a single SCHEDULING step", () => {
    const { data } = expectType(
      parseWebhookEvent(fixture("agent-action-completed-appointment")),
      "AGENT_ACTION_COMPLETED",
    );
    expect(data).toMatchObject({ ...common, action_type: "APPOINTMENT" });
    if (data.action_type !== "APPOINTMENT") throw new Error("narrowing");
    expect(data.data.step).toBe("SCHEDULING");
    expect(data.data.success).toBe(true);
    expect(data.data.event_data).toEqual({
      id: "event_id",
      url: "https://...",
      start: { date: "2025-03-31", time: "15:00" },
      end: { date: "2025-03-31", time: "16:00" },
      timezone: "Europe/Rome",
    });
  });
});

describe("robocall result example (call task webhook body)", () => {
  test("is recognised without an event field", () => {
    const { data } = expectType(parseWebhookEvent(fixture("robocall-result")), "ROBOCALL_RESULT");
    expect(data).toEqual({
      robocall_id: "12347",
      robocall_name: "Robocall - IVR with WA",
      robocall_configuration_id: "93451f38-5b14-4140-b6d4-8c6ee6aa0ce5",
      phone_number: "+39012345678",
      robocall_status: "completed",
      attempts: [
        {
          duration: 17,
          call_status: "answered",
          rule_names: ["Office opening"],
          labels: ["Option 1"],
          timestamp: "2024-08-26T13:49:28.825Z",
        },
      ],
    });
  });
});
