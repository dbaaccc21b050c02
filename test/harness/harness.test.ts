/**
 * Self-test of the engine-protocol harness, driving a toy dynamic provider (fixtures/toy-provider, which
 * keeps its "cloud" in a JSON file named by the `toy:file` config) through the real provider host.
 * The tests run in order and share one engine, like successive CLI runs on one stack.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { byName, ENGINE_TEST_TIMEOUT_MS, Engine, plain, type State } from "./engine";
import { Item } from "./fixtures/toy-provider";
import { createProgramDir, type ProgramDir } from "./host";
import { runProgram } from "./program";
import { isSecret, SECRET_SIG, SIG_KEY } from "./wire";

jest.setTimeout(ENGINE_TEST_TIMEOUT_MS);

interface ToyDb {
  seq: number;
  objects: Record<string, { name: string; color: string; zone: string; serial: string; token: string | null }>;
}

const fixtureDir = path.join(__dirname, "fixtures", "toy-provider");
let programDir: ProgramDir;
let tmp: string;
let mainFile: string;
let otherFile: string;
let engine: Engine;

const readDb = (file: string): ToyDb => JSON.parse(fs.readFileSync(file, "utf8")) as ToyDb;
const ops = (steps: { urn: string; op: string }[]) =>
  Object.fromEntries(steps.map((s) => [s.urn.split("::").pop() as string, s.op]));

/** `pulumi.ProviderResource` is abstract in the typings; generated SDKs subclass it the same way. */
class NodejsProvider extends pulumi.ProviderResource {
  constructor(name: string, props: pulumi.Inputs) {
    super("pulumi-nodejs", name, props);
  }
}

class Group extends pulumi.ComponentResource {
  constructor(name: string) {
    super("toy:index:Group", name);
  }
}

/**
 * a on the default provider, b on an explicit provider whose config points at another file. `grouped` moves
 * a under a component, with (`"aliased"`) or without an alias to its old top-level place.
 */
function toyProgram(opts: { color?: string; zone?: string; getId?: string; grouped?: "aliased" | "bare" } = {}) {
  return () => {
    const cfg = new pulumi.Config("toy");
    const other = new NodejsProvider("other", {
      "toy:file": otherFile,
      "toy:token": cfg.requireSecret("token"),
    });
    const group = opts.grouped ? new Group("group") : undefined;
    const aliases = opts.grouped === "aliased" ? [{ parent: pulumi.rootStackResource }] : undefined;
    const a = new Item(
      "a",
      { name: "alpha", color: pulumi.secret(opts.color ?? "red"), zone: opts.zone ?? "a" },
      { parent: group, aliases },
    );
    const b = new Item("b", { name: pulumi.interpolate`${a.name}-child` }, { provider: other });
    if (opts.getId) Item.get("g", opts.getId);
    return { aId: a.id, bName: b.name };
  };
}

beforeAll(() => {
  programDir = createProgramDir({ packageDir: fixtureDir });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "harness-toy-"));
  mainFile = path.join(tmp, "main.json");
  otherFile = path.join(tmp, "other.json");
  engine = new Engine({
    programDir: programDir.dir,
    config: { "toy:file": mainFile },
    secretConfig: { "toy:token": "s3cret" },
    // Host spawns dominate the run time (~1 s CPU each); the destroy test below runs without reuse.
    reuseHosts: true,
  });
});

