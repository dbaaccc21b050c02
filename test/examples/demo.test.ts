/**
 * `npm run demo`, both ways it can go on a user's machine:
 * - without the Pulumi CLI: it says so in its first lines, with how to install the CLI, then runs the
 *   whole loop through the engine stand-in (test/harness): the program, the provider host, the emulator,
 *   the receiver and the webhook are all real;
 * - with it: the real CLI cannot be installed here, so a fake `pulumi` (fake-pulumi.ts, started by a few
 *   lines of JavaScript written to a temporary folder first on PATH) plays the subcommands the demo calls
 *   with the harness's Engine. The demo must call the CLI in the documented order, get a real webhook to
 *   the receiver, see drift caught, and leave no temporary folder; and a preview that misses the drift
 *   must fail it.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../harness/host";
import { emulator as emu } from "../support/package";
import { type FakePulumiRun, writeFakePulumi } from "./fake-pulumi";

// npm itself, run by this node: its own location need not be on a restricted PATH.
const npmCli = fs.realpathSync(
  execFileSync("sh", ["-c", "command -v npm"], { encoding: "utf8", env: process.env }).trim(),
);

/**
 * A safety net only: the demo's steps each wait for their own event (a host's port line, a delivery, an
 * exit). A whole demo is a dozen provider-host starts plus, with the fake CLI, nine Node processes that
 * each load @pulumi/pulumi: about 30 s on an idle machine, over 90 s on one whose two cores are shared by
 * other work.
 */
const DEMO_LIMIT_MS = 300_000;

