/** Data sources: functions run in the Pulumi program (dynamic providers cannot serve invokes). */
export {
  type GetAgentArgs,
  type GetAgentOutputArgs,
  type GetAgentResult,
  type GetAgentsArgs,
  type GetAgentsOutputArgs,
  type GetAgentsResult,
  getAgent,
  getAgentOutput,
  getAgents,
  getAgentsOutput,
} from "./agents";
export { type LookupOptions, RomulusLookupError, resetLookupCache } from "./core";
export { type GetOrganizationResult, getOrganization, getOrganizationOutput } from "./organization";
export {
  type GetRobocallConfigurationArgs,
  type GetRobocallConfigurationOutputArgs,
  type GetRobocallConfigurationResult,
  type GetRobocallConfigurationsResult,
  getRobocallConfiguration,
  getRobocallConfigurationOutput,
  getRobocallConfigurations,
  getRobocallConfigurationsOutput,
} from "./robocalls";
export {
  type GetWhatsAppBotArgs,
  type GetWhatsAppBotOutputArgs,
  type GetWhatsAppBotResult,
  type GetWhatsAppBotsResult,
  type GetWhatsAppTemplateArgs,
  type GetWhatsAppTemplateOutputArgs,
  type GetWhatsAppTemplateResult,
  getWhatsAppBot,
  getWhatsAppBotOutput,
  getWhatsAppBots,
  getWhatsAppBotsOutput,
  getWhatsAppTemplate,
  getWhatsAppTemplateOutput,
  type WhatsAppTemplateComponent,
  type WhatsAppTemplateResult,
} from "./whatsapp";
