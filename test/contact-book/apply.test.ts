/**
 * ContactBook through `pulumi up`: the real dynamic-provider host over gRPC against the emulator over HTTP.
 * A CSV book and its YAML twin declare the same contacts (switching the file changes nothing in the
 * organization); an edited row updates that contact alone; `provider` reaches every contact; a bad file
 * fails before any request. The tests run in order on one stack, like successive CLI runs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type ExampleStack, MANAGED_KINDS, resourceOps, startExampleStack, writes } from "../examples/support";
import { byName } from "../harness/engine";
import { runProgram } from "../harness/program";
import { emulator as emu, romulus } from "../support/package";

const ORG = emu.DEFAULT_ORGANIZATION_ID;
const ORG_2 = emu.SECOND_ORGANIZATION_ID;
const KEYS = ["ada-lovelace", "grace-hopper", "katherine-johnson"];

let stack: ExampleStack;
let dir: string;
let boardTagId: string;

const CSV = () =>
  [
    "key,firstName,lastName,phones,emails,address1.street,address1.city,address1.country,address2.city,address2.country,jobTitle,companyName,website,tags,tagIds",
    `ada-lovelace,Ada,Lovelace,+442071234567 MOBILE; +442079460000 JOB,ada@example.com JOB; ada@home.example,12 St James's Square,London,GB,Ockham,GB,Mathematician,Analytical Engines,https://example.com/ada,vip; pioneers,${boardTagId}`,
    "grace-hopper,Grace,Hopper,+12025550123,grace@example.com PRIMARY,,Arlington,US,,,Rear Admiral,US Navy,,pioneers,",
    'katherine-johnson,Katherine,Johnson,+17575550188 HOME,,,,,,,"Research Mathematician, Flight Research",NASA,,,',
    "",
  ].join("\n");

/** The same book in YAML, as a user would write it (unquoted numbers, flow lists, labels left out). */
const YAML = (jobTitle = "Rear Admiral") => `
- key: ada-lovelace
  firstName: Ada
  lastName: Lovelace
  phones:
    - { number: +442071234567, label: MOBILE }
    - { number: +442079460000, label: JOB }
  emails:
    - { email: ada@example.com, label: JOB }
    - email: ada@home.example
  addresses:
    - { street: "12 St James's Square", city: London, country: GB }
    - { city: Ockham, country: GB }
  jobTitle: Mathematician
  companyName: Analytical Engines
  website: https://example.com/ada
  tags: [pioneers, vip]
  tagIds: [${boardTagId}]
- key: grace-hopper
  firstName: Grace
  lastName: Hopper
  phones: [{ number: "+12025550123" }]
  emails: [{ email: grace@example.com, label: PRIMARY }]
  addresses: [{ city: Arlington, country: US }]
  jobTitle: ${jobTitle}
  companyName: US Navy
  tags: [pioneers]
- key: katherine-johnson
  firstName: Katherine
  lastName: Johnson
  phones: [{ number: "+17575550188", label: HOME }]
  jobTitle: Research Mathematician, Flight Research
  companyName: NASA
`;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** The program: one book, its contacts' ids exported by key. */
const bookProgram = (file: string) => () => {
  const book = new romulus.ContactBook("people", { path: file });
  return { ids: Object.fromEntries(book.keys.map((k) => [k, book.get(k).id])) };
};

