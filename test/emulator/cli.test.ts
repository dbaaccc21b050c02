/**
 * The `romulus-emulator` binary. The test builds the package first (`tsc -p tsconfig.build.json`, the
 * `npm run build` configuration) into a temporary directory under .tmp/ (inside the repo, so that
 * node_modules resolves), so it runs exactly what the build ships (including default-seed.json)
 * without racing other suites that read dist/.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";

const ROOT = join(__dirname, "..", "..");
let out: string;
let cli: string;

beforeAll(() => {
  mkdirSync(join(ROOT, ".tmp"), { recursive: true });
  out = mkdtempSync(join(ROOT, ".tmp", "emulator-cli-build-"));
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", out], { stdio: "pipe" });
  cli = join(out, "emulator", "cli.js");
}, 120_000);
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

function run(args: string[]): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => {
    stdout += d;
  });
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function listening(p: ReturnType<typeof run>): Promise<string> {
  const end = Date.now() + 15_000;
  for (;;) {
    const m = /Romulus emulator listening on (http:\/\/\S+)/.exec(p.stdout());
    if (m) return m[1]!;
    if (Date.now() > end || p.child.exitCode !== null)
      throw new Error(`no URL line; stdout: ${p.stdout()} stderr: ${p.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("the build ships the bin with a shebang and the default seed", () => {
  expect(existsSync(join(out, "emulator", "default-seed.json"))).toBe(true);
  expect(readFileSync(cli, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
});

test("--port 0: prints the URL and the default key, answers /v1/me, exits 0 on SIGTERM", async () => {
  const p = run(["--port", "0"]);
  const url = await listening(p);
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(p.stdout()).toContain("romulus-emulator-key");
  const res = await request(`${url}/v1/me`, { headers: { authorization: "romulus-emulator-key" } });
  expect(res.statusCode).toBe(200);
  expect(await res.body.json()).toEqual({ organization_id: "emulator-org" });
  p.child.kill("SIGTERM");
  expect(await p.exit).toBe(0);
}, 30_000);

test("keys given with --api-key are used and never printed; SIGINT exits 0", async () => {
  const p = run(["--port", "0", "--api-key", "top-secret-key:acme", "--api-key", "another-secret"]);
  const url = await listening(p);
  expect(p.stdout() + p.stderr()).not.toContain("top-secret-key");
  expect(p.stdout() + p.stderr()).not.toContain("another-secret");
  const res = await request(`${url}/v1/me`, { headers: { authorization: "top-secret-key" } });
  expect(await res.body.json()).toEqual({ organization_id: "acme" });
  const old = await request(`${url}/v1/me`, { headers: { authorization: "romulus-emulator-key" } });
  await old.body.dump();
  expect(old.statusCode).toBe(401);
  p.child.kill("SIGINT");
  expect(await p.exit).toBe(0);
}, 30_000);

test.each([[["--bogus"]], [["--port", "abc"]], [["--port"]], [["positional"]], [["--api-key", ":org"]]])(
  "bad flags %j: usage on stderr, exit 2",
  async (args) => {
    const p = run(args);
    expect(await p.exit).toBe(2);
    expect(p.stderr()).toContain("Usage: romulus-emulator");
    expect(p.stdout()).toBe("");
  },
  30_000,
);