interface DemoRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run demo` with `env` on top of this process's; resolves when it exits. */
function runDemo(env: Record<string, string>): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [npmCli, "run", "-s", "demo"], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so that a hung demo can be stopped with everything it started.
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      stderr += `\n(the test stopped the demo: it ran for more than ${DEMO_LIMIT_MS / 1000} s)`;
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    }, DEMO_LIMIT_MS);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The id of the emulator's seeded "Sales Agent", the quickstart's default agent. */
function seededSalesAgent(): string {
  const seed = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "src", "emulator", "default-seed.json"), "utf8")) as {
    organizations: Record<string, { agents: Array<{ id: string; name: string }> }>;
  };
  return seed.organizations[emu.DEFAULT_ORGANIZATION_ID]?.agents.find((a) => a.name === "Sales Agent")?.id ?? "";
}

/** The lines the receiver logged, which must be the webhooks of the call the emulator completed for `agentId`. */
function expectWebhooksOfAgent(stdout: string, agentId: string): void {
  const received = stdout.split("\n").filter((l) => l.startsWith("receiver: "));
  expect(received).toEqual(
    expect.arrayContaining([
      expect.stringMatching(new RegExp(`^receiver: /romulus/calls AGENT_CALL_COMPLETED .*agent=${agentId}`)),
      expect.stringMatching(/^receiver: \/romulus\/appointments AGENT_ACTION_COMPLETED APPOINTMENT /),
    ]),
  );
}

describe("without the Pulumi CLI", () => {
  let dir: string;
  let bin: string;
  let demoTmp: string;

  beforeAll(() => {
    // A PATH holding node and sh (npm runs scripts through sh) and nothing else, so no `pulumi` can be
    // found whatever this machine has.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-demo-path-"));
    bin = path.join(dir, "bin");
    demoTmp = path.join(dir, "tmp");
    fs.mkdirSync(bin);
    fs.mkdirSync(demoTmp);
    fs.symlinkSync(process.execPath, path.join(bin, "node"));
    fs.symlinkSync(fs.realpathSync("/bin/sh"), path.join(bin, "sh"));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test(
    "npm run demo says so first, with how to install the CLI, then runs the whole loop through the engine stand-in",
    async () => {
      const r = await runDemo({ PATH: bin, TMPDIR: demoTmp });
      expect(r.stderr).not.toContain("demo failed");
      expect(r.status).toBe(0);
      const firstLines = r.stdout.split("\n").slice(0, 7).join("\n");
      expect(firstLines).toContain("The Pulumi CLI is not on your PATH");
      expect(firstLines).toContain("engine stand-in");
      expect(firstLines).toContain("(test/harness)");
      expect(firstLines).toContain("https://www.pulumi.com/docs/install/");
      expect(firstLines).toContain("curl -fsSL https://get.pulumi.com | sh");

      // up: the six resources of the quickstart created, each with the id Romulus gave it.
      const created = r.stdout.split("\n").filter((l) => /^ {2}\+ romulus:\S+ +\S+ +created {2}id \S+$/.test(l));
      expect(created.map((l) => l.split(/ +/)[3]).sort()).toEqual([
        "ada-lovelace",
        "agent-calls",
        "alan-turing",
        "appointments",
        "grace-hopper",
        "robocall-results",
      ]);
      const printed = /\$ pulumi stack output --json\n(\{[\s\S]*?\n\})\n/.exec(r.stdout)?.[1];
      const outputs = JSON.parse(printed ?? "null") as { agentId: string; contactIds: { ada: string } };
      expect(outputs.agentId).toBe(seededSalesAgent());
      expect(r.stdout).toContain(
        `  + romulus:Contact                      ada-lovelace       created  id ${outputs.contactIds.ada}`,
      );
      expectWebhooksOfAgent(r.stdout, outputs.agentId);

      // The drift: found by a refresh against the emulator, shown as a diff of the one property edited.
      const drift = r.stdout.slice(r.stdout.indexOf("$ pulumi preview --refresh --expect-no-changes"));
      expect(drift).toMatch(
        /^ {2}~ romulus:Contact ada-lovelace: update \(in Romulus now => in the program\)\n {6}~ lastName: "Byron" => "Lovelace"\n\n/m,
      );
      expect(drift).toContain("1 resource to update where no change was expected");

      // destroy: the six deleted, and nothing left in the temporary folder's parent.
      const deleted = r.stdout.split("\n").filter((l) => /^ {2}- romulus:\S+ +\S+ +deleted$/.test(l));
      expect(deleted).toHaveLength(6);
      expect(r.stdout).toContain("Done: everything the demo created is gone.");
      expect(fs.readdirSync(demoTmp).filter((name) => name.startsWith("romulus-"))).toEqual([]);
    },
    DEMO_LIMIT_MS + 10_000,
  );
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
    writeFakePulumi(bin, path.join(dir, "cache"));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** `npm run demo` with the fake first on PATH; answers its exit status, output and the CLI calls. */
  async function demo(env: Record<string, string> = {}): Promise<DemoRun & { calls: FakePulumiRun[] }> {
    const log = path.join(dir, `calls-${Date.now()}.jsonl`);
    const r = await runDemo({
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      TMPDIR: demoTmp,
      FAKE_PULUMI_LOG: log,
      ...env,
    });
    const calls = fs.existsSync(log)
      ? fs
          .readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as FakePulumiRun)
      : [];
    return { ...r, calls };
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

  test(
    "runs up, reads the outputs, gets a real webhook, catches the drift with a failing preview, destroys",
    async () => {
      const r = await demo();
      expect(r.stderr).not.toContain("demo failed");
      expect(r.status).toBe(0);
      expect(r.stdout.split("\n")[0]).toBe(
        `Pulumi CLI: ${path.join(bin, "pulumi")}. The demo runs the real \`pulumi up\`, with its state in a temporary folder.`,
      );

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
      expectWebhooksOfAgent(r.stdout, outputs.agentId);
      expect(r.stdout).toContain(`contact ${outputs.contactIds.ada}: last_name "Lovelace" -> "Byron", outside Pulumi`);
      expectNoTemporaryFolder(r.calls);
    },
    DEMO_LIMIT_MS + 10_000,
  );

  test(
    "a preview that exits 0 although a contact was edited fails the demo, which still cleans up",
    async () => {
      const r = await demo({ FAKE_PULUMI_PREVIEW_EXIT: "0" });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("demo failed: pulumi preview --expect-no-changes did not report the drift");
      // The preview did see the edit; only its exit status lied.
      const preview = r.calls.find((c) => c.args[0] === "preview");
      expect(preview).toMatchObject({ exitCode: 0, ops: { "ada-lovelace": "update" } });
      expect(r.calls.map((c) => c.args[0])).not.toContain("destroy");
      expectNoTemporaryFolder(r.calls);
    },
    DEMO_LIMIT_MS + 10_000,
  );
});
