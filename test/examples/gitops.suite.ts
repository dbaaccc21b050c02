/**
 * examples/gitops: the contact book (a copy of the committed contacts.csv, named by the `contactsFile`
 * stack config) through the engine protocol against the emulator. The stack starts as the previous version
 * of the example made it (a hand-written loop of `new Contact(row.key, ...)`) and moves to ContactBook
 * without replacing anything. Editing the file is what a merged pull request does; the drift check is what
 * the scheduled workflow runs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { gitops } from "../../examples/gitops/program";
import { byName } from "../harness/engine";
import { runProgram } from "../harness/program";
import { emulator as emu, romulus } from "../support/package";
import {
  EXAMPLES_DIR,
  type ExampleStack,
  type ExampleSuiteOptions,
  MANAGED_KINDS,
  resourceOps,
  startExampleStack,
  writes,
} from "./support";

const ORG = emu.DEFAULT_ORGANIZATION_ID;
const committedFile = path.join(EXAMPLES_DIR, "gitops", "contacts.csv");
const committed = fs.readFileSync(committedFile, "utf8");
const committedYaml = path.join(EXAMPLES_DIR, "gitops", "contacts.yaml");
const KEYS = ["ada-lovelace", "grace-hopper", "katherine-johnson"];
/**
 * A safety net for the tests that chain several `pulumi` runs (each spawning a provider host): on a loaded
 * 2-core machine one run can take 10 s or more.
 */
const SEVERAL_RUNS = 180_000;

