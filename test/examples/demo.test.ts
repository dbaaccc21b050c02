/**
 * `npm run demo` without the Pulumi CLI (the case on machines where it cannot be installed): it must stop
 * at once, say how to install the CLI, and exit 1. The path with the CLI cannot run here.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../harness/host";

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

test("npm run demo without the Pulumi CLI says how to install it and exits 1", () => {
  // npm itself, run by this node: its own location need not be on the restricted PATH.
  const npmCli = fs.realpathSync(
    execFileSync("sh", ["-c", "command -v npm"], { encoding: "utf8", env: process.env }).trim(),
  );
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
