/**
 * Where lookups get their key and endpoint, inside Pulumi programs run under `setMocks` (runProgram):
 * the stack configuration (a secret key included), the environment variables, an explicit Provider (given
 * directly or through a parent), and the `…Output` variants with their results exported.
 */
import * as pulumi from "@pulumi/pulumi";
import { MISSING_KEY_MESSAGE } from "../../src/config";
import { DEFAULT_API_KEY, DEFAULT_ORGANIZATION_ID, SECOND_API_KEY, SECOND_ORGANIZATION_ID } from "../../src/emulator";
import {
  getAgent,
  getAgentOutput,
  getAgentsOutput,
  getOrganization,
  getOrganizationOutput,
  getRobocallConfigurationOutput,
  getRobocallConfigurationsOutput,
  getWhatsAppBotOutput,
  getWhatsAppBotsOutput,
  getWhatsAppTemplateOutput,
} from "../../src/functions";
import { Provider } from "../../src/resources/provider";
import { runProgram } from "../harness/program";
import { failure, LIST_AGENTS, programFailure, setEnv, useEmulator } from "./support";

const emulator = useEmulator();
const idOf = (org: string, kind: string, name: string): string => {
  const found = emulator.server.objects(org, kind).find((o) => o.name === name);
  if (!found) throw new Error(`the seed has no ${kind} ${name} in ${org}`);
  return String(found.id);
};
const templateId = (org: string, bot: string, name: string, language: string): string => {
  const templates = (emulator.server.objects(org, "whatsapp-bots").find((b) => b.name === bot)?.templates ?? []) as {
    id: string;
    name: string;
    language: string;
  }[];
  const found = templates.find((t) => t.name === name && t.language === language);
  if (!found) throw new Error(`the seed has no template ${name} (${language}) in ${bot} of ${org}`);
  return found.id;
};

test("the stack configuration, with a secret key, wins over the environment variables", async () => {
  // The environment says: second organization. The stack says: default organization.
  setEnv({ apiKey: SECOND_API_KEY, endpoint: emulator.server.url });
  const warn = jest.spyOn(pulumi.log, "warn");
  try {
    const result = await runProgram(
      async () => {
        const plain = await getAgent({ name: "Sales Agent" });
        return { plainId: plain.id, org: (await getOrganization()).organizationId };
      },
      { config: { "romulus:endpoint": emulator.server.url }, secretConfig: { "romulus:apiKey": DEFAULT_API_KEY } },
    );
    expect(result.exports).toEqual({
      plainId: idOf(DEFAULT_ORGANIZATION_ID, "agents", "Sales Agent"),
      org: DEFAULT_ORGANIZATION_ID,
    });
    expect(result.secretConfigKeys).toEqual(["romulus:apiKey"]);
    // Reading the secret key neither warned nor leaked it into anything exported.
    expect(warn).not.toHaveBeenCalled();
    expect(JSON.stringify(result.exportsWire)).not.toContain(DEFAULT_API_KEY);
  } finally {
    warn.mockRestore();
  }
});

test("without stack configuration, the environment variables", async () => {
  setEnv({ apiKey: SECOND_API_KEY, endpoint: emulator.server.url });
  const result = await runProgram(() => ({ agent: getAgentOutput({ name: "Sales Agent" }).id }));
  expect(result.exports.agent).toBe(idOf(SECOND_ORGANIZATION_ID, "agents", "Sales Agent"));
});

test("every …Output variant resolves in a program run and its result is exported, not secret", async () => {
  const program = () => ({
    agent: getAgentOutput({ name: pulumi.output("Sales Agent") }),
    outbound: getAgentsOutput({ type: "OUTBOUND" }).apply((r) => r.agents.map((a) => a.name).sort()),
    bot: getWhatsAppBotOutput({ name: "Support WA bot" }).apply((b) => ({ id: b.id, templates: b.templates.length })),
    bots: getWhatsAppBotsOutput().apply((r) => r.bots.length),
    template: getWhatsAppTemplateOutput({ botName: "Sales WA bot", name: "welcome_message", language: "it" }).id,
    robocall: getRobocallConfigurationOutput({ name: "Payment reminder" }).retryConfig,
    robocalls: getRobocallConfigurationsOutput().apply((r) => r.configurations.length),
    org: getOrganizationOutput().organizationId,
  });
  const options = {
    config: { "romulus:endpoint": emulator.server.url },
    secretConfig: { "romulus:apiKey": DEFAULT_API_KEY },
  };
  setEnv({});
  const org = DEFAULT_ORGANIZATION_ID;
  const expected = {
    agent: expect.objectContaining({ id: idOf(org, "agents", "Sales Agent"), outboundCli: "+39020202020202" }),
    outbound: ["Appointment Agent", "Sales Agent"],
    bot: { id: idOf(org, "whatsapp-bots", "Support WA bot"), templates: 1 },
    bots: 2,
    template: templateId(org, "Sales WA bot", "welcome_message", "it"),
    robocall: {
      strategy: "dynamic_delay",
      attempts: [
        { attempt: 1, delaySec: 0 },
        { attempt: 2, delaySec: 3600 },
      ],
    },
    robocalls: 2,
    org,
  };
  const up = await runProgram(program, options);
  expect(up.exports).toEqual(expected);
  expect(up.secretExportPaths).toEqual([]);
  // A preview runs the same lookups: their arguments are known, so are their results.
  const preview = await runProgram(program, { ...options, preview: true });
  expect(preview.exports).toEqual(up.exports);
  // Each run fetched each listing once (two runs: two listings of agents, for three agent lookups).
  expect(emulator.server.counters()[LIST_AGENTS]).toBe(2);
});

