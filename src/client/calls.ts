import {
  type Call,
  type CallSearchFilters,
  call,
  callSearchFilters,
  type OutboundCallRequest,
  outboundCallRequest,
} from "../models/calls";
import { endpoint, list } from "./core/endpoint";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import { Section } from "./section";

const api = {
  create: endpoint("POST /v1/ai-agents/agents/{agentId}/call", { request: outboundCallRequest, response: call }),
  search: list("GET /v1/pbxes/calls/search", { envelope: "spring", item: call, request: callSearchFilters }),
};

export class Calls extends Section {
  /**
   * Starts an outbound call. `to` must be E.164: a number in another format fails here with a
   * `RequestValidationError`, before any request. A well-formed number the API cannot call is answered
   * with a call object whose `status` is FAILED and whose `error_message` says why, not an HTTP error.
   */
  async create(agentId: string, body: OutboundCallRequest): Promise<Call> {
    return this.send(api.create, { agentId }, body);
  }

  /** Every call matching the filters (AND-ed), across all pages. */
  search(filters: CallSearchFilters = {}, options?: PaginatorOptions): Paginator<Call> {
    return this.paginate(api.search, {}, filters, options);
  }
}
