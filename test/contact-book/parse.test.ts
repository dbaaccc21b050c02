/**
 * The contact book reader: what a CSV or YAML book turns into (the Contact inputs, field by field), and
 * every mistake reported at its file, line and column, several at once, before anything else happens.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { csvColumns } from "../../src/contact-book/format";
import {
  ContactBookError,
  type ContactBookRow,
  parseContactBook,
  parseContactBookText,
} from "../../src/contact-book/parse";
import { BAD_BOOKS } from "./bad-books";

const CSV = [
  "key,firstName,lastName,phones,emails,address1.street,address1.city,address1.country,address2.city,tags,tagIds,importId,jobTitle,companyName,website",
  'ada-lovelace,Ada,Lovelace,+442071234567 MOBILE; +442079460000,ada@example.com JOB;ada@home.example HOME,12 St James\'s Square,London,GB,,vip; pioneers,,c-1,Mathematician,"Analytical Engines, Ltd",https://example.com',
  ",,,,,,,,,,,,,,",
  'katherine-johnson,Katherine,,,,,,,Hampton,nasa,t-9,,"Research Mathematician, Flight Research",,',
  "",
].join("\r\n");

const YAML = `
- key: ada-lovelace
  firstName: Ada
  lastName: Lovelace
  phones:
    - number: +442071234567   # unquoted: still the text as written
      label: MOBILE
    - number: "+442079460000"
  emails:
    - { email: ada@example.com, label: JOB }
    - { email: ada@home.example, label: HOME }
  addresses:
    - street: 12 St James's Square
      city: London
      country: GB
  tags: [vip, pioneers]
  importId: c-1
  jobTitle: Mathematician
  companyName: Analytical Engines, Ltd
  website: https://example.com
- key: katherine-johnson
  firstName: Katherine
  lastName: ~
  addresses:
    - city: Hampton
  tags: [nasa]
  tagIds: [t-9]
  jobTitle: Research Mathematician, Flight Research
`;

const EXPECTED: ContactBookRow[] = [
  {
    key: "ada-lovelace",
    contact: {
      firstName: "Ada",
      lastName: "Lovelace",
      phones: [{ number: "+442071234567", label: "MOBILE" }, { number: "+442079460000" }],
      emails: [
        { email: "ada@example.com", label: "JOB" },
        { email: "ada@home.example", label: "HOME" },
      ],
      addresses: [{ street: "12 St James's Square", city: "London", country: "GB" }],
      tags: ["vip", "pioneers"],
      importId: "c-1",
      jobTitle: "Mathematician",
      companyName: "Analytical Engines, Ltd",
      website: "https://example.com",
    },
  },
  {
    key: "katherine-johnson",
    contact: {
      firstName: "Katherine",
      addresses: [{ city: "Hampton" }],
      tags: ["nasa"],
      tagIds: ["t-9"],
      jobTitle: "Research Mathematician, Flight Research",
    },
  },
];

/** The error a book raises, or a failure when it parses. */
function errorOf(text: string, file: string): ContactBookError {
  try {
    parseContactBookText(text, file);
  } catch (error) {
    if (error instanceof ContactBookError) return error;
    throw error;
  }
  throw new Error(`${file} parsed without error`);
}

