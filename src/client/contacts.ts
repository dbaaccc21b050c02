import {
  type Contact,
  type ContactRequest,
  type ContactSearchFilters,
  contact,
  contactRequest,
  contactSearchFilters,
} from "../models/contacts";
import { DEFAULT_V2_PAGE_SIZE, type Paginator, type PaginatorOptions } from "./core/pagination";
import { Section } from "./section";

const ONE = "/v2/contacts/{contactId}";

export class Contacts extends Section {
  get(contactId: string): Promise<Contact> {
    return this.call("GET", ONE, { contactId }, { schema: contact });
  }

  /** Every contact matching the filters (AND-ed), 200 per page unless `options.pageSize` says otherwise. */
  search(filters: ContactSearchFilters = {}, options?: PaginatorOptions): Paginator<Contact> {
    const endpoint = "/v2/contacts/search";
    const body = this.body(contactSearchFilters, filters, "POST", endpoint);
    return this.v2Search(endpoint, contact, body, { pageSize: DEFAULT_V2_PAGE_SIZE, ...options });
  }

  /** Creates a contact; phone numbers must be E.164 and labels known (checked before sending). */
  async create(body: ContactRequest): Promise<Contact> {
    return this.call(
      "POST",
      "/v2/contacts",
      {},
      {
        body: this.body(contactRequest, body, "POST", "/v2/contacts"),
        schema: contact,
      },
    );
  }

  /** Replaces the whole contact: every field left out is cleared. Send the complete contact. */
  async update(contactId: string, body: ContactRequest): Promise<Contact> {
    return this.call(
      "PUT",
      ONE,
      { contactId },
      {
        body: this.body(contactRequest, body, "PUT", ONE),
        schema: contact,
      },
    );
  }

  /** Deletes the contact with its phones, emails and addresses; a contact that does not exist is a NotFoundError. */
  async delete(contactId: string): Promise<void> {
    await this.call("DELETE", ONE, { contactId });
  }
}