const contacts = (org = ORG) => stack.server.objects(org, "contacts");
const named = (first: string, org = ORG) => contacts(org).find((c) => c.first_name === first);
/** A contact as the API holds it, without server ids and times, for comparing with what the book says. */
function held(first: string, org = ORG) {
  const c = named(first, org) as Record<string, unknown> | undefined;
  if (!c) return undefined;
  const strip = (items: unknown) => (items as Array<Record<string, unknown>>).map(({ id: _id, ...rest }) => rest);
  return {
    phones: strip(c.phones),
    emails: strip(c.emails),
    addresses: strip(c.addresses).map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v != null))),
    tags: (c.tags as Array<{ name: string }>).map((t) => t.name).sort(),
    job_title: c.job_title,
    company_name: c.company_name,
    website: c.website ?? undefined,
  };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "contact-book-apply-"));
  stack = await startExampleStack(
    (server) => ({
      config: { "romulus:endpoint": server.url },
      secretConfig: { "romulus:apiKey": emu.DEFAULT_API_KEY },
    }),
    { project: "contact-book", stack: "dev", parallelism: 8 },
  );
  boardTagId = String(stack.server.insert(ORG, "tags", { name: "board", color: null }).id);
});
afterAll(async () => {
  await stack?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("up of a CSV book creates one contact per row, named by its key, with every phone, email, address and tag", async () => {
  const r = await stack.engine.upProgram(bookProgram(write("people.csv", CSV())));
  expect(resourceOps(r.steps)).toEqual(Object.fromEntries(KEYS.map((k) => [k, "create"])));
  expect(writes(stack.server)).toEqual({ "POST /v2/contacts": 3 });
  // Children of the component: their URNs are qualified by its type.
  expect(byName(r.state, "ada-lovelace")!.urn).toBe(
    "urn:pulumi:dev::contact-book::romulus:index:ContactBook$pulumi-nodejs:dynamic/romulus:Contact::ada-lovelace",
  );
  expect(held("Ada")).toEqual({
    phones: [
      { number: "+442071234567", label: "MOBILE" },
      { number: "+442079460000", label: "JOB" },
    ],
    emails: [
      { email: "ada@example.com", label: "JOB" },
      { email: "ada@home.example", label: "OTHER" },
    ],
    addresses: [
      { street: "12 St James's Square", city: "London", country: "GB" },
      { city: "Ockham", country: "GB" },
    ],
    tags: ["board", "pioneers", "vip"],
    job_title: "Mathematician",
    company_name: "Analytical Engines",
    website: "https://example.com/ada",
  });
  expect(held("Katherine")).toMatchObject({
    phones: [{ number: "+17575550188", label: "HOME" }],
    emails: [],
    job_title: "Research Mathematician, Flight Research",
  });
  expect(r.program.exports.ids).toEqual(Object.fromEntries(KEYS.map((k) => [k, byName(r.state, k)!.id])));
});

test("the YAML twin of the book changes nothing: every contact same, no request that writes, no drift", async () => {
  stack.server.resetCounters();
  const program = bookProgram(write("people.yaml", YAML()));
  const r = await stack.engine.upProgram(program);
  expect(resourceOps(r.steps)).toEqual(Object.fromEntries(KEYS.map((k) => [k, "same"])));
  expect(writes(stack.server)).toEqual({});
  const drift = await stack.engine.previewRefreshExpectNoChanges(
    (await runProgram(program, stack.engine.programOptions())).resources,
  );
  expect(drift.changes).toEqual([]);
});

test("an edited row updates that contact in place and no other", async () => {
  const grace = byName(stack.engine.state, "grace-hopper")!.id;
  stack.server.resetCounters();
  const r = await stack.engine.upProgram(bookProgram(write("people.yaml", YAML("Rear Admiral (retired)"))));
  expect(resourceOps(r.steps)).toEqual({
    "ada-lovelace": "same",
    "grace-hopper": "update",
    "katherine-johnson": "same",
  });
  expect(writes(stack.server)).toEqual({ "PUT /v2/contacts/:contactId": 1 });
  expect(byName(r.state, "grace-hopper")!.id).toBe(grace);
  expect(named("Grace")).toMatchObject({ job_title: "Rear Admiral (retired)" });
});

test("a bad book fails the run with its line and column before any request, and the stack is untouched", async () => {
  const before = JSON.stringify(stack.engine.state);
  stack.server.resetCounters();
  const file = write("people.csv", CSV().replace("+12025550123", "(202) 555-0123"));
  await expect(stack.engine.upProgram(bookProgram(file))).rejects.toThrow(
    `${file}:3:27: phones[0].number must be a phone number in E.164 format, e.g. +39012345678`,
  );
  expect(stack.server.counters().total ?? 0).toBe(0);
  expect(JSON.stringify(stack.engine.state)).toBe(before);
});

test("`provider` reaches every contact of the book: another organization's key puts them there", async () => {
  const other = write("other.csv", "key,firstName,phones\nalan-turing,Alan,+441619998888\nmax-newman,Max,\n");
  const r = await stack.engine.upProgram(() => {
    const provider = new romulus.Provider("second-org", { apiKey: emu.SECOND_API_KEY, endpoint: stack.server.url });
    bookProgram(path.join(dir, "people.yaml"))();
    new romulus.ContactBook("elsewhere", { path: other, provider });
  });
  expect(resourceOps(r.steps)).toMatchObject({
    "alan-turing": "create",
    "max-newman": "create",
    "ada-lovelace": "same",
  });
  expect(
    contacts(ORG_2)
      .map((c) => c.first_name)
      .sort(),
  ).toEqual(expect.arrayContaining(["Alan", "Max"]));
  expect(named("Alan")).toBeUndefined();
  expect(byName(r.state, "alan-turing")!.provider).toBe(
    "urn:pulumi:dev::contact-book::pulumi:providers:pulumi-nodejs::second-org",
  );
});

test("destroy leaves nothing behind in either organization", async () => {
  await stack.engine.destroy();
  expect(stack.engine.state).toEqual([]);
  for (const kind of MANAGED_KINDS) expect(stack.server.objects(ORG, kind)).toEqual([]);
  expect(contacts(ORG_2).filter((c) => ["Alan", "Max"].includes(String(c.first_name)))).toEqual([]);
});
