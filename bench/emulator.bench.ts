/**
 * Throughput and latency of the emulator's contact endpoints under concurrent load.
 *
 *   npx tsc -p tsconfig.bench.json && node .bench-dist/bench/emulator.bench.js [--duration 10] [--connections 64]
 *
 * The emulator runs in a child process (this file, started with `--serve`) so that the load generator
 * (autocannon, in this process) and the server do not share one event loop: sharing it would measure
 * their contention rather than the emulator. On a 2-core machine they still share the cores, as a CI
 * runner running tests against the emulator would.
 *
 * Prints a markdown table and writes it to docs/BENCHMARKS.md under "## Emulator".
 */
import { type ChildProcess, execSync, fork } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";

/** Goal of the emulator's design: fast enough that tests are never waiting on it. */
const GOAL = { readsPerSecond: 5000, readP99Ms: 20 };
const SEEDED_CONTACTS = 1000;
const REQUESTS_PER_CONNECTION = 100;
const REPO_ROOT = join(__dirname, "..", "..");
const DOC = join(REPO_ROOT, "docs", "BENCHMARKS.md");

interface Ready {
  type: "ready";
  url: string;
  apiKey: string;
}

// ---------------------------------------------------------------------------------------------------------
// Child: the emulator
// ---------------------------------------------------------------------------------------------------------

async function serve(): Promise<void> {
  // Loaded here, not at the top: the parent process must not pay for (or depend on) the emulator.
  const emulator = await import("../src/emulator");
  const running = await emulator.startEmulator({ port: 0 });
  const ready: Ready = { type: "ready", url: running.url, apiKey: emulator.DEFAULT_API_KEY };
  process.send?.(ready);
  process.on("message", (message: unknown) => {
    if (message === "cpu") process.send?.({ type: "cpu", usage: process.cpuUsage() });
    if (message === "stop") void running.close().then(() => process.exit(0));
  });
  // Orphaned (the parent died): do not linger as a stray server.
  process.on("disconnect", () => void running.close().then(() => process.exit(0)));
}

// ---------------------------------------------------------------------------------------------------------
// Parent: seed, load, report
// ---------------------------------------------------------------------------------------------------------

interface Scenario {
  name: string;
  method: "GET" | "POST" | "PUT";
  path: string;
  /**
   * The requests, built once up front: each connection cycles through them. Prebuilt rather than made per
   * request in `setupRequest`, which costs the load generator a third of its throughput on two cores; and
   * `REQUESTS_PER_CONNECTION` of them, not one per seeded contact, because autocannon builds the list for
   * each connection when the run starts, and 64 × 1,000 of them stall the first requests for a second.
   */
  build: (ids: readonly string[]) => autocannon.Request[];
}

interface Row {
  name: string;
  endpoint: string;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  /** CPU time of the emulator process over the run, in % of one core: near 100 means it is the bottleneck. */
  serverCpu: number;
}

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

function contactBody(n: number): string {
  // Distinct names and numbers: a realistic write that also exercises the model's validation.
  const digits = String(1_000_000 + n).slice(-7);
  return JSON.stringify({
    first_name: `Bench${n}`,
    last_name: "Load",
    emails: [{ email: `bench${n}@example.com`, label: "JOB" }],
    phones: [{ number: `+39021${digits}`, label: "MOBILE" }],
    company_name: "Acme",
    job_title: "Tester",
    tags: ["bench"],
  });
}

async function startChild(): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(__filename, ["--serve"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once("message", (message) => resolve(message as Ready));
    child.once("exit", (code) => reject(new Error(`emulator child exited with code ${code} before it was ready`)));
  });
  return { child, ready };
}

