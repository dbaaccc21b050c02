import { type Agent, agent } from "../models/agents";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import { Section } from "./section";

/** AI agents, configured in the dashboard: read-only through the API. */
export class Agents extends Section {
  list(options?: PaginatorOptions): Paginator<Agent> {
    return this.springList("/v1/ai-agents/agents/search", {}, agent, {}, options);
  }
}
