import {
  CONTACT_SEARCH_MAX_SIZE,
  type Contact,
  type ContactRequest,
  type ContactSearchFilters,
  contact,
  contactRequest,
  contactSearchFilters,
} from "../models/contacts";
import { endpoint, list } from "./core/endpoint";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import { Section } from "./section";

/**
 * The v2 envelope's `size` is 1..200 (reference, "Search contacts": "number of results per page, between 1
 * and 200"); the only v2 list is contacts search, whose model holds the bound.
 */
export const MAX_V2_PAGE_SIZE = CONTACT_SEARCH_MAX_SIZE;
/** v2 contacts search documents `size` 1..200: the largest page is the fewest round trips. */
export const DEFAULT_V2_PAGE_SIZE = MAX_V2_PAGE_SIZE;

const api = {
  get: endpoint("GET /v2/contacts/{contactId}", { response: contact }),
  search: list("POST /v2/contacts/search", {
    envelope: "v2",
    item: contact,
    request: contactSearchFilters,
    maxPageSize: MAX_V2_PAGE_SIZE,
  }),
  create: endpoint("POST /v2/contacts", { request: contactRequest, response: contact }),
  update: endpoint("PUT /v2/contacts/{contactId}", { request: contactRequest, response: contact }),
  delete: endpoint("DELETE /v2/contacts/{contactId}"),
};

export class Contacts extends Section {
  get(contactId: string): Promise<Contact> {
    return this.send(api.get, { contactId });
  }

  /** Every contact matching the filters (AND-ed), 200 per page unless `options.pageSize` says otherwise. */
  search(filters: ContactSearchFilters = {}, options?: PaginatorOptions): Paginator<Contact> {
    return this.paginate(api.search, {}, filters, options);
  }

  /** Creates a contact; phone numbers must be E.164 and labels known (checked before sending). */
  async create(body: ContactRequest): Promise<Contact> {
    return this.send(api.create, {}, body);
  }

  /** Replaces the whole contact: every field left out is cleared. Send the complete contact. */
  async update(contactId: string, body: ContactRequest): Promise<Contact> {
    return this.send(api.update, { contactId }, body);
  }

  /** Deletes the contact with its phones, emails and addresses; a contact that does not exist is a NotFoundError. */
  async delete(contactId: string): Promise<void> {
    await this.send(api.delete, { contactId });
  }
}
