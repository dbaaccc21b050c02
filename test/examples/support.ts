/**
 * What the example suites share: an emulator, a program folder whose node_modules links this repository
 * (so the provider host resolves `pulumi-romulus` as it would in a user's program), and engines that play
 * successive `pulumi` runs on one stack, each with the stack configuration it is given.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Engine, type EngineOptions, type State, type Step } from "../harness/engine";
import { createProgramDir, type ProgramDir, REPO_ROOT } from "../harness/host";
import { emulator as emu } from "../support/package";

export const EXAMPLES_DIR = path.join(REPO_ROOT, "examples");
/** The kinds a program manages: after `destroy` none of them may hold anything. */
export const MANAGED_KINDS = ["webhook-subscriptions", "call-task-webhook-subscriptions", "contacts"] as const;

export type Emulator = Awaited<ReturnType<typeof emu.startEmulator>>;

/** Step op per resource name (the last URN segment); providers included. */
export function ops(steps: Step[]): Record<string, string> {
  return Object.fromEntries(steps.map((s) => [s.urn.split("::").pop() as string, s.op]));
}

/** Step ops of the Romulus resources only (the `pulumi-nodejs` provider steps left out). */
export function resourceOps(steps: Step[]): Record<string, string> {
  return ops(steps.filter((s) => !s.type.startsWith("pulumi:providers:")));
}

/** Requests that write (POST, PUT, PATCH, DELETE) per route, from the emulator's counters. */
export function writes(server: Emulator): Record<string, number> {
  return Object.fromEntries(
    Object.entries(server.counters()).filter(([route]) => /^(POST|PUT|PATCH|DELETE) /.test(route)),
  );
}

/**
 * The `config:` map of examples/<example>/Pulumi.<stack>.yaml. The examples' stack files are flat
 * `key: value` maps, so a few lines read them; anything else in such a file fails loudly rather than being
 * misread.
 */
export function readStackConfig(example: string, stack: string): Record<string, string> {
  const file = path.join(EXAMPLES_DIR, example, `Pulumi.${stack}.yaml`);
  const config: Record<string, string> = {};
  let inConfig = false;
  for (const raw of fs.readFileSync(file, "utf8").split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").trimEnd();
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    if (!line.startsWith(" ")) {
      inConfig = line === "config:";
      continue;
    }
    if (!inConfig) continue;
    const m = /^ {2}([\w.-]+:[\w.-]+):\s*(.*)$/.exec(line);
    if (!m) throw new Error(`${file}: cannot read config line "${raw}"`);
    config[m[1] as string] = (m[2] as string).replace(/^"(.*)"$/, "$1");
  }
  return config;
}

export interface ExampleStack {
  server: Emulator;
  programDir: ProgramDir;
  /** The engine of the last run; `rerun` replaces it. */
  engine: Engine;
  /** A later `pulumi` run on the same stack with other configuration (the state carries over). */
  rerun(config: Record<string, string>, secretConfig?: Record<string, string>): Engine;
  close(): Promise<void>;
}

export interface ExampleStackOptions extends Omit<EngineOptions, "programDir"> {
  /** An emulator to share; otherwise one is started (and closed by `close`). */
  server?: Emulator;
  /**
   * The program folder the provider hosts run in, e.g. one with the packed tarball installed (the
   * packed-package suite). It belongs to the caller, so `close` leaves it. Default: a fresh folder linking
   * this repository, removed by `close`.
   */
  programDir?: string;
}

/** Options for an example suite that a packed install can run too. */
export interface ExampleSuiteOptions {
  /** Read when the suite starts (after the caller's own `beforeAll`); see ExampleStackOptions.programDir. */
  programDir?: () => string;
}

/**
 * A stack of one example against the emulator, at the harness's parallelism 16 (`pulumi up --parallel 16`,
 * DEFAULT_PARALLELISM) unless told.
 */
export async function startExampleStack(
  makeConfig: (server: Emulator) => Pick<EngineOptions, "config" | "secretConfig">,
  opts: Omit<ExampleStackOptions, "config" | "secretConfig"> = {},
): Promise<ExampleStack> {
  const ownServer = !opts.server;
  const server = opts.server ?? (await emu.startEmulator({ outboundCallCompletionMs: 0, webhookIntervalScale: 0.01 }));
  const programDir: ProgramDir = opts.programDir
    ? { dir: opts.programDir, cleanup: async () => undefined }
    : createProgramDir({ project: opts.project });
  const base = { ...opts, programDir: programDir.dir };
  delete base.server;
  const stack: ExampleStack = {
    server,
    programDir,
    engine: new Engine({ ...base, ...makeConfig(server) }),
    rerun(config, secretConfig) {
      const previous = stack.engine;
      stack.engine = new Engine({
        ...base,
        config,
        secretConfig: secretConfig ?? makeConfig(server).secretConfig,
        state: previous.state,
      });
      return stack.engine;
    },
    async close() {
      await stack.engine.close();
      await programDir.cleanup();
      if (ownServer) await server.close();
    },
  };
  return stack;
}

/** The id of the seeded object of `kind` called `name` in `org`. */
export function seededId(server: Emulator, org: string, kind: string, name: string): string {
  const found = server.objects(org, kind).find((o) => o.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} in ${org}`);
  return String(found.id);
}

export type { State };
