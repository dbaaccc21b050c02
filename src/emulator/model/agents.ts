import type { Agent } from "../../models/agents";
import { type ModelContext, type PageParams, springPage } from "./common";
import { notFound } from "./errors";

/** Agents are configured in the dashboard: the API only lists them (seeded, or inserted via the control API). */
export function listAgents(ctx: ModelContext, org: string, page: PageParams) {
  return springPage(ctx.store.list(org, "agents") as Agent[], page);
}

/** The stored agent (model-internal), or 404: call tasks and calls need an agent of the organization. */
export function requireAgent(ctx: ModelContext, org: string, agentId: string): Agent {
  const agent = ctx.store.peek(org, "agents", agentId) as Agent | undefined;
  if (!agent) throw notFound(`Agent ${agentId} not found`);
  return agent;
}