afterAll(async () => {
  await engine.close();
  await programDir.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("runProgram records wire-form inputs, provider references and secret config", async () => {
  const result = await runProgram(toyProgram(), engine.programOptions());
  const a = result.resources.find((r) => r.name === "a");
  const b = result.resources.find((r) => r.name === "b");
  const other = result.resources.find((r) => r.name === "other");
  expect(a?.type).toBe("pulumi-nodejs:dynamic/toy:Item");
  expect(a?.urn).toBe("urn:pulumi:stack::project::pulumi-nodejs:dynamic/toy:Item::a");
  expect(typeof a?.inputs.__provider).toBe("string");
  expect(a?.inputs.color).toEqual({ [SIG_KEY]: SECRET_SIG, value: "red" });
  expect(a?.secretInputKeys).toEqual(["color"]);
  expect(a?.additionalSecretOutputs).toEqual(["serial"]);
  expect(a?.provider).toBeUndefined();
  expect(other?.inputs["toy:token"]).toEqual({ [SIG_KEY]: SECRET_SIG, value: "s3cret" });
  expect(b?.provider?.urn).toBe(other?.urn);
  expect(b?.provider?.inputs["toy:file"]).toBe(otherFile);
  expect(result.exports.bName).toBe("alpha-child");
});

test("up creates, with each provider configured from its own config and secrets decrypted", async () => {
  const r = await engine.upProgram(toyProgram());
  expect(ops(r.steps)).toEqual({ default: "create", other: "create", a: "create", b: "create" });
  const main = readDb(mainFile);
  const other = readDb(otherFile);
  // a went through the default provider (stack config), b through the explicit one (its inputs).
  expect(Object.values(main.objects).map((o) => o.name)).toEqual(["alpha"]);
  expect(Object.values(other.objects).map((o) => o.name)).toEqual(["alpha-child"]);
  // The secret config value arrived decrypted in configure, on both providers.
  expect(Object.values(main.objects)[0]?.token).toBe("s3cret");
  expect(Object.values(other.objects)[0]?.token).toBe("s3cret");
  // Secrets in state: re-marked from the secret input, and additionalSecretOutputs.
  const a = byName(r.state, "a");
  expect(isSecret(a?.outputs.color)).toBe(true);
  expect(isSecret(a?.outputs.serial)).toBe(true);
  expect(plain(a?.outputs)).toMatchObject({ name: "alpha", color: "red", zone: "a", serial: "sn-1" });
  // The program saw real outputs: b's name came from a's created output.
  expect(r.program.exports).toEqual({ aId: a?.id, bName: "alpha-child" });
  expect(r.rpcCounts).toMatchObject({ configure: 2, check: 2, create: 2 });
  expect(r.rpcCounts.diff).toBeUndefined();
  // State is plain JSON.
  expect(JSON.parse(JSON.stringify(r.state))).toEqual(r.state);
  expect(engine.hostLogs.map((l) => l.stdout + l.stderr).join("")).not.toContain("s3cret");
});

test("a second up is all same (recorded resources, no Create/Update)", async () => {
  const program = await runProgram(toyProgram(), engine.programOptions());
  const r = await engine.up(program.resources);
  expect(new Set(r.steps.map((s) => s.op))).toEqual(new Set(["same"]));
  expect(r.rpcCounts).toMatchObject({ check: 2, diff: 2 });
  expect(r.rpcCounts.create ?? 0).toBe(0);
  expect(r.rpcCounts.update ?? 0).toBe(0);
});

test("changing an input updates in place", async () => {
  const before = byName(engine.state, "a")?.id;
  const r = await engine.upProgram(toyProgram({ color: "blue" }));
  expect(ops(r.steps)).toMatchObject({ a: "update", b: "same" });
  expect(byName(r.state, "a")?.id).toBe(before);
  expect(readDb(mainFile).objects[before as string]?.color).toBe("blue");
  expect(isSecret(byName(r.state, "a")?.outputs.color)).toBe(true);
});

test("changing a replace-on-change input replaces (create new, then delete old)", async () => {
  const before = byName(engine.state, "a")?.id as string;
  const preview = await engine.previewProgram(toyProgram({ color: "blue", zone: "b" }));
  expect(ops(preview.steps)).toMatchObject({ a: "replace" });
  expect(preview.rpcCounts.create ?? 0).toBe(0);
  const r = await engine.upProgram(toyProgram({ color: "blue", zone: "b" }));
  expect(r.steps.find((s) => s.op === "replace")).toMatchObject({ replaces: ["zone"], deleteBeforeReplace: false });
  const after = byName(r.state, "a")?.id as string;
  expect(after).not.toBe(before);
  const db = readDb(mainFile);
  expect(db.objects[before]).toBeUndefined();
  expect(db.objects[after]?.zone).toBe("b");
  // Check (update), Diff, Check (as new), Create, Delete.
  expect(r.rpcCounts).toMatchObject({ check: 3, diff: 2, create: 1, delete: 1 });
});

test("a static get reads the object by id", async () => {
  const aId = byName(engine.state, "a")?.id as string;
  const r = await engine.upProgram(toyProgram({ color: "blue", zone: "b", getId: aId }));
  expect(ops(r.steps)).toMatchObject({ g: "read", a: "same" });
  expect(plain(byName(r.state, "g")?.outputs)).toMatchObject({ name: "alpha", color: "blue" });
  // Without the get, the read resource just leaves state.
  const r2 = await engine.upProgram(toyProgram({ color: "blue", zone: "b" }));
  expect(byName(r2.state, "g")).toBeUndefined();
  expect(r2.steps.every((s) => s.op === "same")).toBe(true);
});

test("refresh after an out-of-band edit reports drift; --expect-no-changes fails until up fixes it", async () => {
  const program = await runProgram(toyProgram({ color: "blue", zone: "b" }), engine.programOptions());
  const clean = await engine.previewRefreshExpectNoChanges(program.resources);
  expect(clean.ok).toBe(true);
  expect(clean.changes).toEqual([]);

  const aId = byName(engine.state, "a")?.id as string;
  const db = readDb(mainFile);
  (db.objects[aId] as { color: string }).color = "green";
  fs.writeFileSync(mainFile, JSON.stringify(db));

  const drifted = await engine.previewRefreshExpectNoChanges(program.resources);
  expect(drifted.ok).toBe(false);
  expect(ops(drifted.changes)).toEqual({ a: "update" });
  expect(drifted.refresh.changed).toEqual([byName(engine.state, "a")?.urn]);

  const refreshed = await engine.refresh();
  expect(refreshed.changed).toHaveLength(1);
  expect(plain(byName(refreshed.state, "a")?.outputs).color).toBe("green");
  // The refreshed output stays secret: its key matches a secret input.
  expect(isSecret(byName(refreshed.state, "a")?.outputs.color)).toBe(true);

  await engine.up(program.resources);
  expect(readDb(mainFile).objects[aId]?.color).toBe("blue");
  expect((await engine.previewRefreshExpectNoChanges(program.resources)).ok).toBe(true);
});

test("refresh drops an object deleted out of band", async () => {
  const snapshot: State = JSON.parse(JSON.stringify(engine.state)) as State;
  const bId = byName(engine.state, "b")?.id as string;
  const db = readDb(otherFile);
  const saved = db.objects[bId];
  delete db.objects[bId];
  fs.writeFileSync(otherFile, JSON.stringify(db));
  const r = await engine.refresh(snapshot);
  expect(r.deleted).toEqual([byName(snapshot, "b")?.urn]);
  expect(byName(r.state, "b")).toBeUndefined();
  // Put it back so destroy has something to delete on both providers.
  db.objects[bId] = saved as ToyDb["objects"][string];
  fs.writeFileSync(otherFile, JSON.stringify(db));
  engine.state = snapshot;
});

test("a resource moved under a component keeps its object through an alias to its old place, and is replaced without", async () => {
  const before = byName(engine.state, "a")!;
  const bare = await engine.previewProgram(toyProgram({ color: "blue", zone: "b", grouped: "bare" }));
  expect(bare.steps.filter((s) => s.urn.endsWith("::a")).map((s) => s.op)).toEqual(["create", "delete"]);

  const r = await engine.upProgram(toyProgram({ color: "blue", zone: "b", grouped: "aliased" }));
  expect(ops(r.steps)).toMatchObject({ a: "same", b: "same" });
  expect(r.steps.filter((s) => s.op !== "same")).toEqual([]);
  const after = byName(r.state, "a")!;
  expect(after.urn).toBe("urn:pulumi:stack::project::toy:index:Group$pulumi-nodejs:dynamic/toy:Item::a");
  expect(after.urn).not.toBe(before.urn);
  expect(after.id).toBe(before.id);
  expect(r.state.filter((e) => e.urn === before.urn)).toEqual([]);
  expect(Object.keys(readDb(mainFile).objects)).toEqual([before.id]);
});

test("destroy deletes everything (fresh host processes, as the CLI spawns them)", async () => {
  const fresh = new Engine({
    programDir: programDir.dir,
    config: { "toy:file": mainFile },
    secretConfig: { "toy:token": "s3cret" },
    state: engine.state,
  });
  const r = await fresh.destroy();
  expect(ops(r.steps)).toEqual({ a: "delete", b: "delete", default: "delete", other: "delete" });
  expect(r.state).toEqual([]);
  expect(readDb(mainFile).objects).toEqual({});
  expect(readDb(otherFile).objects).toEqual({});
});

test("runProgram fails on a provider that captures something unserialisable", async () => {
  class BadResource extends pulumi.dynamic.Resource {}
  const parse = JSON.parse.bind(JSON); // a bound native function, like a zod schema's parse
  const provider: pulumi.dynamic.ResourceProvider = {
    async create() {
      return { id: String(parse("1")), outs: {} };
    },
  };
  await expect(
    runProgram(() => {
      new BadResource(provider, "bad", {});
    }),
  ).rejects.toThrow(/error serializing property "__provider"[\s\S]*native code/);
});

test("a program that throws fails its own run, not the next one", async () => {
  const failed = await runProgram(() => {
    throw new Error("bad program");
  }).then(
    () => "",
    (e: Error) => e.message,
  );
  expect(failed).toMatch(/^runProgram: the program failed:\nError: bad program/);
  expect(failed.split("bad program")).toHaveLength(2);
  const next = await runProgram(() => ({ fine: true }));
  expect(next.exports).toEqual({ fine: true });
});
