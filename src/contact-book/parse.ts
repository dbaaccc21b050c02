import * as fs from "node:fs";
import * as nodePath from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { CsvError, parse as parseCsv } from "csv-parse/sync";
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { check, IMPORT_ID } from "../provider/engine";
import { type ContactArgs, contactDefinition } from "../resources/contact";
import { CONTACT_FIELDS, FIELD_NAMES, KEY, KEY_PATTERN, KEY_RULE, splitLabelled, splitList } from "./format";

/** A contact's inputs as plain values: what a row of the book says. */
export type ContactValues = pulumi.Unwrap<ContactArgs>;

/** One contact of the book: its key (the Contact's resource name) and its inputs as written. */
export interface ContactBookRow {
  key: string;
  contact: ContactValues;
}

export interface ContactBookIssue {
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  message: string;
}

/** At most this many mistakes are listed in one error; the count of the rest follows them. */
export const MAX_ISSUES = 20;

/** A contact book with mistakes: its message lists them as `FILE:LINE:COLUMN: message`, one per line. */
export class ContactBookError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly ContactBookIssue[],
  ) {
    const shown = issues.slice(0, MAX_ISSUES).map((i) => `${file}:${i.line}:${i.column}: ${i.message}`);
    if (issues.length > MAX_ISSUES) shown.push(`${file}: and ${issues.length - MAX_ISSUES} more mistakes`);
    super(shown.join("\n"));
    this.name = "ContactBookError";
  }
}

export type ContactBookFormat = "csv" | "yaml";

/** The format a book's file name says: `.csv`, or `.yaml` / `.yml`. */
export function contactBookFormat(file: string): ContactBookFormat {
  const ext = nodePath.extname(file).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".yaml" || ext === ".yml") return "yaml";
  throw new Error(`${file}: a contact book is a .csv, .yaml or .yml file, not "${ext || "(no extension)"}"`);
}

/**
 * Reads a contact book file (CSV or YAML, by its extension) and returns its contacts, in file order, with
 * their inputs exactly as a `Contact` takes them. Every mistake in the file is reported at once, before
 * anything else happens, as a ContactBookError whose lines read `FILE:LINE:COLUMN: message`.
 */
export function parseContactBook(file: string): ContactBookRow[] {
  const format = contactBookFormat(file);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`${file}: cannot read the contact book: ${(error as Error).message}`, { cause: error });
  }
  return parseContactBookText(text, file, format);
}

