/**
 * Throughput and latency of the emulator's contact endpoints under concurrent load.
 *
 *   npm run -s build && npx tsc -p tsconfig.bench.json && node .bench-dist/bench/emulator.bench.js
 *     [--duration 10] [--connections 64]
 *
 * The emulator runs in a child process (support.ts's startEmulatorChild) so that the load generator
 * (autocannon, in this process) and the server do not share one event loop: sharing it would measure
 * their contention rather than the emulator. On a 2-core machine they still share the cores, as a CI
 * runner running tests against the emulator would.
 *
 * Prints its tables, each between the markers that hold it in docs/BENCHMARKS.md's "## Emulator", and
 * writes them there; the doc's prose says what they mean.
 */
import autocannon from "autocannon";
import {
  argument,
  cpuMs,
  type EmulatorChild,
  emitTables,
  machine,
  metText,
  runTable,
  startEmulatorChild,
  table,
} from "./support";

/** Goal of the emulator's design: fast enough that tests are never waiting on it. */
const GOAL = { readsPerSecond: 5000, readP99Ms: 20 };
const SEEDED_CONTACTS = 1000;
const REQUESTS_PER_CONNECTION = 100;

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

async function run(
  emulator: EmulatorChild,
  scenario: Scenario,
  ids: readonly string[],
  seconds: number,
  connections: number,
): Promise<Row> {
  const cpuBefore = cpuMs(emulator.pid);
  const result = await autocannon({
    url: emulator.url,
    connections,
    duration: seconds,
    headers: { authorization: emulator.apiKey, "content-type": "application/json" },
    requests: scenario.build(ids),
  });
  const serverMs = cpuMs(emulator.pid) - cpuBefore;
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
    serverCpu: (serverMs / 1000 / result.duration) * 100,
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

/** One scenario's load per row. */
function scenariosTable(rows: readonly Row[]): string {
  const fmt = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
  return table(
    ["scenario", "endpoint", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "non-2xx", "emulator CPU"],
    rows.map((row) => [
      row.name,
      `\`${row.endpoint}\``,
      String(row.requests),
      String(Math.round(row.perSecond)),
      fmt(row.p50),
      fmt(row.p99),
      fmt(row.max),
      String(row.errors),
      String(row.non2xx),
      `${Math.round(row.serverCpu)}%`,
    ]),
    [2, 3, 4, 5, 6, 7, 8, 9],
  );
}

async function main(): Promise<void> {
  const seconds = argument("duration", 10);
  const connections = argument("connections", 64);
  const host = machine();
  const emulator = await startEmulatorChild();
  try {
    const ids = await seedContacts(emulator.url, emulator.apiKey);
    // Warm-up: lets V8 optimise the request path so the first scenario is not penalised for going first.
    await run(emulator, SCENARIOS[0] as Scenario, ids, 2, connections);

    const rows: Row[] = [];
    for (const scenario of SCENARIOS) {
      process.stderr.write(`${scenario.name}: ${scenario.method} ${scenario.path} for ${seconds} s…\n`);
      rows.push(await run(emulator, scenario, ids, seconds, connections));
    }

    const read = rows[0];
    const met = read !== undefined && read.perSecond >= GOAL.readsPerSecond && read.p99 < GOAL.readP99Ms;
    emitTables("emulator", {
      run: runTable(host, [
        { header: "connections", value: String(connections), number: true },
        { header: "s per scenario", value: String(seconds), number: true },
      ]),
      scenarios: scenariosTable(rows),
      goals: table(
        ["goal", "measured", ""],
        [
          [
            `≥ ${GOAL.readsPerSecond} reads/s with p99 < ${GOAL.readP99Ms} ms`,
            read ? `${Math.round(read.perSecond)} reads/s, p99 ${read.p99} ms` : "not run",
            metText(met),
          ],
        ],
      ),
    });
    if (rows.some((row) => row.errors > 0 || row.non2xx > 0)) {
      process.stderr.write("some requests failed: the figures above do not measure successful requests only\n");
      process.exitCode = 1;
    }
  } finally {
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
