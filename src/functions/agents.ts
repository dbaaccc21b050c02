import { AGENT_STATUSES, AGENT_TYPES, type Agent, agent } from "../models/agents";
import { type Assert, type Camelized, camelized, type Same } from "../models/case";
import type { OpenEnum } from "../models/common";
import { declareLookups, type LookupInputs, sameEnum } from "./core";

/** An AI agent as the data sources return it: the API's fields in camelCase, like the resources. */
export interface GetAgentResult {
  id: string;
  name: string;
  /** `OUTBOUND`, `INBOUND`, or a value the API has added since. */
  type?: OpenEnum<(typeof AGENT_TYPES)[number]>;
  /** `CONFIGURED`, `DRAFT`, or a value the API has added since. */
  status?: OpenEnum<(typeof AGENT_STATUSES)[number]>;
  /** e.g. `EN`. */
  language?: string;
  defaultTimezone?: string;
  voiceId?: string;
  backgroundId?: string;
  /** The caller id the agent calls from. */
  outboundCli?: string;
  firstMessage?: string;
  prompt?: string;
  maxPromptSize?: number;
  /** The agent's license as the API sends it; the reference leaves its shape undocumented (`null` there). */
  license?: unknown;
  createdAt?: string;
  updatedAt?: string;
}

export interface GetAgentArgs {
  /** The agent's id (exactly one of `id` and `name`). */
  id?: string;
  /** The agent's name, matched exactly (exactly one of `id` and `name`). */
  name?: string;
}

export interface GetAgentOutputArgs extends LookupInputs<GetAgentArgs> {}

/**
 * Filters, each compared ignoring case; all agents when none is given. `type` and `status` must be a
 * documented value or one an agent of the organization has: a typo (`OUTBOUD`) fails, naming the values.
 */
export interface GetAgentsArgs {
  /** `INBOUND` or `OUTBOUND`. */
  type?: OpenEnum<(typeof AGENT_TYPES)[number]>;
  /** `CONFIGURED` or `DRAFT`. */
  status?: OpenEnum<(typeof AGENT_STATUSES)[number]>;
  /** A language code as the agents carry it, e.g. `EN`; any value, since languages are not a closed list. */
  language?: string;
}

export interface GetAgentsOutputArgs extends LookupInputs<GetAgentsArgs> {}

export interface GetAgentsResult {
  /** In the API's order. */
  agents: GetAgentResult[];
}

const toResult = (a: Agent): GetAgentResult => camelized(agent, a);
// GetAgentResult documents the agent's model camelCased, no more and no less.
type _AgentAgrees = Assert<Same<GetAgentResult, Camelized<Agent>>>;

const agents = declareLookups<Agent, GetAgentArgs, GetAgentOutputArgs, GetAgentResult, GetAgentsResult>({
  key: "agents",
  noun: "agent",
  plural: "agents",
  list: (client, options) => client.agents.list(options),
  fn: "getAgent",
  allFn: "getAgents",
  toResult,
  allResult: (results) => ({ agents: results }),
});

// An Output's filters may resolve to `null`: treated as absent, like a filter left out.
const filteredAgents = agents.filtered<GetAgentsArgs, GetAgentsOutputArgs>({
  keep: (f, a) =>
    sameEnum(f.type ?? undefined, a.type) &&
    sameEnum(f.status ?? undefined, a.status) &&
    sameEnum(f.language ?? undefined, a.language),
  enums: { type: AGENT_TYPES, status: AGENT_STATUSES },
  itemsOf: (result) => result.agents,
});

/**
 * An AI agent by id or by exact name. Agents are configured in the Romulus dashboard; look them up by name
 * so one program works on every stack (the same agent has another id in each organization).
 *
 * ```ts
 * const sales = await romulus.getAgent({ name: "Sales Agent" });
 * ```
 */
export const getAgent = agents.one.plain;

/** {@link getAgent} taking Inputs and answering an Output. */
export const getAgentOutput = agents.one.output;

/** Every agent, optionally filtered by type, status and language. */
export const getAgents = filteredAgents.plain;

/** {@link getAgents} taking Inputs and answering an Output. */
export const getAgentsOutput = filteredAgents.output;
