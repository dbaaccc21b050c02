import { RomulusError } from "./client/core/errors";
import { assertSafeEndpoint } from "./client/core/transport";

/**
 * Where credentials and the endpoint come from, in one place for the client, the resources and the data
 * sources: explicit options, then the Pulumi stack configuration (`romulus:*`), then environment variables.
 * This module never imports @pulumi/pulumi: callers inside Pulumi pass a reader for the stack config.
 */

export const ENVIRONMENTS = {
  production: "https://api.romulus.live",
  sandbox: "https://api.sandbox.romulus.live",
} as const;
export type Environment = keyof typeof ENVIRONMENTS;

export interface RomulusSettings {
  apiKey?: string;
  /** A base URL that overrides `environment` (e.g. the local emulator). */
  endpoint?: string;
  /** `production` (the default) or `sandbox`. */
  environment?: Environment | string;
}

export type SettingsSource = "explicit options" | "stack configuration" | "environment variables";

export interface ResolvedSettings {
  apiKey: string;
  baseUrl: string;
  environment: Environment | "custom";
  /** Where the key came from, for messages. Never the key itself. */
  apiKeySource: SettingsSource;
}

/** Reads `romulus:<name>` from the stack configuration. */
export type StackConfigReader = (name: keyof RomulusSettings) => string | undefined;

export const ENV_VARS = {
  apiKey: "ROMULUS_API_KEY",
  endpoint: "ROMULUS_ENDPOINT",
  environment: "ROMULUS_ENVIRONMENT",
} as const;

export const MISSING_KEY_MESSAGE =
  "No Romulus API key configured. Set it in one of three ways: " +
  "`pulumi config set --secret romulus:apiKey <key>` (stack configuration), " +
  "the `apiKey` option of the Provider (or of RomulusClient), " +
  "or the ROMULUS_API_KEY environment variable.";

function present(value: string | undefined | null): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

export function resolveSettings(
  explicit: RomulusSettings = {},
  stack?: StackConfigReader,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedSettings {
  const layers: Array<[SettingsSource, RomulusSettings]> = [
    ["explicit options", explicit],
    [
      "stack configuration",
      stack ? { apiKey: stack("apiKey"), endpoint: stack("endpoint"), environment: stack("environment") } : {},
    ],
    [
      "environment variables",
      { apiKey: env[ENV_VARS.apiKey], endpoint: env[ENV_VARS.endpoint], environment: env[ENV_VARS.environment] },
    ],
  ];

  const keyLayer = layers.find(([, s]) => present(s.apiKey));
  if (!keyLayer) throw new RomulusError(MISSING_KEY_MESSAGE);

  // The first layer that says anything about where to go decides it; within a layer, endpoint wins.
  const whereLayer = layers.find(([, s]) => present(s.endpoint) || present(s.environment));
  const [whereSource, where] = whereLayer ?? ["explicit options", {}];
  const endpoint = present(where.endpoint);
  if (endpoint) {
    try {
      assertSafeEndpoint(endpoint);
    } catch (error) {
      throw new RomulusError(`endpoint from ${whereSource}: ${(error as Error).message}`);
    }
    return {
      apiKey: present(keyLayer[1].apiKey)!,
      baseUrl: endpoint.replace(/\/+$/, ""),
      environment: "custom",
      apiKeySource: keyLayer[0],
    };
  }
  const environment = present(where.environment) ?? "production";
  // Own keys only: `in` also sees Object.prototype, so "toString" or "constructor" would pass and then
  // resolve to a function instead of a URL.
  if (!Object.hasOwn(ENVIRONMENTS, environment)) {
    throw new RomulusError(
      `environment from ${whereSource} is "${environment}"; expected one of ${Object.keys(ENVIRONMENTS).join(", ")} ` +
        "(or set an endpoint URL instead)",
    );
  }
  return {
    apiKey: present(keyLayer[1].apiKey)!,
    baseUrl: ENVIRONMENTS[environment as Environment],
    environment: environment as Environment,
    apiKeySource: keyLayer[0],
  };
}
