import * as pulumi from "@pulumi/pulumi";
import { Contact } from "../resources/contact";
import { parseContactBook } from "./parse";

export interface ContactBookArgs {
  /**
   * The contact book: a `.csv`, `.yaml` or `.yml` file, read when the program runs. A relative path is
   * relative to the working directory, which under `pulumi up` is the project's folder.
   */
  path: string;
  /** An explicit provider for every contact of the book (otherwise the default provider, or the parent's). */
  provider?: pulumi.ProviderResource;
}

/** The Pulumi type of the component: children's URNs are qualified by it. */
export const CONTACT_BOOK_TYPE = "romulus:index:ContactBook";

/**
 * A contact book file as Romulus contacts: one `Contact` per row, named by the row's key. Adding a row
 * creates a contact, editing one updates it in place, removing one deletes it, and renaming a key replaces
 * the contact (the key is the resource's name). The file is read, and every mistake in it reported with its
 * line and column, before any contact is declared, so a bad file fails the preview without an API call.
 */
export class ContactBook extends pulumi.ComponentResource {
  /** The book's contacts by key. */
  readonly contacts: Readonly<Record<string, Contact>>;
  /** The keys in the order of the file. */
  readonly keys: readonly string[];
  private readonly bookName: string;

  constructor(name: string, args: ContactBookArgs, opts?: pulumi.ComponentResourceOptions) {
    // Read first: a wrong file registers nothing, not even the component.
    const rows = parseContactBook(args.path);
    super(CONTACT_BOOK_TYPE, name, {}, opts);
    const contacts: Record<string, Contact> = {};
    for (const { key, contact } of rows) {
      contacts[key] = new Contact(key, contact, {
        parent: this,
        provider: args.provider,
        // A Contact of this name declared at the top level of the program (as before the book existed) is
        // the same resource: taken over under the book, not deleted and created again.
        aliases: [{ parent: pulumi.rootStackResource }],
      });
    }
    this.contacts = contacts;
    this.keys = rows.map((r) => r.key);
    this.bookName = name;
    this.registerOutputs({});
  }

  /** The contact of `key`; throws, naming the book, when it has none. */
  get(key: string): Contact {
    const contact = Object.hasOwn(this.contacts, key) ? this.contacts[key] : undefined;
    if (!contact) throw new Error(`ContactBook ${this.bookName} has no contact with key "${key}"`);
    return contact;
  }
}
