// First, before any dependency loads: an unsupported Node stops here with one line.
import "../node-version";
import type * as pulumi from "@pulumi/pulumi";
import type { GetAgentResult } from "../functions/agents";
import { type Fixtures, fixtureTarget, lookupNamed } from "../functions/core";
import type { GetRobocallConfigurationResult } from "../functions/robocalls";
import type { GetWhatsAppBotResult, WhatsAppTemplateResult } from "../functions/whatsapp";

/** What fails a resource's registration under mocks when its inputs fail the check `pulumi preview` runs. */
export { ResourceCheckError } from "../mocks";

/**
 * `pulumi-romulus/testing`: mocks for unit tests written the Pulumi way (`pulumi.runtime.setMocks`).
 *
 * ```ts
 * await pulumi.runtime.setMocks(romulusMocks({ agents: [{ id: "agent-1", name: "Sales Agent" }] }));
 * ```
 */

type Fixture<R extends { id: string; name: string }> = Pick<R, "id" | "name"> & Partial<R>;

/** The organization's objects the data sources find, each in the shape its data source answers. */
export interface RomulusFixtures {
  /** What `getAgent` and `getAgents` find. */
  agents?: Fixture<GetAgentResult>[];
  /** What `getWhatsAppBot`, `getWhatsAppBots` and `getWhatsAppTemplate` find. */
  whatsAppBots?: Array<Pick<GetWhatsAppBotResult, "id" | "name"> & { templates?: Fixture<WhatsAppTemplateResult>[] }>;
  /** What `getRobocallConfiguration` and `getRobocallConfigurations` find. */
  robocallConfigurations?: Fixture<GetRobocallConfigurationResult>[];
  /** What `getOrganization` answers. Default `mock-organization`. */
  organizationId?: string;
}

/** The Pulumi type of every pulumi-romulus resource starts so (`pulumi-nodejs:dynamic/romulus:Contact`). */
const RESOURCE_TYPE_PREFIX = "pulumi-nodejs:dynamic/romulus:";
/** Data source tokens: `romulus:index:getAgent`. */
const TOKEN_PREFIX = "romulus:index:";

/** What the invoke machinery shows of an error a mock throws: its `details` (`message` is lost). */
function invokeError(error: unknown): Error {
  const e = error instanceof Error ? error : new Error(String(error));
  return Object.assign(e, { details: e.message });
}

/**
 * Mocks that answer every pulumi-romulus data source from `fixtures` with the data sources' own matching
 * and messages (exact names, ambiguous names, filters, a template's language), and register every
 * pulumi-romulus resource with its checked inputs as its outputs: the defaults filled in, as the provider
 * would answer (`attempts: 3`), and an id `<name>-id`. Anything else goes to `others`, or is echoed.
 */
export function romulusMocks(
  fixtures: RomulusFixtures = {},
  others: Partial<pulumi.runtime.Mocks> = {},
): pulumi.runtime.Mocks {
  const target = fixtureTarget({
    listings: {
      agents: fixtures.agents ?? [],
      "whatsapp-bots": (fixtures.whatsAppBots ?? []).map((bot) => ({
        ...bot,
        templates: (bot.templates ?? []).map((t) => ({ components: [], ...t })),
      })),
      "robocall-configurations": fixtures.robocallConfigurations ?? [],
    },
    organizationId: fixtures.organizationId ?? "mock-organization",
  } satisfies Fixtures);
  return {
    ...others,
    async call(args) {
      if (!args.token.startsWith(TOKEN_PREFIX)) return others.call ? others.call(args) : args.inputs;
      const lookup = lookupNamed(args.token.slice(TOKEN_PREFIX.length));
      if (!lookup) throw invokeError(new Error(`romulusMocks: pulumi-romulus has no data source ${args.token}`));
      try {
        return (await lookup.find(args.inputs, target)) as Record<string, unknown>;
      } catch (error) {
        throw invokeError(error);
      }
    },
    newResource(args) {
      if (!args.type.startsWith(RESOURCE_TYPE_PREFIX) && others.newResource) return others.newResource(args);
      // The serialised provider is the engine's business, not an output.
      const { __provider: _provider, ...state } = args.inputs as Record<string, unknown>;
      return { id: args.id || `${args.name}-id`, state };
    },
  };
}
