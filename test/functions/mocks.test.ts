/**
 * Under `pulumi.runtime.setMocks` (plain, as a user's unit test runs): what `pulumi preview` would refuse
 * fails the program with the provider's own message before any registration, and what it would fill in
 * is filled in; every data source is an invoke with its own token, its arguments checked before the
 * mocks see them; `romulusMocks` answers with the lookups' rules. Nothing reaches Romulus.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  CallTaskWebhookSubscription,
  Contact,
  getAgent,
  getAgents,
  getAgentsOutput,
  getOrganization,
  getOrganizationOutput,
  getRobocallConfiguration,
  getRobocallConfigurations,
  getWhatsAppBot,
  getWhatsAppBots,
  getWhatsAppTemplate,
  getWhatsAppTemplateOutput,
  Provider,
  WebhookSubscription,
} from "../../src";
import { romulusMocks } from "../../src/testing";
import { trapProcessFailures } from "../harness/program";
import { restoreEnv, setEnv } from "./support";

const created: pulumi.runtime.MockResourceArgs[] = [];
const calls: pulumi.runtime.MockCallArgs[] = [];

/** Mocks that record what they see and echo it, as most unit tests' mocks do. */
const echo: pulumi.runtime.Mocks = {
  newResource: (args) => {
    created.push(args);
    return { id: `${args.name}-id`, state: args.inputs };
  },
  call: (args) => {
    calls.push(args);
    return { ...args.inputs, answered: args.token };
  },
};

/** An Output's value, or its failure: the SDK's own promise of it. */
function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

/**
 * Runs `declare` and answers the program's failures: what Pulumi reports as a failed program (a failed
 * registration, a failed Output, are unhandled rejections, by the SDK's design), once `declared` settled.
 */
async function programFailures<T>(
  declare: () => T,
  declared: (value: T) => Promise<unknown> = (r) => settled((r as pulumi.Resource).urn),
): Promise<string[]> {
  const failures: unknown[] = [];
  const restore = trapProcessFailures((error) => failures.push(error));
  try {
    await declared(declare()).catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    restore();
  }
  return [...new Set(failures.map((f) => (f instanceof Error ? f.message : String(f))))];
}

beforeEach(async () => {
  created.length = 0;
  calls.length = 0;
  // No key and no endpoint anywhere: a real lookup would fail, so any answer comes from the mocks.
  setEnv({});
  await pulumi.runtime.setMocks(echo);
});
afterEach(() => restoreEnv());

