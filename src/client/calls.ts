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
  /**
   * Starts an outbound call. `to` must be E.164: a number in another format fails here with a
   * `RequestValidationError`, before any request. A well-formed number the API cannot call is answered
   * with a call object whose `status` is FAILED and whose `error_message` says why, not an HTTP error.
   */
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
