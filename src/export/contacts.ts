import { stringify as csvStringify } from "csv-stringify/sync";
import { stringify as yamlStringify } from "yaml";
import { csvColumns as bookColumns, LIST_SEPARATOR } from "../contact-book/format";
import type { Contact as ApiContact } from "../models";
import { check, diff, toOutputs } from "../provider/engine";
import { contactDefinition } from "../resources/contact";
import { contactKeyBase, type UniqueNames } from "./names";

/**
 * One contact of the contact book, with the Contact inputs' own names, in the order the file shows them.
 * Empty lists and unset fields are left out (absent and empty mean the same to the Contact resource).
 * Tags are written by name, never by id: names read well and are the same in every organization.
 */
export interface ContactRow {
  key: string;
  importId: string;
  firstName: string;
  lastName?: string;
  jobTitle?: string;
  companyName?: string;
  website?: string;
  phones?: Array<{ number: string; label: string }>;
  emails?: Array<{ email: string; label: string }>;
  addresses?: Array<Partial<Record<(typeof ADDRESS_FIELDS)[number], string>>>;
  tags?: string[];
}

export type BookFormat = "yaml" | "csv";
export const ADDRESS_FIELDS = ["addressLine", "street", "postalCode", "city", "province", "country"] as const;
const SCALARS = ["firstName", "lastName", "jobTitle", "companyName", "website"] as const;

const present = (v: string | null | undefined): v is string => typeof v === "string";

/** The row that declares `c` exactly as it is (labels explicit, nulls left out), keyed from its name. */
export function contactRow(c: ApiContact, keys: UniqueNames): ContactRow {
  const row: ContactRow = {
    key: keys.take(contactKeyBase(c.first_name, c.last_name, c.id)),
    importId: c.id,
    firstName: c.first_name,
  };
  if (present(c.last_name)) row.lastName = c.last_name;
  if (present(c.job_title)) row.jobTitle = c.job_title;
  if (present(c.company_name)) row.companyName = c.company_name;
  if (present(c.website)) row.website = c.website;
  if (c.phones.length > 0) row.phones = c.phones.map((p) => ({ number: p.number, label: p.label }));
  if (c.emails.length > 0) row.emails = c.emails.map((e) => ({ email: e.email, label: e.label }));
  if (c.addresses.length > 0) {
    row.addresses = c.addresses.map((a) => {
      const out: Partial<Record<(typeof ADDRESS_FIELDS)[number], string>> = {};
      const api = [a.address_line, a.street, a.postal_code, a.city, a.province, a.country];
      ADDRESS_FIELDS.forEach((name, i) => {
        const v = api[i];
        if (present(v)) out[name] = v;
      });
      return out;
    });
  }
  if (c.tags.length > 0) row.tags = c.tags.map((t) => t.name);
  return row;
}

/**
 * What a contact book reader turns the written row back into. In YAML that is the row itself; a CSV cell
 * cannot tell an empty string from nothing, an address group of empty cells is no address, and items
 * between `;` lose their surrounding spaces.
 */
function readBack(row: ContactRow, format: BookFormat): Record<string, unknown> {
  const { key: _key, ...inputs } = row;
  if (format === "yaml") return inputs;
  const out: Record<string, unknown> = { ...inputs };
  for (const name of SCALARS) if (out[name] === "") delete out[name];
  if (row.addresses) {
    const kept = row.addresses
      .map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== "")))
      .filter((a) => Object.keys(a).length > 0);
    if (kept.length > 0) out.addresses = kept;
    else delete out.addresses;
  }
  if (row.tags) out.tags = row.tags.map((t) => t.trim()).filter((t) => t !== "");
  return out;
}

export type RowVerdict = { ok: true; differs: string[] } | { ok: false; reasons: string[] };

/**
 * Judges the row with the Contact resource's own check and diff (the ones `pulumi up` runs): `ok: false`
 * when the provider would refuse the row (the reader would then refuse the whole file), and `differs`
 * naming the fields the first `pulumi up` would update because the file cannot hold the value as it is.
 */
export function verdict(row: ContactRow, live: ApiContact, format: BookFormat): RowVerdict {
  const checked = check(contactDefinition as never, readBack(row, format));
  if (checked.failures.length > 0) return { ok: false, reasons: checked.failures.map((f) => f.reason) };
  const outs = toOutputs(contactDefinition as never, live as never, undefined);
  return { ok: true, differs: diff(contactDefinition as never, outs, checked.inputs).diffs };
}

// ------------------------------------------------------------------------------------------------ YAML

/** The YAML text of some rows: items of the top-level sequence, so pages of them concatenate into one. */
export function yamlItems(rows: ContactRow[]): string {
  return rows.length === 0 ? "" : yamlStringify(rows, { lineWidth: 0 });
}
/** What a contact book with no contact holds. */
export const EMPTY_YAML_BOOK = "[]\n";

// ------------------------------------------------------------------------------------------------- CSV

/** The header of a CSV book whose contacts have at most `addressGroups` addresses (the reader's vocabulary). */
export function csvColumns(addressGroups: number): string[] {
  return bookColumns({ address: addressGroups });
}

/** A tag name holding `;` cannot be one item of a `;`-separated cell. */
export class CsvCannotHoldError extends Error {
  constructor(row: ContactRow, tag: string) {
    super(
      `contact ${row.importId} (${row.key}) has the tag ${JSON.stringify(tag)}, and a tag name holding ";" cannot be ` +
        'written in the CSV form, where tags are separated by ";". Export with --format yaml instead.',
    );
    this.name = "CsvCannotHoldError";
  }
}

/** Checks a row can be one CSV line; throws CsvCannotHoldError otherwise. */
export function assertCsvWritable(row: ContactRow): void {
  for (const tag of row.tags ?? []) if (tag.includes(LIST_SEPARATOR)) throw new CsvCannotHoldError(row, tag);
}

const ITEMS = `${LIST_SEPARATOR} `;

/** The cells of a row, labels always written (OTHER too): `+442071234567 MOBILE; +12025550123 OTHER`. */
export function csvRecord(row: ContactRow): Record<string, string> {
  const rec: Record<string, string> = {
    key: row.key,
    importId: row.importId,
    firstName: row.firstName,
    lastName: row.lastName ?? "",
    jobTitle: row.jobTitle ?? "",
    companyName: row.companyName ?? "",
    website: row.website ?? "",
    phones: (row.phones ?? []).map((p) => `${p.number} ${p.label}`).join(ITEMS),
    emails: (row.emails ?? []).map((e) => `${e.email} ${e.label}`).join(ITEMS),
    tags: (row.tags ?? []).join(ITEMS),
  };
  (row.addresses ?? []).forEach((a, i) => {
    for (const f of ADDRESS_FIELDS) rec[`address${i + 1}.${f}`] = a[f] ?? "";
  });
  return rec;
}

export function csvLines(records: Array<Record<string, string>>, columns: string[], header: boolean): string {
  return csvStringify(records, { columns, header });
}
