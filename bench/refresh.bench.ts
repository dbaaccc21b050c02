/**
 * Refresh at scale: what a nightly drift check costs. N contacts are created once through the real provider
 * host (test/harness's engine, emulator in a child process), then refreshed with the emulator answering
 * every request after 20 ms (its latency fault, as a distant API would), at `--parallel` 16 and 64, with
 * reads batched (the default) and read one by one (`ROMULUS_BATCH_READS=0`), side by side in one run. Every
 * refresh must report no drift and no deletion. Writes the tables between the `bench:refresh/…` markers of
 * docs/BENCHMARKS.md, whose prose explains them.
 *
 * Run alone: `npm run -s build && npx tsc -p tsconfig.bench.json && node .bench-dist/bench/refresh.bench.js`
 * (`--quick`: 1,000 contacts only, a trial run not to commit).
 */
import { Engine, type State } from "../test/harness/engine";
import { runProgram } from "../test/harness/program";
import {
  builtPackage,
  cpuMeter,
  emitTables,
  fmt,
  machine,
  metText,
  requestDelta,
  requestsByRoute,
  runTable,
  startProviderSetup,
  table,
  total,
  withNewHost,
} from "./support";

const romulus = builtPackage();

const QUICK = process.argv.includes("--quick");
const SIZES = QUICK ? [1000] : [1000, 5000];
const PARALLELISMS = [16, 64];
const LATENCY_MS = 20;
const MODES = [
  { name: "by id", env: { ROMULUS_BATCH_READS: "0" } },
  { name: "batched", env: { ROMULUS_BATCH_READS: "1" } },
] as const;
const GOAL = { requestRatioAt16: 10 };

const log = (message: string) => process.stderr.write(`[refresh bench] ${message}\n`);

interface Row {
  n: number;
  parallelism: number;
  mode: string;
  requests: number;
  routes: Record<string, number>;
  wallMs: number;
  /** CPU milliseconds of the harness's engine (this process), the provider host and the emulator. */
  cpu: Record<string, number>;
}

async function main(): Promise<void> {
  const started = performance.now();
  const host = machine();
  const setup = await startProviderSetup();
  const { emulator, programDir, config, secretConfig } = setup;
  const engines = MODES.map(
    (mode) => new Engine({ programDir, config, secretConfig, env: { ...mode.env }, reuseHosts: true }),
  );
  const rows: Row[] = [];
  /** Each mode's provider host (the engines keep theirs), found as the child that appeared when it started. */
  const hostPids: Array<number | undefined> = [];
  try {
    for (const n of SIZES) {
      await emulator.reset();
      await emulator.setFaults("off");
      const { resources } = await runProgram(() => {
        for (let i = 0; i < n; i++) {
          new romulus.Contact(`c${i}`, {
            firstName: `Load ${i}`,
            lastName: "Refresh",
            phones: [{ number: `+3902${String(i).padStart(7, "0")}`, label: "MOBILE" }],
            tags: ["load"],
          });
        }
      }, engines[0]!.programOptions());
      log(`up of ${n} contacts…`);
      const up = await withNewHost(() => engines[0]!.up(resources, { state: [], parallelism: 64 }));
      hostPids[0] ??= up.pid;
      const state: State = up.result.state;
      await emulator.setFaults(`latency=${LATENCY_MS}`);
      // Warm-up: each mode's host started and its code optimised before anything is timed.
      for (const [i, engine] of engines.entries()) {
        const warmUp = await withNewHost(() => engine.refresh(state.slice(0, 200), { parallelism: 16 }));
        hostPids[i] ??= warmUp.pid;
      }
      for (const parallelism of PARALLELISMS) {
        for (const [i, mode] of MODES.entries()) {
          const before = await emulator.counters();
          const stop = cpuMeter({ engine: process.pid, host: hostPids[i] ?? Number.NaN, emulator: emulator.pid });
          const result = await engines[i]!.refresh(state, { parallelism });
          const cpu = stop();
          const routes = requestDelta(before, await emulator.counters());
          if (result.changed.length > 0 || result.deleted.length > 0) {
            throw new Error(`${mode.name} refresh of ${n} at ${parallelism} reported drift: ${result.changed.length}`);
          }
          const requests = total(routes);
          rows.push({ n, parallelism, mode: mode.name, requests, routes, wallMs: result.durationMs, cpu });
          log(`${n} contacts, parallelism ${parallelism}, ${mode.name}: ${requests} requests, ${result.durationMs} ms`);
        }
      }
    }
  } finally {
    await Promise.all(engines.map((e) => e.close()));
    await emulator.setFaults("off").catch(() => undefined);
    await setup.close();
  }

  const find = (n: number, p: number, mode: string) =>
    rows.find((r) => r.n === n && r.parallelism === p && r.mode === mode) as Row;
  const lines = [];
  for (const n of SIZES) {
    for (const p of PARALLELISMS) {
      const byId = find(n, p, "by id");
      const batched = find(n, p, "batched");
      lines.push([
        n.toLocaleString("en"),
        String(p),
        `${byId.requests}`,
        `${batched.requests}`,
        `${fmt(byId.requests / batched.requests)}x`,
        fmt(byId.wallMs / 1000, 2),
        fmt(batched.wallMs / 1000, 2),
        `${fmt(byId.wallMs / batched.wallMs, 2)}x`,
        requestsByRoute(batched.routes),
      ]);
    }
  }
  const seconds = (ms: number | undefined) => fmt((ms ?? Number.NaN) / 1000, 2);
  const cpuLines = rows.map((r) => {
    const cpu = total(r.cpu);
    return [
      r.n.toLocaleString("en"),
      String(r.parallelism),
      r.mode,
      seconds(r.cpu.engine),
      seconds(r.cpu.host),
      seconds(r.cpu.emulator),
      seconds(cpu),
      seconds(r.wallMs),
      fmt(cpu / r.wallMs, 2),
    ];
  });
  const at16 = SIZES.map((n) => find(n, 16, "by id").requests / find(n, 16, "batched").requests);
  const requestGoal = at16.every((ratio) => ratio >= GOAL.requestRatioAt16);
  const wallGoal = rows
    .filter((r) => r.mode === "batched")
    .every((r) => r.wallMs <= find(r.n, r.parallelism, "by id").wallMs);
  emitTables("refresh", {
    run: runTable(host, [
      { header: "minutes", value: fmt((performance.now() - started) / 60_000, 1), number: true },
      {
        header: "run",
        value: `${QUICK ? "`--quick`, not to commit: " : ""}${SIZES.join(" / ")} contacts at \`--parallel\` ${PARALLELISMS.join(" / ")}, API latency ${LATENCY_MS} ms`,
      },
    ]),
    requests: table(
      [
        "contacts",
        "parallel",
        "requests by id",
        "requests batched",
        "fewer",
        "wall s by id",
        "wall s batched",
        "faster",
        "batched requests by route",
      ],
      lines,
      [0, 1, 2, 3, 4, 5, 6, 7],
    ),
    cpu: table(
      [
        "contacts",
        "parallel",
        "reads",
        "engine CPU s",
        "host CPU s",
        "emulator CPU s",
        "CPU s",
        "wall s",
        "cores busy",
      ],
      cpuLines,
      [0, 1, 3, 4, 5, 6, 7, 8],
    ),
    goals: table(
      ["goal", "result"],
      [
        [`at least ${GOAL.requestRatioAt16}x fewer requests at parallelism 16`, metText(requestGoal)],
        ["wall time no worse than by id", metText(wallGoal)],
      ],
    ),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
