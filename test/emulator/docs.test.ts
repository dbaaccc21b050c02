/**
 * docs/EMULATOR.md cannot drift from the emulator: every `curl` in it is sent, in the document's order, to
 * a started emulator and its answer compared with the JSON shown after it (same keys with values of the
 * same types; arrays by their first element; a request shown without an answer must answer 204); every
 * `npx romulus-emulator` line starts the built bin with those flags; the flags table lists exactly the
 * flags of `--help`; the default keys are the emulator's; the seed example is a seed the emulator serves;
 * and `--help` shows the fault syntax with examples the bin accepts.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { emulator as emu } from "../support/package";

const ROOT = path.join(__dirname, "..", "..");
const DOC = fs.readFileSync(path.join(ROOT, "docs", "EMULATOR.md"), "utf8");
const CLI = path.join(ROOT, "dist", "emulator", "cli.js");

const blocks = [...DOC.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(([, lang, body]) => ({
  lang: lang as string,
  body: body as string,
}));

/** Each `curl` command with the JSON block right after it, if any. */
const exchanges = blocks.flatMap((block, i) => {
  if (block.lang !== "sh" || !block.body.trim().startsWith("curl ")) return [];
  const next = blocks[i + 1];
  return [{ command: block.body.trim(), answer: next?.lang === "json" ? next.body : undefined }];
});

/** The words of a one-line shell command: single quotes group, nothing else is special. */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => (m[1] ?? m[2]) as string);
}

function parseCurl(command: string): { method: string; url: string; headers: Record<string, string>; body?: string } {
  const args = words(command).slice(1);
  let method: string | undefined;
  let url: string | undefined;
  let body: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "-s") continue;
    if (arg === "-X") method = args[++i];
    else if (arg === "-H") {
      const [name, ...value] = (args[++i] as string).split(":");
      headers[(name as string).trim()] = value.join(":").trim();
    } else if (arg === "-d") body = args[++i];
    else if (!arg.startsWith("-") && url === undefined) url = arg;
    else throw new Error(`curl flag ${arg} is not one this test knows: ${command}`);
  }
  if (!url) throw new Error(`no URL in ${command}`);
  return { method: method ?? (body === undefined ? "GET" : "POST"), url, headers, ...(body ? { body } : {}) };
}

/** Where `actual` differs in shape from `documented` ("" when it does not). */
function shapeProblem(documented: unknown, actual: unknown, at = "answer"): string {
  const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  if (kind(documented) !== kind(actual)) return `${at}: documented ${kind(documented)}, got ${kind(actual)}`;
  if (Array.isArray(documented)) {
    const list = actual as unknown[];
    if (documented.length === 0) return "";
    if (list.length === 0) return `${at}: documented a non-empty list, got []`;
    return list.map((item, i) => shapeProblem(documented[0], item, `${at}[${i}]`)).find((p) => p) ?? "";
  }
  if (kind(documented) === "object") {
    const got = actual as Record<string, unknown>;
    for (const [key, value] of Object.entries(documented as Record<string, unknown>)) {
      if (!(key in got)) return `${at}.${key}: documented, missing from the answer`;
      const problem = shapeProblem(value, got[key], `${at}.${key}`);
      if (problem) return problem;
    }
  }
  return "";
}

let server: Awaited<ReturnType<typeof emu.startEmulator>>;
beforeAll(async () => {
  server = await emu.startEmulator({ outboundCallCompletionMs: 0, webhookIntervalScale: 0.001 });
});
afterAll(async () => {
  await server.close();
});

test("the document shows a request and an answer for every control route", () => {
  const shown = exchanges.map(({ command }) => {
    const { method, url } = parseCurl(command);
    return `${method} ${new URL(url).pathname}`;
  });
  // Every route of src/emulator/http/control.ts, with its parameters filled in.
  for (const route of [
    /^POST \/__emulator\/reset$/,
    /^GET \/__emulator\/counters$/,
    /^DELETE \/__emulator\/counters$/,
    /^GET \/__emulator\/requests$/,
    /^GET \/__emulator\/deliveries$/,
    /^GET \/__emulator\/orgs\/[^/]+\/[^/]+$/,
    /^POST \/__emulator\/orgs\/[^/]+\/[^/]+$/,
    /^GET \/__emulator\/orgs\/[^/]+\/[^/]+\/[^/]+$/,
    /^PATCH \/__emulator\/orgs\/[^/]+\/[^/]+\/[^/]+$/,
    /^DELETE \/__emulator\/orgs\/[^/]+\/[^/]+\/[^/]+$/,
    /^POST \/__emulator\/calls\/complete$/,
    /^POST \/__emulator\/robocalls\/[^/]+\/complete$/,
    /^PUT \/__emulator\/faults$/,
    /^GET \/__emulator\/faults$/,
  ]) {
    expect([route.source, shown.some((s) => route.test(s))]).toEqual([route.source, true]);
  }
});

