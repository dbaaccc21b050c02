/**
 * Every data source by id and by name against the emulator over HTTP, with the error messages of the
 * failure cases. Credentials come from the environment variables here (no program run): the stack
 * configuration and explicit providers are covered in settings.test.ts.
 */
import { inspect } from "node:util";
import { DEFAULT_API_KEY, DEFAULT_ORGANIZATION_ID } from "../../src/emulator";
import * as functions from "../../src/functions";
import {
  getAgent,
  getAgents,
  getOrganization,
  getRobocallConfiguration,
  getRobocallConfigurations,
  getWhatsAppBot,
  getWhatsAppBots,
  getWhatsAppTemplate,
  RomulusLookupError,
  resetLookupCache,
} from "../../src/functions";
import type { Agent } from "../../src/models/agents";
import type { RobocallConfiguration } from "../../src/models/robocalls";
import type { WhatsAppBot } from "../../src/models/whatsapp";
import { failure, insertOverHttp, suggestedCall, useEmulator } from "./support";

const emulator = useEmulator();
const org = DEFAULT_ORGANIZATION_ID;
const stored = {
  agents: () => emulator.server.objects(org, "agents") as unknown as Agent[],
  bots: () => emulator.server.objects(org, "whatsapp-bots") as unknown as WhatsAppBot[],
  configurations: () => emulator.server.objects(org, "robocall-configurations") as unknown as RobocallConfiguration[],
};
const named = <T extends { name: string }>(items: T[], name: string): T => {
  const found = items.find((i) => i.name === name);
  if (!found) throw new Error(`the seed has no ${name}`);
  return found;
};

describe("getAgent", () => {
  test("by name and by id answer the same agent, camelCased, without credentials", async () => {
    const seeded = named(stored.agents(), "Sales Agent");
    const byName = await getAgent({ name: "Sales Agent" });
    expect(byName).toEqual({
      id: seeded.id,
      name: "Sales Agent",
      type: "OUTBOUND",
      status: "CONFIGURED",
      language: "EN",
      defaultTimezone: "Europe/Rome",
      voiceId: "11labs-Dorothy",
      backgroundId: "static-noise",
      outboundCli: "+39020202020202",
      firstMessage: seeded.first_message,
      prompt: seeded.prompt,
      maxPromptSize: 15000,
      createdAt: seeded.created_at,
      updatedAt: seeded.updated_at,
    });
    expect(await getAgent({ id: seeded.id })).toEqual(byName);
    expect(JSON.stringify(byName)).not.toContain(DEFAULT_API_KEY);
  });

  test("the agent's license, when the API sends one, is in the result as sent", async () => {
    const license = { plan: "ENTERPRISE", seats: 3 };
    await insertOverHttp(emulator.server, org, "agents", { name: "Licensed Agent", license, type: "OUTBOUND" });
    expect((await getAgent({ name: "Licensed Agent" })).license).toEqual(license);
  });

  test("an absent name lists the closest names and says where it looked", async () => {
    const error = await failure(getAgent({ name: "sales agnt" }));
    expect(error).toBeInstanceOf(RomulusLookupError);
    expect(error.message).toContain('getAgent: no agent named "sales agnt"');
    expect(error.message).toContain(`in organization "${org}" (endpoint ${emulator.server.url})`);
    // Case-insensitive distance: the case slip comes first.
    expect(error.message).toMatch(/Closest names: "Sales Agent", "Support Agent"/);
    expect(error.message).not.toContain(DEFAULT_API_KEY);
  });

  test("closest names are at most five", async () => {
    for (let i = 0; i < 10; i++) emulator.server.insert(org, "agents", { name: `Agent ${i}` });
    const error = await failure(getAgent({ name: "Agent" }));
    const list = /Closest names: (.*)\.$/.exec(error.message)?.[1] ?? "";
    expect(list.split(", ")).toHaveLength(5);
  });

  test("an ambiguous name names every match with its id and says to use `id`", async () => {
    const original = named(stored.agents(), "Sales Agent");
    const twin = emulator.server.insert(org, "agents", { name: "Sales Agent", type: "INBOUND" });
    const error = await failure(getAgent({ name: "Sales Agent" }));
    expect(error.message).toContain('getAgent: 2 agents are named "Sales Agent"');
    expect(error.message).toContain(`id "${original.id}"`);
    expect(error.message).toContain(`id "${twin.id}"`);
    expect(error.message).toContain("pass `id` instead of `name`");
    // The call it suggests works as pasted, and `id` picks either one.
    const suggested = suggestedCall(error.message, "getAgent");
    expect(suggested).toEqual({ id: original.id });
    expect((await getAgent(suggested)).id).toBe(original.id);
    expect((await getAgent({ id: String(twin.id) })).type).toBe("INBOUND");
  });

  test("an unknown id says ids differ between organizations", async () => {
    const error = await failure(getAgent({ id: "no-such-id" }));
    expect(error.message).toContain('getAgent: no agent with id "no-such-id"');
    expect(error.message).toContain("Ids differ between organizations");
  });

  test("exactly one of id and name, non-empty", async () => {
    expect((await failure(getAgent({}))).message).toBe("getAgent: pass exactly one of `id` and `name` (got neither)");
    expect((await failure(getAgent({ id: "x", name: "y" }))).message).toBe(
      "getAgent: pass exactly one of `id` and `name` (got both)",
    );
    expect((await failure(getAgent({ name: "" }))).message).toBe("getAgent: `name` must be a non-empty string");
  });

  test("name matching is exact", async () => {
    await expect(getAgent({ name: "sales agent" })).rejects.toThrow(/no agent named/);
    await expect(getAgent({ name: "Sales Agent " })).rejects.toThrow(/no agent named/);
  });
});

