import type * as pulumi from "@pulumi/pulumi";
import { invoke, invokeOutput, type LookupOptions, organizationId, type Target } from "./core";

export interface GetOrganizationResult {
  /** The organization the configured key belongs to (`/v1/me`). */
  organizationId: string;
}

async function findOrganization(_args: object, target: Target): Promise<GetOrganizationResult> {
  return { organizationId: await organizationId(target) };
}

/**
 * The organization the configured key (or the explicit provider's) belongs to: a cheap check that a stack
 * points where it should, and a value to tag or export.
 */
export function getOrganization(opts?: LookupOptions): Promise<GetOrganizationResult> {
  return invoke(findOrganization, {}, opts);
}

/** {@link getOrganization} answering an Output. */
export function getOrganizationOutput(opts?: LookupOptions): pulumi.Output<GetOrganizationResult> {
  return invokeOutput(findOrganization, {}, opts);
}
