import {
  getAgent,
  getAgentsOutput,
  getOrganizationOutput,
  getRobocallConfigurations,
  getWhatsAppBotOutput,
  getWhatsAppBots,
  getWhatsAppTemplateOutput,
} from "pulumi-romulus";

/**
 * What the data sources return, as stack outputs: a read-only program that a team can run in CI to see
 * what an organization holds and that the stack's credentials reach the organization they should.
 * Async, because the plain variants answer Promises; Pulumi awaits the program's exports.
 */
export async function lookups() {
  // The organization the configured key belongs to: a cheap check before anything else runs.
  const organization = getOrganizationOutput();

  // Filters compare ignoring case; without filters, every agent.
  const outbound = getAgentsOutput({ type: "OUTBOUND" });

  // A bot carries its templates.
  const bot = getWhatsAppBotOutput({ name: "Sales WA bot" });

  // Template names repeat across languages: name the language to pick one.
  const welcome = getWhatsAppTemplateOutput({ botName: "Sales WA bot", name: "welcome_message", language: "it" });

  // Without `Output`, a data source answers a Promise of plain values: for what the program itself
  // branches or loops on, before it declares anything.
  const sales = await getAgent({ name: "Sales Agent" });
  const { bots } = await getWhatsAppBots();
  const { configurations } = await getRobocallConfigurations();
  const italianBots = bots.filter((b) => b.templates.some((t) => t.language === "it")).map((b) => b.name);

  return {
    organizationId: organization.organizationId,
    outboundAgents: outbound.agents.apply((agents) => agents.map((a) => a.name)),
    botTemplates: bot.templates.apply((templates) => templates.map((t) => `${t.name} (${t.language})`)),
    welcomeTemplate: { botId: welcome.botId, templateId: welcome.id },
    salesAgent: { id: sales.id, language: sales.language },
    italianBots,
    robocallConfigurations: configurations.map((c) => c.name),
  };
}