describe("getAgents", () => {
  test("every agent, or those matching the filters (ignoring case)", async () => {
    const all = await getAgents();
    expect(all.agents.map((a) => a.id)).toEqual(stored.agents().map((a) => a.id));
    const outbound = await getAgents({ type: "outbound" });
    expect(outbound.agents.map((a) => a.name).sort()).toEqual(["Appointment Agent", "Sales Agent"]);
    const configuredItalian = await getAgents({ type: "OUTBOUND", status: "DRAFT", language: "it" });
    expect(configuredItalian.agents.map((a) => a.name)).toEqual(["Appointment Agent"]);
    expect((await getAgents({ type: "INBOUND", status: "DRAFT" })).agents).toEqual([]);
  });

  test("an enum filter's typo fails, naming the documented values and those the agents have", async () => {
    await expect(getAgents({ type: "OUTBOUD" })).rejects.toThrow(
      'getAgents: `type` "OUTBOUD" is not one of INBOUND, OUTBOUND (compared ignoring case)',
    );
    await expect(getAgents({ status: "ARCHIVED" })).rejects.toThrow(
      'getAgents: `status` "ARCHIVED" is not one of CONFIGURED, DRAFT (compared ignoring case)',
    );
    // A value the API has added since is accepted once an agent has it.
    await insertOverHttp(emulator.server, org, "agents", { name: "Old Agent", type: "OUTBOUND", status: "ARCHIVED" });
    resetLookupCache();
    expect((await getAgents({ status: "archived" })).agents.map((a) => a.name)).toEqual(["Old Agent"]);
  });
});