test("every documented request, sent in order, gets an answer of the documented shape", async () => {
  expect(exchanges.length).toBeGreaterThan(15);
  for (const { command, answer } of exchanges) {
    const { method, url, headers, body } = parseCurl(command);
    expect(url.startsWith("http://127.0.0.1:8787/")).toBe(true);
    // Webhook deliveries run in the background: the state shown after a request includes them.
    await server.deliveriesIdle();
    const response = await fetch(url.replace("http://127.0.0.1:8787", server.url), {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    const seen = `${command}\n→ ${response.status} ${text.slice(0, 500)}`;
    if (answer === undefined) {
      expect([seen, response.status, text]).toEqual([seen, 204, ""]);
      continue;
    }
    expect([seen, response.status >= 200 && response.status < 300]).toEqual([seen, true]);
    expect([seen, shapeProblem(JSON.parse(answer), JSON.parse(text))]).toEqual([seen, ""]);
  }
});

function start(args: string[], cwd: string): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    let err = "";
    child.stderr?.on("data", (d: Buffer) => {
      err += d;
    });
    child.on("exit", (code) => reject(new Error(`romulus-emulator ${args.join(" ")} exited ${code}: ${err}`)));
  });
  return { child, url };
}

async function startAndStop(args: string[], cwd: string): Promise<void> {
  const { child, url } = start(args, cwd);
  try {
    const base = await url;
    const me = await fetch(`${base}/v1/me`, { headers: { authorization: emu.DEFAULT_API_KEY } });
    expect(me.status).toBe(200);
  } finally {
    child.kill("SIGTERM");
  }
}

test("every `npx romulus-emulator` line in the document starts the bin (on a free port)", async () => {
  const lines = blocks
    .filter((b) => b.lang === "sh")
    .flatMap((b) => b.body.split("\n"))
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => l.startsWith("npx romulus-emulator"));
  expect(lines.length).toBeGreaterThanOrEqual(3);
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-emulator-doc-"));
  try {
    for (const line of lines) {
      const args = words(line).slice(2);
      const i = args.indexOf("--port");
      if (i >= 0) args.splice(i, 2);
      await startAndStop([...args, "--port", "0"], cwd);
    }
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}, 120_000);

const HELP = execFileSync(process.execPath, [CLI, "--help"], { encoding: "utf8" });

test("the flags table lists exactly the flags --help shows", () => {
  const flags = (text: string) => new Set([...text.matchAll(/(?:^|\s|`)(--[a-z-]+|-h)\b/g)].map((m) => m[1]));
  const options = HELP.slice(HELP.indexOf("Options:"), HELP.indexOf("Default keys:"));
  const table = DOC.slice(DOC.indexOf("## Flags"), DOC.indexOf("## Default keys"));
  const tableFlags = new Set([...table.matchAll(/^\| `(--[a-z-]+|-h)/gm)].map((m) => m[1]));
  tableFlags.add("--help");
  expect([...tableFlags].sort()).toEqual([...flags(options)].sort());
});

test("the default keys and organizations are the emulator's", () => {
  expect(emu.DEFAULT_API_KEYS.length).toBe(2);
  for (const { key, organizationId } of emu.DEFAULT_API_KEYS) {
    expect(DOC).toMatch(new RegExp(`\\| \`${key}\`\\s+\\| \`${organizationId}\`\\s+\\|`));
    expect(HELP).toContain(`${key} (${organizationId})`);
  }
});

test("the seed example is a seed the emulator serves, and a state file has the same format", async () => {
  const section = DOC.slice(DOC.indexOf("## Seed and state files"));
  const seed = JSON.parse(/^```json\n([\s\S]*?)^```$/m.exec(section)?.[1] ?? "null");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-seed-doc-"));
  const seeded = await emu.startEmulator({ seed, statePath: path.join(dir, "state.json") });
  try {
    const agents = await fetch(`${seeded.url}/v1/ai-agents/agents/search`, {
      headers: { authorization: emu.DEFAULT_API_KEY },
    });
    expect(JSON.stringify(await agents.json())).toContain('"name":"Sales Agent"');
    expect(seeded.objects(emu.DEFAULT_ORGANIZATION_ID, "contacts").map((c) => c.first_name)).toEqual(["Ada"]);
    seeded.edit(emu.DEFAULT_ORGANIZATION_ID, "contacts", "contact-1", { job_title: "Analyst" });
    await seeded.flush();
    const state = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8"));
    // The seed's keys, plus `sequences`, which the document says a state file adds.
    expect(DOC).toContain("A state file also holds\n`sequences`");
    expect(Object.keys(state).sort()).toEqual([...Object.keys(seed), "sequences"].sort());
    expect(state.organizations[emu.DEFAULT_ORGANIZATION_ID].contacts[0]).toMatchObject({ job_title: "Analyst" });
  } finally {
    await seeded.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("--help shows the fault syntax, and each of its examples starts the emulator", async () => {
  for (const item of ["seed=N", "route=METHOD /path", "429=RATE[@retry-after=S]", "drop=RATE", "lose=RATE"]) {
    expect(HELP).toContain(item);
  }
  const examples = [...HELP.matchAll(/romulus-emulator --faults '([^']+)'/g)].map((m) => m[1] as string);
  expect(examples.length).toBeGreaterThanOrEqual(2);
  for (const spec of examples) await startAndStop(["--port", "0", "--faults", spec], os.tmpdir());
  // ROMULUS_EMULATOR_FAULTS is read when --faults is absent: a bad one is refused like a bad flag.
  const bad = spawn(process.execPath, [CLI, "--port", "0"], {
    env: { ...process.env, ROMULUS_EMULATOR_FAULTS: "429=2" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  bad.stderr.on("data", (d: Buffer) => {
    err += d;
  });
  const code = await new Promise<number | null>((resolve) => bad.on("exit", resolve));
  expect(code).toBe(2);
  expect(err).toContain("429");
}, 120_000);
