import {
  type Call,
  type CallSearchFilters,
  call,
  callSearchFilters,
  type OutboundCallRequest,
  outboundCallRequest,
} from "../models/calls";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import type { QueryValue } from "./core/transport";
import { Section } from "./section";

export class Calls extends Section {
  /** Starts an outbound call. An invalid number is answered with a FAILED call object, not an HTTP error. */
  async create(agentId: string, body: OutboundCallRequest): Promise<Call> {
    const endpoint = "/v1/ai-agents/agents/{agentId}/call";
    return this.call(
      "POST",
      endpoint,
      { agentId },
      {
        body: this.body(outboundCallRequest, body, "POST", endpoint),
        schema: call,
      },
    );
  }

  /** Every call matching the filters (AND-ed), across all pages. */
  search(filters: CallSearchFilters = {}, options?: PaginatorOptions): Paginator<Call> {
    const endpoint = "/v1/pbxes/calls/search";
    const query = this.body(callSearchFilters, filters, "GET", endpoint) as Record<string, QueryValue>;
    return this.springList(endpoint, {}, call, query, options);
  }
}
