/**
 * Every example's README, typed as written in a fresh clone. The repository's files (what `git clone`
 * would give: tracked and not ignored) are copied to a temporary folder, `npm install` runs in its root as
 * the README says, then each examples/<name>/README.md has its ```sh blocks run in order, one command line
 * at a time, from the example's folder, as a newcomer would type them. Blocks after the mark
 * REAL_ORGANIZATION need a real Romulus key and are left out; every README has at least one block that runs.
 *
 * `pulumi` is the fake CLI (fake-pulumi.ts) of the clone itself: the program, the provider host from the
 * example's own node_modules, the emulator and the receiver are real. A command ending in `&` is started in
 * the background, and the next one waits for its "listening on" line (never a sleep). Afterwards the clone
 * must show no file that git would commit and `npm run lint` must pass: what the steps generate is ignored.
 *
 * The steps use the emulator's fixed port 8787 and the receiver's 3000, as the READMEs do: the examples run
 * one after the other, each stopping what it started (and waiting for it to be gone) before the next.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../harness/host";
import { type FakePulumiRun, writeFakePulumi } from "./fake-pulumi";

/** The line before a ```sh block that needs a real organization (not runnable here). */
const REAL_ORGANIZATION = "<!-- For a real organization: not run by test/examples/readme-steps.test.ts. -->";

/**
 * Safety nets, not waits: a fresh `npm install` of the repository (from npm's cache) and its build, then
 * per example an `npm install`, a few `pulumi up`s that each start provider hosts, and `tsc`: a few
 * minutes in all on an idle machine; with both cores shared by other work (load 22) one example took 8
 * minutes and the file 42.
 */
const INSTALL_LIMIT_MS = 15 * 60_000;
const EXAMPLE_LIMIT_MS = 15 * 60_000;
const BACKGROUND_READY_LIMIT_MS = 5 * 60_000;

/** The ```sh blocks of a README that run here, each as its command lines. */
function runnableBlocks(markdown: string): string[][] {
  const blocks: string[][] = [];
  const fence = /(^.*\n)?```sh\n([\s\S]*?)```/gm;
  for (const m of markdown.matchAll(fence)) {
    if (m[1]?.trim() === REAL_ORGANIZATION) continue;
    blocks.push(commandLines(m[2] as string));
  }
  return blocks;
}

/** A block's command lines: continuation lines joined, comments and blank lines dropped. */
function commandLines(block: string): string[] {
  return block
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map(withoutComment)
    .filter((line) => line !== "");
}

/** The line up to a `#` that starts a shell comment (at the start or after a blank, outside quotes). */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(line[i - 1] as string))) {
      return line.slice(0, i).trim();
    }
  }
  return line.trim();
}

test("the block reader keeps quoted #, joins continuations and skips the real-organization blocks", () => {
  const md = [
    "```sh",
    "npm install     # a comment",
    'curl -d \'{"a": "#x"}\' \\',
    "  -H 'x: y'",
    "```",
    REAL_ORGANIZATION,
    "```sh",
    "pulumi config set --secret romulus:apiKey <key>",
    "```",
  ].join("\n");
  expect(runnableBlocks(md)).toEqual([["npm install", `curl -d '{"a": "#x"}' -H 'x: y'`]]);
});

interface Background {
  command: string;
  child: ChildProcess;
  output(): string;
  closed: Promise<void>;
}

/** One terminal: a folder, an environment, what runs in the background, and a transcript for failures. */
class Session {
  private readonly background: Background[] = [];
  readonly transcript: string[] = [];

