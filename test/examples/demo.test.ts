/**
 * `npm run demo`, both ways it can go on a user's machine:
 * - without the Pulumi CLI (the case on machines where it cannot be installed): it must stop at once, say
 *   how to install the CLI, and exit 1;
 * - with it: the real CLI cannot be installed here, so a fake `pulumi` (fake-pulumi.ts, started by a few
 *   lines of JavaScript written to a temporary folder first on PATH) plays the subcommands the demo calls
 *   with the harness's Engine: the program, the provider host, the emulator, the receiver and the webhook
 *   are all real. The demo must call the CLI in the documented order, get a real webhook to the receiver,
 *   see drift caught, and leave no temporary folder; and a preview that misses the drift must fail it.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../harness/host";
import { emulator as emu } from "../support/package";
import type { FakePulumiRun } from "./fake-pulumi";

// npm itself, run by this node: its own location need not be on a restricted PATH.
const npmCli = fs.realpathSync(
  execFileSync("sh", ["-c", "command -v npm"], { encoding: "utf8", env: process.env }).trim(),
);

describe("without the Pulumi CLI", () => {
  let bin: string;

  beforeAll(() => {
    // A PATH holding node and sh (npm runs scripts through sh) and nothing else, so no `pulumi` can be
    // found whatever this machine has.
    bin = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-demo-path-"));
    fs.symlinkSync(process.execPath, path.join(bin, "node"));
    fs.symlinkSync(fs.realpathSync("/bin/sh"), path.join(bin, "sh"));
  });
  afterAll(() => {
    fs.rmSync(bin, { recursive: true, force: true });
  });

  test("npm run demo says how to install it and exits 1", () => {
    const started = Date.now();
    const r = spawnSync(process.execPath, [npmCli, "run", "-s", "demo"], {
      cwd: REPO_ROOT,
      env: { ...process.env, PATH: bin },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("npm run demo needs the Pulumi CLI, and `pulumi` is not on your PATH.");
    expect(r.stderr).toContain("https://www.pulumi.com/docs/install/");
    expect(r.stderr).toContain("curl -fsSL https://get.pulumi.com | sh");
    // It stopped before starting anything (no emulator, no temporary folder).
    expect(r.stdout).not.toContain("==>");
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe("with a `pulumi` on PATH", () => {
  let dir: string;
  let bin: string;
  /** The demo's os.tmpdir(): its temporary folder must be gone from here when it exits. */
  let demoTmp: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-demo-cli-"));
    bin = path.join(dir, "bin");
    demoTmp = path.join(dir, "tmp");
    fs.mkdirSync(bin);
    fs.mkdirSync(demoTmp);
    // The fake CLI's own code is TypeScript next to this file, as the harness is: a require hook compiles
    // it (and the harness, and the program it runs) with this repository's TypeScript, as `pulumi` would
    // with ts-node.
    const script = [
      `#!${process.execPath}`,
      `"use strict";`,
      `const fs = require("node:fs");`,
      `const path = require("node:path");`,
      // Nine runs load the same modules: V8's compile cache and a cache of the transpiled files keep each
      // run's start short.
      `require("node:module").enableCompileCache?.(${JSON.stringify(path.join(dir, "compile-cache"))});`,
      `const cache = ${JSON.stringify(path.join(dir, "ts-cache"))};`,
      `fs.mkdirSync(cache, { recursive: true });`,
      `let ts;`,
      `require.extensions[".ts"] = (module, filename) => {`,
      `  const source = fs.readFileSync(filename, "utf8");`,
      `  const cached = path.join(cache, require("node:crypto").createHash("sha1").update(filename + source).digest("hex") + ".js");`,
      `  if (!fs.existsSync(cached)) {`,
      `    ts ??= require(${JSON.stringify(require.resolve("typescript"))});`,
      `    const { outputText } = ts.transpileModule(source, {`,
      `      fileName: filename,`,
      `      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },`,
      `    });`,
      `    fs.writeFileSync(cached, outputText);`,
      `  }`,
      `  module._compile(fs.readFileSync(cached, "utf8"), filename);`,
      `};`,
      `require(${JSON.stringify(path.join(__dirname, "fake-pulumi.ts"))})`,
      `  .main(process.argv.slice(2))`,
      `  .then((code) => process.stdout.write("", () => process.exit(code)));`,
    ].join("\n");
    fs.writeFileSync(path.join(bin, "pulumi"), `${script}\n`, { mode: 0o755 });
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** `npm run demo` with the fake first on PATH; answers its exit status, output and the CLI calls. */
  function demo(env: Record<string, string> = {}) {
    const log = path.join(dir, `calls-${Date.now()}.jsonl`);
    return new Promise<{ status: number | null; stdout: string; stderr: string; calls: FakePulumiRun[] }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [npmCli, "run", "-s", "demo"], {
          cwd: REPO_ROOT,
          env: {
            ...process.env,
            PATH: `${bin}${path.delimiter}${process.env.PATH}`,
            TMPDIR: demoTmp,
            FAKE_PULUMI_LOG: log,
            ...env,
          },
          stdio: ["ignore", "pipe", "pipe"],
          // Its own process group, so that a hung demo can be stopped with everything it started.
          detached: true,
        });
        const timer = setTimeout(() => {
          stderr += "\n(the test stopped the demo: it ran for more than 90 s)";
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        }, 90_000);
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString();
        });
        child.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
        });
        child.on("error", reject);
        child.on("close", (status) => {
          clearTimeout(timer);
          const calls = fs.existsSync(log)
            ? fs
                .readFileSync(log, "utf8")
                .trim()
                .split("\n")
                .map((l) => JSON.parse(l) as FakePulumiRun)
            : [];
          resolve({ status, stdout, stderr, calls });
        });
      },
    );
  }

  /** The id of the emulator's seeded "Sales Agent", the quickstart's default agent. */
  function seededSalesAgent(): string {
    const seed = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "src", "emulator", "default-seed.json"), "utf8")) as {
      organizations: Record<string, { agents: Array<{ id: string; name: string }> }>;
    };
    return seed.organizations[emu.DEFAULT_ORGANIZATION_ID]?.agents.find((a) => a.name === "Sales Agent")?.id ?? "";
  }

  /** What every run of the demo must leave behind: nothing in its temporary folder's parent. */
  function expectNoTemporaryFolder(calls: FakePulumiRun[]): void {
    // (Node's own compile cache may appear there: npm enables it.)
    expect(fs.readdirSync(demoTmp).filter((name) => name.startsWith("romulus-"))).toEqual([]);
    // Where the CLI ran and kept its state: inside the demo's temporary folder, now removed.
    const folders = new Set(
      calls.flatMap((c) => [path.dirname(c.cwd), path.dirname(c.backend.replace("file://", ""))]),
    );
    expect(folders.size).toBe(1);
    const [folder] = [...folders];
    expect(path.dirname(folder as string)).toBe(fs.realpathSync(demoTmp));
    expect(fs.existsSync(folder as string)).toBe(false);
  }

  test("runs up, reads the outputs, gets a real webhook, catches the drift with a failing preview, destroys", async () => {
    const r = await demo();
    expect(r.stderr).not.toContain("demo failed");
    expect(r.status).toBe(0);

    const emulatorUrl = /^emulator {2}(\S+)$/m.exec(r.stdout)?.[1];
    const receiverUrl = /^receiver {2}(\S+)$/m.exec(r.stdout)?.[1];
    expect(emulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(receiverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/romulus$/);
    expect(r.calls.map((c) => c.args)).toEqual([
      ["stack", "init", "dev", "--non-interactive"],
      ["config", "set", "romulus:endpoint", emulatorUrl],
      ["config", "set", "--secret", "romulus:apiKey", emu.DEFAULT_API_KEY],
      ["config", "set", "--secret", "webhookBaseUrl", receiverUrl],
      ["up", "--yes", "--skip-preview", "--non-interactive"],
      ["stack", "output", "--json"],
      ["preview", "--refresh", "--expect-no-changes", "--diff", "--non-interactive"],
      ["destroy", "--yes", "--skip-preview", "--non-interactive"],
      ["stack", "rm", "--yes", "--non-interactive"],
    ]);
    // Every call in the demo's copy of the quickstart, with its file:// backend.
    for (const call of r.calls) {
      expect(path.basename(call.cwd)).toBe("quickstart");
      expect(call.backend).toBe(`file://${path.join(path.dirname(call.cwd), "state")}`);
      expect(call.error).toBeUndefined();
    }
    const byCommand = (name: string) => r.calls.find((c) => c.args[0] === name)!;
    expect(Object.values(byCommand("up").ops ?? {})).toEqual(Array(6).fill("create"));
    expect(byCommand("preview")).toMatchObject({ exitCode: 1, ops: { "ada-lovelace": "update" } });
    expect(Object.values(byCommand("destroy").ops ?? {})).toEqual(Array(6).fill("delete"));
    expect(r.stdout).toContain("Exit code 1: in CI this fails the drift job");

    // The outputs printed are what `stack output --json` answered; the receiver logged the webhooks of
    // the call the emulator completed for the agent in them.
    const printed = /\$ pulumi stack output --json\n(\{[\s\S]*?\n\})\n/.exec(r.stdout)?.[1];
    const outputs = JSON.parse(printed ?? "null") as {
      agentId: string;
      contactIds: { ada: string };
    };
    expect(outputs.agentId).toBe(seededSalesAgent());
    const received = r.stdout.split("\n").filter((l) => l.startsWith("receiver: "));
    expect(received).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^receiver: /romulus/calls AGENT_CALL_COMPLETED .*agent=${outputs.agentId}`)),
        expect.stringMatching(/^receiver: \/romulus\/appointments AGENT_ACTION_COMPLETED APPOINTMENT /),
      ]),
    );
    expect(r.stdout).toContain(`contact ${outputs.contactIds.ada}: last_name "Lovelace" -> "Byron", outside Pulumi`);
    expectNoTemporaryFolder(r.calls);
  }, 120_000);

  test("a preview that exits 0 although a contact was edited fails the demo, which still cleans up", async () => {
    const r = await demo({ FAKE_PULUMI_PREVIEW_EXIT: "0" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("demo failed: pulumi preview --expect-no-changes did not report the drift");
    // The preview did see the edit; only its exit status lied.
    const preview = r.calls.find((c) => c.args[0] === "preview");
    expect(preview).toMatchObject({ exitCode: 0, ops: { "ada-lovelace": "update" } });
    expect(r.calls.map((c) => c.args[0])).not.toContain("destroy");
    expectNoTemporaryFolder(r.calls);
  }, 120_000);
});
