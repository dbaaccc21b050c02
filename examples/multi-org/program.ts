import * as pulumi from "@pulumi/pulumi";
import { Contact, getAgentOutput, Provider, WebhookSubscription } from "pulumi-romulus";

/**
 * Two organizations from one program: an explicit Provider per organization, passed as `{ provider }` to
 * resources and data sources alike. Each provider's key is stored encrypted in the state.
 *
 * Stack configuration (project namespace `romulus-multi-org`): `salesApiKey` and `supportApiKey` (secrets),
 * and optionally `endpoint` (both organizations on one endpoint, e.g. the local emulator).
 */
export function multiOrg() {
  const config = new pulumi.Config();
  const endpoint = config.get("endpoint");
  const sales = new Provider("sales-org", { apiKey: config.requireSecret("salesApiKey"), endpoint });
  const support = new Provider("support-org", { apiKey: config.requireSecret("supportApiKey"), endpoint });

  // Lookups go to the organization of the provider they are given.
  const salesAgent = getAgentOutput({ name: "Sales Agent" }, { provider: sales });
  new WebhookSubscription(
    "sales-calls",
    {
      event: "AGENT_CALL_COMPLETED",
      url: "https://hooks.example.com/sales",
      entityType: "AGENT",
      entityId: salesAgent.id,
    },
    { provider: sales },
  );
  const escalation = new Contact(
    "escalation-desk",
    { firstName: "Escalation", lastName: "Desk", phones: [{ number: "+390212345678", label: "JOB" }] },
    { provider: support },
  );
  return { salesAgentId: salesAgent.id, escalationContactId: escalation.id };
}
