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
 * Stack configuration: `receiverUrl` (required), `webhookToken` (required, a secret: the receiver refuses
 * deliveries without it), `agentName` (default "Sales Agent"), `robocallConfigurationName` (default
 * "Payment reminder").
 */
export function webhookReceiver() {
  const config = new pulumi.Config();
  const receiverUrl = config.require("receiverUrl");
  // Romulus signs no webhook: the token in each URL is how the receiver knows a delivery is genuine.
  // `requireSecret` keeps it encrypted in the configuration, and every URL built from it stays secret in
  // Pulumi's state and outputs.
  const token = config.requireSecret("webhookToken");
  const hook = (path: string) => pulumi.interpolate`${receiverUrl}/${path}?token=${token}`;
  const agent = getAgentOutput({ name: config.get("agentName") ?? "Sales Agent" });
  const robocall = getRobocallConfigurationOutput({
    name: config.get("robocallConfigurationName") ?? "Payment reminder",
  });

  const calls = new WebhookSubscription("receiver-calls", {
    event: "AGENT_CALL_COMPLETED",
    url: hook("calls"),
    entityType: "AGENT",
    entityId: agent.id,
  });
  const actions = new WebhookSubscription("receiver-actions", {
    event: "AGENT_ACTION_COMPLETED",
    url: hook("actions"),
    entityType: "AGENT",
    entityId: agent.id,
  });
  const robocalls = new CallTaskWebhookSubscription("receiver-robocalls", {
    url: hook("robocalls"),
    entityId: robocall.id,
  });
  return { agentId: agent.id, subscriptionIds: [calls.id, actions.id, robocalls.id] };
}
