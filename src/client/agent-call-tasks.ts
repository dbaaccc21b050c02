import {
  type AgentCallTask,
  type AgentCallTaskRequest,
  agentCallTask,
  agentCallTaskRequest,
  terminateByPhoneRequest,
} from "../models/agent-call-tasks";
import { endpoint, list } from "./core/endpoint";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import { Section } from "./section";

// The terminate answers are not documented: they declare no response model, so whatever JSON (or nothing)
// comes back is accepted.
const api = {
  list: list("GET /v1/ai-agents/agents/{agentId}/call-tasks", { envelope: "spring", item: agentCallTask }),
  create: endpoint("POST /v1/ai-agents/agents/{agentId}/call-tasks", {
    request: agentCallTaskRequest,
    response: agentCallTask,
  }),
  terminate: endpoint("PUT /v1/ai-agents/agents/call-tasks/{callTaskId}/terminate"),
  terminateByPhone: endpoint("PUT /v1/ai-agents/agents/call-tasks/terminate", { request: terminateByPhoneRequest }),
};

export class AgentCallTasks extends Section {
  list(agentId: string, options?: PaginatorOptions): Paginator<AgentCallTask> {
    return this.paginate(api.list, { agentId }, undefined, options);
  }

  /**
   * Creates a call task; checked before sending: an E.164 number, retry delays of 60 to 172800 s, times
   * HH:mm, known day names. The answer spells some fields differently from the request (`attempt_delay`,
   * `time_ranges`, `metadata.external_metadata`).
   */
  async create(agentId: string, body: AgentCallTaskRequest): Promise<AgentCallTask> {
    return this.send(api.create, { agentId }, body);
  }

  /** Terminates one call task. */
  async terminate(callTaskId: string): Promise<void> {
    await this.send(api.terminate, { callTaskId });
  }

  /**
   * Terminates every active task for the number, which must be E.164 (checked before sending). The
   * reference shows both PUT and POST; this sends PUT, which is safe to repeat.
   */
  async terminateByPhone(contactPhoneNumber: string): Promise<void> {
    await this.send(api.terminateByPhone, {}, { contact_phone_number: contactPhoneNumber });
  }
}
