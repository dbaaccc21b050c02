import { type Agent, agent } from "../models/agents";
import { list } from "./core/endpoint";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import { Section } from "./section";

const api = {
  list: list("GET /v1/ai-agents/agents/search", { envelope: "spring", item: agent }),
};

/** AI agents, configured in the dashboard: read-only through the API. */
export class Agents extends Section {
  list(options?: PaginatorOptions): Paginator<Agent> {
    return this.paginate(api.list, {}, undefined, options);
  }
}
