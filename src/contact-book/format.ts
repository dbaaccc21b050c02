import { z } from "zod";
import { IMPORT_ID } from "../provider/engine";
import { contactDefinition } from "../resources/contact";

/**
 * The contact book's vocabulary, derived from the Contact resource's own field declarations
 * (src/resources/contact.ts), so a field the resource gains is a column and a YAML field of the book at once.
 * The reader (parse.ts) and the writer of `romulus-export` (src/export/) both speak it.
 */

/** The column / YAML field holding the contact's resource name. */
export const KEY = "key";

/** 1..100 characters of a-z 0-9 - _ . , starting with a letter or a digit: safe as a Pulumi resource name. */
export const KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,99}$/;
export const KEY_RULE =
  'must be 1 to 100 characters of a-z, 0-9, "-", "_" and ".", starting with a letter or a digit, e.g. ada-lovelace';

/** Separates the items of a list cell in CSV: `vip; pioneers`. */
export const LIST_SEPARATOR = ";";
/** The label of a labelled item in CSV is its last word: `+442071234567 MOBILE`. */
const LABEL_WORD = /^[A-Za-z_]+$/;

/**
 * How a Contact input is written in a CSV row:
 * - `text`: the cell is the value;
 * - `list`: a list of strings, items separated by `;`;
 * - `labelled`: a list of objects with a value and an optional label, `VALUE LABEL; VALUE`;
 * - `groups`: a list of objects, one group of numbered columns per object (`address1.city`, ...).
 */
export type CsvForm =
  | { kind: "text" }
  | { kind: "list" }
  | { kind: "labelled"; value: string; label: "label" }
  | { kind: "groups"; prefix: string; fields: readonly string[] };

/** Prefix of the numbered column groups of an object list: `address1.city`. */
const GROUP_PREFIXES: Readonly<Record<string, string>> = { addresses: "address" };

function unwrap(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
}

function formOf(name: string, schema: z.ZodType): CsvForm {
  const s = unwrap(schema);
  if (!(s instanceof z.ZodArray)) return { kind: "text" };
  const element = s.element as z.ZodType;
  if (!(element instanceof z.ZodObject)) return { kind: "list" };
  const fields = Object.keys(element.shape);
  const others = fields.filter((f) => f !== "label");
  if (fields.includes("label") && others.length === 1) return { kind: "labelled", value: others[0]!, label: "label" };
  const prefix = GROUP_PREFIXES[name];
  if (!prefix) throw new Error(`contact book: no CSV form for Contact.${name}; add a column-group prefix`);
  return { kind: "groups", prefix, fields };
}

/** Every Contact input in the resource's order, then importId, each with its CSV form. */
export const CONTACT_FIELDS: ReadonlyArray<{ name: string; csv: CsvForm; subfields?: readonly string[] }> = [
  ...Object.entries(contactDefinition.fields).map(([name, field]) => {
    const csv = formOf(name, field.schema);
    const s = unwrap(field.schema);
    const element = s instanceof z.ZodArray ? (s.element as z.ZodType) : undefined;
    const subfields = element instanceof z.ZodObject ? Object.keys(element.shape) : undefined;
    return { name, csv, subfields };
  }),
  { name: IMPORT_ID, csv: { kind: "text" } },
];

/** The YAML fields of a contact (and the CSV columns, object lists aside), in order: key first. */
export const FIELD_NAMES: readonly string[] = [KEY, ...CONTACT_FIELDS.map((f) => f.name)];

/** The columns of a CSV book whose contacts have at most `groups[prefix]` objects in each grouped list. */
export function csvColumns(groups: Readonly<Record<string, number>> = {}): string[] {
  const columns = [KEY];
  for (const { name, csv } of CONTACT_FIELDS) {
    if (csv.kind !== "groups") columns.push(name);
    else {
      for (let n = 1; n <= (groups[csv.prefix] ?? 0); n++)
        columns.push(...csv.fields.map((f) => `${csv.prefix}${n}.${f}`));
    }
  }
  return columns;
}

/** One `VALUE` or `VALUE LABEL` item: the label is the last word when it is made of letters alone. */
export function splitLabelled(item: string): { value: string; label?: string; labelOffset?: number } {
  const m = /^(.*\S)\s+(\S+)$/.exec(item);
  if (m && LABEL_WORD.test(m[2]!)) return { value: m[1]!, label: m[2]!, labelOffset: item.length - m[2]!.length };
  return { value: item };
}

/** The non-empty items of a list cell, each with its offset in the cell; spaces around items are ignored. */
export function splitList(cell: string): Array<{ text: string; offset: number }> {
  const items: Array<{ text: string; offset: number }> = [];
  let offset = 0;
  for (const part of cell.split(LIST_SEPARATOR)) {
    const lead = part.length - part.trimStart().length;
    const text = part.trim();
    if (text !== "") items.push({ text, offset: offset + lead });
    offset += part.length + LIST_SEPARATOR.length;
  }
  return items;
}