test("a secret argument makes the result secret", async () => {
  const result = await runProgram(() => ({ agent: getAgentOutput({ name: pulumi.secret("Sales Agent") }).id }));
  expect(result.exports.agent).toBe(idOf(DEFAULT_ORGANIZATION_ID, "agents", "Sales Agent"));
  expect(result.secretExportPaths).toEqual(["agent"]);
});

test("an explicit Provider for the second organization answers that organization's ids", async () => {
  const org2 = SECOND_ORGANIZATION_ID;
  const result = await runProgram(
    async () => {
      const second = new Provider("second", { apiKey: SECOND_API_KEY, endpoint: emulator.server.url });
      const group = new pulumi.ComponentResource("test:index:Group", "group", {}, { providers: [second] });
      const plain = await getAgent({ name: "Sales Agent" }, { provider: second });
      return {
        plain: plain.id,
        output: getAgentOutput({ name: "Sales Agent" }, { provider: second }).id,
        // A parent's provider is used, as for resources.
        inherited: getAgentOutput({ name: "Sales Agent" }, { parent: group }).id,
        template: getWhatsAppTemplateOutput(
          { botName: "Sales WA bot", name: "welcome_message", language: "en" },
          { provider: second },
        ).id,
        robocall: getRobocallConfigurationOutput({ name: "Payment reminder" }, { provider: second }).id,
        org: getOrganizationOutput({ provider: second }).organizationId,
        // The default provider is still the stack's.
        defaultOrg: getOrganizationOutput().organizationId,
      };
    },
    { config: { "romulus:endpoint": emulator.server.url }, secretConfig: { "romulus:apiKey": DEFAULT_API_KEY } },
  );
  expect(result.exports).toEqual({
    plain: idOf(org2, "agents", "Sales Agent"),
    output: idOf(org2, "agents", "Sales Agent"),
    inherited: idOf(org2, "agents", "Sales Agent"),
    template: templateId(org2, "Sales WA bot", "welcome_message", "en"),
    robocall: idOf(org2, "robocall-configurations", "Payment reminder"),
    org: org2,
    defaultOrg: DEFAULT_ORGANIZATION_ID,
  });
  expect(result.exports.output).not.toBe(idOf(DEFAULT_ORGANIZATION_ID, "agents", "Sales Agent"));
  // The provider's key is a secret; results derived through it carry no credential and are not secret.
  expect(result.secretExportPaths).toEqual([]);
  expect(JSON.stringify(result.exportsWire)).not.toContain(SECOND_API_KEY);
  // The three agent lookups through the explicit provider shared one listing.
  expect(emulator.server.counters()[LIST_AGENTS]).toBe(1);
});

test("a lookup that fails inside an …Output fails the program with its message", async () => {
  const { error, late } = await programFailure(() => ({ agent: getAgentOutput({ name: "Sales Agnt" }).id }));
  expect(error.message).toMatch(/no agent named "Sales Agnt"[\s\S]*Closest names: "Sales Agent"/);
  for (const reason of late) expect(String(reason)).toContain('no agent named "Sales Agnt"');
});

test("no key anywhere: the error names the three ways to set it", async () => {
  setEnv({ endpoint: emulator.server.url });
  const error = await failure(getAgent({ name: "Sales Agent" }));
  expect(error.message).toBe(MISSING_KEY_MESSAGE);
  expect(error.message).toContain("romulus:apiKey");
  expect(error.message).toContain("Provider");
  expect(error.message).toContain("ROMULUS_API_KEY");
  const inProgram = await programFailure(() => ({ agent: getAgentOutput({ name: "Sales Agent" }).id }), {
    config: { "romulus:endpoint": emulator.server.url },
  });
  expect(inProgram.error.message).toContain(MISSING_KEY_MESSAGE);
  for (const reason of inProgram.late) expect(String(reason)).toContain(MISSING_KEY_MESSAGE);
  expect(emulator.server.counters().total).toBe(0);
});

test("an explicit Provider without a key: the error speaks of that Provider, not the stack configuration", async () => {
  setEnv({});
  const { error } = await programFailure(() => {
    const keyless = new Provider("keyless", { apiKey: "", endpoint: emulator.server.url });
    return { agent: getAgentOutput({ name: "Sales Agent" }, { provider: keyless }).id };
  });
  expect(error.message).toContain(
    "No Romulus API key configured for this Provider: give it `apiKey` " +
      '(new Provider(name, { apiKey: config.requireSecret("...") })) or set the ROMULUS_API_KEY environment variable.',
  );
  expect(error.message).not.toContain("pulumi config");
  expect(emulator.server.counters().total).toBe(0);
});

/** Any custom resource: during a preview of its creation its id is unknown. */
class Thing extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Thing", name, {});
  }
}

test("preview with an explicit Provider whose settings are not known yet", async () => {
  const { error } = await programFailure(
    async () => {
      const thing = new Thing("thing");
      const later = new Provider("later", {
        apiKey: SECOND_API_KEY,
        endpoint: thing.id.apply(() => emulator.server.url),
      });
      // The Output variant waits: its result is unknown, like the resource's id.
      const output = getAgentOutput({ name: "Sales Agent" }, { provider: later });
      expect(await pulumi.isSecret(output)).toBe(false);
      // The Promise variant cannot wait for a value that a preview never has: it says what to use instead.
      await getAgent({ name: "Sales Agent" }, { provider: later });
    },
    { preview: true },
  );
  expect(error.message).toContain("not known yet");
  expect(error.message).toContain("use the `…Output` variant");
  expect(emulator.server.counters().total).toBe(0);
});