describe("what a book declares", () => {
  test("CSV: several phones and emails with and without labels, address groups, tags, quoted commas, CRLF, blank rows", () => {
    const rows = parseContactBookText(CSV, "contacts.csv");
    expect(rows).toEqual(EXPECTED);
    // Absent means absent: an empty cell leaves the field out instead of setting "".
    expect(Object.keys(rows[1]!.contact).sort()).toEqual(["addresses", "firstName", "jobTitle", "tagIds", "tags"]);
  });

  test("YAML: the same contacts; numbers are read as the text written, ~ is absent", () => {
    expect(parseContactBookText(YAML, "contacts.yaml")).toEqual(EXPECTED);
    expect(
      parseContactBookText("- key: 42\n  firstName: Ada\n  addresses: [{ postalCode: 02134 }]\n", "b.yml"),
    ).toEqual([{ key: "42", contact: { firstName: "Ada", addresses: [{ postalCode: "02134" }] } }]);
  });

  test("columns come in any order; a byte-order mark and spaces around list items are ignored", () => {
    const text = "\uFEFFtags,firstName,key\n  vip ;pioneers;  ,Ada,ada-lovelace\n";
    expect(parseContactBookText(text, "c.csv")).toEqual([
      { key: "ada-lovelace", contact: { firstName: "Ada", tags: ["vip", "pioneers"] } },
    ]);
  });

  test("a header without rows and a YAML [] are books without contacts", () => {
    expect(parseContactBookText(`${csvColumns({ address: 2 }).join(",")}\n`, "c.csv")).toEqual([]);
    expect(parseContactBookText("[]\n", "c.yaml")).toEqual([]);
  });

  test("csvColumns is a header the reader accepts, with one column group per address", () => {
    const columns = csvColumns({ address: 2 });
    expect(columns.slice(0, 5)).toEqual(["key", "firstName", "lastName", "phones", "emails"]);
    expect(columns).toContain("address2.postalCode");
    expect(columns).not.toContain("addresses");
  });

  test("parseContactBook reads the file and chooses the format by its extension", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "contact-book-"));
    try {
      for (const [name, text] of [
        ["book.csv", CSV],
        ["book.yaml", YAML],
        ["book.YML", YAML],
      ] as const) {
        fs.writeFileSync(path.join(dir, name), text);
        expect(parseContactBook(path.join(dir, name))).toEqual(EXPECTED);
      }
      expect(() => parseContactBook(path.join(dir, "book.json"))).toThrow(
        `${path.join(dir, "book.json")}: a contact book is a .csv, .yaml or .yml file, not ".json"`,
      );
      expect(() => parseContactBook(path.join(dir, "missing.csv"))).toThrow(
        `${path.join(dir, "missing.csv")}: cannot read the contact book: ENOENT`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("each mistake, at its file, line and column", () => {
  test.each(BAD_BOOKS.map((b) => [`${b.id} ${b.input}`, b] as const))("%s", (_name, book) => {
    const error = errorOf(book.text, book.name);
    expect(error.message).toBe(`${book.name}:${book.error}`);
    expect(error.issues).toHaveLength(1);
    if (book.excerpt) expect(book.error.startsWith(book.excerpt)).toBe(true);
  });

  test("the path is the one given, so a relative path reads as in the program", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "contact-book-"));
    try {
      const book = BAD_BOOKS.find((b) => b.id === "CB-08")!;
      const file = path.join(dir, book.name);
      fs.writeFileSync(file, book.text);
      expect(() => parseContactBook(file)).toThrow(`${file}:${book.error}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("other malformed CSV: a quote in an unquoted cell, text after a closing quote, a repeated column", () => {
    expect(errorOf('key,firstName\nada,Ada "the Countess"\n', "c.csv").message).toBe(
      'c.csv:2:5: a quote in the middle of an unquoted cell: put the whole cell in quotes and double the quote, e.g. "say ""hi"""',
    );
    expect(errorOf('key,firstName\nada,"Ada" Lovelace\n', "c.csv").message).toBe(
      'c.csv:2:5: a quoted cell goes on after its closing quote (a quote inside a cell is written "", and the cell ends at the next comma)',
    );
    expect(errorOf("key,firstName,tags,tags\n", "c.csv").message).toBe('c.csv:1:20: column "tags" repeats column 3');
    expect(errorOf("key,lastName\n", "c.csv").message).toBe(
      'c.csv:1:1: the header has no "firstName" column: every contact needs one',
    );
    expect(errorOf("", "c.csv").message).toBe(
      "c.csv:1:1: the file is empty: its first line must be the header, e.g. key,firstName,lastName,phones,emails",
    );
    expect(errorOf("key,firstName,address0.city,address1.zip\n", "c.csv").issues.map((i) => i.column)).toEqual([
      15, 29,
    ]);
  });

  test("other YAML shapes: an item that is not a mapping, a phone list written as one string", () => {
    expect(errorOf("- ada-lovelace\n", "c.yaml").message).toMatch(/^c\.yaml:1:3: each contact must be a mapping/);
    expect(errorOf('- key: ada\n  firstName: Ada\n  phones: "+442071234567"\n', "c.yaml").message).toBe(
      "c.yaml:3:11: phones must be an array, not a string",
    );
    expect(errorOf("- key: ada\n  lastName: Lovelace\n", "c.yaml").message).toBe("c.yaml:1:3: firstName is required");
  });

  test("several mistakes are reported at once, in file order, with their rows' other mistakes", () => {
    const text = ["key,firstName,phones,emails", "ada,Ada,+442071234567 WORK,ada@", "Grace,Grace,,", "ada,,,", ""].join(
      "\n",
    );
    expect(errorOf(text, "c.csv").message).toBe(
      [
        "c.csv:2:23: phones[0].label must be one of EXTENSION, PRIMARY, SECONDARY, MOBILE, HOME, JOB, OTHER",
        "c.csv:2:28: emails[0].email must be a valid email address, e.g. jane@example.com",
        'c.csv:3:1: key must be 1 to 100 characters of a-z, 0-9, "-", "_" and ".", starting with a letter or a digit, e.g. ada-lovelace; got "Grace"',
        "c.csv:4:1: key ada is already the key of line 2: each contact needs its own key",
        "c.csv:4:5: firstName is required",
      ].join("\n"),
    );
  });

  test("at most 20 are listed, then how many more", () => {
    const rows = Array.from({ length: 25 }, (_, i) => `c${i},C,555-01${String(i).padStart(2, "0")}`);
    const error = errorOf(["key,firstName,phones", ...rows].join("\n"), "c.csv");
    expect(error.issues).toHaveLength(25);
    const lines = error.message.split("\n");
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe("c.csv:2:6: phones[0].number must be a phone number in E.164 format, e.g. +39012345678");
    expect(lines[20]).toBe("c.csv: and 5 more mistakes");
  });
});
