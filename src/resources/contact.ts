import * as pulumi from "@pulumi/pulumi";
import { orUndefined } from "../client";
import {
  type Contact as ApiContact,
  CONTACT_SEARCH_MAX_SIZE,
  contactRequest,
  type EMAIL_LABELS,
  type PHONE_LABELS,
} from "../models";
import type { Assert } from "../models/case";
import { defineResource, fieldsFrom, ReadManyRefusedError, serverOutputs } from "../provider/define";

import stub = require("../provider/stubs/contact");

import { sameValue } from "../provider/values";
import { type Agrees, type ResourceOutputs, resourceProps } from "./common";

type Entry = Record<string, unknown>;

/** Labels default to OTHER on the server; defaulting them here keeps inputs and outputs comparable. */
const withLabel = (v: unknown) => (v as Entry[]).map((e) => ({ ...e, label: e.label ?? "OTHER" }));
/** Sub-object ids are the server's; they never make a difference. */
const withoutIds = (v: unknown) => (v as Entry[]).map(({ id: _id, ...rest }) => rest);
const sortedUnique = (v: unknown) => [...new Set((v as string[]).map((s) => s.trim()))].sort();

/**
 * A contact's fields are the request's (models/contacts.ts), in its order; here is only how they default
 * and compare.
 */
const fields = fieldsFrom(contactRequest.shape, {
  phones: { default: [], normalise: withLabel, comparable: withoutIds },
  emails: { default: [], normalise: withLabel, comparable: withoutIds },
  addresses: {
    default: [],
    // An address field the server holds as null and one the program leaves out are the same.
    normalise: (v: unknown) =>
      (v as Entry[]).map((a) => Object.fromEntries(Object.entries(a).filter(([, x]) => x !== null && x !== undefined))),
    comparable: withoutIds,
  },
  tags: {
    default: [],
    // The API answers tag objects; the field holds their names, as a set.
    fromApi: (answer) => (answer as ApiContact).tags.map((t) => t.name),
    normalise: sortedUnique,
  },
  tagIds: { default: [], fromApi: (answer) => (answer as ApiContact).tags.map((t) => t.id), normalise: sortedUnique },
});

/** Read-only: set by the server or a CRM sync, never sent and never compared, so they cause no diff. */
const outputs = serverOutputs(
  ["external_id", "crm_name", "crm_contact_url", "crm_logo", "source", "created_at", "updated_at"],
  {
    metadata: (answer: ApiContact) => answer.metadata ?? {},
    assignedTags: (answer: ApiContact) => answer.tags.map((t) => ({ id: t.id, name: t.name, color: t.color ?? null })),
  },
);

/**
 * A contact (`/v2/contacts`). The API's PUT replaces the whole contact, so an update always sends the
 * complete desired contact and changing one field never loses the others.
 */
export const contactDefinition = defineResource<ApiContact>({
  kind: "Contact",
  noun: "contact",
  fields,
  groups: [
    {
      // Tags given by name and by id come back as one list of tag objects: the contact matches when it
      // holds exactly the named tags plus the tags given by id, whatever their names.
      fields: ["tags", "tagIds"],
      differs: (desired, actual) => {
        const assigned = actual.assignedTags as Array<{ id: string; name: string }> | undefined;
        // State written without assignedTags (inputs compared with inputs): compare by value.
        if (!assigned)
          return !sameValue(desired.tags, actual.tags ?? []) || !sameValue(desired.tagIds, actual.tagIds ?? []);
        const held = assigned.map((t) => ({ id: t.id, name: t.name }));
        const names = new Set(desired.tags as string[]);
        const ids = new Set(desired.tagIds as string[]);
        if ([...ids].some((id) => !held.some((t) => t.id === id))) return true;
        const expected = new Set([...names, ...held.filter((t) => ids.has(t.id)).map((t) => t.name)]);
        const got = new Set(held.map((t) => t.name));
        return expected.size !== got.size || [...expected].some((n) => !got.has(n));
      },
    },
  ],
  serverOutputs: outputs,
  api: {
    create: (client, body) => client.contacts.create(body as never),
    get: (client, id) => orUndefined(client.contacts.get(id)),
    update: (client, id, body) => client.contacts.update(id, body as never),
    delete: (client, id) => orUndefined(client.contacts.delete(id)).then(() => undefined),
    findCreated: async (client, body, since) => {
      const phones = body.phones as Array<{ number: string }> | undefined;
      const filters = phones?.[0] ? { phone: phones[0].number } : { first_name: String(body.first_name) };
      return await client.contacts.search({ ...filters, created_at_range: { from: since.toISOString() } }).toArray();
    },
    // A refresh reads contacts by the page: the search's `ids` filter, the API's largest page.
    readMany: {
      by: "ids",
      max: CONTACT_SEARCH_MAX_SIZE,
      read: async (client, ids) => {
        const page = await client.contacts.search({ ids }, { pageSize: CONTACT_SEARCH_MAX_SIZE }).firstPage();
        // More matches than ids: the filter was not applied, and the answer says nothing about these ids.
        if (!page.last || page.items.length > ids.length || (page.totalElements ?? 0) > ids.length) {
          throw new ReadManyRefusedError(
            `POST /v2/contacts/search answered more contacts than the ${ids.length} ids asked for`,
          );
        }
        return page.items;
      },
    },
  },
});

