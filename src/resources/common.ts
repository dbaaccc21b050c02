import type * as pulumi from "@pulumi/pulumi";
import type { ApiObject, ResourceDefinition } from "../provider/define";

/** Outputs every resource has beyond its inputs. */
export interface ResourceOutputs {
  createdAt: pulumi.Output<string>;
  updatedAt: pulumi.Output<string>;
  /** The organization that owns the object, from `/v1/me`: how a refresh tells a deletion from a wrong key. */
  organizationId: pulumi.Output<string>;
}

/**
 * The props a resource registers: the user's args, and every output name set to undefined so that Pulumi
 * exposes it as a property of the resource.
 */
export function resourceProps<TApi extends ApiObject>(
  def: ResourceDefinition<TApi>,
  args: object,
  serverOutputs: readonly string[],
): pulumi.Inputs {
  const props: pulumi.Inputs = {};
  for (const name of [...Object.keys(def.fields), ...serverOutputs]) props[name] = undefined;
  return { ...props, ...args };
}
