/**
 * examples/lookups, the exact code of the example: run as a program (under setMocks, the data sources
 * against the emulator over HTTP) with each organization's key, and through the harness's Engine as
 * `pulumi up` of its committed dev stack. It declares no resource, so the up must plan no step, start no
 * provider host, write nothing, and still export what the lookups found.
 */
import { lookups } from "../../examples/lookups/program";
import { ENGINE_TEST_TIMEOUT_MS } from "../harness/engine";
import { runProgram } from "../harness/program";
import { emulator as emu, romulus } from "../support/package";
import { type Emulator, readStackConfig, startExampleStack, writes } from "./support";

jest.setTimeout(ENGINE_TEST_TIMEOUT_MS);

let server: Emulator;

beforeAll(async () => {
  server = await emu.startEmulator({ outboundCallCompletionMs: 0 });
});
afterAll(() => server.close());

/** The stack outputs the example must produce for `org`, from the emulator's own objects. */
function expectedExports(org: string) {
  const bot = server.objects(org, "whatsapp-bots").find((b) => b.name === "Sales WA bot")!;
  const templates = bot.templates as Array<{ id: string; name: string; language: string }>;
  const welcome = templates.find((t) => t.name === "welcome_message" && t.language === "it")!;
  const sales = server.objects(org, "agents").find((a) => a.name === "Sales Agent")!;
  return {
    organizationId: org,
    outboundAgents: server
      .objects(org, "agents")
      .filter((a) => a.type === "OUTBOUND")
      .map((a) => a.name),
    botTemplates: templates.map((t) => `${t.name} (${t.language})`),
    welcomeTemplate: { botId: bot.id, templateId: welcome.id },
    salesAgent: { id: sales.id, language: "EN" },
    italianBots: ["Sales WA bot"],
    robocallConfigurations: server.objects(org, "robocall-configurations").map((c) => c.name),
  };
}

test.each([
  [emu.DEFAULT_API_KEY, emu.DEFAULT_ORGANIZATION_ID],
  [emu.SECOND_API_KEY, emu.SECOND_ORGANIZATION_ID],
])("the lookups example reads the organization the key reaches (%s)", async (key, org) => {
  romulus.resetLookupCache();
  server.resetCounters();
  const { exports } = await runProgram(lookups, {
    config: { "romulus:endpoint": server.url },
    secretConfig: { "romulus:apiKey": key },
  });
  expect(exports).toEqual(expectedExports(org));
  // Three lookups of WhatsApp bots (a bot, a template, every bot), one listing: once per kind per run.
  expect(server.counters()["GET /v1/messengers/whatsapp/bots"]).toBe(1);
  expect(server.counters()["GET /v1/ai-agents/agents/search"]).toBe(1);
});

test("pulumi up of the dev stack through the Engine: no step, no provider host, nothing written, the outputs", async () => {
  const dev = readStackConfig("lookups", "dev");
  expect(dev["romulus:apiKey"]).toBe(emu.DEFAULT_API_KEY);
  const stack = await startExampleStack(() => ({ config: { ...dev, "romulus:endpoint": server.url } }), {
    server,
    project: "romulus-lookups",
    stack: "dev",
  });
  try {
    server.resetCounters();
    const up = await stack.engine.upProgram(lookups);
    expect(up.steps).toEqual([]);
    expect(up.state).toEqual([]);
    expect(up.rpcCounts).toEqual({});
    expect(up.program.exports).toEqual(expectedExports(emu.DEFAULT_ORGANIZATION_ID));
    expect(writes(server)).toEqual({});
    // A second run (a preview) plans nothing either: a read-only program never drifts.
    const preview = await stack.engine.previewProgram(lookups);
    expect(preview.steps).toEqual([]);
  } finally {
    await stack.close();
  }
});
