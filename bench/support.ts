/**
 * What the benchmarks share: the machine they ran on, percentiles, per-process CPU and memory from /proc,
 * an emulator in a child process, a linked program folder with its provider configuration, and the writers
 * of the tables between each benchmark's markers in docs/BENCHMARKS.md.
 */
import { type ChildProcess, execSync, fork } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";

/** The repository root (this file runs from .bench-dist/bench/). */
export const REPO_ROOT = join(__dirname, "..", "..");
export const DOC = join(REPO_ROOT, "docs", "BENCHMARKS.md");

// ---------------------------------------------------------------------------------------------------------
// The machine

export interface Machine {
  cores: number;
  model: string;
  memoryGiB: number;
  node: string;
  load: string;
  /** Load average above half the cores: the run competed with other work for what was left. */
  busy: boolean;
  date: string;
}

export function machine(): Machine {
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
  return {
    cores,
    model,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    load,
    busy: (loadavg()[0] ?? 0) > cores / 2,
    date: new Date().toISOString().slice(0, 10),
  };
}

/** The number after `--<name>` on the command line, or `fallback`; it must be positive. */
export function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Statistics

/** Nearest-rank percentile of unsorted values (0 < p ≤ 100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/** `1234.5` → `1,235`; small values keep `digits` decimals. */
export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return "–";
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  return value.toFixed(digits);
}

/** A markdown table; numbers right-aligned where `align` says so. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], right: readonly number[] = []) {
  const align = header.map((_, i) => (right.includes(i) ? "---:" : "---"));
  return [`| ${header.join(" | ")} |`, `|${align.join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join(
    "\n",
  );
}

/** How a goal row ends: met or missed, in bold. */
export const metText = (met: boolean): string => (met ? "**met**" : "**missed**");

/** The sum of a record's numbers: requests over every route, CPU over every process. */
export const total = (values: Record<string, number>): number => Object.values(values).reduce((a, b) => a + b, 0);

/** Requests by route as a table cell: `` `POST /v2/contacts/search` ×63 ``. */
export const requestsByRoute = (requests: Record<string, number>): string =>
  Object.entries(requests)
    .map(([route, n]) => `\`${route}\` ×${n}`)
    .join(", ");

/**
 * The "machine and run" table every benchmark opens with: the machine's columns, then the run's own
 * (`number` ones right-aligned). A load above half the cores is marked busy.
 */