describe("WhatsApp", () => {
  test("getWhatsAppBot by name and by id, with its templates", async () => {
    const seeded = named(stored.bots(), "Sales WA bot");
    const bot = await getWhatsAppBot({ name: "Sales WA bot" });
    expect(bot.id).toBe(seeded.id);
    expect(bot.templates).toHaveLength(seeded.templates.length);
    expect(bot.templates[0]).toEqual({
      id: seeded.templates[0]?.id,
      name: "welcome_message",
      category: "marketing",
      language: "en",
      status: "approved",
      components: seeded.templates[0]?.components,
    });
    expect(await getWhatsAppBot({ id: seeded.id })).toEqual(bot);
  });

  test("getWhatsAppBot: absent and ambiguous names; the ambiguity names both ids and a call that works", async () => {
    // Inserted before the first lookup: a run's lookups share one listing (see listing.test.ts).
    const original = named(stored.bots(), "Support WA bot");
    const twin = await insertOverHttp(emulator.server, org, "whatsapp-bots", { name: "Support WA bot", templates: [] });
    const absent = await failure(getWhatsAppBot({ name: "Sales bot" }));
    expect(absent.message).toMatch(/no WhatsApp bot named "Sales bot".*Closest names: "Sales WA bot"/);
    const ambiguous = await failure(getWhatsAppBot({ name: "Support WA bot" }));
    expect(ambiguous.message).toContain('2 WhatsApp bots are named "Support WA bot"');
    expect(ambiguous.message).toContain(`id "${original.id}", id "${twin.id}"`);
    expect(ambiguous.message).toContain("pass `id` instead of `name`");
    const suggested = suggestedCall(ambiguous.message, "getWhatsAppBot");
    expect(suggested).toEqual({ id: original.id });
    expect((await getWhatsAppBot(suggested)).id).toBe(original.id);
  });

  test("getWhatsAppBots lists every bot", async () => {
    const { bots } = await getWhatsAppBots();
    expect(bots.map((b) => b.name)).toEqual(stored.bots().map((b) => b.name));
  });

  test("getWhatsAppTemplate by bot name or bot id, by name and language", async () => {
    const bot = named(stored.bots(), "Sales WA bot");
    const italian = bot.templates.find((t) => t.name === "welcome_message" && t.language === "it");
    const template = await getWhatsAppTemplate({ botName: "Sales WA bot", name: "welcome_message", language: "it" });
    expect(template).toMatchObject({ id: italian?.id, language: "it", botId: bot.id, botName: "Sales WA bot" });
    // Language ignoring case; the bot by id.
    expect((await getWhatsAppTemplate({ botId: bot.id, name: "welcome_message", language: "IT" })).id).toBe(
      italian?.id,
    );
    // A name that exists in one language needs no language.
    const reminder = await getWhatsAppTemplate({ botName: "Sales WA bot", name: "appointment_reminder" });
    expect(reminder.category).toBe("utility");
  });

  test("getWhatsAppTemplate: a name in several languages without `language` lists the languages", async () => {
    const error = await failure(getWhatsAppTemplate({ botName: "Sales WA bot", name: "welcome_message" }));
    expect(error.message).toContain('template "welcome_message" of WhatsApp bot "Sales WA bot"');
    expect(error.message).toContain("exists in 2 languages: en, it");
    expect(error.message).toContain("Pass `language`");
    // The suggested call keeps the bot as it was named, and works.
    const suggested = suggestedCall(error.message, "getWhatsAppTemplate");
    expect(suggested).toEqual({ botName: "Sales WA bot", name: "welcome_message", language: "en" });
    const english = await getWhatsAppTemplate(suggested as unknown as Parameters<typeof getWhatsAppTemplate>[0]);
    expect(english.language).toBe("en");
  });

  test("getWhatsAppTemplate: an ambiguous bot name names `botId`, both ids, and a call that works", async () => {
    const original = named(stored.bots(), "Sales WA bot");
    const italian = original.templates.find((t) => t.name === "welcome_message" && t.language === "it");
    // Through the control API, as a second bot of that name made in the dashboard would appear.
    const twin = await insertOverHttp(emulator.server, org, "whatsapp-bots", { name: "Sales WA bot", templates: [] });
    const error = await failure(
      getWhatsAppTemplate({ botName: "Sales WA bot", name: "welcome_message", language: "it" }),
    );
    expect(error).toBeInstanceOf(RomulusLookupError);
    expect(error.message).toContain('getWhatsAppTemplate: 2 WhatsApp bots are named "Sales WA bot"');
    expect(error.message).toContain(`id "${original.id}", id "${twin.id}"`);
    expect(error.message).toContain("pass `botId` instead of `botName`");
    // Not the old suggestion, which named an argument getWhatsAppTemplate does not have and dropped `name`.
    expect(error.message).not.toContain("({ id:");
    const suggested = suggestedCall(error.message, "getWhatsAppTemplate");
    expect(suggested).toEqual({ botId: original.id, name: "welcome_message", language: "it" });
    const picked = await getWhatsAppTemplate(suggested as unknown as Parameters<typeof getWhatsAppTemplate>[0]);
    expect(picked).toMatchObject({ id: italian?.id, botId: original.id });
  });

  test("getWhatsAppTemplate: an unknown bot id says to look the bot up by `botName`", async () => {
    const error = await failure(getWhatsAppTemplate({ botId: "no-such-bot", name: "welcome_message" }));
    expect(error.message).toContain('getWhatsAppTemplate: no WhatsApp bot with id "no-such-bot"');
    expect(error.message).toContain("look it up by `botName`");
    expect(error.message).not.toContain("by `name`");
  });

  test("getWhatsAppTemplate: several templates of one name and language name every id and a call that works", async () => {
    const templateFor = (id: string) => ({
      id,
      name: "promo",
      category: "marketing",
      language: "en",
      status: "approved",
      components: [{ type: "body", text: `Promo ${id}` }],
    });
    const bot = await insertOverHttp(emulator.server, org, "whatsapp-bots", {
      name: "Promo bot",
      templates: [templateFor("promo-a"), templateFor("promo-b")],
    });
    for (const language of [undefined, "en"]) {
      const error = await failure(getWhatsAppTemplate({ botName: "Promo bot", name: "promo", language }));
      expect(error.message).toContain(`getWhatsAppTemplate: 2 templates of WhatsApp bot "Promo bot" (id "${bot.id}")`);
      expect(error.message).toContain('id "promo-a", id "promo-b"');
      const suggested = suggestedCall(error.message, "getWhatsAppBot");
      expect(suggested).toEqual({ id: bot.id });
      const { templates } = await getWhatsAppBot(suggested);
      expect(templates.map((t) => t.id)).toEqual(["promo-a", "promo-b"]);
    }
  });

  test("getWhatsAppTemplate: unknown language, unknown template, unknown bot, bad selectors", async () => {
    const language = await failure(
      getWhatsAppTemplate({ botName: "Sales WA bot", name: "welcome_message", language: "fr" }),
    );
    expect(language.message).toContain('has no language "fr"; it exists in: en, it');
    const template = await failure(getWhatsAppTemplate({ botName: "Sales WA bot", name: "welcome" }));
    expect(template.message).toMatch(/no template named "welcome" .*Closest names: "welcome_message"/);
    const bot = await failure(getWhatsAppTemplate({ botName: "Nope", name: "welcome_message" }));
    expect(bot.message).toContain('no WhatsApp bot named "Nope"');
    expect((await failure(getWhatsAppTemplate({ name: "welcome_message" }))).message).toContain(
      "pass exactly one of `botId` and `botName` (got neither)",
    );
  });
});

