/**
 * The client example the README shows, examples/client/list-agents.ts, run as a user runs it: a folder
 * whose node_modules/pulumi-romulus links this repository (so the import resolves to the built package,
 * dist/, through package.json "exports"), the file copied there byte for byte, and Node 24 running the
 * TypeScript directly (type stripping), against the emulator over loopback.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { closeConnections } from "../../src/client/core/transport";
import { DEFAULT_API_KEY, DEFAULT_ORGANIZATION_ID, type Emulator, startEmulator } from "../../src/emulator";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLE = path.join(REPO_ROOT, "examples", "client", "list-agents.ts");

let emu: Emulator;
let dir: string;

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist", "index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first (npm test does it in pretest)");
  }
  emu = await startEmulator({ port: 0 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-client-example-"));
  // ESM, as a new TypeScript project run by Node usually is; the package is CommonJS with named exports.
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ private: true, type: "module" }));
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(REPO_ROOT, path.join(dir, "node_modules", "pulumi-romulus"), "dir");
  fs.copyFileSync(EXAMPLE, path.join(dir, "list-agents.ts"));
});
afterAll(async () => {
  await closeConnections();
  await emu?.close();
  if (dir) await fs.promises.rm(dir, { recursive: true, force: true });
});

/** Runs the example with Node's type stripping (on by default in Node 24; the flag for older 22.x). */
async function runExample(env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number }> {
  const typescript = (process.features as { typescript?: unknown }).typescript;
  const flags = typescript ? [] : ["--experimental-strip-types"];
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, NODE_NO_WARNINGS: "1" };
  delete childEnv.ROMULUS_ENVIRONMENT;
  delete childEnv.ROMULUS_LOG;
  try {
    // Asynchronous on purpose: the emulator answering the child runs in this process's event loop.
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...flags, "list-agents.ts"], {
      cwd: dir,
      env: childEnv,
      timeout: 30_000,
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? "", stderr: e.stderr ?? "", code: typeof e.code === "number" ? e.code : -1 };
  }
}

test("the copy run is the committed file", () => {
  expect(fs.readFileSync(path.join(dir, "list-agents.ts"), "utf8")).toBe(fs.readFileSync(EXAMPLE, "utf8"));
});

test("lists the agents, creates and deletes a contact, against the emulator", async () => {
  emu.resetCounters();
  const result = await runExample({ ROMULUS_API_KEY: DEFAULT_API_KEY, ROMULUS_ENDPOINT: emu.url });
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });

  const lines = result.stdout.trim().split("\n");
  const agents = emu.objects(DEFAULT_ORGANIZATION_ID, "agents") as unknown as Array<{
    name: string;
    type: string;
    status: string;
  }>;
  expect(lines.filter((l) => l.startsWith("agent: ")).sort()).toEqual(
    agents.map((a) => `agent: ${a.name} (${a.type}, ${a.status})`).sort(),
  );
  const created = /^created contact (\S+): Ada Lovelace$/.exec(lines.at(-2) ?? "");
  expect(created).not.toBeNull();
  expect(lines.at(-1)).toBe(`deleted contact ${created![1]}`);

  // Everything went over HTTP to the emulator, and the contact is gone again.
  expect(emu.counters()).toMatchObject({
    "GET /v1/ai-agents/agents/search": 1,
    "POST /v2/contacts": 1,
    "DELETE /v2/contacts/:contactId": 1,
  });
  expect(emu.objects(DEFAULT_ORGANIZATION_ID, "contacts")).toEqual([]);
});

test("a wrong key: a readable error on stderr, exit code 1, and the key is not printed", async () => {
  const key = "not-the-right-key-4711";
  const result = await runExample({ ROMULUS_API_KEY: key, ROMULUS_ENDPOINT: emu.url });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^Romulus API 401 Unauthorized on GET \/v1\/ai-agents\/agents\/search/);
  expect(result.stdout + result.stderr).not.toContain(key);
});