export function runTable(host: Machine, run: ReadonlyArray<{ header: string; value: string; number?: boolean }>) {
  const machineColumns = [
    ["cores (`nproc`)", String(host.cores), true],
    ["CPU", host.model, false],
    ["memory GiB", String(host.memoryGiB), true],
    ["Node", host.node, false],
    ["date", host.date, false],
    ["load average 1 / 5 / 15 min", `${host.load}${host.busy ? " (busy)" : ""}`, false],
  ] as const;
  const columns = [...machineColumns, ...run.map((c) => [c.header, c.value, c.number ?? false] as const)];
  return table(
    columns.map(([header]) => header),
    [columns.map(([, value]) => value)],
    columns.flatMap(([, , number], i) => (number ? [i] : [])),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Processes, from /proc (Linux)

let clockTicks = 100;
try {
  clockTicks = Number(execSync("getconf CLK_TCK", { encoding: "utf8" }).trim()) || 100;
} catch {
  // 100 is the Linux default.
}

/** CPU time (user + system) of a process so far, in milliseconds; 10 ms resolution. */
export function cpuMs(pid: number): number {
  if (pid === process.pid) {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

/** A process's memory figure from /proc/<pid>/status (`VmHWM` = peak RSS), in MiB. */
export function memoryMiB(pid: number, field: "VmHWM" | "VmRSS"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Pids of this process's children whose command line contains `needle`. */
export function childPids(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(needle)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Runs `start` and finds the provider host it started: the child `dynamic-provider` process that is new. */
export async function withNewHost<T>(start: () => Promise<T>): Promise<{ result: T; pid: number | undefined }> {
  const before = new Set(childPids("dynamic-provider"));
  const result = await start();
  return { result, pid: childPids("dynamic-provider").find((pid) => !before.has(pid)) };
}

/** CPU milliseconds of several processes between `start()` and `stop()`. */
export function cpuMeter(pids: Record<string, number>) {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  return () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid) - (before[name] ?? 0)]));
}

// ---------------------------------------------------------------------------------------------------------
// The emulator, in a child process

export interface EmulatorChild {
  url: string;
  apiKey: string;
  organizationId: string;
  pid: number;
  /** API requests per route since the last reset (control routes and the total left out). */
  counters(): Promise<Record<string, number>>;
  resetCounters(): Promise<void>;
  /** Back to the seed: every object the benchmark made is gone. */
  reset(): Promise<void>;
  insert(kind: string, object: Record<string, unknown>): Promise<void>;
  /** The emulator's fault injection, in its compact syntax (`latency=20`); `off` clears it. */
  setFaults(spec: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The emulator runs in its own process, as it does beside a real `pulumi up`: the load generator, the
 * harness's engine and the provider host must not share its event loop. Driven through its control API.
 */
export async function startEmulatorChild(): Promise<EmulatorChild> {
  const child: ChildProcess = fork(join(__dirname, "emulator-server.js"), [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await new Promise<{ url: string; apiKey: string; organizationId: string }>((resolve, reject) => {
    child.once("message", (message) => resolve(message as { url: string; apiKey: string; organizationId: string }));
    child.once("exit", (code) => reject(new Error(`emulator child exited with code ${code} before it was ready`)));
  });
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${ready.url}/__emulator${path}`, {
      method,
      // The control API asks for JSON or this header on every request that changes something.
      headers: { "x-romulus-emulator": "1", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} /__emulator${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    ...ready,
    pid: child.pid as number,
    async counters() {
      const all = (await control("GET", "/counters")) as Record<string, number>;
      return Object.fromEntries(
        Object.entries(all).filter(([route]) => / \//.test(route) && !route.includes("/__emulator")),
      );
    },
    async resetCounters() {
      await control("DELETE", "/counters");
    },
    async reset() {
      await control("POST", "/reset");
    },
    async insert(kind, object) {
      await control("POST", `/orgs/${ready.organizationId}/${kind}`, object);
    },
    async setFaults(spec) {
      await control("PUT", "/faults", { spec });
    },
    async stop() {
      child.send("stop");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

/** `after - before` per route, zeros left out. */
export function requestDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [route, n] of Object.entries(after)) {
    const d = n - (before[route] ?? 0);
    if (d > 0) delta[route] = d;
  }
  return delta;
}

// ---------------------------------------------------------------------------------------------------------
// Program folders

/**
 * A program folder whose node_modules links this checkout and its @pulumi, as test/harness's
 * createProgramDir does (which resolves the repository from its own location, wrong once compiled into
 * .bench-dist). The package is then loaded from a path outside node_modules: stubs serialise by value.
 */
export function linkedProgramDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "romulus-bench-"));
  writeFileSync(join(dir, "Pulumi.yaml"), "name: project\nruntime: nodejs\n");
  writeFileSync(join(dir, "package.json"), '{ "name": "bench-program", "private": true, "version": "0.0.0" }\n');
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(REPO_ROOT, join(dir, "node_modules", "pulumi-romulus"), "junction");
  symlinkSync(join(REPO_ROOT, "node_modules", "@pulumi"), join(dir, "node_modules", "@pulumi"), "junction");
  return dir;
}

/** The built package (dist/), as a program and the provider host load it: the stubs serialise alike. */
export const builtPackage = (): typeof import("../src") => require(join(REPO_ROOT, "dist"));

/** An emulator child, a linked program folder and the provider configuration that points at the emulator. */
export interface ProviderSetup {
  emulator: EmulatorChild;
  programDir: string;
  config: Record<string, string>;
  secretConfig: Record<string, string>;
  /** Stops the emulator and removes the program folder. */
  close(): Promise<void>;
}

export async function startProviderSetup(): Promise<ProviderSetup> {
  const emulator = await startEmulatorChild();
  const programDir = linkedProgramDir();
  return {
    emulator,
    programDir,
    config: { "romulus:endpoint": emulator.url },
    secretConfig: { "romulus:apiKey": emulator.apiKey },
    async close() {
      rmSync(programDir, { recursive: true, force: true });
      await emulator.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// docs/BENCHMARKS.md

const openMarker = (bench: string, name: string) => `<!-- bench:${bench}/${name} -->`;
const closeMarker = (bench: string, name: string) => `<!-- /bench:${bench}/${name} -->`;

/** One generated block with its markers, as it stands in docs/BENCHMARKS.md and as a person pastes it. */
export const markedBlock = (bench: string, name: string, text: string): string =>
  `${openMarker(bench, name)}\n${text.trim()}\n${closeMarker(bench, name)}`;

/**
 * Replaces, in docs/BENCHMARKS.md (or `doc`), the text between each `<!-- bench:<bench>/<name> -->` and
 * `<!-- /bench:<bench>/<name> -->` with that block's fresh table; the prose around them is the doc's own and
 * stays. Nothing is written when a marker is missing: the error names it.
 */
export function writeTables(bench: string, blocks: Record<string, string>, doc = DOC): void {
  let text = readFileSync(doc, "utf8");
  const missing: string[] = [];
  for (const [name, block] of Object.entries(blocks)) {
    const start = text.indexOf(openMarker(bench, name));
    const end = text.indexOf(closeMarker(bench, name));
    if (start < 0 || end < start) {
      missing.push(openMarker(bench, name));
      continue;
    }
    text = `${text.slice(0, start)}${markedBlock(bench, name, block)}${text.slice(end + closeMarker(bench, name).length)}`;
  }
  if (missing.length > 0) {
    throw new Error(`${doc} has no place for ${missing.join(", ")}: add the markers under the right heading`);
  }
  writeFileSync(doc, text);
}

/** Prints every block with its markers (what a person pastes), then writes them into docs/BENCHMARKS.md. */
export function emitTables(bench: string, blocks: Record<string, string>): void {
  for (const [name, block] of Object.entries(blocks)) process.stdout.write(`\n${markedBlock(bench, name, block)}\n`);
  writeTables(bench, blocks);
  process.stderr.write(`[${bench} bench] tables written to docs/BENCHMARKS.md\n`);
}