describe("robocall configurations", () => {
  test("getRobocallConfiguration by name and by id, enums as the API sends them", async () => {
    const seeded = named(stored.configurations(), "Payment reminder");
    const config = await getRobocallConfiguration({ name: "Payment reminder" });
    expect(config).toEqual({
      id: seeded.id,
      name: "Payment reminder",
      successCriteria: "call_answered",
      retryConfig: {
        strategy: "dynamic_delay",
        attempts: [
          { attempt: 1, delaySec: 0 },
          { attempt: 2, delaySec: 3600 },
        ],
      },
      dndConfig: { skipForFirstAttempt: false, ranges: [{ from: "20:00", to: "8:30" }], days: ["saturday", "sunday"] },
      createdAt: seeded.created_at,
      updatedAt: seeded.updated_at,
    });
    expect(await getRobocallConfiguration({ id: seeded.id })).toEqual(config);
  });

  test("absent and ambiguous names (both ids and a call that works); the listing", async () => {
    const original = named(stored.configurations(), "Payment reminder");
    const twin = await insertOverHttp(emulator.server, org, "robocall-configurations", { name: "Payment reminder" });
    const absent = await failure(getRobocallConfiguration({ name: "Payment reminders" }));
    expect(absent.message).toMatch(/no robocall configuration named .*Closest names: "Payment reminder"/);
    const ambiguous = await failure(getRobocallConfiguration({ name: "Payment reminder" }));
    expect(ambiguous.message).toContain('2 robocall configurations are named "Payment reminder"');
    expect(ambiguous.message).toContain(`id "${original.id}", id "${twin.id}"`);
    const suggested = suggestedCall(ambiguous.message, "getRobocallConfiguration");
    expect(suggested).toEqual({ id: original.id });
    expect((await getRobocallConfiguration(suggested)).id).toBe(original.id);
    const { configurations } = await getRobocallConfigurations();
    expect(configurations).toHaveLength(stored.configurations().length);
    expect(configurations.filter((c) => c.name === "Payment reminder")).toHaveLength(2);
  });
});

test("getOrganization answers the key's organization", async () => {
  expect(await getOrganization()).toEqual({ organizationId: org });
});

test("each data source, though built by one helper per kind, is named as it is exported", () => {
  const exported = Object.entries(functions).filter(([name]) => name.startsWith("get"));
  expect(exported.length).toBe(16);
  for (const [name, value] of exported) {
    expect(typeof value).toBe("function");
    expect((value as { name: string }).name).toBe(name);
  }
});

describe("a lookup that fails after retries", () => {
  // What `pulumi up` prints of a failed program is the error's stack; `util.inspect` is how Node shows it.
  const shown = (error: Error) => [error.message, error.stack ?? "", inspect(error)];
  const count = (text: string, words: string) => text.split(words).length - 1;

  test("says once how many attempts it made (503 to every request)", async () => {
    emulator.server.setFaults("503=1");
    const error = await failure(getAgent({ name: "Sales Agent" }));
    expect(error.message).toMatch(/^Romulus API 503 Service Unavailable on GET \/v1\/ai-agents\/agents\/search/);
    for (const text of shown(error)) expect(count(text, "(gave up after 5 attempts)")).toBe(1);
    expect(emulator.server.counters()["faults.503"]).toBe(5);
  });

  test("says once that it was rate limited (429 to every request)", async () => {
    emulator.server.setFaults("429=1@retry-after=0");
    const error = await failure(getAgents());
    for (const text of shown(error)) {
      expect(count(text, "[rate limited by the API")).toBe(1);
      expect(count(text, "(gave up after 5 attempts)")).toBe(1);
    }
  });
});
