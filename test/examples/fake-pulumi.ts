/**
 * A stand-in for the Pulumi CLI, for the tests of `npm run demo` (demo.test.ts) and of the examples'
 * README steps (readme-steps.test.ts): the subcommands they call, played by the harness's Engine. So `up`
 * really runs the program in the current folder and drives the real provider host (from that folder's
 * node_modules) against the endpoint in the stack config, and `preview --refresh --expect-no-changes`
 * really refreshes.
 *
 * What it keeps from the CLI: one state per stack under the `file://` backend of PULUMI_BACKEND_URL, the
 * stack's configuration from `Pulumi.<stack>.yaml` next to `Pulumi.yaml` plus what `config set` added,
 * the project namespace for bare config keys, `--stack` choosing the stack of one command, `stack output
 * --json` masking secrets, a non-zero exit when an expected-no-changes preview finds changes. What it does
 * not: encryption (`config set` keeps values in plain text in the backend folder rather than in the stack
 * file, a test-only shortcut), the CLI's output format and its exact exit codes (the demo and CI only look
 * for non-zero), and prompts: `up` without `--yes` goes ahead as if the user had answered yes.
 *
 * Each run appends a line to FAKE_PULUMI_LOG: its arguments, folder, backend, exit code and what the
 * engine did, for the test to check. FAKE_PULUMI_PREVIEW_EXIT=0 makes a preview exit 0 whatever it
 * found: a CLI that misses drift, which the demo must not report as success.
 */
import * as fs from "node:fs";
import * as path from "node:path";
// Types only at the top: the harness (and @pulumi/pulumi under it) is loaded by the subcommands that run
// the engine, so that `config set` and `stack output` start in a fraction of the time.
import type { Engine, State, Step } from "../harness/engine";
import { isSecret, type Json } from "../harness/wire";

/** Step op per Romulus resource name (not ./support's: that one loads the emulator, which is not needed here). */
function resourceOps(steps: Step[]): Record<string, string> {
  const resources = steps.filter((s) => !s.type.startsWith("pulumi:providers:"));
  return Object.fromEntries(resources.map((s) => [s.urn.split("::").pop() as string, s.op]));
}

interface StackFile {
  config: Record<string, string>;
  secretConfig: Record<string, string>;
  state: State;
  /** Wire form: secret wrappers kept, as the CLI keeps them (encrypted) in the checkpoint. */
  outputs: Record<string, Json>;
}

/** One line of FAKE_PULUMI_LOG. */
export interface FakePulumiRun {
  args: string[];
  cwd: string;
  backend: string;
  exitCode: number;
  durationMs: number;
  /** Step op per resource name, for `up`, `preview` (the planned changes) and `destroy`. */
  ops?: Record<string, string>;
  error?: string;
}

class Usage extends Error {}

function backendDir(): string {
  const url = process.env.PULUMI_BACKEND_URL ?? "";
  if (!url.startsWith("file://")) throw new Usage(`PULUMI_BACKEND_URL must be a file:// URL, got "${url}"`);
  return url.slice("file://".length);
}

/** The project of the Pulumi.yaml in `dir`: its `name:` line (a flat file; nothing else is needed). */
function projectName(dir: string): string {
  const text = fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8");
  const name = /^name:\s*(\S+)\s*$/m.exec(text)?.[1];
  if (!name) throw new Usage(`no project name in ${dir}/Pulumi.yaml`);
  return name;
}

/** `[secret]` where the CLI masks a value in `stack output` without `--show-secrets`. */
function masked(value: Json): Json {
  if (isSecret(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(masked);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v)]));
  }
  return value;
}

/**
 * The `config:` map of `Pulumi.<stack>.yaml` in `dir` (none: empty), values as strings like the CLI
 * hands them to the program. js-yaml: a devDependency, and a dependency of @pulumi/pulumi.
 */
function stackFileConfig(dir: string, stack: string): Record<string, string> {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) return {};
  const yaml: { load(text: string): unknown } = require("js-yaml");
  const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(doc.config ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}

