import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type { ApiObject, Failure, ResourceDefinition } from "./provider/define";
import { check, IMPORT_ID } from "./provider/engine";
import { UNKNOWN } from "./provider/values";

/**
 * Unit tests the Pulumi way (`pulumi.runtime.setMocks`) never reach a provider: the mocks answer every
 * registration and every invoke. So under mocks the resources run their own check in the program, as
 * `pulumi preview` would run it in the provider, and the data sources go to the mocks' `call`.
 */

/**
 * Whether the program runs under `pulumi.runtime.setMocks`. `setMocks` installs a `MockMonitor` as the
 * program's resource monitor (`setMockOptions` in @pulumi/pulumi's runtime/settings.js); a real run's monitor
 * is a gRPC client of the engine, and outside any run there is none (`hasMonitor` is then false, and
 * `getMonitor` is not called: it would open a connection). The class name is the fallback for a program
 * whose @pulumi/pulumi is another copy than this package's, where `instanceof` cannot see it.
 */
export function mocksInstalled(): boolean {
  if (!pulumi.runtime.hasMonitor()) return false;
  const monitor: unknown = pulumi.runtime.getMonitor();
  return (
    monitor instanceof MockMonitor ||
    (monitor as { constructor?: { name?: string } })?.constructor?.name === "MockMonitor"
  );
}

/** What an Output is made of at runtime; the public typings hide it, and `pulumi.unsecret` relies on it too. */
export interface OutputState<T> {
  isKnown: PromiseLike<boolean>;
  promise(): Promise<T>;
}

/** An Input's value as a provider's check receives it: secrets unwrapped, an unknown value as the sentinel. */
async function settle(value: pulumi.Input<unknown>): Promise<unknown> {
  const state = pulumi.output(value) as unknown as OutputState<unknown>;
  return (await state.isKnown) ? state.promise() : UNKNOWN;
}

/** A resource's inputs failed the check that `pulumi preview` runs; raised in the program under mocks. */
export class ResourceCheckError extends Error {
  constructor(
    readonly kind: string,
    readonly resourceName: string,
    readonly failures: readonly Failure[],
  ) {
    super(`${kind} "${resourceName}": ${failures.map((f) => f.reason).join("; ")}`);
    this.name = "ResourceCheckError";
  }
}

/** `phones[0].number` -> `phones`. */
const topLevel = (property: string) => property.split(/[.[]/)[0] ?? property;

/**
 * The props of a resource under mocks: the definition's check runs on the inputs once each is known, and
 * every field becomes what that check answers, defaults filled in, as the provider's check hands them on:
 * so the mocks' `newResource` sees `attempts: 3`. When the check fails, the first failing field rejects
 * with every failure of the resource: its registration fails, as Pulumi reports a failed registration
 * (the resource's outputs reject and the program fails with the message). An input still unknown (a preview) stays unknown and
 * unchecked, as in the provider; each field keeps its own secretness.
 */
export function checkedUnderMocks(
  def: ResourceDefinition<ApiObject>,
  name: string,
  args: Record<string, pulumi.Input<unknown> | undefined>,
  props: pulumi.Inputs,
): pulumi.Inputs {
  const given = Object.keys(args).filter((key) => args[key] !== undefined);
  const verdict = Promise.all(given.map(async (key) => [key, await settle(args[key])] as const)).then((entries) =>
    check(def, Object.fromEntries(entries.filter(([, value]) => value !== undefined && value !== null))),
  );
  const keys = [...new Set([...Object.keys(def.fields), IMPORT_ID, ...given])];
  const checked: pulumi.Inputs = { ...props };
  for (const key of keys) {
    checked[key] = pulumi.all([pulumi.output(verdict), args[key]]).apply(([{ inputs, failures }]) => {
      // One field fails the registration, with every failure in its message: the first that has one (a
      // failure no field owns, of which there is none today, goes to the first field). The others answer
      // their values, so no second rejection goes unheard.
      const owner =
        keys.find((k) => failures.some((f) => topLevel(f.property) === k)) ??
        (failures.length > 0 ? keys[0] : undefined);
      if (key === owner) throw new ResourceCheckError(def.kind, name, failures);
      return inputs[key];
    });
  }
  return checked;
}
