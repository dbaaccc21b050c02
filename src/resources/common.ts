import type * as pulumi from "@pulumi/pulumi";
import { checkedUnderMocks, mocksInstalled } from "../mocks";
import type { Same } from "../models/case";
import type { ApiObject, ArgsOf, FieldSpec, ResourceDefinition, ServerOutputs } from "../provider/define";
import { ORGANIZATION_ID } from "../provider/engine";

/** Outputs every resource has beyond its inputs. */
export interface ResourceOutputs {
  createdAt: pulumi.Output<string>;
  updatedAt: pulumi.Output<string>;
  /** The organization that owns the object, from `/v1/me`: how a refresh tells a deletion from a wrong key. */
  organizationId: pulumi.Output<string>;
}

/**
 * The props a resource registers: the user's args, and every output name (its fields, the server's
 * outputs its definition names, the organization) set to undefined so that Pulumi exposes it as a
 * property of the resource. Under `setMocks` (a unit test, where no provider runs), the
 * args pass the definition's check first, as `pulumi preview` would check them; a static `get` (an `id`)
 * has none to check.
 */
export function resourceProps<TApi extends ApiObject>(
  def: ResourceDefinition<TApi>,
  args: object,
  name: string,
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.Inputs {
  const props: pulumi.Inputs = {};
  for (const output of [...Object.keys(def.fields), ...def.serverOutputs.names, ORGANIZATION_ID])
    props[output] = undefined;
  const given = { ...props, ...args };
  if (opts?.id !== undefined || !mocksInstalled()) return given;
  return checkedUnderMocks(def as unknown as ResourceDefinition<ApiObject>, name, args as Record<string, never>, given);
}

/**
 * The public types of a resource (its `…Args` interfaces and `declare readonly` outputs) are written out,
 * because they carry the documentation users read in their editor, which types derived by renaming keys
 * lose. `Agrees` makes them say what the definition says: each resource file states
 * `Agrees<ContactArgs, typeof fields, Contact, typeof outputs>`, which compiles only when the args accept
 * exactly what the fields accept (Inputs aside) and the class declares exactly the outputs registered.
 */
export type Agrees<
  Args,
  Fields extends Record<string, FieldSpec>,
  Resource extends pulumi.CustomResource,
  Outputs extends ServerOutputs<never>,
> = [
  Same<pulumi.Unwrap<Omit<Args, "importId">>, ArgsOf<Fields>>,
  Same<DeclaredOutputs<Resource>, OutputNames<Fields, Outputs>>,
] extends [true, true]
  ? true
  : false;

type DeclaredOutputs<R> = Exclude<keyof R, keyof pulumi.CustomResource>;
type OutputNames<F, O> = keyof F | (O extends { names: readonly (infer N)[] } ? N : never) | "organizationId";