describe("resources: the check pulumi preview runs", () => {
  test.each([
    [
      "a phone not in E.164",
      () => new Contact("ada", { firstName: "Ada", phones: [{ number: "0207 123 4567" }] }),
      'Contact "ada": phones[0].number must be a phone number in E.164 format, e.g. +39012345678',
    ],
    [
      "attempts: 0",
      () =>
        new WebhookSubscription("hook", { event: "AGENT_CALL_COMPLETED", url: "https://h.example.com", attempts: 0 }),
      'WebhookSubscription "hook": attempts must be a whole number, at least 1',
    ],
    [
      "a URL without a scheme",
      () => new CallTaskWebhookSubscription("robocalls", { url: "hooks.example.com/robocalls" }),
      'CallTaskWebhookSubscription "robocalls": url must be an absolute http(s) URL',
    ],
    [
      "a misspelt property",
      () =>
        new WebhookSubscription("hook", {
          event: "AGENT_CALL_COMPLETED",
          url: "https://h.example.com",
          eventType: "x",
        } as never),
      'WebhookSubscription "hook": WebhookSubscription has no property "eventType"',
    ],
  ])("%s fails the program with the provider's message, and nothing is registered", async (_what, declare, message) => {
    const failures = await programFailures<pulumi.Resource>(declare);
    expect(failures).toEqual([expect.stringContaining(message)]);
    expect(created).toEqual([]);
  });

  test("every failure of a resource is in the message, once values given as Outputs are known", async () => {
    const later = new Promise<string>((resolve) => setImmediate(() => resolve("ada@")));
    const failures = await programFailures(
      () =>
        new Contact("ada", {
          firstName: pulumi.output(" "),
          emails: [{ email: pulumi.output(later) }],
        }),
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain(
      'Contact "ada": firstName must not be empty; emails[0].email must be a valid email address, e.g. jane@example.com',
    );
  });

  test("the mocks see the inputs as the provider's check hands them on: defaults filled in", async () => {
    const hook = new WebhookSubscription("hook", {
      event: "AGENT_ACTION_COMPLETED",
      url: pulumi.secret("https://hooks.example.com/x?token=t"),
    });
    const ada = new Contact("ada", { firstName: "Ada", phones: [{ number: "+442071234567" }], tags: ["vip", "a"] });
    expect(await settled(hook.attempts)).toBe(3);
    expect(await settled(ada.phones)).toEqual([{ number: "+442071234567", label: "OTHER" }]);
    expect(created.map((r) => [r.name, r.inputs])).toEqual([
      [
        "hook",
        expect.objectContaining({
          // Secret inputs reach the mocks wrapped as secrets, as Pulumi hands them over.
          url: expect.objectContaining({ value: "https://hooks.example.com/x?token=t" }),
          status: "ACTIVE",
          attempts: 3,
          attemptsIntervalSeconds: 10,
          specifications: {},
        }),
      ],
      ["ada", expect.objectContaining({ phones: [{ number: "+442071234567", label: "OTHER" }], tags: ["a", "vip"] })],
    ]);
    // A secret input stays a secret output.
    expect(await pulumi.isSecret(hook.url)).toBe(true);
    expect(await pulumi.isSecret(hook.attempts)).toBe(false);
  });

  test("during a preview an input not yet known stays unknown, and the others are still checked", async () => {
    await pulumi.runtime.setMocks(echo, "project", "stack", true);
    const failures = await programFailures(
      () =>
        new WebhookSubscription("hook", {
          event: "AGENT_CALL_COMPLETED",
          url: "not a url",
          entityType: "AGENT",
          entityId: pulumi.unknown as unknown as string,
        }),
    );
    expect(failures).toEqual([expect.stringContaining('WebhookSubscription "hook": url must be an absolute')]);
  });

  test("a static get is not checked: it has no inputs", async () => {
    const existing = Contact.get("existing", "contact-1");
    expect(await settled(existing.id)).toBe("contact-1");
  });
});

describe("data sources: the mocks' call, by token", () => {
  test("each data source sends its own token with its arguments, plain and Output alike", async () => {
    await getAgent({ name: "Sales Agent" });
    await getAgents({ type: "OUTBOUND" }).catch(() => undefined);
    await getWhatsAppBot({ id: "bot-1" });
    await getWhatsAppBots();
    await getWhatsAppTemplate({ botName: "Sales WA bot", name: "welcome", language: "it" });
    await getRobocallConfiguration({ name: "Payment reminder" });
    await getRobocallConfigurations();
    await getOrganization();
    await settled(getWhatsAppTemplateOutput({ botId: pulumi.output("bot-1"), name: "welcome" }));
    await settled(getOrganizationOutput());
    expect(calls.map((c) => [c.token, c.inputs])).toEqual([
      ["romulus:index:getAgent", { name: "Sales Agent" }],
      ["romulus:index:getAgents", { type: "OUTBOUND" }],
      ["romulus:index:getWhatsAppBot", { id: "bot-1" }],
      ["romulus:index:getWhatsAppBots", {}],
      ["romulus:index:getWhatsAppTemplate", { botName: "Sales WA bot", name: "welcome", language: "it" }],
      ["romulus:index:getRobocallConfiguration", { name: "Payment reminder" }],
      ["romulus:index:getRobocallConfigurations", {}],
      ["romulus:index:getOrganization", {}],
      ["romulus:index:getWhatsAppTemplate", { botId: "bot-1", name: "welcome" }],
      ["romulus:index:getOrganization", {}],
    ]);
  });

  test("arguments that would fail before any request fail before the mocks see them", async () => {
    await expect(getAgent({})).rejects.toThrow("getAgent: pass exactly one of `id` and `name` (got neither)");
    await expect(getWhatsAppTemplate({ botName: "b", name: "" })).rejects.toThrow(
      "getWhatsAppTemplate: `name` must be a non-empty string",
    );
    expect(calls).toEqual([]);
  });

  test("an explicit Provider reaches the mocks as the call's provider", async () => {
    const sales = new Provider("sales", { apiKey: "k", endpoint: "https://api.example.com" });
    await getAgent({ name: "Sales Agent" }, { provider: sales });
    expect(calls[0]?.provider).toMatch(/::sales::/);
  });
});

describe("romulusMocks", () => {
  beforeEach(async () => {
    await pulumi.runtime.setMocks(
      romulusMocks({
        agents: [
          { id: "a1", name: "Sales Agent", type: "OUTBOUND", status: "CONFIGURED" },
          { id: "a2", name: "Night Agent", type: "SCHEDULED" },
        ],
        whatsAppBots: [
          {
            id: "b1",
            name: "Sales WA bot",
            templates: [
              { id: "t-en", name: "welcome", language: "en" },
              { id: "t-it", name: "welcome", language: "it" },
            ],
          },
        ],
        organizationId: "org-test",
      }),
    );
  });

  test("answers with the lookups' own matching and messages", async () => {
    expect((await getWhatsAppTemplate({ botName: "Sales WA bot", name: "welcome", language: "IT" })).id).toBe("t-it");
    await expect(getWhatsAppTemplate({ botName: "Sales WA bot", name: "welcome" })).rejects.toThrow(
      "exists in 2 languages: en, it",
    );
    expect(await getOrganization()).toEqual({ organizationId: "org-test" });
    expect((await getAgents({ type: "outbound" })).agents.map((a) => a.id)).toEqual(["a1"]);
  });

  test("an enum filter's value must be documented or held by an agent", async () => {
    // SCHEDULED is no documented type, but an agent has it: the API has grown a value.
    expect((await getAgents({ type: "SCHEDULED" })).agents.map((a) => a.id)).toEqual(["a2"]);
    await expect(getAgents({ type: "OUTBOUD" })).rejects.toThrow(
      'getAgents: `type` "OUTBOUD" is not one of INBOUND, OUTBOUND, SCHEDULED (compared ignoring case)',
    );
    const failures = await programFailures(
      () => getAgentsOutput({ status: "CONFIGURD" }),
      (output) => settled(output),
    );
    expect(failures).toEqual([
      'getAgents: `status` "CONFIGURD" is not one of CONFIGURED, DRAFT (compared ignoring case)',
    ]);
  });

  test("registers resources with their checked inputs as outputs", async () => {
    const hook = new WebhookSubscription("hook", { event: "AGENT_CALL_COMPLETED", url: "https://h.example.com" });
    expect(await settled(hook.id)).toBe("hook-id");
    expect(await settled(hook.attemptsIntervalSeconds)).toBe(10);
  });
});
