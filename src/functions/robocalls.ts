import type * as pulumi from "@pulumi/pulumi";
import type { RobocallConfiguration } from "../models/robocalls";
import {
  findOne,
  invoke,
  invokeOutput,
  type LookupKind,
  type LookupOptions,
  listAll,
  opt,
  selectorOf,
  type Target,
} from "./core";

/**
 * A robocall configuration as the data sources return it. Its enums stay lower-case as the API sends them
 * (`dynamic_delay`, `call_answered`, `sunday`): they are the vendor's values, only keys are camelCased.
 */
export interface GetRobocallConfigurationResult {
  id: string;
  name: string;
  /** e.g. `call_answered`. */
  successCriteria?: string;
  retryConfig?: {
    /** e.g. `dynamic_delay`. */
    strategy?: string;
    maxAttempts?: number;
    attempts: { attempt: number; delaySec: number }[];
  };
  /** Do-not-disturb windows. */
  dndConfig?: {
    skipForFirstAttempt?: boolean;
    /** Times `HH:mm`; a range may wrap midnight (`21:00` to `9:00`). */
    ranges?: { from: string; to: string }[];
    /** Lower-case day names. */
    days?: string[];
  };
  createdAt?: string;
  updatedAt?: string;
}

export interface GetRobocallConfigurationArgs {
  /** Exactly one of `id` and `name`. */
  id?: string;
  /** Matched exactly. */
  name?: string;
}

export interface GetRobocallConfigurationOutputArgs {
  id?: pulumi.Input<string>;
  name?: pulumi.Input<string>;
}

export interface GetRobocallConfigurationsResult {
  /** In the API's order. */
  configurations: GetRobocallConfigurationResult[];
}

const robocallConfigurations: LookupKind<RobocallConfiguration> = {
  key: "robocall-configurations",
  noun: "robocall configuration",
  plural: "robocall configurations",
  list: (client, options) => client.robocalls.listConfigurations(options),
};

function toResult(c: RobocallConfiguration): GetRobocallConfigurationResult {
  const retry = c.retry_config;
  const dnd = c.dnd_config;
  return {
    id: c.id,
    name: c.name,
    successCriteria: opt(c.success_criteria),
    retryConfig: retry
      ? {
          strategy: opt(retry.strategy),
          maxAttempts: opt(retry.max_attempts),
          attempts: retry.attempts.map((a) => ({ attempt: a.attempt, delaySec: a.delay_sec })),
        }
      : undefined,
    dndConfig: dnd
      ? {
          skipForFirstAttempt: opt(dnd.skip_for_first_attempt),
          ranges: dnd.ranges?.map((r) => ({ from: r.from, to: r.to })),
          days: dnd.days ? [...dnd.days] : undefined,
        }
      : undefined,
    createdAt: opt(c.created_at),
    updatedAt: opt(c.updated_at),
  };
}

async function findConfiguration(
  args: GetRobocallConfigurationArgs,
  target: Target,
): Promise<GetRobocallConfigurationResult> {
  const fn = "getRobocallConfiguration";
  return toResult(await findOne(fn, target, robocallConfigurations, selectorOf(fn, args)));
}

async function allConfigurations(_args: object, target: Target): Promise<GetRobocallConfigurationsResult> {
  return { configurations: (await listAll(target, robocallConfigurations)).map(toResult) };
}

/**
 * A robocall configuration by id or by exact name; its id is what `POST /v1/call-tasks/robocalls` takes as
 * `robocall_configuration_id`.
 */
export function getRobocallConfiguration(
  args: GetRobocallConfigurationArgs,
  opts?: LookupOptions,
): Promise<GetRobocallConfigurationResult> {
  return invoke(findConfiguration, args, opts);
}

/** {@link getRobocallConfiguration} taking Inputs and answering an Output. */
export function getRobocallConfigurationOutput(
  args: GetRobocallConfigurationOutputArgs,
  opts?: LookupOptions,
): pulumi.Output<GetRobocallConfigurationResult> {
  return invokeOutput(findConfiguration, args, opts);
}

/** Every robocall configuration of the organization. */
export function getRobocallConfigurations(opts?: LookupOptions): Promise<GetRobocallConfigurationsResult> {
  return invoke(allConfigurations, {}, opts);
}

/** {@link getRobocallConfigurations} answering an Output. */
export function getRobocallConfigurationsOutput(opts?: LookupOptions): pulumi.Output<GetRobocallConfigurationsResult> {
  return invokeOutput(allConfigurations, {}, opts);
}