  constructor(
    private cwd: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async run(line: string): Promise<string> {
    const cd = /^cd\s+(\S+)$/.exec(line);
    if (cd) {
      this.cwd = path.resolve(this.cwd, cd[1] as string);
      this.transcript.push(`$ ${line}`);
      return "";
    }
    const exported = /^export\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (exported) {
      // Each line runs in a shell of its own: what `export` sets is kept here for the lines after it.
      this.env[exported[1] as string] = await this.run(`printf %s ${exported[2]}`);
      return "";
    }
    if (line.endsWith("&")) {
      await this.startBackground(line.slice(0, -1).trim());
      return "";
    }
    const child = spawn("bash", ["-c", line], { cwd: this.cwd, env: this.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    this.transcript.push(`$ ${line}\n${output}`);
    if (code !== 0) throw new Error(`\`${line}\` exited ${code}:\n${this.transcript.join("\n")}`);
    return output;
  }

  /** Starts `command` in its own process group and resolves on its "listening on" line. */
  private async startBackground(command: string): Promise<Background> {
    const child = spawn("bash", ["-c", command], {
      cwd: this.cwd,
      env: this.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
    const bg: Background = { command, child, output: () => output, closed };
    this.background.push(bg);
    this.transcript.push(`$ ${command} &`);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`\`${command} &\` printed no "listening on" line:\n${output}`)),
        BACKGROUND_READY_LIMIT_MS,
      );
      const onData = (d: Buffer) => {
        output += d.toString();
        if (/listening on/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      closed.then(() => {
        clearTimeout(timer);
        reject(new Error(`\`${command} &\` exited before listening (${child.exitCode}):\n${output}`));
      });
    });
    this.transcript.push(output);
    return bg;
  }

  /** Resolves with the output of `command` (running in the background) once `done(output)` holds. */
  async waitFor(command: string, done: (output: string) => boolean): Promise<string> {
    const bg = this.background.find((b) => b.command === command);
    if (!bg) throw new Error(`nothing runs in the background as \`${command}\``);
    if (done(bg.output())) return bg.output();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        bg.child.stdout?.off("data", onData);
        reject(new Error(`\`${command}\` never printed what was expected:\n${bg.output()}`));
      }, BACKGROUND_READY_LIMIT_MS);
      const onData = () => {
        if (!done(bg.output())) return;
        clearTimeout(timer);
        bg.child.stdout?.off("data", onData);
        resolve(bg.output());
      };
      // Registered after the session's own listener, so output() already holds this chunk.
      bg.child.stdout?.on("data", onData);
    });
  }

  /** Stops everything started in the background, and waits until every process of it is gone. */
  async close(): Promise<void> {
    for (const bg of this.background) {
      try {
        if (bg.child.pid) process.kill(-bg.child.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
    // 'close' comes once every process that held the output pipes has exited: their ports are free.
    await Promise.all(this.background.map((bg) => bg.closed));
  }
}

/** The repository as `git clone` gives it: tracked files and new ones not ignored, as in the working tree. */
function copyRepository(to: string): void {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  })
    .split("\0")
    .filter((f) => f !== "");
  for (const file of files) {
    const from = path.join(REPO_ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted in the working tree, not yet committed
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.copyFileSync(from, path.join(to, file));
    fs.chmodSync(path.join(to, file), fs.statSync(from).mode);
  }
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], {
    cwd,
    encoding: "utf8",
  });

