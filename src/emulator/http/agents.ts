import { listAgents } from "../model/agents";
import { pageParams } from "../model/common";
import type { ApiRouter } from "./router";

export function registerAgents(api: ApiRouter): void {
  api.route("GET", "/v1/ai-agents/agents/search", ({ org, query }) => listAgents(api.model, org, pageParams(query)));
}
