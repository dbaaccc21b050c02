import { z } from "zod";
import {
  type AgentCallTask,
  type AgentCallTaskRequest,
  agentCallTask,
  agentCallTaskRequest,
  terminateByPhoneRequest,
} from "../models/agent-call-tasks";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import { Section } from "./section";

/** The terminate answers are not documented: accept whatever JSON (or nothing) comes back. */
const anything = z.unknown();

export class AgentCallTasks extends Section {
  list(agentId: string, options?: PaginatorOptions): Paginator<AgentCallTask> {
    return this.springList("/v1/ai-agents/agents/{agentId}/call-tasks", { agentId }, agentCallTask, {}, options);
  }

  async create(agentId: string, body: AgentCallTaskRequest): Promise<AgentCallTask> {
    const endpoint = "/v1/ai-agents/agents/{agentId}/call-tasks";
    return this.call(
      "POST",
      endpoint,
      { agentId },
      {
        body: this.body(agentCallTaskRequest, body, "POST", endpoint),
        schema: agentCallTask,
      },
    );
  }

  async terminate(callTaskId: string): Promise<void> {
    await this.call(
      "PUT",
      "/v1/ai-agents/agents/call-tasks/{callTaskId}/terminate",
      { callTaskId },
      {
        schema: anything,
      },
    );
  }

  /** Terminates every active task for the number. The reference shows both PUT and POST; PUT is idempotent. */
  async terminateByPhone(contactPhoneNumber: string): Promise<void> {
    const endpoint = "/v1/ai-agents/agents/call-tasks/terminate";
    await this.call(
      "PUT",
      endpoint,
      {},
      {
        body: this.body(terminateByPhoneRequest, { contact_phone_number: contactPhoneNumber }, "PUT", endpoint),
        schema: anything,
      },
    );
  }
}
