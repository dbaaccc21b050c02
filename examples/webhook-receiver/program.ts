import * as pulumi from "@pulumi/pulumi";
import {
  CallTaskWebhookSubscription,
  getAgentOutput,
  getRobocallConfigurationOutput,
  WebhookSubscription,
} from "pulumi-romulus";

/**
 * Points Romulus at the receiver: the completed calls of one agent, every action of that agent, and the
 * results of one robocall configuration, each on its own path so the receiver's log says which is which.
 *
 * Stack configuration: `receiverUrl` (required; a secret if it carries a token), `agentName` (default
 * "Sales Agent"), `robocallConfigurationName` (default "Payment reminder").
 */
export function webhookReceiver() {
  const config = new pulumi.Config();
  const receiverUrl = config.requireSecret("receiverUrl");
  const agent = getAgentOutput({ name: config.get("agentName") ?? "Sales Agent" });
  const robocall = getRobocallConfigurationOutput({
    name: config.get("robocallConfigurationName") ?? "Payment reminder",
  });

  const calls = new WebhookSubscription("receiver-calls", {
    event: "AGENT_CALL_COMPLETED",
    url: pulumi.interpolate`${receiverUrl}/calls`,
    entityType: "AGENT",
    entityId: agent.id,
  });
  const actions = new WebhookSubscription("receiver-actions", {
    event: "AGENT_ACTION_COMPLETED",
    url: pulumi.interpolate`${receiverUrl}/actions`,
    entityType: "AGENT",
    entityId: agent.id,
  });
  const robocalls = new CallTaskWebhookSubscription("receiver-robocalls", {
    url: pulumi.interpolate`${receiverUrl}/robocalls`,
    entityId: robocall.id,
  });
  return { agentId: agent.id, subscriptionIds: [calls.id, actions.id, robocalls.id] };
}
