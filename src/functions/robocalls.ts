import { type Assert, type Camelized, camelized, type Same } from "../models/case";
import { type RobocallConfiguration, robocallConfiguration } from "../models/robocalls";
import { declareLookups, type LookupInputs } from "./core";

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

const toResult = (c: RobocallConfiguration): GetRobocallConfigurationResult => camelized(robocallConfiguration, c);
// GetRobocallConfigurationResult documents the configuration's model camelCased, no more and no less.
type _ConfigurationAgrees = Assert<Same<GetRobocallConfigurationResult, Camelized<RobocallConfiguration>>>;

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
