import type { RobocallConfiguration } from "../models/robocalls";
import { declareLookups, type LookupInputs, opt } from "./core";

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

export interface GetRobocallConfigurationOutputArgs extends LookupInputs<GetRobocallConfigurationArgs> {}

export interface GetRobocallConfigurationsResult {
  /** In the API's order. */
  configurations: GetRobocallConfigurationResult[];
}

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

const configurations = declareLookups<
  RobocallConfiguration,
  GetRobocallConfigurationArgs,
  GetRobocallConfigurationOutputArgs,
  GetRobocallConfigurationResult,
  GetRobocallConfigurationsResult
>({
  key: "robocall-configurations",
  noun: "robocall configuration",
  plural: "robocall configurations",
  list: (client, options) => client.robocalls.listConfigurations(options),
  fn: "getRobocallConfiguration",
  allFn: "getRobocallConfigurations",
  toResult,
  allResult: (results) => ({ configurations: results }),
});

/**
 * A robocall configuration by id or by exact name; its id is what `POST /v1/call-tasks/robocalls` takes as
 * `robocall_configuration_id`.
 */
export const getRobocallConfiguration = configurations.one.plain;

/** {@link getRobocallConfiguration} taking Inputs and answering an Output. */
export const getRobocallConfigurationOutput = configurations.one.output;

/** Every robocall configuration of the organization. */
export const getRobocallConfigurations = configurations.all.plain;

/** {@link getRobocallConfigurations} answering an Output. */
export const getRobocallConfigurationsOutput = configurations.all.output;
