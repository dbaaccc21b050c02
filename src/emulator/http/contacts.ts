import * as contacts from "../model/contacts";
import type { ApiRouter } from "./router";

export function registerContacts(api: ApiRouter): void {
  const m = api.model;
  api.route("POST", "/v2/contacts", ({ org, body }) => contacts.createContact(m, org, body));
  api.route("POST", "/v2/contacts/search", ({ org, body, indexedBefore }) =>
    contacts.searchContacts(m, org, body, indexedBefore),
  );
  const one = "/v2/contacts/:contactId";
  api.route("GET", one, ({ org, params }) => contacts.getContact(m, org, params.contactId!));
  api.route("PUT", one, ({ org, params, body }) => contacts.updateContact(m, org, params.contactId!, body));
  api.route("DELETE", one, ({ org, params }) => contacts.deleteContact(m, org, params.contactId!));
}
