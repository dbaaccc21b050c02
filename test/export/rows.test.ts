/**
 * The writer's rows, judged by the Contact resource's own check and diff and read back by the ContactBook
 * reader: keys, values a book cannot hold, contacts the provider would refuse.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseContactBook } from "../../src/contact-book";
import {
  assertCsvWritable,
  contactRow,
  csvColumns,
  csvLines,
  csvRecord,
  verdict,
  yamlItems,
} from "../../src/export/contacts";
import { UniqueNames } from "../../src/export/names";
import type { Contact } from "../../src/models";

const NOW = "2026-12-01T10:00:00.000Z";
function live(id: string, patch: Partial<Contact> = {}): Contact {
  return {
    id,
    first_name: "Ada",
    last_name: "Lovelace",
    phones: [{ id: `${id}-p`, number: "+442071234567", label: "MOBILE" }],
    emails: [{ id: `${id}-e`, email: "ada@example.com", label: "OTHER" }],
    addresses: [{ id: `${id}-a`, street: "12 St James's Square", city: "London", postal_code: null, country: "GB" }],
    tags: [{ id: "t1", name: "vip" }],
    created_at: NOW,
    updated_at: NOW,
    ...patch,
  } as Contact;
}

test("keys come from the name: accents stripped, repeats numbered, a taken name never given twice", () => {
  const keys = new UniqueNames();
  const key = (c: Partial<Contact>, id = "X1") => contactRow(live(id, c), keys).key;
  expect(key({})).toBe("ada-lovelace");
  expect(key({})).toBe("ada-lovelace-2");
  expect(key({ first_name: "Ada", last_name: "Lovelace 3" })).toBe("ada-lovelace-3");
  expect(key({})).toBe("ada-lovelace-4");
  expect(key({ first_name: "José", last_name: "Núñez-O'Brien" })).toBe("jose-nunez-o-brien");
  expect(key({ first_name: "李", last_name: null }, "AB-12")).toBe("contact-ab-12");
  expect(key({ first_name: "A".repeat(300), last_name: null })).toHaveLength(93);
});

test("a contact as it is round-trips through both forms with no difference", () => {
  const c = live("c1");
  const row = contactRow(c, new UniqueNames());
  expect(row).toEqual({
    key: "ada-lovelace",
    importId: "c1",
    firstName: "Ada",
    lastName: "Lovelace",
    phones: [{ number: "+442071234567", label: "MOBILE" }],
    emails: [{ email: "ada@example.com", label: "OTHER" }],
    addresses: [{ street: "12 St James's Square", city: "London", country: "GB" }],
    tags: ["vip"],
  });
  expect(verdict(row, c, "yaml")).toEqual({ ok: true, differs: [] });
  expect(verdict(row, c, "csv")).toEqual({ ok: true, differs: [] });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-rows-"));
  try {
    fs.writeFileSync(path.join(dir, "book.yaml"), yamlItems([row]));
    fs.writeFileSync(path.join(dir, "book.csv"), csvLines([csvRecord(row)], csvColumns(1), true));
    const { key, ...inputs } = row;
    for (const file of ["book.yaml", "book.csv"])
      expect(parseContactBook(path.join(dir, file))).toEqual([{ key, contact: inputs }]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("an empty string the CSV form cannot hold is named as a field the first up will update", () => {
  const c = live("c2", { job_title: "" });
  const row = contactRow(c, new UniqueNames());
  expect(verdict(row, c, "yaml")).toEqual({ ok: true, differs: [] });
  expect(verdict(row, c, "csv")).toEqual({ ok: true, differs: ["jobTitle"] });
});

test("a contact the provider would refuse as it is is judged not ok, naming the field", () => {
  const c = live("c3", { phones: [{ id: "p", number: "555-0100", label: "MOBILE" }] });
  const v = verdict(contactRow(c, new UniqueNames()), c, "yaml");
  expect(v.ok).toBe(false);
  expect(v.ok ? [] : v.reasons).toEqual([expect.stringContaining("phones[0].number")]);
});

test("a tag name holding ';' is refused in CSV, suggesting YAML", () => {
  const row = contactRow(live("c4", { tags: [{ id: "t", name: "a;b" }] }), new UniqueNames());
  expect(() => assertCsvWritable(row)).toThrow(/tag "a;b".*--format yaml/);
});
