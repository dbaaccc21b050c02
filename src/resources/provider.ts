import * as pulumi from "@pulumi/pulumi";
import type { Environment, RomulusSettings } from "../config";

export interface ProviderArgs {
  /** The organization's API key. Stored encrypted in state (it is made a secret here). */
  apiKey: pulumi.Input<string>;
  /** A base URL overriding `environment`, e.g. the local emulator. */
  endpoint?: pulumi.Input<string>;
  /** `production` (default) or `sandbox`. */
  environment?: pulumi.Input<Environment>;
  /**
   * Lets `endpoint` be plain http to a host that is not loopback (an emulator in docker-compose or a CI
   * service container); the key then travels in clear text. Default false.
   */
  allowInsecureHttp?: pulumi.Input<boolean>;
}

/** What the data sources of the program need from an explicit provider; kept out of any serialised state. */
const settingsByProvider = new WeakMap<pulumi.ProviderResource, pulumi.Output<RomulusSettings>>();

/**
 * An explicit provider, for programs that manage several organizations or environments at once: pass it
 * as `{ provider }` to resources and data sources. Its inputs reach the provider host as its Configure
 * arguments (`romulus:apiKey`, ...), exactly like the stack configuration does for the default provider.
 */
export class Provider extends pulumi.ProviderResource {
  constructor(name: string, args: ProviderArgs, opts?: pulumi.ResourceOptions) {
    const apiKey = pulumi.secret(args.apiKey);
    super(
      "pulumi-nodejs",
      name,
      {
        "romulus:apiKey": apiKey,
        "romulus:endpoint": args.endpoint,
        "romulus:environment": args.environment,
        "romulus:allowInsecureHttp": args.allowInsecureHttp,
      },
      opts,
    );
    settingsByProvider.set(
      this,
      pulumi
        .all([apiKey, args.endpoint, args.environment, args.allowInsecureHttp])
        .apply(([key, endpoint, environment, allowInsecureHttp]) => ({
          apiKey: key,
          endpoint,
          environment,
          allowInsecureHttp,
        })),
    );
  }
}

/** The settings of an explicit provider, for data sources run in the program. */
export function providerSettings(
  provider: pulumi.ProviderResource | undefined,
): pulumi.Output<RomulusSettings> | undefined {
  return provider ? settingsByProvider.get(provider) : undefined;
}