/** The same, on the text of a book; `file` names it in messages and, without `format`, gives its format. */
export function parseContactBookText(
  text: string,
  file: string,
  format: ContactBookFormat = contactBookFormat(file),
): ContactBookRow[] {
  const body = text.replace(/^\uFEFF/, "");
  const read = format === "csv" ? readCsv(body) : readYaml(body);
  const rows = validate(read.entries, read.issues);
  if (read.issues.length > 0) {
    const sorted = [...read.issues].sort((a, b) => a.line - b.line || a.column - b.column);
    throw new ContactBookError(file, sorted);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------- common

interface Position {
  line: number;
  column: number;
}
type Segment = string | number;

/** One contact as a reader found it, before validation. */
interface Entry {
  /** The key as written: a string, or anything else when the file is wrong. */
  key: unknown;
  /** Where the key is, or where the contact starts when it has none. */
  keyAt: Position;
  /** The contact's inputs as written, by field name; absent fields are left out. */
  fields: Record<string, unknown>;
  /** Where the value at `path` (field, item, subfield) is written, or the nearest enclosing place. */
  at(path: readonly Segment[]): Position;
}

interface Read {
  entries: Entry[];
  issues: ContactBookIssue[];
}

const issueAt = (at: Position, message: string): ContactBookIssue => ({ ...at, message });

/** `phones[1].number` (the way check names properties) -> `["phones", 1, "number"]`. */
function segments(property: string): Segment[] {
  return property
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Keys, duplicates and the Contact's own check (the one the provider runs at preview), each failure placed
 * at the cell or node it is about. Returns the rows when no entry had a mistake.
 */
function validate(entries: Entry[], issues: ContactBookIssue[]): ContactBookRow[] {
  const keys = new Map<string, Position>();
  const importIds = new Map<string, { key: unknown; at: Position }>();
  const rows: ContactBookRow[] = [];
  for (const entry of entries) {
    const before = issues.length;
    const { key, keyAt } = entry;
    if (key === undefined || key === null || key === "") {
      issues.push(issueAt(keyAt, `${KEY} is required: a unique name for the contact, e.g. ada-lovelace`));
    } else if (typeof key !== "string" || !KEY_PATTERN.test(key)) {
      const shown = typeof key === "string" ? JSON.stringify(key) : `a ${Array.isArray(key) ? "list" : typeof key}`;
      issues.push(issueAt(keyAt, `${KEY} ${KEY_RULE}; got ${shown}`));
    } else {
      const first = keys.get(key);
      if (first) {
        issues.push(
          issueAt(keyAt, `${KEY} ${key} is already the key of line ${first.line}: each contact needs its own key`),
        );
      } else keys.set(key, keyAt);
    }
    for (const failure of check(contactDefinition, entry.fields).failures) {
      issues.push(issueAt(entry.at(segments(failure.property)), failure.reason));
    }
    const importId = entry.fields[IMPORT_ID];
    if (typeof importId === "string" && importId !== "") {
      const at = entry.at([IMPORT_ID]);
      const first = importIds.get(importId);
      if (first) {
        issues.push(
          issueAt(
            at,
            `${IMPORT_ID} ${importId} is already taken over by line ${first.at.line}` +
              `${typeof first.key === "string" ? ` (key ${first.key})` : ""}: one contact cannot be adopted twice`,
          ),
        );
      } else importIds.set(importId, { key, at });
    }
    if (issues.length === before) rows.push({ key: key as string, contact: entry.fields as unknown as ContactValues });
  }
  return rows;
}

const expectedFields = () => FIELD_NAMES.join(", ");

/** The field a likely slip means: `phone` for phones, `first_name` or `FirstName` for firstName. */
function didYouMean(name: string): string {
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  const wanted = squash(name);
  const match = FIELD_NAMES.find((f) => {
    const field = squash(f);
    return field === wanted || field === `${wanted}s` || field === `${wanted}es`;
  });
  return match ? ` (did you mean "${match}"?)` : "";
}

// ------------------------------------------------------------------------------------------------- CSV

interface Cell {
  value: string;
  /** Byte offsets in the file: the cell's first byte (its opening quote if quoted) and one past its last. */
  start: number;
  end: number;
}

type Column =
  | { kind: "key" }
  | { kind: "field"; field: (typeof CONTACT_FIELDS)[number] }
  | { kind: "group"; field: (typeof CONTACT_FIELDS)[number]; n: number; sub: string };

const NEWLINE = new Set([0x0a, 0x0d]);

/** Where bytes sit as lines and columns (in characters, as editors count them). */
function positions(buf: Buffer) {
  const starts = [0];
  for (let i = 0; i < buf.length; i++) if (buf[i] === 0x0a) starts.push(i + 1);
  const at = (offset: number): Position => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: buf.toString("utf8", starts[lo]!, offset).length + 1 };
  };
  /** Where the `offset`-th character of the cell's value is written, or the cell itself when that is unclear. */
  const inCell = (cell: Cell, offset = 0): Position => {
    const base = at(cell.start);
    const raw = buf.toString("utf8", cell.start, cell.end);
    const shift = raw === cell.value ? 0 : raw === `"${cell.value}"` ? 1 : undefined;
    if (shift === undefined || cell.value.slice(0, offset).includes("\n")) return base;
    return { line: base.line, column: base.column + shift + offset };
  };
  return { at, inCell };
}

const CSV_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted cell is not closed before the end of the file (a quote inside a cell is written "")',
  CSV_INVALID_CLOSING_QUOTE:
    'a quoted cell goes on after its closing quote (a quote inside a cell is written "", and the cell ends at the next comma)',
  INVALID_OPENING_QUOTE:
    'a quote in the middle of an unquoted cell: put the whole cell in quotes and double the quote, e.g. "say ""hi"""',
};

function readCsv(text: string): Read {
  const buf = Buffer.from(text, "utf8");
  const { at, inCell } = positions(buf);
  const issues: ContactBookIssue[] = [];
  // csv-parse tells where each cell ends (the byte of its delimiter); it starts after the previous cell's
  // delimiter, or at the next non-empty line for the first cell of a record.
  let lastEnd = 0;
  const startOf = (index: number) => {
    if (index > 0) return lastEnd + 1;
    let i = lastEnd;
    while (i < buf.length && NEWLINE.has(buf[i]!)) i++;
    return i;
  };
  let records: Cell[][];
  try {
    records = parseCsv(buf, {
      relax_column_count: true,
      skip_empty_lines: true,
      cast: (value, context) => {
        const cell: Cell = { value, start: startOf(context.index), end: context.bytes };
        lastEnd = context.bytes;
        return cell;
      },
    }) as unknown as Cell[][];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const index = typeof error.index === "number" ? error.index : 0;
    const message = CSV_PROBLEMS[error.code] ?? `malformed CSV: ${error.message}`;
    return { entries: [], issues: [issueAt(at(startOf(index)), message)] };
  }

  const blank = (record: Cell[]) => record.every((c) => c.value.trim() === "");
  const nonBlank = records.filter((r) => !blank(r));
  const header = nonBlank[0];
  if (!header) {
    const example = FIELD_NAMES.slice(0, 5).join(",");
    return {
      entries: [],
      issues: [
        issueAt({ line: 1, column: 1 }, `the file is empty: its first line must be the header, e.g. ${example}`),
      ],
    };
  }
  const columns = readHeader(header, inCell, issues);
  if (issues.length > 0) return { entries: [], issues };

  const entries: Entry[] = [];
  for (const record of nonBlank.slice(1)) {
    const rowStart = at(record[0]!.start);
    if (record.length !== header.length) {
      issues.push(
        issueAt(
          rowStart,
          `this row has ${record.length} cells where the header has ${header.length} (a value holding a comma must be in double quotes)`,
        ),
      );
      continue;
    }
    entries.push(csvEntry(record, columns, rowStart, inCell));
  }
  return { entries, issues };
}

