import * as calls from "../model/calls";
import { pageParams } from "../model/common";
import type { ApiRouter } from "./router";

export function registerCalls(api: ApiRouter): void {
  const m = api.model;
  api.route("POST", "/v1/ai-agents/agents/:agentId/call", ({ org, params, body }) =>
    calls.startOutboundCall(m, org, params.agentId!, body),
  );
  api.route("GET", "/v1/pbxes/calls/search", ({ org, query }) => calls.searchCalls(m, org, query, pageParams(query)));
}
