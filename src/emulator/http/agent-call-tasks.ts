import * as tasks from "../model/agent-call-tasks";
import { pageParams } from "../model/common";
import type { ApiRouter } from "./router";

export function registerAgentCallTasks(api: ApiRouter): void {
  const m = api.model;
  const perAgent = "/v1/ai-agents/agents/:agentId/call-tasks";
  api.route("GET", perAgent, ({ org, params, query }) =>
    tasks.listAgentCallTasks(m, org, params.agentId!, pageParams(query)),
  );
  api.route("POST", perAgent, ({ org, params, body }) => tasks.createAgentCallTask(m, org, params.agentId!, body));
  api.route("PUT", "/v1/ai-agents/agents/call-tasks/:callTaskId/terminate", ({ org, params }) =>
    tasks.terminateAgentCallTask(m, org, params.callTaskId!),
  );
  // The heading says POST, the example PUT: both are answered (docs/API-NOTES.md, "Agent call tasks").
  api.route(["POST", "PUT"], "/v1/ai-agents/agents/call-tasks/terminate", ({ org, body }) =>
    tasks.terminateAgentCallTasksByPhone(m, org, body),
  );
}
