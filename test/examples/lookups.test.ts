/**
 * examples/lookups run as a program (under setMocks, the data sources against the emulator over HTTP):
 * the exact code of the example, with what it exports.
 */
import { lookups } from "../../examples/lookups/program";
import { runProgram } from "../harness/program";
import { emulator as emu, romulus } from "../support/package";

let server: Awaited<ReturnType<typeof emu.startEmulator>>;

beforeAll(async () => {
  server = await emu.startEmulator({ outboundCallCompletionMs: 0 });
});
afterAll(() => server.close());

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
  const bot = server.objects(org, "whatsapp-bots").find((b) => b.name === "Sales WA bot")!;
  const welcome = (bot.templates as Array<{ id: string; name: string; language: string }>).find(
    (t) => t.name === "welcome_message" && t.language === "it",
  )!;
  expect(exports).toEqual({
    organizationId: org,
    outboundAgents: server
      .objects(org, "agents")
      .filter((a) => a.type === "OUTBOUND")
      .map((a) => a.name),
    botTemplates: (bot.templates as Array<{ name: string; language: string }>).map((t) => `${t.name} (${t.language})`),
    welcomeTemplate: { botId: bot.id, templateId: welcome.id },
    robocallConfigurations: server.objects(org, "robocall-configurations").map((c) => c.name),
  });
  // Two lookups of WhatsApp bots, one listing: each kind is fetched once per run.
  expect(server.counters()["GET /v1/messengers/whatsapp/bots"]).toBe(1);
});
