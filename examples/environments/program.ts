import * as pulumi from "@pulumi/pulumi";
import {
  CallTaskWebhookSubscription,
  Contact,
  getAgentOutput,
  getRobocallConfigurationOutput,
  WebhookSubscription,
} from "pulumi-romulus";

/**
 * One program for every environment. Nothing in it names an organization, a URL or an id: the stack
 * configuration says where to go (`romulus:environment` or `romulus:endpoint`, `romulus:apiKey`) and what
 * things are called there; the ids are found by name at every run. Promoting a change from sandbox to
 * production is therefore merging it and running `pulumi up` on the prod stack: same code, other config.
 *
 * Stack configuration (project namespace `romulus-environments`):
 * - `salesAgent`, `supportAgent`: the agents' names in that organization.
 * - `robocallConfiguration`: the robocall configuration's name.
 * - `webhookBaseUrl` (secret if it carries a token): the environment's receiver.
 * - `escalationPhone`: the on-call contact's number, E.164.
 */
export function environments() {
  const config = new pulumi.Config();
  const webhookBaseUrl = config.requireSecret("webhookBaseUrl");
  const salesAgent = getAgentOutput({ name: config.require("salesAgent") });
  const supportAgent = getAgentOutput({ name: config.require("supportAgent") });
  const robocall = getRobocallConfigurationOutput({ name: config.require("robocallConfiguration") });

  const salesCalls = new WebhookSubscription("sales-calls", {
    event: "AGENT_CALL_COMPLETED",
    url: pulumi.interpolate`${webhookBaseUrl}/sales/calls`,
    entityType: "AGENT",
    entityId: salesAgent.id,
  });
  const supportCalls = new WebhookSubscription("support-calls", {
    event: "AGENT_CALL_COMPLETED",
    url: pulumi.interpolate`${webhookBaseUrl}/support/calls`,
    entityType: "AGENT",
    entityId: supportAgent.id,
  });
  const forwarded = new WebhookSubscription("forwarded-calls", {
    event: "AGENT_ACTION_COMPLETED",
    url: pulumi.interpolate`${webhookBaseUrl}/support/forwarded`,
    entityType: "AGENT",
    entityId: supportAgent.id,
    specifications: { ACTION_TYPE: "CALL_FORWARDING" },
  });
  const robocallResults = new CallTaskWebhookSubscription("robocall-results", {
    url: pulumi.interpolate`${webhookBaseUrl}/robocalls`,
    entityId: robocall.id,
  });
  const onCall = new Contact("on-call", {
    firstName: "On-call",
    lastName: "Engineer",
    phones: [{ number: config.require("escalationPhone"), label: "JOB" }],
    tags: ["escalation"],
  });

  return {
    stack: pulumi.getStack(),
    salesAgentId: salesAgent.id,
    supportAgentId: supportAgent.id,
    subscriptionIds: [salesCalls.id, supportCalls.id, forwarded.id, robocallResults.id],
    onCallContactId: onCall.id,
  };
}
