import { noArgsDataSource, organizationId } from "./core";

export interface GetOrganizationResult {
  /** The organization the configured key belongs to (`/v1/me`). */
  organizationId: string;
}

const organization = noArgsDataSource<GetOrganizationResult>("getOrganization", async (_args, target) => ({
  organizationId: await organizationId(target),
}));

/**
 * The organization the configured key (or the explicit provider's) belongs to: a cheap check that a stack
 * points where it should, and a value to tag or export.
 */
export const getOrganization = organization.plain;

/** {@link getOrganization} answering an Output. */
export const getOrganizationOutput = organization.output;
