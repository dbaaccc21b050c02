import {
  getAgentsOutput,
  getOrganizationOutput,
  getRobocallConfigurationsOutput,
  getWhatsAppBotOutput,
  getWhatsAppTemplateOutput,
} from "pulumi-romulus";

/**
 * What the data sources return, as stack outputs: a read-only program that a team can run in CI to see
 * what an organization holds and that the stack's credentials reach the organization they should.
 */
export function lookups() {
  // The organization the configured key belongs to: a cheap check before anything else runs.
  const organization = getOrganizationOutput();

  // Filters compare ignoring case; without filters, every agent.
  const outbound = getAgentsOutput({ type: "OUTBOUND" });

  // A bot carries its templates.
  const bot = getWhatsAppBotOutput({ name: "Sales WA bot" });

  // Template names repeat across languages: name the language to pick one.
  const welcome = getWhatsAppTemplateOutput({ botName: "Sales WA bot", name: "welcome_message", language: "it" });

  const robocalls = getRobocallConfigurationsOutput();

  return {
    organizationId: organization.organizationId,
    outboundAgents: outbound.agents.apply((agents) => agents.map((a) => a.name)),
    botTemplates: bot.templates.apply((templates) => templates.map((t) => `${t.name} (${t.language})`)),
    welcomeTemplate: { botId: welcome.botId, templateId: welcome.id },
    robocallConfigurations: robocalls.configurations.apply((all) => all.map((c) => c.name)),
  };
}