describe("the examples' README steps, in a fresh clone", () => {
  let dir: string;
  let clone: string;
  let env: NodeJS.ProcessEnv;
  const examples = fs
    .readdirSync(path.join(REPO_ROOT, "examples"))
    .filter((name) => fs.existsSync(path.join(REPO_ROOT, "examples", name, "README.md")))
    .sort();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-readme-steps-"));
    clone = path.join(dir, "pulumi-romulus");
    copyRepository(clone);
    git(clone, "init", "-q");
    git(clone, "add", "-A");
    git(clone, "commit", "-q", "-m", "fresh clone");
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    writeFakePulumi(bin, path.join(dir, "ts-cache"), path.join(clone, "test", "examples", "fake-pulumi.ts"));
    env = {
      ...process.env,
      PATH: `${bin}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
    };
    for (const key of Object.keys(env)) if (key.startsWith("ROMULUS_") || key.startsWith("PULUMI_")) delete env[key];
    // npm's cache first, the registry for anything it lacks (the command stays `npm install`).
    env.npm_config_prefer_offline = "true";
    env.npm_config_update_notifier = "false";
    env.PULUMI_CONFIG_PASSPHRASE = "readme-steps";

    // The first step of every example README: `npm install` in the repository root, which builds dist/.
    const root = new Session(clone, env);
    await root.run("npm install");
    expect(fs.existsSync(path.join(clone, "dist", "index.js"))).toBe(true);
    expect(fs.existsSync(path.join(clone, "dist", "emulator", "cli.js"))).toBe(true);
  }, INSTALL_LIMIT_MS);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the README of `example`; answers the session (still open) and the fake CLI's log. */
  async function runReadme(example: string, session: Session): Promise<FakePulumiRun[]> {
    const readme = fs.readFileSync(path.join(clone, "examples", example, "README.md"), "utf8");
    const blocks = runnableBlocks(readme);
    expect(blocks.length).toBeGreaterThan(0);
    for (const line of blocks.flat()) await session.run(line);
    const log = path.join(dir, `${example}.jsonl`);
    return fs.existsSync(log)
      ? fs
          .readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as FakePulumiRun)
      : [];
  }

  /** What each README promises once its steps have run, checked on the fake CLI's log and the output. */
  const promises: Record<string, (runs: FakePulumiRun[], session: Session) => Promise<void>> = {
    quickstart: async (runs) => {
      expect(upOps(runs)).toEqual([Array(6).fill("create")]);
    },
    lookups: async (runs, session) => {
      expect(upOps(runs)).toEqual([[]]);
      const output = session.transcript.find((t) => t.startsWith("$ pulumi stack output --json"));
      expect(output).toContain('"organizationId": "emulator-org"');
    },
    "multi-org": async (runs) => {
      const [ops] = upOps(runs);
      expect(ops?.length).toBeGreaterThan(0);
      expect(new Set(ops)).toEqual(new Set(["create"]));
    },
    environments: async (runs) => {
      const ups = runs.filter((r) => r.args[0] === "up");
      expect(ups.map((r) => r.args.slice(1))).toEqual([
        ["--stack", "sandbox"],
        ["--stack", "prod"],
      ]);
      for (const ops of upOps(runs)) {
        expect(ops.length).toBeGreaterThan(0);
        expect(new Set(ops)).toEqual(new Set(["create"]));
      }
    },
    gitops: async (runs) => {
      const rows = fs
        .readFileSync(path.join(clone, "examples", "gitops", "contacts.csv"), "utf8")
        .trim()
        .split("\n");
      expect(upOps(runs)).toEqual([Array(rows.length - 1).fill("create")]);
      expect(runs.find((r) => r.args[0] === "preview")).toMatchObject({ exitCode: 0, ops: {} });
    },
    "webhook-receiver": async (runs, session) => {
      expect(upOps(runs)).toEqual([Array(3).fill("create")]);
      // "The receiver logs the call and the appointment": the emulator delivers them after the curl.
      const call = /^\/romulus\/calls AGENT_CALL_COMPLETED .*agent=6b536cba-27fa-5d30-a836-9562ec316bae/m;
      const appointment = /^\/romulus\/actions AGENT_ACTION_COMPLETED APPOINTMENT /m;
      await session.waitFor("npm start", (output) => call.test(output) && appointment.test(output));
    },
  };

  const upOps = (runs: FakePulumiRun[]) =>
    runs.filter((r) => r.args[0] === "up").map((r) => Object.values(r.ops ?? {}));

  test("every example has a README with steps, and what it promises is checked here", () => {
    expect(examples.sort()).toEqual(Object.keys(promises).sort());
  });

  for (const example of examples) {
    test(
      `examples/${example}/README.md`,
      async () => {
        const backend = path.join(dir, "state", example);
        fs.mkdirSync(backend, { recursive: true });
        const session = new Session(path.join(clone, "examples", example), {
          ...env,
          PULUMI_BACKEND_URL: `file://${backend}`,
          FAKE_PULUMI_LOG: path.join(dir, `${example}.jsonl`),
        });
        try {
          const runs = await runReadme(example, session);
          for (const run of runs) expect(run.error).toBeUndefined();
          await promises[example]?.(runs, session);
        } finally {
          await session.close();
        }
      },
      EXAMPLE_LIMIT_MS,
    );
  }

  test(
    "what the steps generated is git-ignored, and `npm run lint` passes on it",
    async () => {
      expect(git(clone, "status", "--porcelain", "--untracked-files=all")).toBe("");
      expect(fs.existsSync(path.join(clone, "examples", "webhook-receiver", "bin", "serve.js"))).toBe(true);
      await new Session(clone, env).run("npm run -s lint");
    },
    EXAMPLE_LIMIT_MS,
  );
});
