import type * as pulumi from "@pulumi/pulumi";
import type { Agent } from "../models/agents";
import {
  findOne,
  invoke,
  invokeOutput,
  type LookupKind,
  type LookupOptions,
  listAll,
  opt,
  sameEnum,
  selectorOf,
  type Target,
} from "./core";

/** An AI agent as the data sources return it: the API's fields in camelCase, like the resources. */
export interface GetAgentResult {
  id: string;
  name: string;
  /** e.g. `OUTBOUND`, `INBOUND`. */
  type?: string;
  /** e.g. `CONFIGURED`, `DRAFT`. */
  status?: string;
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
  createdAt?: string;
  updatedAt?: string;
}

export interface GetAgentArgs {
  /** The agent's id (exactly one of `id` and `name`). */
  id?: string;
  /** The agent's name, matched exactly (exactly one of `id` and `name`). */
  name?: string;
}

export interface GetAgentOutputArgs {
  id?: pulumi.Input<string>;
  name?: pulumi.Input<string>;
}

/** Filters, each compared ignoring case; all agents when none is given. */
export interface GetAgentsArgs {
  type?: string;
  status?: string;
  language?: string;
}

export interface GetAgentsOutputArgs {
  type?: pulumi.Input<string>;
  status?: pulumi.Input<string>;
  language?: pulumi.Input<string>;
}

export interface GetAgentsResult {
  /** In the API's order. */
  agents: GetAgentResult[];
}

const agents: LookupKind<Agent> = {
  key: "agents",
  noun: "agent",
  plural: "agents",
  list: (client, options) => client.agents.list(options),
};

function toResult(a: Agent): GetAgentResult {
  return {
    id: a.id,
    name: a.name,
    type: opt(a.type),
    status: opt(a.status),
    language: opt(a.language),
    defaultTimezone: opt(a.default_timezone),
    voiceId: opt(a.voice_id),
    backgroundId: opt(a.background_id),
    outboundCli: opt(a.outbound_cli),
    firstMessage: opt(a.first_message),
    prompt: opt(a.prompt),
    maxPromptSize: opt(a.max_prompt_size),
    createdAt: opt(a.created_at),
    updatedAt: opt(a.updated_at),
  };
}

async function findAgent(args: GetAgentArgs, target: Target): Promise<GetAgentResult> {
  return toResult(await findOne("getAgent", target, agents, selectorOf("getAgent", args)));
}

async function filterAgents(args: GetAgentsArgs, target: Target): Promise<GetAgentsResult> {
  const type = args?.type ?? undefined;
  const status = args?.status ?? undefined;
  const language = args?.language ?? undefined;
  const all = await listAll(target, agents);
  return {
    agents: all
      .filter((a) => sameEnum(type, a.type) && sameEnum(status, a.status) && sameEnum(language, a.language))
      .map(toResult),
  };
}

/**
 * An AI agent by id or by exact name. Agents are configured in the Romulus dashboard; look them up by name
 * so one program works on every stack (the same agent has another id in each organization).
 *
 * ```ts
 * const sales = await romulus.getAgent({ name: "Sales Agent" });
 * ```
 */
export function getAgent(args: GetAgentArgs, opts?: LookupOptions): Promise<GetAgentResult> {
  return invoke(findAgent, args, opts);
}

/** {@link getAgent} taking Inputs and answering an Output. */
export function getAgentOutput(args: GetAgentOutputArgs, opts?: LookupOptions): pulumi.Output<GetAgentResult> {
  return invokeOutput(findAgent, args, opts);
}

/** Every agent, optionally filtered by type, status and language. */
export function getAgents(args: GetAgentsArgs = {}, opts?: LookupOptions): Promise<GetAgentsResult> {
  return invoke(filterAgents, args, opts);
}

/** {@link getAgents} taking Inputs and answering an Output. */
export function getAgentsOutput(args: GetAgentsOutputArgs = {}, opts?: LookupOptions): pulumi.Output<GetAgentsResult> {
  return invokeOutput(filterAgents, args, opts);
}