/** The example before ContactBook: the rows of the same file, each declared by hand at the top level. */
function handWritten() {
  const file = new pulumi.Config().require("contactsFile");
  const contacts: Record<string, pulumi.Output<string>> = {};
  for (const row of romulus.parseContactBook(file)) contacts[row.key] = new romulus.Contact(row.key, row.contact).id;
  return { contacts };
}
/** The suite, run by gitops.test.ts on this repository and by the packed-package suite on the installed tarball. */
export function gitopsSuite(options: ExampleSuiteOptions = {}): void {
  let stack: ExampleStack;
  let tmp: string;
  let book: string;

  /** The committed contact book with `edit` applied to its lines (header first). */
  function writeBook(edit: (lines: string[]) => string[] = (l) => l): void {
    fs.writeFileSync(book, `${edit(committed.trimEnd().split("\n")).join("\n")}\n`);
  }
  const contacts = () => stack.server.objects(ORG, "contacts");
  const named = (first: string) => contacts().find((c) => c.first_name === first);
  const tagNames = (c: Record<string, unknown> | undefined) =>
    ((c?.tags ?? []) as Array<{ name: string }>).map((t) => t.name).sort();
  const drift = async () =>
    stack.engine.previewRefreshExpectNoChanges((await runProgram(gitops, stack.engine.programOptions())).resources);

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-gitops-"));
    book = path.join(tmp, "contacts.csv");
    writeBook();
    stack = await startExampleStack(
      (server) => ({
        config: { "romulus:endpoint": server.url, "romulus-gitops:contactsFile": book },
        secretConfig: { "romulus:apiKey": emu.DEFAULT_API_KEY },
      }),
      { project: "romulus-gitops", stack: "prod", parallelism: 16, programDir: options.programDir?.() },
    );
  });
  afterAll(async () => {
    await stack?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("the committed contact book parses: several labelled phones, an address, quoted commas, tag lists, empty cells", () => {
    const rows = romulus.parseContactBook(committedFile);
    expect(rows.map((r) => r.key)).toEqual(KEYS);
    expect(rows[0]?.contact).toMatchObject({
      phones: [
        { number: "+442071234567", label: "MOBILE" },
        { number: "+442079460000", label: "JOB" },
      ],
      addresses: [{ city: "London", country: "GB" }],
      tags: ["vip", "pioneers"],
    });
    expect(rows[2]?.contact).toMatchObject({ jobTitle: "Research Mathematician, Flight Research" });
    expect(rows[2]?.contact).not.toHaveProperty("emails");
    // The YAML form of the same book (contacts.yaml) says exactly the same.
    expect(romulus.parseContactBook(committedYaml)).toEqual(rows);
  });

  test("a broken book fails the preview with each mistake's line and column, before any request", async () => {
    writeBook((lines) => [...lines, lines[1]!.replace("+442071234567", "020 7123 4567")]);
    stack.server.resetCounters();
    await expect(stack.engine.previewProgram(gitops)).rejects.toThrow(
      [
        `${book}:5:1: key ada-lovelace is already the key of line 2: each contact needs its own key`,
        `${book}:5:27: phones[0].number must be a phone number in E.164 format, e.g. +39012345678`,
      ].join("\n"),
    );
    expect(stack.server.counters().total ?? 0).toBe(0);
    writeBook();
  });

  test("the previous version of the example (a loop of `new Contact(row.key, ...)`) at parallelism 16 creates one contact per row", async () => {
    const r = await stack.engine.upProgram(handWritten);
    expect(resourceOps(r.steps)).toEqual(Object.fromEntries(KEYS.map((k) => [k, "create"])));
    expect(contacts()).toHaveLength(3);
    expect(named("Katherine")).toMatchObject({
      last_name: "Johnson",
      company_name: "NASA",
      job_title: "Research Mathematician, Flight Research",
      phones: [expect.objectContaining({ number: "+17575550188", label: "HOME" })],
      emails: [],
    });
    expect(named("Ada")).toMatchObject({
      phones: [
        expect.objectContaining({ number: "+442071234567", label: "MOBILE" }),
        expect.objectContaining({ number: "+442079460000", label: "JOB" }),
      ],
      addresses: [expect.objectContaining({ city: "London", country: "GB" })],
    });
    expect(tagNames(named("Ada"))).toEqual(["pioneers", "vip"]);
  });

  test("moving to ContactBook replaces nothing: every contact same, moved under the book by its alias, no write", async () => {
    const before = Object.fromEntries(KEYS.map((k) => [k, byName(stack.engine.state, k)!]));
    stack.server.resetCounters();
    const r = await stack.engine.upProgram(gitops);
    expect(resourceOps(r.steps)).toEqual(Object.fromEntries(KEYS.map((k) => [k, "same"])));
    expect(writes(stack.server)).toEqual({});
    for (const key of KEYS) {
      const now = byName(r.state, key)!;
      expect(now.id).toBe(before[key]!.id);
      expect(now.urn).toBe(before[key]!.urn.replace("::pulumi-nodejs:", "::romulus:index:ContactBook$pulumi-nodejs:"));
    }
    expect(r.state.filter((e) => Object.values(before).some((b) => b.urn === e.urn))).toEqual([]);
    expect(r.program.exports).toEqual({
      contacts: Object.fromEntries(KEYS.map((k) => [k, byName(r.state, k)!.id])),
    });
  });

  test("the YAML book (contactsFile: contacts.yaml) declares the same contacts: switching files changes none", async () => {
    const config = { ...stack.engine.config };
    delete config["romulus:apiKey"];
    const yaml = stack.rerun({ ...config, "romulus-gitops:contactsFile": committedYaml });
    stack.server.resetCounters();
    try {
      const preview = await yaml.previewProgram(gitops);
      expect(resourceOps(preview.steps)).toEqual(Object.fromEntries(KEYS.map((k) => [k, "same"])));
      expect(writes(stack.server)).toEqual({});
    } finally {
      stack.rerun(config);
    }
  });

  test("an unchanged contact book previews as no change and writes nothing", async () => {
    stack.server.resetCounters();
    const preview = await stack.engine.previewProgram(gitops);
    expect(new Set(preview.steps.map((s) => s.op))).toEqual(new Set(["same"]));
    expect(writes(stack.server)).toEqual({});
  });

  test("a merged edit of the file: an edited row updates, a new row creates, a removed row deletes", async () => {
    const grace = byName(stack.engine.state, "grace-hopper")!.id;
    writeBook((lines) => [
      ...lines
        .filter((l) => !l.startsWith("katherine-johnson,"))
        .map((l) => (l.startsWith("grace-hopper,") ? l.replace("pioneers", "pioneers;navy") : l)),
      "alan-turing,Alan,Turing,,alan@example.org,,,,,pioneers,",
    ]);
    stack.server.resetCounters();
    const r = await stack.engine.upProgram(gitops);
    expect(resourceOps(r.steps)).toEqual({
      "ada-lovelace": "same",
      "grace-hopper": "update",
      "alan-turing": "create",
      "katherine-johnson": "delete",
    });
    expect(writes(stack.server)).toEqual({
      "POST /v2/contacts": 1,
      "PUT /v2/contacts/:contactId": 1,
      "DELETE /v2/contacts/:contactId": 1,
    });
    expect(byName(r.state, "grace-hopper")!.id).toBe(grace);
    expect(tagNames(named("Grace"))).toEqual(["navy", "pioneers"]);
    expect(named("Katherine")).toBeUndefined();
    expect(named("Alan")).toMatchObject({ emails: [expect.objectContaining({ email: "alan@example.org" })] });
  });

  test("renaming a row's key recreates that contact (Contact has no replace-on-change field, so no replace step)", async () => {
    const before = byName(stack.engine.state, "alan-turing")!.id;
    writeBook((lines) => [
      ...lines
        .filter((l) => !l.startsWith("katherine-johnson,"))
        .map((l) => (l.startsWith("grace-hopper,") ? l.replace("pioneers", "pioneers;navy") : l)),
      "alan-m-turing,Alan,Turing,,alan@example.org,,,,,pioneers,",
    ]);
    const r = await stack.engine.upProgram(gitops);
    expect(resourceOps(r.steps)).toMatchObject({ "alan-m-turing": "create", "alan-turing": "delete" });
    expect(contacts().filter((c) => c.first_name === "Alan")).toEqual([
      expect.objectContaining({ id: byName(r.state, "alan-m-turing")!.id }),
    ]);
    expect(byName(r.state, "alan-m-turing")!.id).not.toBe(before);
  });

  test("a row with importId adopts a contact made in the dashboard instead of creating a duplicate", async () => {
    const existing = stack.server.insert(ORG, "contacts", {
      first_name: "Margaret",
      last_name: "Hamilton",
      phones: [],
      emails: [],
      addresses: [],
      tags: [],
    });
    const count = contacts().length;
    writeBook((lines) => [
      ...lines
        .filter((l) => !l.startsWith("katherine-johnson,"))
        .map((l) => (l.startsWith("grace-hopper,") ? l.replace("pioneers", "pioneers;navy") : l)),
      "alan-m-turing,Alan,Turing,,alan@example.org,,,,,pioneers,",
      `margaret-hamilton,Margaret,Hamilton,,margaret@example.com,MIT,,,,apollo,${existing.id}`,
    ]);
    const r = await stack.engine.upProgram(gitops);
    expect(resourceOps(r.steps)).toMatchObject({ "margaret-hamilton": "create" });
    expect(byName(r.state, "margaret-hamilton")!.id).toBe(String(existing.id));
    expect(contacts()).toHaveLength(count);
    expect(stack.server.object(ORG, "contacts", existing.id)).toMatchObject({ company_name: "MIT" });
    expect(tagNames(stack.server.object(ORG, "contacts", existing.id))).toEqual(["apollo"]);
  });

  test(
    "refresh without drift changes nothing and the drift check passes",
    async () => {
      expect((await stack.engine.refresh()).changed).toEqual([]);
      const check = await drift();
      expect(check.changes).toEqual([]);
      expect(check.ok).toBe(true);
    },
    SEVERAL_RUNS,
  );

  test(
    "the drift check fails on an edit or a deletion made in the dashboard; up puts the file's truth back",
    async () => {
      const ada = byName(stack.engine.state, "ada-lovelace")!;
      const grace = byName(stack.engine.state, "grace-hopper")!;
      stack.server.edit(ORG, "contacts", ada.id, { company_name: "Babbage & Co" });
      stack.server.remove(ORG, "contacts", grace.id);

      const caught = await drift();
      expect(caught.ok).toBe(false);
      expect(resourceOps(caught.changes)).toEqual({ "ada-lovelace": "update", "grace-hopper": "create" });

      const refreshed = await stack.engine.refresh();
      expect(refreshed.deleted).toEqual([grace.urn]);
      expect(refreshed.changed.sort()).toEqual([ada.urn, grace.urn].sort());
      const fixed = await stack.engine.upProgram(gitops);
      expect(resourceOps(fixed.steps)).toMatchObject({ "ada-lovelace": "update", "grace-hopper": "create" });
      expect(named("Ada")).toMatchObject({ company_name: "Analytical Engines" });
      expect(tagNames(named("Grace"))).toEqual(["navy", "pioneers"]);
      expect((await drift()).ok).toBe(true);
    },
    SEVERAL_RUNS,
  );

  test("destroy leaves nothing behind, adopted contact included", async () => {
    await stack.engine.destroy();
    expect(stack.engine.state).toEqual([]);
    for (const kind of MANAGED_KINDS) expect(stack.server.objects(ORG, kind)).toEqual([]);
  });
}