class Workspace {
  readonly project: string;
  constructor(
    readonly dir: string,
    readonly backend: string,
    /** `--stack`: the stack of this one command, leaving the selected one as it is. */
    private readonly stackFlag?: string,
  ) {
    this.project = projectName(dir);
  }

  private get currentFile(): string {
    return path.join(this.backend, ".pulumi", "current-stack");
  }
  private stackFile(stack: string): string {
    return path.join(this.backend, ".pulumi", "stacks", this.project, `${stack}.json`);
  }
  get stack(): string {
    if (this.stackFlag) return this.stackFlag;
    if (!fs.existsSync(this.currentFile)) throw new Usage("no stack selected; run `pulumi stack init` first");
    return fs.readFileSync(this.currentFile, "utf8");
  }
  init(stack: string): void {
    if (fs.existsSync(this.stackFile(stack))) throw new Usage(`stack '${stack}' already exists`);
    fs.mkdirSync(path.dirname(this.stackFile(stack)), { recursive: true });
    this.save({ config: {}, secretConfig: {}, state: [], outputs: {} }, stack);
    fs.writeFileSync(this.currentFile, stack);
  }
  load(): StackFile {
    const file = this.stackFile(this.stack);
    if (!fs.existsSync(file)) throw new Usage(`no stack named '${this.stack}' found`);
    return JSON.parse(fs.readFileSync(file, "utf8")) as StackFile;
  }
  save(file: StackFile, stack = this.stack): void {
    fs.writeFileSync(this.stackFile(stack), JSON.stringify(file, null, 2));
  }
  remove(): void {
    if (this.load().state.length > 0) throw new Usage("stack still has resources; run `pulumi destroy` first");
    fs.rmSync(this.stackFile(this.stack));
    fs.rmSync(this.currentFile);
  }

  async engine(file: StackFile): Promise<Engine> {
    const { Engine } = await import("../harness/engine");
    const config = { ...stackFileConfig(this.dir, this.stack), ...file.config };
    for (const key of Object.keys(file.secretConfig)) delete config[key];
    return new Engine({
      programDir: this.dir,
      project: this.project,
      stack: this.stack,
      config,
      secretConfig: file.secretConfig,
      state: file.state,
    });
  }

  /** The program as the CLI runs it: the module `main` in package.json names (default index), its exports. */
  program(): () => unknown {
    const pkg = JSON.parse(fs.readFileSync(path.join(this.dir, "package.json"), "utf8")) as { main?: string };
    const main = path.join(this.dir, pkg.main ?? "index");
    return () => require(main);
  }
}

/** Flags (`--x`) apart from positional words; of the flags used, only `--stack` / `-s` takes a value. */
function split(words: string[]): { positional: string[]; flags: Set<string>; stack?: string } {
  const positional: string[] = [];
  const flags = new Set<string>();
  let stack: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === "--stack" || w === "-s") stack = words[++i];
    else if (w.startsWith("--stack=")) stack = w.slice("--stack=".length);
    else if (w.startsWith("-")) flags.add(w);
    else positional.push(w);
  }
  return { positional, flags, stack };
}