function readHeader(
  header: Cell[],
  inCell: (cell: Cell, offset?: number) => Position,
  issues: ContactBookIssue[],
): Column[] {
  const seen = new Map<string, number>();
  const groupColumns = CONTACT_FIELDS.flatMap((f) =>
    f.csv.kind === "groups" ? [`${f.csv.prefix}<N>.${f.csv.fields.join("|")}`] : [],
  );
  const columns = header.map((cell, i): Column => {
    const name = cell.value.trim();
    const first = seen.get(name);
    if (first !== undefined) issues.push(issueAt(inCell(cell), `column "${name}" repeats column ${first + 1}`));
    seen.set(name, i);
    if (name === KEY) return { kind: "key" };
    const field = CONTACT_FIELDS.find((f) => f.name === name && f.csv.kind !== "groups");
    if (field) return { kind: "field", field };
    for (const f of CONTACT_FIELDS) {
      if (f.csv.kind !== "groups") continue;
      const m = new RegExp(`^${f.csv.prefix}([1-9]\\d*)\\.(\\w+)$`).exec(name);
      if (m && f.csv.fields.includes(m[2]!)) return { kind: "group", field: f, n: Number(m[1]), sub: m[2]! };
    }
    const expected = [
      ...FIELD_NAMES.filter((n) => !CONTACT_FIELDS.some((f) => f.name === n && f.csv.kind === "groups")),
      ...groupColumns,
    ];
    issues.push(issueAt(inCell(cell), `unknown column "${name}"${didYouMean(name)}; expected ${expected.join(", ")}`));
    return { kind: "key" };
  });
  const start = inCell(header[0]!);
  if (!seen.has(KEY)) issues.push(issueAt(start, `the header has no "${KEY}" column: every contact needs a key`));
  const required = Object.entries(contactDefinition.fields).filter(([, f]) => !f.schema.safeParse(undefined).success);
  for (const [name] of required) {
    if (!seen.has(name)) issues.push(issueAt(start, `the header has no "${name}" column: every contact needs one`));
  }
  return columns;
}

function csvEntry(
  record: Cell[],
  columns: Column[],
  rowStart: Position,
  inCell: (cell: Cell, offset?: number) => Position,
): Entry {
  const fields: Record<string, unknown> = {};
  // Positions are worked out only for the paths a mistake is reported at.
  const places = new Map<string, () => Position>();
  const place = (path: Segment[], cell: Cell, offset = 0) => places.set(path.join("."), () => inCell(cell, offset));
  const groups = new Map<string, Map<number, { values: Record<string, string>; at: Map<string, Cell> }>>();
  let key: unknown;
  let keyAt = rowStart;
  record.forEach((cell, i) => {
    const column = columns[i]!;
    const value = cell.value;
    if (column.kind === "key") {
      key = value.trim();
      keyAt = inCell(cell, value.length - value.trimStart().length);
      return;
    }
    const name = column.field.name;
    if (column.kind !== "group") place([name], cell);
    if (value === "") return;
    if (column.kind === "group") {
      const byN = groups.get(name) ?? new Map();
      groups.set(name, byN);
      const group = byN.get(column.n) ?? { values: {}, at: new Map() };
      byN.set(column.n, group);
      group.values[column.sub] = value;
      group.at.set(column.sub, cell);
      return;
    }
    const form = column.field.csv;
    if (form.kind === "text") {
      fields[name] = value;
    } else if (form.kind === "list") {
      const items = splitList(value);
      items.forEach((item, n) => {
        place([name, n], cell, item.offset);
      });
      fields[name] = items.map((item) => item.text);
    } else if (form.kind === "labelled") {
      const items = splitList(value);
      fields[name] = items.map((item, n) => {
        const { value: main, label, labelOffset } = splitLabelled(item.text);
        place([name, n], cell, item.offset);
        place([name, n, form.value], cell, item.offset);
        if (label !== undefined) place([name, n, form.label], cell, item.offset + (labelOffset ?? 0));
        return label === undefined ? { [form.value]: main } : { [form.value]: main, [form.label]: label };
      });
    }
  });
  for (const [name, byN] of groups) {
    const ordered = [...byN.entries()].sort(([a], [b]) => a - b).map(([, g]) => g);
    ordered.forEach((group, n) => {
      place([name, n], [...group.at.values()][0]!);
      for (const [sub, cell] of group.at) place([name, n, sub], cell);
    });
    fields[name] = ordered.map((g) => g.values);
  }
  return {
    key,
    keyAt,
    fields,
    at(path) {
      for (let n = path.length; n > 0; n--) {
        const found = places.get(path.slice(0, n).join("."));
        if (found) return found();
      }
      return rowStart;
    },
  };
}

