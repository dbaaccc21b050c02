/**
 * Contact book files with one mistake each, and the exact message a user sees. parse.test.ts checks each
 * message whole against the parser; test/reliability/bad-input-cases.ts turns each into a row of the table in
 * docs/RELIABILITY.md, run as `pulumi up` of a program declaring a ContactBook of that file.
 */
export interface BadBook {
  id: string;
  /** What is wrong, for the table (markdown). */
  input: string;
  /** The file's name: its extension chooses the format. */
  name: string;
  text: string;
  /** `LINE:COLUMN: message`, exactly as it follows the file's path in the error. */
  error: string;
  /** A shorter excerpt of `error` for the table, when the whole message is long. */
  excerpt?: string;
}

export const BAD_BOOKS: readonly BadBook[] = [
  {
    id: "CB-01",
    input: "ContactBook CSV row without a key",
    name: "contacts.csv",
    text: "key,firstName,phones\nada-lovelace,Ada,+442071234567\n,Grace,+12025550123\n",
    error: "3:1: key is required: a unique name for the contact, e.g. ada-lovelace",
  },
  {
    id: "CB-02",
    input: "ContactBook YAML `key: Ada Lovelace` (capitals, a space)",
    name: "contacts.yaml",
    text: "- key: Ada Lovelace\n  firstName: Ada\n",
    error:
      '1:8: key must be 1 to 100 characters of a-z, 0-9, "-", "_" and ".", starting with a letter or a digit, e.g. ada-lovelace; got "Ada Lovelace"',
  },
  {
    id: "CB-03",
    input: "ContactBook CSV with the same key on two rows",
    name: "contacts.csv",
    text: "key,firstName\nada-lovelace,Ada\ngrace-hopper,Grace\nada-lovelace,Augusta\n",
    error: "4:1: key ada-lovelace is already the key of line 2: each contact needs its own key",
  },
  {
    id: "CB-04",
    input: "ContactBook YAML with the same `importId` on two contacts",
    name: "contacts.yaml",
    text: [
      "- key: ada-lovelace",
      "  firstName: Ada",
      "  importId: c-17",
      "- key: augusta-ada-king",
      "  firstName: Augusta",
      "  importId: c-17",
      "",
    ].join("\n"),
    error:
      "6:13: importId c-17 is already taken over by line 3 (key ada-lovelace): one contact cannot be adopted twice",
  },
  {
    id: "CB-05",
    input: "ContactBook CSV column `phone` (unknown)",
    name: "contacts.csv",
    text: "key,firstName,phone\nada-lovelace,Ada,+442071234567\n",
    error:
      '1:15: unknown column "phone" (did you mean "phones"?); expected key, firstName, lastName, phones, emails, jobTitle, companyName, website, tags, tagIds, importId, address<N>.addressLine|street|postalCode|city|province|country',
    excerpt: '1:15: unknown column "phone" (did you mean "phones"?); expected key, firstName, lastName, phones,',
  },
  {
    id: "CB-06",
    input: "ContactBook YAML field `company` (unknown)",
    name: "contacts.yaml",
    text: "- key: ada-lovelace\n  firstName: Ada\n  company: Analytical Engines\n",
    error:
      '3:3: unknown field "company"; expected key, firstName, lastName, phones, emails, addresses, jobTitle, companyName, website, tags, tagIds, importId',
  },
  {
    id: "CB-07",
    input: 'ContactBook YAML phone with a field `type: "MOBILE"` (unknown)',
    name: "contacts.yaml",
    text: '- key: ada-lovelace\n  firstName: Ada\n  phones:\n    - number: "+442071234567"\n      type: MOBILE\n',
    error: '5:7: unknown field "type" in phones[0]; expected number, label',
  },
  {
    id: "CB-08",
    input: "ContactBook CSV second phone `020 7946 0000` (national format)",
    name: "contacts.csv",
    text: "key,firstName,phones\nada-lovelace,Ada,+442071234567 MOBILE; 020 7946 0000\n",
    error: "2:40: phones[1].number must be a phone number in E.164 format, e.g. +39012345678",
  },
  {
    id: "CB-09",
    input: "ContactBook YAML phone `+44 20 7123 4567` (spaces)",
    name: "contacts.yaml",
    text: "- key: ada-lovelace\n  firstName: Ada\n  phones:\n    - number: +44 20 7123 4567\n",
    error: "4:15: phones[0].number must be a phone number in E.164 format, e.g. +39012345678",
  },
  {
    id: "CB-10",
    input: "ContactBook CSV email `ada@` in a quoted cell",
    name: "contacts.csv",
    text: 'key,firstName,emails\nada-lovelace,Ada,"ada@example.com JOB; ada@"\n',
    error: "2:40: emails[1].email must be a valid email address, e.g. jane@example.com",
  },
  {
    id: "CB-11",
    input: "ContactBook CSV phone label `WORK` (unknown)",
    name: "contacts.csv",
    text: "key,firstName,phones\nada-lovelace,Ada,+442071234567 WORK\n",
    error: "2:32: phones[0].label must be one of EXTENSION, PRIMARY, SECONDARY, MOBILE, HOME, JOB, OTHER",
  },
  {
    id: "CB-12",
    input: "ContactBook YAML email label `work` (lower case)",
    name: "contacts.yaml",
    text: "- key: ada-lovelace\n  firstName: Ada\n  emails:\n    - email: ada@example.com\n      label: work\n",
    error: "5:14: emails[0].label must be one of PRIMARY, SECONDARY, JOB, HOME, OTHER",
  },
  {
    id: "CB-13",
    input: "ContactBook CSV row whose `firstName` cell is empty",
    name: "contacts.csv",
    text: "key,firstName,lastName\nada-lovelace,,Lovelace\n",
    error: "2:14: firstName is required",
  },
  {
    id: "CB-14",
    input: "ContactBook CSV phone label in lower case (labels are the API's, in capitals)",
    name: "contacts.csv",
    text: "key,firstName,phones\nada-lovelace,Ada,+442071234567 MOBILE; +442079460000 mobile\n",
    error: "2:54: phones[1].label must be one of EXTENSION, PRIMARY, SECONDARY, MOBILE, HOME, JOB, OTHER",
  },
  {
    id: "CB-15",
    input: "ContactBook CSV row with an unquoted comma (one cell too many)",
    name: "contacts.csv",
    text: "key,firstName,jobTitle\nkatherine-johnson,Katherine,Research Mathematician, Flight Research\n",
    error: "2:1: this row has 4 cells where the header has 3 (a value holding a comma must be in double quotes)",
  },
  {
    id: "CB-16",
    input: "ContactBook CSV quoted cell never closed",
    name: "contacts.csv",
    text: 'key,firstName,jobTitle\nada-lovelace,Ada,"Mathematician\ngrace-hopper,Grace,Rear Admiral\n',
    error: '2:18: a quoted cell is not closed before the end of the file (a quote inside a cell is written "")',
  },
  {
    id: "CB-17",
    input: "ContactBook CSV header without `key`",
    name: "contacts.csv",
    text: "firstName,lastName\nAda,Lovelace\n",
    error: '1:1: the header has no "key" column: every contact needs a key',
  },
  {
    id: "CB-18",
    input: "ContactBook YAML `jobTitle: Mathematician: Analyst` (an unquoted colon)",
    name: "contacts.yaml",
    text: "- key: ada-lovelace\n  firstName: Ada\n  jobTitle: Mathematician: Analyst\n",
    error:
      '3:13: malformed YAML: Nested mappings are not allowed in compact mappings (a value holding ": " must be in quotes)',
  },
  {
    id: "CB-19",
    input: "ContactBook YAML that is one mapping, not a list",
    name: "contacts.yaml",
    text: "key: ada-lovelace\nfirstName: Ada\n",
    error: '1:1: a contact book is a list of contacts, each starting with "- key: ..."',
  },
  {
    id: "CB-20",
    input: "ContactBook of an empty YAML file",
    name: "contacts.yaml",
    text: "",
    error: "1:1: the file is empty: write [] for a book without contacts",
  },
];
