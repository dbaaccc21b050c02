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

  /**
   * Creates a call task; checked before sending: an E.164 number, retry delays of 60 to 172800 s, times
   * HH:mm, known day names. The answer spells some fields differently from the request (`attempt_delay`,
   * `time_ranges`, `metadata.external_metadata`).
   */
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

  /** Terminates one call task. */
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

  /**
   * Terminates every active task for the number, which must be E.164 (checked before sending). The
   * reference shows both PUT and POST; this sends PUT, which is safe to repeat.
   */
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
