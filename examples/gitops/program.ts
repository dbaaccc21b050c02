import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Contact } from "pulumi-romulus";
import { readContactBook } from "./contact-book";

/**
 * The contact book in contacts.csv, as Romulus contacts. Adding a row creates a contact, editing one
 * updates it in place, deleting one deletes the contact: the CSV in Git is the source of truth, and the
 * scheduled drift check reports any contact someone changed in the dashboard since.
 *
 * Stack configuration: `contactsFile` (default: contacts.csv beside this program).
 */
export function gitops() {
  const config = new pulumi.Config();
  const file = path.resolve(__dirname, config.get("contactsFile") ?? "contacts.csv");
  const contacts: Record<string, pulumi.Output<string>> = {};
  for (const row of readContactBook(file)) {
    const contact = new Contact(row.key, {
      firstName: row.firstName,
      lastName: row.lastName,
      phones: row.phone ? [{ number: row.phone }] : [],
      emails: row.email ? [{ email: row.email }] : [],
      companyName: row.companyName,
      jobTitle: row.jobTitle,
      tags: row.tags,
      importId: row.importId,
    });
    contacts[row.key] = contact.id;
  }
  return { contacts };
}