// ------------------------------------------------------------------------------------------------ YAML

const YAML_HINTS: Partial<Record<string, string>> = {
  BLOCK_AS_IMPLICIT_KEY: 'a value holding ": " must be in quotes',
};

function readYaml(text: string): Read {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const where = (node: { range?: [number, number, number] | null } | null | undefined): Position => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { line, column: col };
  };
  // The first syntax error only: the ones after it are usually its consequences.
  const syntax = doc.errors[0];
  if (syntax) {
    const { line, col } = lineCounter.linePos(syntax.pos[0]);
    const hint = YAML_HINTS[syntax.code];
    return {
      entries: [],
      issues: [{ line, column: col, message: `malformed YAML: ${syntax.message}${hint ? ` (${hint})` : ""}` }],
    };
  }
  const issues: ContactBookIssue[] = [];
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    return {
      entries: [],
      issues: [issueAt({ line: 1, column: 1 }, "the file is empty: write [] for a book without contacts")],
    };
  }
  if (!isSeq(contents)) {
    return {
      entries: [],
      issues: [issueAt(where(contents), 'a contact book is a list of contacts, each starting with "- key: ..."')],
    };
  }

  /** Every Contact input is text: a number or a boolean is taken as written (`+4420...`, `02134` stay text). */
  const plain = (node: unknown): unknown => {
    if (isAlias(node)) return plain(node.resolve(doc));
    if (isScalar(node)) {
      if (node.value === null || typeof node.value === "string") return node.value;
      return node.source ?? String(node.value);
    }
    if (isSeq(node)) return node.items.map(plain);
    if (isMap(node)) return Object.fromEntries(node.items.map((p) => [String(plain(p.key)), plain(p.value)]));
    return node;
  };

  const entries: Entry[] = [];
  for (const item of contents.items) {
    if (!isMap(item)) {
      issues.push(issueAt(where(item as Node), `each contact must be a mapping of fields (${expectedFields()})`));
      continue;
    }
    const fields: Record<string, unknown> = {};
    let key: unknown;
    let keyAt = where(item);
    for (const pair of item.items) {
      const name = String(plain(pair.key));
      const value = plain(pair.value);
      if (name === KEY) {
        key = value;
        keyAt = where((pair.value as Node | null) ?? (pair.key as Node));
        continue;
      }
      const field = CONTACT_FIELDS.find((f) => f.name === name);
      if (!field) {
        issues.push(
          issueAt(where(pair.key as Node), `unknown field "${name}"${didYouMean(name)}; expected ${expectedFields()}`),
        );
        continue;
      }
      if (value === null || value === undefined) continue;
      fields[name] = value;
      // Objects of a list (phones, emails, addresses) take only the subfields the Contact declares.
      if (field.subfields && isSeq(pair.value)) {
        pair.value.items.forEach((element, n) => {
          if (!isMap(element)) return;
          for (const p of element.items) {
            const sub = String(plain(p.key));
            if (!field.subfields?.includes(sub)) {
              issues.push(
                issueAt(
                  where(p.key as Node),
                  `unknown field "${sub}" in ${name}[${n}]; expected ${field.subfields?.join(", ")}`,
                ),
              );
            }
          }
        });
      }
    }
    entries.push({
      key,
      keyAt,
      fields,
      at(path) {
        for (let n = path.length; n > 0; n--) {
          const node = item.getIn(path.slice(0, n), true) as Node | undefined;
          if (node && typeof node === "object" && node.range) return where(node);
        }
        return where(item);
      },
    });
  }
  return { entries, issues };
}
