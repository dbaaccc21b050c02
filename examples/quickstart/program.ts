import * as pulumi from "@pulumi/pulumi";
import {
  CallTaskWebhookSubscription,
  Contact,
  getAgentOutput,
  getRobocallConfigurationOutput,
  WebhookSubscription,
} from "pulumi-romulus";

/**
 * The quickstart: everything a team usually keeps in Git for one Romulus organization.
 *
 * Stack configuration (all optional except the credentials):
 * - `romulus:endpoint` / `romulus:environment` and `romulus:apiKey` (secret): read by the provider itself.
 * - `agentName`: the agent whose completed calls we subscribe to (default "Sales Agent").
 * - `robocallConfigurationName`: the robocall whose results we subscribe to (default "Payment reminder").
 * - `webhookBaseUrl`: where Romulus should POST (default https://hooks.example.com/romulus); the program
 *   appends /calls, /appointments and /robocalls. Set it as a secret if it carries a token.
 *
 * Agents and robocall configurations are looked up by name, never by id, so the same program applies
 * unchanged to an organization where they have other ids (see examples/environments).
 */
export function quickstart() {
  const config = new pulumi.Config();
  const agentName = config.get("agentName") ?? "Sales Agent";
  const robocallConfigurationName = config.get("robocallConfigurationName") ?? "Payment reminder";
  // getSecret keeps a token in the URL out of logs and encrypted in state; a plain value stays plain.
  const webhookBaseUrl = config.getSecret("webhookBaseUrl") ?? "https://hooks.example.com/romulus";

  const agent = getAgentOutput({ name: agentName });
  const robocall = getRobocallConfigurationOutput({ name: robocallConfigurationName });

  // Every call of that one agent, when it ends: transcript, summary, recording and action results.
  const agentCalls = new WebhookSubscription("agent-calls", {
    event: "AGENT_CALL_COMPLETED",
    url: pulumi.interpolate`${webhookBaseUrl}/calls`,
    entityType: "AGENT",
    entityId: agent.id,
  });

  // Only appointments booked by any agent: an action subscription filtered by action type.
  const appointments = new WebhookSubscription("appointments", {
    event: "AGENT_ACTION_COMPLETED",
    url: pulumi.interpolate`${webhookBaseUrl}/appointments`,
    specifications: { ACTION_TYPE: "APPOINTMENT" },
    attempts: 5,
    attemptsIntervalSeconds: 30,
  });

  // Results of the robocalls placed with one robocall configuration.
  const robocallResults = new CallTaskWebhookSubscription("robocall-results", {
    url: pulumi.interpolate`${webhookBaseUrl}/robocalls`,
    entityId: robocall.id,
  });

  const ada = new Contact("ada-lovelace", {
    firstName: "Ada",
    lastName: "Lovelace",
    phones: [{ number: "+442071234567", label: "MOBILE" }],
    emails: [{ email: "ada@example.com", label: "JOB" }],
    companyName: "Analytical Engines",
    tags: ["vip", "pioneers"],
  });
  const grace = new Contact("grace-hopper", {
    firstName: "Grace",
    lastName: "Hopper",
    phones: [{ number: "+12025550123" }],
    jobTitle: "Rear Admiral",
    tags: ["pioneers"],
  });
  const alan = new Contact("alan-turing", {
    firstName: "Alan",
    lastName: "Turing",
    emails: [{ email: "alan@example.org" }],
    addresses: [{ city: "Manchester", country: "UK" }],
    tags: ["pioneers", "newsletter"],
  });

  return {
    agentId: agent.id,
    robocallConfigurationId: robocall.id,
    agentCallsSubscriptionId: agentCalls.id,
    appointmentsSubscriptionId: appointments.id,
    robocallResultsSubscriptionId: robocallResults.id,
    contactIds: { ada: ada.id, grace: grace.id, alan: alan.id },
  };
}
