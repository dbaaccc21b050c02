/**
 * One webhook URL shape for both kinds of subscription, enforced the same way by the client (before
 * sending) and by the emulator (400): the resources' preview checks are in test/reliability (WS-22...).
 */
import { RomulusClient } from "../../src/client";
import { RequestValidationError } from "../../src/client/core/errors";
import { closeConnections } from "../../src/client/core/transport";
import type { Emulator } from "../../src/emulator";
import { WEBHOOK_URL_MAX_CHARS, webhookUrl } from "../../src/models/webhook-subscriptions";
import { call, DEFAULT_API_KEY, startTestEmulator } from "../emulator/support";

const BAD: [string, string, string][] = [
  ["leading space", " https://hooks.example.com/romulus", "must not start or end with whitespace"],
  ["trailing newline", "https://hooks.example.com/romulus\n", "must not start or end with whitespace"],
  ["a tab inside", "https://hooks.example.com/rom\tulus", "must not contain control characters"],
  ["a newline inside", "https://hooks.example.com/a\nb", "must not contain control characters"],
  ["a NUL", "https://hooks.example.com/a\u0000b", "must not contain control characters"],
  ["DEL", "https://hooks.example.com/a\u007fb", "must not contain control characters"],
  [
    "too long",
    `https://hooks.example.com/${"a".repeat(WEBHOOK_URL_MAX_CHARS)}`,
    `must be at most ${WEBHOOK_URL_MAX_CHARS} characters`,
  ],
  ["user and password", "https://user:pass@hooks.example.com/romulus", "must not contain a user name or password"],
  ["a user name alone", "https://token@hooks.example.com/romulus", "must not contain a user name or password"],
  ["not a URL", "hooks.example.com/romulus", "must be an absolute http(s) URL"],
];

const GOOD = [
  "https://hooks.example.com/romulus",
  "https://hooks.example.com/romulus?token=3q2-7w_Zk9",
  "http://127.0.0.1:9000/calls?token=a@b",
  `https://hooks.example.com/${"a".repeat(WEBHOOK_URL_MAX_CHARS - 26)}`,
];

test.each(BAD)("the shared schema refuses a URL with %s", (_name, url, message) => {
  const result = webhookUrl.safeParse(url);
  expect(result.success).toBe(false);
  expect(result.error?.issues).toHaveLength(1);
  expect(result.error?.issues[0]?.message).toContain(message);
});

test.each(GOOD)("the shared schema accepts %s", (url) => {
  expect(webhookUrl.safeParse(url)).toEqual({ success: true, data: url });
});

describe("client and emulator agree", () => {
  let emu: Emulator;
  let client: RomulusClient;
  beforeAll(async () => {
    emu = await startTestEmulator();
    client = new RomulusClient({ apiKey: DEFAULT_API_KEY, endpoint: emu.url });
  });
  afterAll(async () => {
    await closeConnections();
    await emu.close();
  });

  test.each(BAD)(
    "a URL with %s: the client refuses it before sending, the emulator answers 400",
    async (_n, url, message) => {
      for (const send of [
        () => client.webhookSubscriptions.create({ event: "AGENT_CALL_COMPLETED", url }),
        () => client.callTaskWebhookSubscriptions.create({ entity_type: "robocall", url }),
      ]) {
        const error = await send().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(RequestValidationError);
        expect((error as RequestValidationError).path).toBe("url");
        expect((error as RequestValidationError).message).toContain(message);
      }
      for (const [path, body] of [
        ["/v1/webhook-subscriptions", { event: "AGENT_CALL_COMPLETED", url }],
        ["/v1/call-tasks/webhook-subscriptions", { entity_type: "robocall", url }],
      ] as const) {
        const answer = await call(emu, "POST", path, { body });
        expect(answer.status).toBe(400);
        expect(answer.text).toContain(message);
      }
    },
  );
});
