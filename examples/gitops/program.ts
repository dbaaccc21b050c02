import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ContactBook } from "pulumi-romulus";

/**
 * The contact book in contacts.csv, as Romulus contacts. Adding a row creates a contact, editing one
 * updates it in place, deleting one deletes the contact: the CSV in Git is the source of truth, and the
 * scheduled drift check reports any contact someone changed in the dashboard since.
 *
 * Stack configuration: `contactsFile` (default: contacts.csv beside this program; a .yaml book works too).
 */
export function gitops() {
  const config = new pulumi.Config();
  const file = path.resolve(__dirname, config.get("contactsFile") ?? "contacts.csv");
  // One Contact per row, named by its key; a mistake in the file fails the preview with its line and column.
  const book = new ContactBook("contacts", { path: file });
  const contacts = Object.fromEntries(book.keys.map((key) => [key, book.get(key).id]));
  return { contacts };
}