async function seedContacts(url: string, apiKey: string): Promise<string[]> {
  const ids: string[] = [];
  const headers = { authorization: apiKey, "content-type": "application/json" };
  // 16 at a time: quick, without making seeding itself a load test.
  for (let start = 0; start < SEEDED_CONTACTS; start += 16) {
    const batch = Array.from({ length: Math.min(16, SEEDED_CONTACTS - start) }, async (_, i) => {
      const response = await fetch(`${url}/v2/contacts`, { method: "POST", headers, body: contactBody(start + i) });
      if (response.status !== 200 && response.status !== 201) {
        throw new Error(`seeding a contact answered ${response.status}: ${await response.text()}`);
      }
      const { id } = (await response.json()) as { id: string };
      return id;
    });
    ids.push(...(await Promise.all(batch)));
  }
  return ids;
}

/** The emulator's CPU time so far (user + system, microseconds), asked over IPC. */
function serverCpuMicros(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      const reply = message as { type?: string; usage?: NodeJS.CpuUsage };
      if (reply.type !== "cpu" || reply.usage === undefined) return;
      child.off("message", onMessage);
      resolve(reply.usage.user + reply.usage.system);
    };
    child.on("message", onMessage);
    child.send("cpu");
  });
}

async function run(
  child: ChildProcess,
  url: string,
  apiKey: string,
  scenario: Scenario,
  ids: readonly string[],
  seconds: number,
  connections: number,
): Promise<Row> {
  const cpuBefore = await serverCpuMicros(child);
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: { authorization: apiKey, "content-type": "application/json" },
    requests: scenario.build(ids),
  });
  const cpuMicros = (await serverCpuMicros(child)) - cpuBefore;
  return {
    name: scenario.name,
    endpoint: `${scenario.method} ${scenario.path}`,
    requests: result.requests.total,
    perSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    non2xx: result.non2xx,
    serverCpu: (cpuMicros / 1e6 / result.duration) * 100,
  };
}

/** `REQUESTS_PER_CONNECTION` seeded ids spread over the whole seed, in a scattered order. */
const spread = (ids: readonly string[]): string[] =>
  Array.from({ length: REQUESTS_PER_CONNECTION }, (_, n) => ids[(n * 7919) % ids.length] ?? "");

const SCENARIOS: Scenario[] = [
  {
    name: "read",
    method: "GET",
    path: "/v2/contacts/{id}",
    build: (ids) => spread(ids).map((id) => ({ method: "GET", path: `/v2/contacts/${id}` })),
  },
  {
    name: "create",
    method: "POST",
    path: "/v2/contacts",
    build: () =>
      Array.from({ length: REQUESTS_PER_CONNECTION }, (_, n) => ({
        method: "POST",
        path: "/v2/contacts",
        body: contactBody(SEEDED_CONTACTS + n),
      })),
  },
  {
    name: "update",
    method: "PUT",
    path: "/v2/contacts/{id}",
    build: (ids) => spread(ids).map((id, n) => ({ method: "PUT", path: `/v2/contacts/${id}`, body: contactBody(n) })),
  },
];

function machine(): { cores: number; model: string; node: string; load: string; busy: boolean } {
  const cpuinfo = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown";
  let cores = cpus().length;
  try {
    cores = Number(execSync("nproc", { encoding: "utf8" }).trim()) || cores;
  } catch {
    // No nproc (not Linux): os.cpus() is the fallback.
  }
  // Recorded because the machine may be shared: a loaded host explains a bad run.
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(" / ");
  // Half the cores already busy means client and server compete with other work for what is left.
  const busy = (loadavg()[0] ?? 0) > cores / 2;
  return { cores, model, node: process.version, load, busy };
}

function table(rows: readonly Row[]): string {
  const fmt = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
  const lines = [
    "| scenario | endpoint | requests | req/s | p50 ms | p99 ms | max ms | errors | non-2xx | emulator CPU |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (row) =>
        `| ${row.name} | \`${row.endpoint}\` | ${row.requests} | ${Math.round(row.perSecond)} | ${fmt(row.p50)} | ${fmt(row.p99)} | ${fmt(row.max)} | ${row.errors} | ${row.non2xx} | ${Math.round(row.serverCpu)}% |`,
    ),
  ];
  return lines.join("\n");
}

