import * as fs from "node:fs";

/**
 * The contact book: one CSV row per contact, so that a pull request that adds, edits or removes a contact
 * is a one-line diff a reviewer can read. Columns:
 *
 *   key         the Pulumi resource name: stable, unique; renaming it deletes and recreates the contact
 *   firstName   required
 *   lastName, companyName, jobTitle
 *   phone       one number, E.164 (+39...)
 *   email       one address
 *   tags        tag names separated by `;`
 *   importId    optional: the id of a contact that already exists (created in the dashboard), to adopt it
 *               instead of creating a duplicate (Pulumi's `import` does not work with dynamic providers)
 *
 * Fields holding a comma are quoted ("Mathematician, Flight Research"); a quote inside is doubled.
 */
export interface ContactRow {
  key: string;
  firstName: string;
  lastName?: string;
  phone?: string;
  email?: string;
  companyName?: string;
  jobTitle?: string;
  tags: string[];
  importId?: string;
}

const COLUMNS = ["key", "firstName", "lastName", "phone", "email", "companyName", "jobTitle", "tags", "importId"];
const KEY = /^[a-z0-9][a-z0-9-]*$/;

/** RFC 4180 fields of one line: enough for a contact book, and no dependency. */
function splitLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else field += c;
  }
  if (quoted) throw new Error("a quoted field is not closed");
  fields.push(field);
  return fields;
}

/** Parses the CSV text; errors name the line, so a bad pull request fails its preview with a clear message. */
export function parseContactBook(text: string, source = "contacts.csv"): ContactRow[] {
  const lines = text.split(/\r?\n/);
  const header = splitLine(lines[0] ?? "").map((h) => h.trim());
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`${source}: the header lacks ${missing.join(", ")}`);
  const rows: ContactRow[] = [];
  const keys = new Set<string>();
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === "") return;
    const where = `${source}:${i + 2}`;
    let values: string[];
    try {
      values = splitLine(line);
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
    const get = (column: string) => {
      const v = values[header.indexOf(column)]?.trim();
      return v === undefined || v === "" ? undefined : v;
    };
    const key = get("key");
    const firstName = get("firstName");
    if (!key || !KEY.test(key)) throw new Error(`${where}: key must be lowercase letters, digits and dashes`);
    if (keys.has(key)) throw new Error(`${where}: key ${key} is used twice`);
    if (!firstName) throw new Error(`${where}: firstName is required`);
    keys.add(key);
    rows.push({
      key,
      firstName,
      lastName: get("lastName"),
      phone: get("phone"),
      email: get("email"),
      companyName: get("companyName"),
      jobTitle: get("jobTitle"),
      tags: (get("tags") ?? "")
        .split(";")
        .map((t) => t.trim())
        .filter((t) => t !== ""),
      importId: get("importId"),
    });
  });
  return rows;
}

export function readContactBook(file: string): ContactRow[] {
  return parseContactBook(fs.readFileSync(file, "utf8"), file);
}