async function run(args: string[], record: FakePulumiRun): Promise<number> {
  const [command, ...rest] = args;
  const { positional, flags, stack } = split(rest);
  const out = (text: string) => process.stdout.write(`${text}\n`);
  if (command === "login" && flags.has("--local")) {
    out(`Logged in to ${process.env.PULUMI_BACKEND_URL ?? "file://~"} (the fake keeps state in PULUMI_BACKEND_URL)`);
    return 0;
  }
  const ws = new Workspace(process.cwd(), backendDir(), stack);

  if (command === "stack" && positional[0] === "init" && positional[1]) {
    ws.init(positional[1]);
    out(`Created stack '${positional[1]}'`);
    return 0;
  }
  if (command === "stack" && positional[0] === "rm" && flags.has("--yes")) {
    ws.remove();
    out("Stack has been removed!");
    return 0;
  }
  if (command === "stack" && positional[0] === "output" && flags.has("--json")) {
    out(JSON.stringify(masked(ws.load().outputs), null, 2));
    return 0;
  }
  if (command === "config" && positional[0] === "set" && positional.length === 3) {
    const [, rawKey, value] = positional as [string, string, string];
    const key = rawKey.includes(":") ? rawKey : `${ws.project}:${rawKey}`;
    const file = ws.load();
    delete file.config[key];
    delete file.secretConfig[key];
    (flags.has("--secret") ? file.secretConfig : file.config)[key] = value;
    ws.save(file);
    return 0;
  }
  // Without --yes the CLI asks first; in a terminal the user answers yes.
  if (command === "up") {
    const file = ws.load();
    const engine = await ws.engine(file);
    try {
      const result = await engine.upProgram(ws.program());
      record.ops = resourceOps(result.steps);
      ws.save({ ...file, state: result.state, outputs: result.program.exportsWire });
      out(`Resources: ${Object.keys(record.ops).length} changed (${Object.values(record.ops).join(", ")})`);
    } finally {
      await engine.close();
    }
    return 0;
  }
  if (command === "preview" && flags.has("--refresh") && flags.has("--expect-no-changes")) {
    const file = ws.load();
    const engine = await ws.engine(file);
    try {
      const { runProgram } = await import("../harness/program");
      const { resources } = await runProgram(ws.program(), engine.programOptions());
      const check = await engine.previewRefreshExpectNoChanges(resources);
      record.ops = resourceOps(check.changes);
      for (const [name, op] of Object.entries(record.ops)) out(`  ~ ${name}: ${op}`);
      if (process.env.FAKE_PULUMI_PREVIEW_EXIT === "0") return 0;
      if (check.ok) return 0;
      process.stderr.write("error: no changes were expected but changes were proposed\n");
      return 1;
    } finally {
      await engine.close();
    }
  }
  if (command === "destroy" && flags.has("--yes")) {
    const file = ws.load();
    const engine = await ws.engine(file);
    try {
      const result = await engine.destroy();
      record.ops = resourceOps(result.steps);
      ws.save({ ...file, state: result.state, outputs: {} });
      out(`Resources: ${Object.keys(record.ops).length} deleted`);
    } finally {
      await engine.close();
    }
    return 0;
  }
  throw new Usage(`the fake pulumi does not know \`pulumi ${args.join(" ")}\``);
}

/** Runs one `pulumi …` invocation; resolves to its exit code after logging it. */
export async function main(args: string[]): Promise<number> {
  const started = Date.now();
  const record: FakePulumiRun = {
    args,
    cwd: process.cwd(),
    backend: process.env.PULUMI_BACKEND_URL ?? "",
    exitCode: 0,
    durationMs: 0,
  };
  try {
    record.exitCode = await run(args, record);
  } catch (error) {
    record.error = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${record.error}\n`);
    record.exitCode = 1;
  }
  record.durationMs = Date.now() - started;
  const log = process.env.FAKE_PULUMI_LOG;
  if (log) fs.appendFileSync(log, `${JSON.stringify(record)}\n`);
  return record.exitCode;
}

/**
 * Writes an executable `pulumi` into `binDir` that runs `main` of this file (or of `fakeModule`, the same
 * file in another checkout) with the repository's require hook for TypeScript (scripts/ts-require.cjs):
 * the fake, the harness and the programs it runs are all TypeScript, as `pulumi` runs programs with
 * ts-node. `cacheDir` keeps what the hook transpiled, so the many short runs of a test start fast.
 */
export function writeFakePulumi(binDir: string, cacheDir: string, fakeModule = __filename): string {
  const tsRequire = path.join(path.dirname(fakeModule), "..", "..", "scripts", "ts-require.cjs");
  const script = [
    `#!${process.execPath}`,
    `"use strict";`,
    `require(${JSON.stringify(tsRequire)}).register({ cacheDir: ${JSON.stringify(cacheDir)} });`,
    `require(${JSON.stringify(fakeModule)})`,
    `  .main(process.argv.slice(2))`,
    `  .then((code) => process.stdout.write("", () => process.exit(code)));`,
  ].join("\n");
  const file = path.join(binDir, "pulumi");
  fs.writeFileSync(file, `${script}\n`, { mode: 0o755 });
  return file;
}