/** Replaces the "## Emulator" section of docs/BENCHMARKS.md (other sections are left alone), or creates it. */
function writeDoc(section: string): void {
  const intro = [
    "# Benchmarks",
    "",
    "Figures are from the machine named in each section, so compare runs on the same machine only. They",
    "are a regression guard, not a promise about any other hardware.",
    "",
  ].join("\n");
  const existing = existsSync(DOC) ? readFileSync(DOC, "utf8") : `${intro}\n`;
  const body = `## Emulator\n\n${section}\n`;
  const start = existing.indexOf("## Emulator\n");
  let next: string;
  if (start < 0) {
    next = `${existing.trimEnd()}\n\n${body}`;
  } else {
    const after = existing.indexOf("\n## ", start + 1);
    next = `${existing.slice(0, start)}${body}${after < 0 ? "" : existing.slice(after + 1)}`;
  }
  writeFileSync(DOC, next);
}

async function main(): Promise<void> {
  const seconds = argument("duration", 10);
  const connections = argument("connections", 64);
  const host = machine();
  const { child, ready } = await startChild();
  try {
    const ids = await seedContacts(ready.url, ready.apiKey);
    // Warm-up: lets V8 optimise the request path so the first scenario is not penalised for going first.
    await run(child, ready.url, ready.apiKey, SCENARIOS[0] as Scenario, ids, 2, connections);

    const rows: Row[] = [];
    for (const scenario of SCENARIOS) {
      process.stderr.write(`${scenario.name}: ${scenario.method} ${scenario.path} for ${seconds} s…\n`);
      rows.push(await run(child, ready.url, ready.apiKey, scenario, ids, seconds, connections));
    }

    const read = rows[0];
    const met = read !== undefined && read.perSecond >= GOAL.readsPerSecond && read.p99 < GOAL.readP99Ms;
    const section = [
      `Machine: ${host.cores} cores (\`nproc\`), ${host.model}, Node ${host.node}, ${new Date().toISOString().slice(0, 10)}; load average before the run ${host.load} (1/5/15 min).`,
      "",
      `Method: the emulator runs in a child process; [autocannon](https://github.com/mcollina/autocannon) drives it from the parent with ${connections} concurrent connections (no pipelining) for ${seconds} s per scenario, after seeding ${SEEDED_CONTACTS} contacts through the API and a 2 s read warm-up. Each connection cycles through ${REQUESTS_PER_CONNECTION} prebuilt requests: reads and updates of contacts spread over the seed, creates of new contacts (the store grows during that run). Every request carries the API key and a full JSON contact where it has a body. Latency is from request sent to response received, in milliseconds; req/s is the average over the run; emulator CPU is the server process's CPU time over the run in % of one core (the emulator is one Node process: near 100% it is the bottleneck, well below it the load generator or the rest of the machine is).`,
      ...(host.busy
        ? [
            "",
            "**The machine was busy with other work during this run** (load average above half the cores): the figures are a lower bound, and a low emulator CPU share means it was starved rather than saturated. Rerun on an idle machine for figures to compare.",
          ]
        : []),
      "",
      table(rows),
      "",
      `Goal: ≥ ${GOAL.readsPerSecond} reads/s with p99 < ${GOAL.readP99Ms} ms: **${met ? "met" : "not met"}**.`,
      "",
      "Reproduce: `npx tsc -p tsconfig.bench.json && node .bench-dist/bench/emulator.bench.js` (options `--duration S`, `--connections N`).",
    ].join("\n");
    process.stdout.write(`\n${section}\n`);
    writeDoc(section);
    process.stderr.write(`written to ${DOC}\n`);
    if (rows.some((row) => row.errors > 0 || row.non2xx > 0)) {
      process.stderr.write("some requests failed: the figures above do not measure successful requests only\n");
      process.exitCode = 1;
    }
  } finally {
    child.send("stop");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

if (process.argv.includes("--serve")) {
  serve().catch((error: unknown) => {
    process.stderr.write(`emulator failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
