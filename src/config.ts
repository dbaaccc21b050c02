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
  /**
   * Lets `endpoint` be plain http to a host that is not loopback, e.g. an emulator in docker-compose or a
   * CI service container: the key then travels in clear text, so only on a network you trust. A boolean,
   * or its text from the stack configuration or ROMULUS_ALLOW_INSECURE_HTTP (`true`/`1`, `false`/`0`).
   */
  allowInsecureHttp?: boolean | string;
}

export type SettingsSource = "explicit options" | "stack configuration" | "environment variables";

export interface ResolvedSettings {
  apiKey: string;
  baseUrl: string;
  environment: Environment | "custom";
  /** Where the key came from, for messages. Never the key itself. */
  apiKeySource: SettingsSource;
  /** Plain http to any host was opted in to. */
  allowInsecureHttp: boolean;
}

/** Reads `romulus:<name>` from the stack configuration. */
export type StackConfigReader = (name: keyof RomulusSettings) => string | undefined;

export const ENV_VARS = {
  apiKey: "ROMULUS_API_KEY",
  endpoint: "ROMULUS_ENDPOINT",
  environment: "ROMULUS_ENVIRONMENT",
  allowInsecureHttp: "ROMULUS_ALLOW_INSECURE_HTTP",
} as const;

const FLAG_WORDS = new Map([
  ["true", true],
  ["1", true],
  ["yes", true],
  ["false", false],
  ["0", false],
  ["no", false],
]);

/** The opt-in as a layer states it: a boolean, its text, or nothing (blank counts as nothing). */
function flag(value: boolean | string | undefined, source: SettingsSource): boolean | undefined {
  if (typeof value === "boolean") return value;
  const text = present(value)?.toLowerCase();
  if (text === undefined) return undefined;
  const parsed = FLAG_WORDS.get(text);
  if (parsed === undefined) {
    throw new RomulusError(
      `allowInsecureHttp from ${source} is ${JSON.stringify(value)}; expected true or false (or 1 or 0)`,
    );
  }
  return parsed;
}

/**
 * A missing key is explained with the ways open to whoever asked: a Pulumi program (resources, data
 * sources) can use the stack configuration; a plain client user has never heard of it.
 */
export const MISSING_KEY_MESSAGE =
  "No Romulus API key configured. Set it in one of three ways: " +
  "`pulumi config set --secret romulus:apiKey <key>` (stack configuration), " +
  "the `apiKey` of an explicit Provider, " +
  "or the ROMULUS_API_KEY environment variable.";

export const CLIENT_MISSING_KEY_MESSAGE =
  "No Romulus API key configured: pass the `apiKey` option (new RomulusClient({ apiKey })) " +
  "or set the ROMULUS_API_KEY environment variable.";

/** An explicit Provider's settings are all its data sources read, besides the environment variables. */
export const PROVIDER_MISSING_KEY_MESSAGE =
  "No Romulus API key configured for this Provider: give it `apiKey` " +
  '(new Provider(name, { apiKey: config.requireSecret("...") })) or set the ROMULUS_API_KEY environment variable.';

/** Who asks for settings without a stack configuration: `RomulusClient`, or an explicit `Provider`. */
export type ExplicitSource = "client" | "provider";

function present(value: string | undefined | null): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * `explicit` are options given in code: a `RomulusClient`'s, or a `Provider`'s when `explicitSource` says
 * so. `stack` is given inside a Pulumi program or provider, which is what the message for a missing key
 * speaks of.
 */
export function resolveSettings(
  explicit: RomulusSettings = {},
  stack?: StackConfigReader,
  env: NodeJS.ProcessEnv = process.env,
  explicitSource: ExplicitSource = "client",
): ResolvedSettings {
  const layers: Array<[SettingsSource, RomulusSettings]> = [
    ["explicit options", explicit],
    [
      "stack configuration",
      stack
        ? {
            apiKey: stack("apiKey"),
            endpoint: stack("endpoint"),
            environment: stack("environment"),
            allowInsecureHttp: stack("allowInsecureHttp"),
          }
        : {},
    ],
    [
      "environment variables",
      {
        apiKey: env[ENV_VARS.apiKey],
        endpoint: env[ENV_VARS.endpoint],
        environment: env[ENV_VARS.environment],
        allowInsecureHttp: env[ENV_VARS.allowInsecureHttp],
      },
    ],
  ];
  // Like every other setting, the first source that states the opt-in decides it (an explicit `false`
  // beats ROMULUS_ALLOW_INSECURE_HTTP=1).
  const allowInsecureHttp =
    layers.map(([source, s]) => flag(s.allowInsecureHttp, source)).find((v) => v !== undefined) ?? false;

  const keyLayer = layers.find(([, s]) => present(s.apiKey));
  if (!keyLayer) {
    throw new RomulusError(
      stack
        ? MISSING_KEY_MESSAGE
        : explicitSource === "provider"
          ? PROVIDER_MISSING_KEY_MESSAGE
          : CLIENT_MISSING_KEY_MESSAGE,
    );
  }

  // The first layer that says anything about where to go decides it; within a layer, endpoint wins.
  const whereLayer = layers.find(([, s]) => present(s.endpoint) || present(s.environment));
  const [whereSource, where] = whereLayer ?? ["explicit options", {}];
  const endpoint = present(where.endpoint);
  if (endpoint) {
    try {
      assertSafeEndpoint(endpoint, { allowInsecureHttp });
    } catch (error) {
      throw new RomulusError(`endpoint from ${whereSource}: ${(error as Error).message}`);
    }
    return {
      apiKey: present(keyLayer[1].apiKey)!,
      baseUrl: endpoint.replace(/\/+$/, ""),
      environment: "custom",
      apiKeySource: keyLayer[0],
      allowInsecureHttp,
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
    allowInsecureHttp,
  };
}
