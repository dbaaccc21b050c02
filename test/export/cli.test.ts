/**
 * The `romulus-export` binary as a user runs it (dist/export/cli.js, a child process against the emulator
 * over HTTP): usage errors, refusing to overwrite, and failures halfway (the API failing after the contact
 * book was written, a write failing for real) that leave no file under its final name.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Emulator } from "../examples/support";
import { emulator as emu } from "../support/package";
import { KEY, requests, seedOrganization } from "./support";

const CLI = path.join(__dirname, "..", "..", "dist", "export", "cli.js");
const CONTACTS = 300;
let server: Emulator;
let tmp: string;

beforeAll(async () => {
  server = await emu.startEmulator({ outboundCallCompletionMs: 0 });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-export-cli-"));
  await seedOrganization(server, CONTACTS);
}, 120_000);
afterAll(async () => {
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});
afterEach(() => server.setFaults(undefined));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
/** Runs the CLI to its end; `shell` wraps it (`ulimit -f 16; exec "$@"`) to run it under a resource limit. */
function run(args: string[], opts: { env?: Record<string, string | undefined>; shell?: string } = {}): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, ROMULUS_API_KEY: KEY, ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const argv = opts.shell
    ? ["/bin/sh", ["-c", `${opts.shell}; exec "$@"`, "sh", process.execPath, CLI, ...args]]
    : [process.execPath, [CLI, ...args]];
  const child = spawn(argv[0] as string, argv[1] as string[], {
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}
const dir = (name: string) => path.join(tmp, name);
const files = (d: string) => (fs.existsSync(d) ? fs.readdirSync(d).sort() : []);

test("--help prints the usage and exits 0", async () => {
  const r = await run(["--help"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("Usage: romulus-export --out DIR");
  expect(r.stdout).toContain("ROMULUS_API_KEY");
});

test.each([
  [[], "--out DIR is required"],
  [["--out", "x", "--format", "json"], '--format must be yaml or csv, got "json"'],
  [["--out", "x", "--only", "agents"], '--only must be one of contacts, webhooks, call-task-webhooks, got "agents"'],
  [["--out", "x", "--api-key", "k"], "there is no --api-key option: set ROMULUS_API_KEY instead"],
  [["--out", "x", "--tag", "vip", "--only", "webhooks"], "--tag filters contacts, but --only leaves contacts out"],
  [["--out", "x", "--bogus"], "Unknown option '--bogus'"],
])("usage error %j exits 2 and says what is wrong", async (args, message) => {
  const r = await run(args as string[]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`romulus-export: ${message}`);
  expect(r.stderr).toContain("Usage: romulus-export");
  expect(fs.existsSync("x")).toBe(false);
});

test("without ROMULUS_API_KEY it exits 2 before any request", async () => {
  server.resetCounters();
  const r = await run(["--out", dir("no-key"), "--endpoint", server.url], { env: { ROMULUS_API_KEY: undefined } });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("ROMULUS_API_KEY is not set");
  expect(requests(server)).toEqual({});
  expect(fs.existsSync(dir("no-key"))).toBe(false);
});

test("writes the program, prints the next commands, and never overwrites without --force", async () => {
  const out = dir("program");
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, "Pulumi.yaml"), "name: mine\nruntime: nodejs\n");
  const first = await run(["--out", out, "--endpoint", server.url]);
  expect(first.code).toBe(0);
  expect(files(out)).toEqual(["Pulumi.yaml", "contacts.yaml", "index.ts", "package.json", "tsconfig.json"]);
  expect(fs.readFileSync(path.join(out, "Pulumi.yaml"), "utf8")).toBe("name: mine\nruntime: nodejs\n");
  expect(first.stderr).toContain(`contacts: ${CONTACTS} of ${CONTACTS}`);
  expect(first.stdout).toContain("Kept the existing Pulumi.yaml.");
  for (const step of [
    "npm install",
    "pulumi stack init",
    `pulumi config set romulus:endpoint ${server.url}`,
    "pulumi up",
  ])
    expect(first.stdout).toContain(step);
  expect(first.stdout).not.toContain(KEY);

  fs.writeFileSync(path.join(out, "index.ts"), "// mine\n");
  const again = await run(["--out", out, "--endpoint", server.url, "--format", "csv"]);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain(`${path.join(out, "index.ts")} already exists; nothing was written. Pass --force`);
  expect(files(out)).toEqual(["Pulumi.yaml", "contacts.yaml", "index.ts", "package.json", "tsconfig.json"]);
  expect(fs.readFileSync(path.join(out, "index.ts"), "utf8")).toBe("// mine\n");

  const forced = await run(["--out", out, "--endpoint", server.url, "--format", "csv", "--force"]);
  expect(forced.code).toBe(0);
  expect(fs.readFileSync(path.join(out, "index.ts"), "utf8")).toContain('path.join(__dirname, "contacts.csv")');
  expect(fs.readFileSync(path.join(out, "Pulumi.yaml"), "utf8")).toBe("name: mine\nruntime: nodejs\n");
});

test.each([
  ["503 beyond the retries", "503=1", /503 Service Unavailable on GET \/v1\/call-tasks\/webhook-subscriptions/],
  ["connections dropped", "drop=1", /GET \/v1\/call-tasks\/webhook-subscriptions failed: /],
])("the API failing after the contact book was written (%s) leaves no file at all", async (_name, fault, error) => {
  // Listing call-task subscriptions comes after the last contact page: the book is complete by then, in
  // its temporary file.
  server.setFaults(`route=GET /v1/call-tasks/webhook-subscriptions;${fault}`);
  const out = dir(`api-fails-${fault}`);
  const r = await run(["--out", out, "--endpoint", server.url]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`contacts: ${CONTACTS} of ${CONTACTS}`);
  expect(r.stderr).toMatch(error);
  expect(r.stderr).toContain("nothing was written");
  expect(r.stderr).not.toContain(KEY);
  expect(fs.existsSync(out)).toBe(false);
});

test("a rate-limit storm beyond the retries in an existing folder leaves it as it was", async () => {
  const out = dir("storm");
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, "README.md"), "mine\n");
  server.setFaults("route=POST /v2/contacts/search;429=1@retry-after=0");
  const r = await run(["--out", out, "--endpoint", server.url]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/429|rate/i);
  expect(files(out)).toEqual(["README.md"]);
});

test("a write that fails for real (the file size limit, EFBIG, as a full disk would) leaves no file", async () => {
  // `ulimit -f 16`: no file of the process may grow past 16 KiB; the contact book of 300 contacts is larger.
  const out = dir("too-big");
  const r = await run(["--out", out, "--endpoint", server.url], { shell: "ulimit -f 16" });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/EFBIG|file too large/i);
  expect(fs.existsSync(out)).toBe(false);
});
