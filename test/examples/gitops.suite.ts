/**
 * examples/gitops: the contact book (a copy of the committed contacts.csv, named by the `contactsFile`
 * stack config) through the engine protocol against the emulator. Editing the file is what a merged pull
 * request does; the drift check is what the scheduled workflow runs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseContactBook } from "../../examples/gitops/contact-book";
import { gitops } from "../../examples/gitops/program";
import { byName } from "../harness/engine";
import { runProgram } from "../harness/program";
import { emulator as emu } from "../support/package";
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
const committed = fs.readFileSync(path.join(EXAMPLES_DIR, "gitops", "contacts.csv"), "utf8");
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

  test("the committed contact book parses: quoted commas, tag lists, empty cells", () => {
    const rows = parseContactBook(committed);
    expect(rows.map((r) => r.key)).toEqual(["ada-lovelace", "grace-hopper", "katherine-johnson"]);
    expect(rows[2]).toMatchObject({ jobTitle: "Research Mathematician, Flight Research", email: undefined });
    expect(rows[0]?.tags).toEqual(["vip", "pioneers"]);
  });

  test("a broken row fails the run with its line number, before anything is applied", async () => {
    expect(() => parseContactBook("key,firstName\nx,y\n")).toThrow(/header lacks lastName/);
    const header = committed.split("\n")[0];
    expect(() => parseContactBook(`${header}\nada,Ada,,,,,,,\nada,Ada,,,,,,,\n`)).toThrow(
      "contacts.csv:3: key ada is used twice",
    );
    expect(() => parseContactBook(`${header}\nbob,"Bob,,,,,,,\n`)).toThrow(
      "contacts.csv:2: a quoted field is not closed",
    );
  });

  test("up at parallelism 16 (`pulumi up --parallel 16`) creates one contact per row", async () => {
    const r = await stack.engine.upProgram(gitops);
    expect(resourceOps(r.steps)).toEqual({
      "ada-lovelace": "create",
      "grace-hopper": "create",
      "katherine-johnson": "create",
    });
    expect(contacts()).toHaveLength(3);
    expect(named("Katherine")).toMatchObject({
      last_name: "Johnson",
      company_name: "NASA",
      job_title: "Research Mathematician, Flight Research",
      phones: [expect.objectContaining({ number: "+17575550188" })],
      emails: [],
    });
    expect(tagNames(named("Ada"))).toEqual(["pioneers", "vip"]);
    expect(r.program.exports).toEqual({
      contacts: Object.fromEntries(
        r.state.filter((s) => s.type.endsWith(":Contact")).map((s) => [s.urn.split("::").pop(), s.id]),
      ),
    });
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
      "alan-turing,Alan,Turing,,alan@example.org,,,pioneers,",
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
      "alan-m-turing,Alan,Turing,,alan@example.org,,,pioneers,",
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
      "alan-m-turing,Alan,Turing,,alan@example.org,,,pioneers,",
      `margaret-hamilton,Margaret,Hamilton,,margaret@example.com,MIT,,apollo,${existing.id}`,
    ]);
    const r = await stack.engine.upProgram(gitops);
    expect(resourceOps(r.steps)).toMatchObject({ "margaret-hamilton": "create" });
    expect(byName(r.state, "margaret-hamilton")!.id).toBe(String(existing.id));
    expect(contacts()).toHaveLength(count);
    expect(stack.server.object(ORG, "contacts", existing.id)).toMatchObject({ company_name: "MIT" });
    expect(tagNames(stack.server.object(ORG, "contacts", existing.id))).toEqual(["apollo"]);
  });

  test("refresh without drift changes nothing and the drift check passes", async () => {
    expect((await stack.engine.refresh()).changed).toEqual([]);
    const check = await drift();
    expect(check.changes).toEqual([]);
    expect(check.ok).toBe(true);
  });

  test("the drift check fails on an edit or a deletion made in the dashboard; up puts the file's truth back", async () => {
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
  });

  test("destroy leaves nothing behind, adopted contact included", async () => {
    await stack.engine.destroy();
    expect(stack.engine.state).toEqual([]);
    for (const kind of MANAGED_KINDS) expect(stack.server.objects(ORG, kind)).toEqual([]);
  });
}