export interface ContactPhone {
  /** E.164, e.g. +39012345678. */
  number: pulumi.Input<string>;
  /** EXTENSION, PRIMARY, SECONDARY, MOBILE, HOME, JOB or OTHER (default). */
  label?: pulumi.Input<(typeof PHONE_LABELS)[number]>;
}
export interface ContactEmail {
  email: pulumi.Input<string>;
  /** PRIMARY, SECONDARY, JOB, HOME or OTHER (default). */
  label?: pulumi.Input<(typeof EMAIL_LABELS)[number]>;
}
export interface ContactAddress {
  addressLine?: pulumi.Input<string>;
  street?: pulumi.Input<string>;
  postalCode?: pulumi.Input<string>;
  city?: pulumi.Input<string>;
  province?: pulumi.Input<string>;
  country?: pulumi.Input<string>;
}
export interface ContactArgs {
  firstName: pulumi.Input<string>;
  lastName?: pulumi.Input<string>;
  /** In order; the same number may appear more than once, as the API allows. */
  phones?: pulumi.Input<pulumi.Input<ContactPhone>[]>;
  /** In order; the same address may appear more than once, as the API allows. */
  emails?: pulumi.Input<pulumi.Input<ContactEmail>[]>;
  addresses?: pulumi.Input<pulumi.Input<ContactAddress>[]>;
  jobTitle?: pulumi.Input<string>;
  companyName?: pulumi.Input<string>;
  website?: pulumi.Input<string>;
  /** Tag names; a set (order and repeats do not matter). Tags are created on first use. */
  tags?: pulumi.Input<pulumi.Input<string>[]>;
  /** Ids of existing tags. */
  tagIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** The id of an existing contact to take over instead of creating one. */
  importId?: pulumi.Input<string>;
}

export class Contact extends pulumi.dynamic.Resource {
  declare readonly firstName: pulumi.Output<string>;
  declare readonly lastName: pulumi.Output<string | undefined>;
  declare readonly phones: pulumi.Output<Array<{ id: string; number: string; label: string }>>;
  declare readonly emails: pulumi.Output<Array<{ id: string; email: string; label: string }>>;
  declare readonly addresses: pulumi.Output<Array<{ id: string } & Record<string, string>>>;
  declare readonly jobTitle: pulumi.Output<string | undefined>;
  declare readonly companyName: pulumi.Output<string | undefined>;
  declare readonly website: pulumi.Output<string | undefined>;
  declare readonly tags: pulumi.Output<string[]>;
  declare readonly tagIds: pulumi.Output<string[]>;
  /** The contact's id in the external CRM it is synced from, if any. */
  declare readonly externalId: pulumi.Output<string | undefined>;
  /** The name of the CRM the contact was synced from, if any. */
  declare readonly crmName: pulumi.Output<string | undefined>;
  /** The contact's record in that CRM, if any. */
  declare readonly crmContactUrl: pulumi.Output<string | undefined>;
  /** The logo URL of that CRM, if any. */
  declare readonly crmLogo: pulumi.Output<string | undefined>;
  /** Key-value metadata attached to the contact (`{}` when none). */
  declare readonly metadata: pulumi.Output<Record<string, unknown>>;
  /** API, INTEGRATION, IMPORT, USER, CHAT or INTERNAL; API for contacts created here. */
  declare readonly source: pulumi.Output<string>;
  /** Every tag the contact holds, with the ids the server gave them. */
  declare readonly assignedTags: pulumi.Output<Array<{ id: string; name: string; color?: string }>>;
  declare readonly createdAt: ResourceOutputs["createdAt"];
  declare readonly updatedAt: ResourceOutputs["updatedAt"];
  declare readonly organizationId: ResourceOutputs["organizationId"];

  constructor(name: string, args: ContactArgs, opts?: pulumi.CustomResourceOptions) {
    super(stub, name, resourceProps(contactDefinition, args, name, opts), opts, "romulus", "Contact");
  }

  /** Reads an existing contact by id without managing it. */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): Contact {
    return new Contact(name, {} as ContactArgs, { ...opts, id });
  }
}

// ContactArgs and the outputs above say what the definition says (see Agrees).
type _ContactAgrees = Assert<Agrees<ContactArgs, typeof fields, Contact, typeof outputs>>;
