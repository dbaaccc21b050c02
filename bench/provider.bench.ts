/**
 * The provider's costs, measured through the real dynamic-provider host over gRPC against the emulator:
 *
 *   npm run -s build && npx tsc -p tsconfig.bench.json && node .bench-dist/bench/provider.bench.js [--quick]
 *
 * 1. overhead: contact create/read/update/delete through the host vs the same HTTP requests sent with raw
 *    undici, interleaved round by round at the same concurrency, with no API latency and with 20 ms;
 * 2. API requests per operation and per data-source lookup, from the emulator's counters;
 * 3. the serialised `__provider` per resource type (installed package and linked checkout) and state size;
 * 4. cold start of a host (spawn → port, and port → first Check answered) and its peak memory;
 * 5. `up` of 100 / 1,000 / 5,000 contacts at parallelism 16 with the harness's engine.
 *
 * The emulator runs in a child process, the host in another, the harness (engine side, program side and
 * the raw client) in this one. Prints its tables, each between the markers that hold it in
 * docs/BENCHMARKS.md's "## Provider", and writes them there; the doc's prose says what they mean.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Agent, request } from "undici";
import { Engine, type State, type StateResource } from "../test/harness/engine";
import { createProgramDirFromTarball, ProviderHost } from "../test/harness/host";
import { type RegisteredResource, runProgram } from "../test/harness/program";
import type { PropertyMap } from "../test/harness/wire";
import {
  builtPackage,
  childPids,
  cpuMeter,
  emitTables,
  fmt,
  type Machine,
  machine,
  median,
  memoryMiB,
  metText,
  type ProviderSetup,
  percentile,
  REPO_ROOT,
  requestDelta,
  requestsByRoute,
  runTable,
  startProviderSetup,
  table,
  total,
  withNewHost,
} from "./support";

type ProviderEngine = typeof import("../src/provider/engine");
type ContactModule = typeof import("../src/resources/contact");

// The built package, as a program and the host load it: the same files, so the stubs serialise alike.
const romulus = builtPackage();
const providerEngine: ProviderEngine = require(join(REPO_ROOT, "dist", "provider", "engine"));
const { contactDefinition }: ContactModule = require(join(REPO_ROOT, "dist", "resources", "contact"));

const QUICK = process.argv.includes("--quick");
const CONCURRENCY = 16;
const PARALLELISM = 16;
/** Section 1: ops per phase and measured rounds (plus one warm-up round). */
const OPS_PER_PHASE = QUICK ? 100 : 300;
const ROUNDS = QUICK ? 3 : 9;
const COLD_STARTS = QUICK ? 3 : 7;
const SIZES = QUICK ? [100, 500, 1000] : [100, 1000, 5000];
const AGENTS = 1000;
const PROFILED_CONTACTS = QUICK ? 300 : 1000;
const KINDS = ["WebhookSubscription", "CallTaskWebhookSubscription", "Contact"] as const;
type Kind = (typeof KINDS)[number];
const STUB_FILES: Record<Kind, string> = {
  WebhookSubscription: "webhook-subscription",
  CallTaskWebhookSubscription: "call-task-webhook-subscription",
  Contact: "contact",
};
const GOAL = { overheadRatio: 1.15, coldStartMs: 300 };
/**
 * The emulator answers in a fraction of a millisecond; the real API is across a network. The overhead is
 * measured at both: with no added latency (the provider's cost laid bare) and with every API request
 * delayed by this much in the emulator, a low figure for an HTTPS request to a hosted API (lower favours
 * the raw path, so the ratio at any real latency is at most this one's).
 */
const API_LATENCY_MS = 20;

/** One overhead measurement: how many rounds of how many operations, how many at a time, how far the API is. */
interface OverheadPlan {
  rounds: number;
  ops: number;
  concurrency: number;
  /** Added by the emulator to every request (its `latency` fault), on both paths alike. */
  latencyMs: number;
}
/**
 * The same comparison with the API farther away, and one operation at a time: how much of the overhead
 * is the provider's added time per operation and how much is contention for this machine's two cores.
 */
const LATENCY_PLANS: readonly OverheadPlan[] = [
  { rounds: QUICK ? 2 : 5, ops: QUICK ? 100 : 300, concurrency: 16, latencyMs: API_LATENCY_MS },
  { rounds: QUICK ? 2 : 5, ops: QUICK ? 100 : 300, concurrency: 16, latencyMs: 50 },
  { rounds: QUICK ? 2 : 5, ops: QUICK ? 20 : 40, concurrency: 1, latencyMs: API_LATENCY_MS },
];

const log = (message: string) => process.stderr.write(`[provider bench] ${message}\n`);
const ms = (from: number) => performance.now() - from;

// ---------------------------------------------------------------------------------------------------------
// Inputs

function contactArgs(i: number, lastName = "Load"): Record<string, unknown> {
  const digits = String(1_000_000 + (i % 9_000_000)).slice(-7);
  return {
    firstName: `Bench${i}`,
    lastName,
    phones: [{ number: `+39021${digits}`, label: "MOBILE" }],
    emails: [{ email: `bench${i}@example.com`, label: "JOB" }],
    companyName: "Acme",
    jobTitle: "Tester",
    tags: ["bench"],
  };
}

function argsOf(kind: Kind, i: number): Record<string, unknown> {
  switch (kind) {
    case "WebhookSubscription":
      return {
        event: "AGENT_ACTION_COMPLETED",
        url: `https://hooks.example.com/bench/${i}`,
        specifications: { ACTION_TYPE: "APPOINTMENT" },
        attempts: 5,
      };
    case "CallTaskWebhookSubscription":
      return { url: `https://hooks.example.com/robocalls/${i}` };
    case "Contact":
      return contactArgs(i);
  }
}

/** A change that updates in place where the type can (a call-task subscription is replaced instead). */
function changedArgs(kind: Kind, i: number): Record<string, unknown> {
  switch (kind) {
    case "WebhookSubscription":
      return { ...argsOf(kind, i), attempts: 6 };
    case "CallTaskWebhookSubscription":
      return { url: `https://hooks.example.com/robocalls/${i}/moved` };
    case "Contact":
      return contactArgs(i, "Updated");
  }
}

function declare(kind: Kind, name: string, args: Record<string, unknown>): void {
  // The arguments are built loosely above; each constructor validates its own at check time.
  const Resource = romulus[kind] as unknown as new (name: string, args: Record<string, unknown>) => unknown;
  new Resource(name, args);
}

const urnOf = (type: string, name: string) => `urn:pulumi:stack::project::${type}::${name}`;

// ---------------------------------------------------------------------------------------------------------
// Shared set-up

interface Context extends ProviderSetup {
  /** Per kind: the registered type and the `__provider` text the harness's program side produced. */
  registered: Record<Kind, { type: string; provider: string }>;
}

async function startHost(ctx: Context, programDir = ctx.programDir): Promise<{ host: ProviderHost; pid: number }> {
  const started = await withNewHost(() => ProviderHost.start({ programDir }));
  const host = started.result;
  const pid = started.pid ?? Number.NaN;
  await host.getPluginInfo();
  await host.configure({ ...ctx.config, ...ctx.secretConfig }, Object.keys(ctx.secretConfig));
  return { host, pid };
}

/** Runs `fn` over `items`, `concurrency` at a time; each call's latency in ms, and the elapsed time. */
async function pool<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<{ latencies: number[]; elapsedMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      const t = performance.now();
      await fn(item);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return { latencies, elapsedMs: ms(started) };
}

// ---------------------------------------------------------------------------------------------------------
// 1. Provider overhead vs raw undici

type CrudOp = "create" | "read" | "update" | "delete";
const CRUD: readonly CrudOp[] = ["create", "read", "update", "delete"];

interface PhaseStats {
  latencies: number[];
  /** Per measured round: elapsed ms for OPS_PER_PHASE ops. */
  elapsed: number[];
  cpu: { bench: number; host: number; emulator: number };
  requests: number;
  ops: number;
}
const emptyStats = (): PhaseStats => ({
  latencies: [],
  elapsed: [],
  cpu: { bench: 0, host: 0, emulator: 0 },
  requests: 0,
  ops: 0,
});

interface OverheadResult {
  plan: OverheadPlan;
  provider: Record<CrudOp | "check" | "diff", PhaseStats>;
  raw: Record<CrudOp, PhaseStats>;
  /** Per op: provider elapsed / raw elapsed, one per round. */
  ratios: Record<CrudOp, number[]>;
}

async function overhead(
  ctx: Context,
  mode: string,
  programDir: string,
  provider: string,
  plan: OverheadPlan = { rounds: ROUNDS, ops: OPS_PER_PHASE, concurrency: CONCURRENCY, latencyMs: 0 },
): Promise<OverheadResult> {
  const { rounds, ops: opsPerPhase, concurrency } = plan;
  if (plan.latencyMs > 0) await ctx.emulator.setFaults(`latency=${plan.latencyMs}`);
  const { host, pid: hostPid } = await startHost(ctx, programDir);
  const agent = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });
  const type = ctx.registered.Contact.type;
  const headers = {
    authorization: ctx.secretConfig["romulus:apiKey"] as string,
    accept: "application/json",
    "content-type": "application/json",
    "user-agent": "bench-raw",
  };
  const result: OverheadResult = {
    plan,
    provider: {
      check: emptyStats(),
      create: emptyStats(),
      read: emptyStats(),
      diff: emptyStats(),
      update: emptyStats(),
      delete: emptyStats(),
    },
    raw: { create: emptyStats(), read: emptyStats(), update: emptyStats(), delete: emptyStats() },
    ratios: { create: [], read: [], update: [], delete: [] },
  };
  const raw = async (method: "POST" | "GET" | "PUT" | "DELETE", path: string, body?: string) => {
    const response = await request(`${ctx.emulator.url}${path}`, { method, headers, body, dispatcher: agent });
    const text = await response.body.text();
    if (response.statusCode >= 300) throw new Error(`${method} ${path} answered ${response.statusCode}: ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  interface ProviderItem {
    urn: string;
    news: PropertyMap;
    checked?: PropertyMap;
    updated?: PropertyMap;
    id?: string;
    outputs?: PropertyMap;
  }
  interface RawItem {
    createBody: string;
    updateBody: string;
    id?: string;
  }

  let serial = 0;
  const measure = async (
    stats: PhaseStats | undefined,
    run: () => Promise<{ latencies: number[]; elapsedMs: number }>,
  ): Promise<number> => {
    const before = await ctx.emulator.counters();
    const stop = cpuMeter({ bench: process.pid, host: hostPid, emulator: ctx.emulator.pid });
    const { latencies, elapsedMs } = await run();
    const cpu = stop();
    const requests = total(requestDelta(before, await ctx.emulator.counters()));
    if (stats) {
      stats.latencies.push(...latencies);
      stats.elapsed.push(elapsedMs);
      stats.cpu.bench += cpu.bench ?? 0;
      stats.cpu.host += cpu.host ?? 0;
      stats.cpu.emulator += cpu.emulator ?? 0;
      stats.requests += requests;
      stats.ops += latencies.length;
    }
    return elapsedMs;
  };

  for (let round = 0; round <= rounds; round++) {
    const warmUp = round === 0;
    const pick = <S>(stats: S): S | undefined => (warmUp ? undefined : stats);
    const base = serial;
    serial += opsPerPhase;
    const providerItems: ProviderItem[] = Array.from({ length: opsPerPhase }, (_, n) => ({
      urn: urnOf(type, `p${base + n}`),
      news: { __provider: provider, ...(contactArgs(base + n) as PropertyMap) },
    }));
    const rawItems: RawItem[] = Array.from({ length: opsPerPhase }, (_, n) => ({
      createBody: JSON.stringify(providerEngine.toApiBody(contactDefinition, contactArgs(base + n), "create")),
      updateBody: JSON.stringify(
        providerEngine.toApiBody(contactDefinition, contactArgs(base + n, "Updated"), "update"),
      ),
    }));

    await measure(pick(result.provider.check), () =>
      pool(providerItems, concurrency, async (item) => {
        const checked = await host.check(item.urn, {}, item.news);
        if (checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
        item.checked = checked.inputs;
        item.updated = { ...checked.inputs, lastName: "Updated" };
      }),
    );

    const providerOps: Record<CrudOp, (item: ProviderItem) => Promise<void>> = {
      create: async (item) => {
        const created = await host.create(item.urn, item.checked as PropertyMap);
        item.id = created.id;
        item.outputs = created.properties;
      },
      read: async (item) => {
        const read = await host.read(item.id as string, item.urn, item.outputs as PropertyMap, item.checked);
        if (!read.id) throw new Error(`read of ${item.id} found nothing`);
      },
      update: async (item) => {
        const updated = await host.update(
          item.id as string,
          item.urn,
          item.outputs as PropertyMap,
          item.updated as PropertyMap,
          item.checked,
        );
        item.outputs = updated.properties;
      },
      delete: (item) => host.delete(item.id as string, item.urn, item.outputs as PropertyMap, item.updated),
    };
    const rawOps: Record<CrudOp, (item: RawItem) => Promise<void>> = {
      create: async (item) => {
        item.id = String((await raw("POST", "/v2/contacts", item.createBody)).id);
      },
      read: async (item) => {
        await raw("GET", `/v2/contacts/${item.id}`);
      },
      update: async (item) => {
        await raw("PUT", `/v2/contacts/${item.id}`, item.updateBody);
      },
      delete: async (item) => {
        await raw("DELETE", `/v2/contacts/${item.id}`);
      },
    };

    for (const op of CRUD) {
      if (op === "update") {
        // The engine's Diff precedes every Update: a separate RPC with no API call, timed on its own.
        await measure(pick(result.provider.diff), () =>
          pool(providerItems, concurrency, async (item) => {
            const diff = await host.diff(
              item.id as string,
              item.urn,
              item.outputs as PropertyMap,
              item.updated as PropertyMap,
              item.checked,
            );
            if (diff.changes !== "some") throw new Error(`diff saw no change: ${JSON.stringify(diff)}`);
          }),
        );
      }
      const runProvider = () =>
        measure(pick(result.provider[op]), () => pool(providerItems, concurrency, providerOps[op]));
      const runRaw = () => measure(pick(result.raw[op]), () => pool(rawItems, concurrency, rawOps[op]));
      // Alternate which path goes first, so a trend within a round (GC, a neighbour) favours neither.
      let providerMs: number;
      let rawMs: number;
      if (round % 2 === 0) {
        providerMs = await runProvider();
        rawMs = await runRaw();
      } else {
        rawMs = await runRaw();
        providerMs = await runProvider();
      }
      if (!warmUp) result.ratios[op].push(providerMs / rawMs);
    }
    log(`overhead (${mode}): round ${round}${warmUp ? " (warm-up)" : ""} of ${rounds} done`);
  }
  await host.stop();
  await agent.close();
  if (plan.latencyMs > 0) await ctx.emulator.setFaults("off");
  return result;
}

function overheadTable(r: OverheadResult): string {
  const rows: string[][] = [];
  const row = (op: string, path: string, s: PhaseStats, ratio: string) => {
    const perOp = (v: number) => fmt(v / s.ops, 2);
    rows.push([
      op,
      path,
      String(s.ops),
      fmt(percentile(s.latencies, 50), 2),
      fmt(percentile(s.latencies, 99), 2),
      fmt(median(s.elapsed.map((e) => (r.plan.ops / e) * 1000))),
      `${perOp(s.cpu.bench)} / ${path === "raw undici" ? "–" : perOp(s.cpu.host)} / ${perOp(s.cpu.emulator)}`,
      fmt(s.requests / s.ops, 2),
      ratio,
    ]);
  };
  row("check", "provider", r.provider.check, "–");
  for (const op of CRUD) {
    const latencyRatio = percentile(r.provider[op].latencies, 50) / percentile(r.raw[op].latencies, 50);
    row(op, "provider", r.provider[op], `**${median(r.ratios[op]).toFixed(2)}** (p50 ${latencyRatio.toFixed(2)})`);
    row(op, "raw undici", r.raw[op], "");
    if (op === "read") row("diff", "provider", r.provider.diff, "–");
  }
  return table(
    [
      "operation",
      "path",
      "ops",
      "p50 ms",
      "p99 ms",
      "ops/s",
      "CPU ms/op: harness / host / emulator",
      "API requests/op",
      "provider/raw time (median of rounds)",
    ],
    rows,
    [2, 3, 4, 5, 7],
  );
}

// ---------------------------------------------------------------------------------------------------------
// 1b. Where the host's CPU goes: a CPU profile of the host over the same operations

const CATEGORIES = {
  provider: "pulumi-romulus: check, diff, CRUD logic, zod, its HTTP client (undici)",
  pulumi: "the Pulumi host: gRPC server, protobuf, Struct ⇄ JS, dynamic-provider dispatch",
  node: "Node internals under them: HTTP/2 and TCP I/O, timers, microtasks",
  gc: "garbage collection",
} as const;

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

interface HostProfile {
  rpcs: number;
  /** Busy CPU ms per category, module loading (start-up) left out. */
  ms: Record<keyof typeof CATEGORIES, number>;
  startupMs: number;
}

/** Runs check + create, read, diff + update, delete for `n` contacts through a host under `--cpu-prof`. */
async function profileHost(ctx: Context, programDir: string, provider: string, n: number): Promise<HostProfile> {
  const dir = mkdtempSync(join(tmpdir(), "romulus-bench-prof-"));
  try {
    // --cpu-prof writes its profile when the process exits normally; the harness stops hosts with SIGTERM.
    writeFileSync(join(dir, "exit-on-term.js"), 'process.on("SIGTERM", () => process.exit(0));\n');
    const host = await ProviderHost.start({
      programDir,
      env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir} --require ${join(dir, "exit-on-term.js")}` },
    });
    await host.getPluginInfo();
    await host.configure({ ...ctx.config, ...ctx.secretConfig }, Object.keys(ctx.secretConfig));
    const type = ctx.registered.Contact.type;
    const items = Array.from({ length: n }, (_, i) => ({
      urn: urnOf(type, `prof${i}`),
      news: { __provider: provider, ...(contactArgs(700_000 + i) as PropertyMap) },
      checked: {} as PropertyMap,
      updated: {} as PropertyMap,
      id: "",
      outputs: {} as PropertyMap,
    }));
    await pool(items, CONCURRENCY, async (item) => {
      item.checked = (await host.check(item.urn, {}, item.news)).inputs;
      item.updated = { ...item.checked, lastName: "Updated" };
      const created = await host.create(item.urn, item.checked);
      item.id = created.id;
      item.outputs = created.properties;
    });
    await pool(items, CONCURRENCY, async (item) => {
      await host.read(item.id, item.urn, item.outputs, item.checked);
    });
    await pool(items, CONCURRENCY, async (item) => {
      await host.diff(item.id, item.urn, item.outputs, item.updated, item.checked);
      item.outputs = (await host.update(item.id, item.urn, item.outputs, item.updated, item.checked)).properties;
    });
    await pool(items, CONCURRENCY, (item) => host.delete(item.id, item.urn, item.outputs, item.updated));
    const rpcs = host.totalRpcs;
    await host.stop();
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error("the host wrote no CPU profile");
    return attribute(JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile, rpcs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where the package's code lives: linked (this checkout) or installed. */
const OURS = [join(REPO_ROOT, "dist"), "node_modules/pulumi-romulus/"];

/** Each sample goes to the innermost owner on its stack: our code first, then Pulumi's host, then Node. */
function attribute(profile: CpuProfile, rpcs: number): HostProfile {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const result: HostProfile = { rpcs, ms: { provider: 0, pulumi: 0, node: 0, gc: 0 }, startupMs: 0 };
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    const leaf = byId.get(id)?.callFrame.functionName;
    if (leaf === "(idle)" || leaf === "(program)" || leaf === "(root)") return;
    if (leaf === "(garbage collector)") {
      result.ms.gc += delta;
      return;
    }
    const urls: string[] = [];
    const names: string[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)?.callFrame;
      urls.push(frame?.url ?? "");
      names.push(frame?.functionName ?? "");
    }
    if (urls.some((u) => u.includes("modules/cjs/loader")) || names.includes("compileFunction")) {
      result.startupMs += delta;
    } else if (urls.some((u) => OURS.some((path) => u.includes(path)) || u.includes("node_modules/undici/"))) {
      result.ms.provider += delta;
    } else if (urls.some((u) => /node_modules\/(@grpc|google-protobuf|@pulumi)/.test(u))) {
      result.ms.pulumi += delta;
    } else {
      result.ms.node += delta;
    }
  });
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// 2. API requests per operation, per resource type; data-source lookups

interface RequestCounts {
  kind: Kind;
  perOp: Record<"check" | "diff" | CrudOp, string>;
  me: number;
}

const routesText = (delta: Record<string, number>, n: number) => {
  const sum = total(delta);
  const routes = Object.entries(delta)
    .map(([route, count]) => `\`${route}\`${count === n ? "" : ` ×${fmt(count / n, 2)}`}`)
    .join(", ");
  return sum === 0 ? "0" : `${fmt(sum / n, 2)} (${routes})`;
};

async function requestsPerOperation(ctx: Context): Promise<RequestCounts[]> {
  const n = 5;
  const results: RequestCounts[] = [];
  for (const kind of KINDS) {
    const { type, provider } = ctx.registered[kind];
    const start = await ctx.emulator.counters();
    const { host } = await startHost(ctx);
    const items = Array.from({ length: n }, (_, i) => ({
      urn: urnOf(type, `${kind}-${i}`),
      news: { __provider: provider, ...(argsOf(kind, 9000 + i) as PropertyMap) },
      changed: { __provider: provider, ...(changedArgs(kind, 9000 + i) as PropertyMap) },
      checked: {} as PropertyMap,
      checkedChange: {} as PropertyMap,
      id: "",
      outputs: {} as PropertyMap,
    }));
    const perOp = {} as RequestCounts["perOp"];
    const counted = async (
      op: keyof RequestCounts["perOp"],
      fn: (item: (typeof items)[number]) => Promise<void>,
      calls = n,
    ) => {
      const before = await ctx.emulator.counters();
      // Concurrently, as the engine sends them: the organization lookup must still happen once.
      await Promise.all(items.map(fn));
      const delta = requestDelta(before, await ctx.emulator.counters());
      delete delta["GET /v1/me"];
      perOp[op] = routesText(delta, calls);
    };
    // Two Checks per resource: the create's (no olds) and the change's (olds = the checked inputs).
    await counted(
      "check",
      async (item) => {
        item.checked = (await host.check(item.urn, {}, item.news)).inputs;
        item.checkedChange = (await host.check(item.urn, item.checked, item.changed)).inputs;
      },
      2 * n,
    );
    await counted("create", async (item) => {
      const created = await host.create(item.urn, item.checked);
      item.id = created.id;
      item.outputs = created.properties;
    });
    let replaces = false;
    await counted("diff", async (item) => {
      const diff = await host.diff(item.id, item.urn, item.outputs, item.checkedChange, item.checked);
      replaces = diff.replaces.length > 0;
    });
    await counted("read", async (item) => {
      await host.read(item.id, item.urn, item.outputs, item.checked);
    });
    if (replaces) {
      perOp.update = "– (a change replaces it: create + delete)";
    } else {
      await counted("update", async (item) => {
        item.outputs = (
          await host.update(item.id, item.urn, item.outputs, item.checkedChange, item.checked)
        ).properties;
      });
    }
    await counted("delete", async (item) => {
      await host.delete(item.id, item.urn, item.outputs, item.checkedChange);
    });
    await host.stop();
    const me = requestDelta(start, await ctx.emulator.counters())["GET /v1/me"] ?? 0;
    results.push({ kind, perOp, me });
    log(`requests per operation: ${kind} done`);
  }
  return results;
}

interface LookupCounts {
  agents: number;
  one: { requests: Record<string, number>; ms: number };
  hundred: { requests: Record<string, number>; ms: number };
}

async function lookups(ctx: Context): Promise<LookupCounts> {
  await ctx.emulator.reset();
  const names = Array.from({ length: AGENTS }, (_, i) => `Bench agent ${i}`);
  await pool(names, 16, (name) => ctx.emulator.insert("agents", { name, type: "OUTBOUND", language: "EN" }));
  const options = { config: ctx.config, secretConfig: ctx.secretConfig };
  const counted = async (program: () => Promise<unknown>) => {
    const before = await ctx.emulator.counters();
    const started = performance.now();
    await runProgram(program, options);
    const elapsed = ms(started);
    return { requests: requestDelta(before, await ctx.emulator.counters()), ms: elapsed };
  };
  const one = await counted(async () => {
    const agent = await romulus.getAgent({ name: "Bench agent 500" });
    if (agent.name !== "Bench agent 500") throw new Error("getAgent found the wrong agent");
  });
  const hundred = await counted(async () => {
    const found = await Promise.all(names.slice(0, 100).map((name) => romulus.getAgent({ name })));
    if (found.length !== 100) throw new Error("a lookup went missing");
  });
  log("lookups done");
  return { agents: AGENTS + 3, one, hundred };
}

// ---------------------------------------------------------------------------------------------------------
// 3. Serialised provider size and state size; 4. cold start

const SERIALISE_SCRIPT = `
const pulumi = require("@pulumi/pulumi");
const files = ${JSON.stringify(STUB_FILES)};
(async () => {
  const out = {};
  for (const [kind, file] of Object.entries(files)) {
    // Named and captured as @pulumi/pulumi's dynamic.Resource does, so the text is the stored one.
    const provider = require("pulumi-romulus/provider/stubs/" + file);
    out[kind] = (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** In-process require times, in a program folder, of what the host loads before its port line and at first Check. */
const LOAD_SCRIPT = `
const { performance } = require("node:perf_hooks");
const sdk = require("node:module").createRequire(require.resolve("@pulumi/pulumi/package.json"));
let t = performance.now();
sdk("source-map-support/register"); sdk("@grpc/grpc-js"); require("@pulumi/pulumi/runtime");
require("@pulumi/pulumi/proto/provider_grpc_pb"); require("@pulumi/pulumi/proto/provider_pb");
const hostModules = performance.now() - t;
t = performance.now();
require("pulumi-romulus/provider");
const provider = performance.now() - t;
// Loaded by the client at its first request, as the provider resolves it.
const ours = require("node:module").createRequire(require.resolve("pulumi-romulus/package.json"));
t = performance.now();
ours("undici");
const undici = performance.now() - t;
process.stdout.write(JSON.stringify({ hostModules, provider, undici }));
`;

function nodeScript(dir: string, name: string, script: string): string {
  writeFileSync(join(dir, name), script);
  return execFileSync(process.execPath, [name], { cwd: dir, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
}

interface ColdStart {
  mode: string;
  portMs: number[];
  checkMs: number[];
  /** `node -e 0`, the floor of any spawn. */
  bareNodeMs: number;
  hostModulesMs: number;
  providerModuleMs: number;
  /** undici, loaded by the first API request rather than the first Check. */
  undiciMs: number;
  /** Peak RSS of a host that has answered its first Check and nothing else. */
  hwmMiB: number;
}

/** Per run: from the host's port line to its first Check answered, the part that runs pulumi-romulus. */
const afterPort = (c: ColdStart): number[] => c.checkMs.map((check, i) => check - (c.portMs[i] as number));

async function coldStart(ctx: Context, mode: string, dir: string, provider: string): Promise<ColdStart> {
  const portMs: number[] = [];
  const checkMs: number[] = [];
  const type = ctx.registered.Contact.type;
  const hwm: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const started = performance.now();
    const spawned = await withNewHost(async () => {
      const host = await ProviderHost.start({ programDir: dir });
      portMs.push(ms(started));
      return host;
    });
    const host = spawned.result;
    const pid = spawned.pid ?? Number.NaN;
    await host.getPluginInfo();
    await host.configure({ ...ctx.config, ...ctx.secretConfig }, Object.keys(ctx.secretConfig));
    const checked = await host.check(urnOf(type, "cold"), {}, { __provider: provider, firstName: "Cold" });
    checkMs.push(ms(started));
    if (checked.failures.length > 0) throw new Error(`cold check failed: ${JSON.stringify(checked.failures)}`);
    hwm.push(memoryMiB(pid, "VmHWM"));
    await host.stop();
  }
  const bare: number[] = [];
  const loads: { hostModules: number; provider: number; undici: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    spawnSync(process.execPath, ["-e", "0"]);
    bare.push(ms(t));
    loads.push(JSON.parse(nodeScript(dir, "load-times.js", LOAD_SCRIPT)));
  }
  log(`cold start (${mode}) done`);
  return {
    mode,
    portMs,
    checkMs,
    bareNodeMs: median(bare),
    hostModulesMs: median(loads.map((l) => l.hostModules)),
    providerModuleMs: median(loads.map((l) => l.provider)),
    undiciMs: median(loads.map((l) => l.undici)),
    hwmMiB: median(hwm),
  };
}

interface Sizes {
  installed: Record<Kind, string>;
  linked: Record<Kind, string>;
  /** Per kind: average bytes of one state entry (JSON) as the harness's engine stores it, and the count. */
  state: Record<Kind, { bytes: number; count: number; providerCopies: number }>;
  totalStateBytes: number;
  totalResources: number;
  sameAsHarness: boolean;
}

const kindOfEntry = (entry: StateResource): Kind | undefined => {
  const name = entry.urn.split("::").pop() ?? "";
  return KINDS.find((kind) => name.startsWith(`${kind}-`));
};

async function stateSizes(ctx: Context): Promise<Pick<Sizes, "state" | "totalStateBytes" | "totalResources">> {
  const perKind = 20;
  const engine = new Engine({
    programDir: ctx.programDir,
    config: ctx.config,
    secretConfig: ctx.secretConfig,
    parallelism: PARALLELISM,
  });
  const result = await engine.upProgram(() => {
    for (const kind of KINDS) for (let i = 0; i < perKind; i++) declare(kind, `${kind}-${i}`, argsOf(kind, 5000 + i));
  });
  await engine.destroy();
  const state: State = result.state;
  const sizes = {} as Sizes["state"];
  for (const kind of KINDS) {
    const entries = state.filter((e) => kindOfEntry(e) === kind);
    const bytes = entries.reduce((sum, e) => sum + JSON.stringify(e).length, 0);
    const providerJson = JSON.stringify(ctx.registered[kind].provider);
    const copies = JSON.stringify(entries[0]).split(providerJson).length - 1;
    sizes[kind] = { bytes: bytes / entries.length, count: entries.length, providerCopies: copies };
  }
  const resources = state.filter((e) => kindOfEntry(e) !== undefined).length;
  return { state: sizes, totalStateBytes: JSON.stringify(state).length, totalResources: resources };
}

// ---------------------------------------------------------------------------------------------------------
// 5. up at scale

interface ScaleRow {
  n: number;
  programMs: number;
  upMs: number;
  cpu: Record<string, number>;
  rpcs: number;
  requests: number;
}

async function scaling(ctx: Context): Promise<{ rows: ScaleRow[]; hwmAfter1000: number; hwmEnd: number }> {
  const engine = new Engine({
    programDir: ctx.programDir,
    config: ctx.config,
    secretConfig: ctx.secretConfig,
    parallelism: PARALLELISM,
    reuseHosts: true,
  });
  const options = engine.programOptions();
  const contacts = (n: number) => async (): Promise<RegisteredResource[]> =>
    (
      await runProgram(() => {
        for (let i = 0; i < n; i++) declare("Contact", `c${i}`, contactArgs(i));
      }, options)
    ).resources;
  const rows: ScaleRow[] = [];
  let hostPid = Number.NaN;
  let hwmAfter1000 = Number.NaN;
  try {
    // Warm-up: starts the host (cold start is measured on its own) and lets V8 optimise both sides.
    await ctx.emulator.reset();
    await engine.up(await contacts(100)(), { state: [] });
    hostPid = childPids("dynamic-provider")[0] ?? Number.NaN;
    for (const n of SIZES) {
      await ctx.emulator.reset();
      const programStarted = performance.now();
      const resources = await contacts(n)();
      const programMs = ms(programStarted);
      const stop = cpuMeter({ harness: process.pid, host: hostPid, emulator: ctx.emulator.pid });
      const result = await engine.up(resources, { state: [] });
      const cpu = stop();
      const counters = await ctx.emulator.counters();
      const created = engine.state.filter((e) => e.type !== "pulumi:providers:pulumi-nodejs").length;
      if (created !== n) throw new Error(`up of ${n} contacts left ${created} in state`);
      rows.push({
        n,
        programMs,
        upMs: result.durationMs,
        cpu,
        rpcs: Object.values(result.rpcCounts).reduce((a, b) => a + (b ?? 0), 0),
        requests: total(counters),
      });
      if (n === 1000) hwmAfter1000 = memoryMiB(hostPid, "VmHWM");
      log(`up of ${n} contacts: program ${fmt(programMs / 1000, 2)} s, up ${fmt(result.durationMs / 1000, 2)} s`);
    }
    return { rows, hwmAfter1000, hwmEnd: memoryMiB(hostPid, "VmHWM") };
  } finally {
    await engine.close();
    await ctx.emulator.reset();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Main

async function registeredProviders(ctx: ProviderSetup): Promise<Context["registered"]> {
  const { resources } = await runProgram(
    () => {
      for (const kind of KINDS) declare(kind, `${kind}-probe`, argsOf(kind, 0));
    },
    { config: ctx.config, secretConfig: ctx.secretConfig },
  );
  const registered = {} as Context["registered"];
  for (const kind of KINDS) {
    const r = resources.find((x) => x.name === `${kind}-probe`);
    if (!r || typeof r.inputs.__provider !== "string") throw new Error(`no __provider for ${kind}`);
    registered[kind] = { type: r.type, provider: r.inputs.__provider };
  }
  return registered;
}

async function main(): Promise<void> {
  const started = performance.now();
  const host = machine();
  const setup = await startProviderSetup();
  const linkedDir = setup.programDir;
  const packDir = mkdtempSync(join(tmpdir(), "romulus-bench-pack-"));
  let installedDir: { dir: string; cleanup(): Promise<void> } | undefined;
  try {
    const ctx: Context = { ...setup, registered: await registeredProviders(setup) };

    log("API requests per operation…");
    const counts = await requestsPerOperation(ctx);

    log("npm pack + install into a fresh program…");
    const tgzName = execFileSync("npm", ["pack", "--pack-destination", packDir, "--loglevel=error"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    })
      .trim()
      .split("\n")
      .pop() as string;
    installedDir = await createProgramDirFromTarball(join(packDir, tgzName));
    const installed = JSON.parse(nodeScript(installedDir.dir, "serialise.js", SERIALISE_SCRIPT)) as Record<
      Kind,
      string
    >;
    const linked = JSON.parse(nodeScript(linkedDir, "serialise.js", SERIALISE_SCRIPT)) as Record<Kind, string>;

    log(`overhead: ${ROUNDS} rounds of ${OPS_PER_PHASE} ops per operation and path, concurrency ${CONCURRENCY}…`);
    const overInstalled = await overhead(ctx, "installed", installedDir.dir, installed.Contact);
    const overLatency: OverheadResult[] = [];
    for (const plan of LATENCY_PLANS) {
      const mode = `installed, API ${plan.latencyMs} ms, ${plan.concurrency} at a time`;
      overLatency.push(await overhead(ctx, mode, installedDir.dir, installed.Contact, plan));
    }
    const overLinked = await overhead(ctx, "linked", linkedDir, ctx.registered.Contact.provider);
    log("CPU profile of the host…");
    const profile = await profileHost(ctx, installedDir.dir, installed.Contact, PROFILED_CONTACTS);

    log("cold start…");
    const coldInstalled = await coldStart(ctx, "installed package", installedDir.dir, installed.Contact);
    const coldLinked = await coldStart(ctx, "linked checkout", linkedDir, ctx.registered.Contact.provider);
    log("state size…");
    const state = await stateSizes(ctx);
    const sizes: Sizes = {
      installed,
      linked,
      ...state,
      sameAsHarness: KINDS.every((kind) => linked[kind] === ctx.registered[kind].provider),
    };

    log(`up of ${SIZES.join(" / ")} contacts…`);
    const scale = await scaling(ctx);
    log(`data-source lookups at ${AGENTS} agents…`);
    const lookup = await lookups(ctx);

    emitTables(
      "provider",
      tables({
        host,
        counts,
        over: { installed: overInstalled, latency: overLatency, linked: overLinked },
        profile,
        cold: [coldInstalled, coldLinked],
        sizes,
        scale,
        lookup,
        minutes: ms(started) / 60_000,
      }),
    );
  } finally {
    await installedDir?.cleanup();
    rmSync(packDir, { recursive: true, force: true });
    await setup.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// The tables (docs/BENCHMARKS.md's "## Provider" explains them)

interface Report {
  host: Machine;
  counts: RequestCounts[];
  over: { installed: OverheadResult; latency: OverheadResult[]; linked: OverheadResult };
  profile: HostProfile;
  cold: ColdStart[];
  sizes: Sizes;
  scale: Awaited<ReturnType<typeof scaling>>;
  lookup: LookupCounts;
  minutes: number;
}

/** Provider p50 minus raw p50: the time the provider path adds to one operation. */
const addedMs = (o: OverheadResult, op: CrudOp) =>
  percentile(o.provider[op].latencies, 50) - percentile(o.raw[op].latencies, 50);
const worstRatio = (o: OverheadResult) => Math.max(...CRUD.map((op) => median(o.ratios[op])));
const perResource = (row: ScaleRow) => row.upMs / row.n;
const hostPerResource = (row: ScaleRow) => (row.cpu.host ?? 0) / row.n;

/** Each block of docs/BENCHMARKS.md's "## Provider", by its marker name. */
function tables(r: Report): Record<string, string> {
  const { host } = r;
  const p = r.profile;
  const busy = total(p.ms);
  const first = r.scale.rows[0] as ScaleRow;
  const last = r.scale.rows.at(-1) as ScaleRow;
  const s = r.sizes;
  return {
    run: runTable(host, [
      { header: "minutes", value: fmt(r.minutes, 1), number: true },
      {
        header: "run",
        value: `${QUICK ? "`--quick`, not to commit: " : ""}${ROUNDS} rounds of ${OPS_PER_PHASE}, ${COLD_STARTS} cold starts, profile of ${PROFILED_CONTACTS}, \`up\` of ${SIZES.join(" / ")}`,
      },
    ]),
    "overhead-installed": overheadTable(r.over.installed),
    "overhead-latency": table(
      [
        "API latency ms",
        "at a time",
        "ops per phase × rounds",
        "provider/raw time: create / read / update / delete",
        "provider p50 − raw p50, ms: create / read / update / delete",
      ],
      r.over.latency.map((o) => [
        String(o.plan.latencyMs),
        String(o.plan.concurrency),
        `${o.plan.ops} × ${o.plan.rounds}`,
        CRUD.map((op) => median(o.ratios[op]).toFixed(2)).join(" / "),
        CRUD.map((op) => fmt(addedMs(o, op), 1)).join(" / "),
      ]),
      [0, 1],
    ),
    "overhead-linked": overheadTable(r.over.linked),
    "host-profile": table(
      ["where", "CPU ms", "share", "ms per RPC"],
      [
        ...(Object.keys(CATEGORIES) as (keyof typeof CATEGORIES)[]).map((key) => [
          CATEGORIES[key],
          fmt(p.ms[key], 0),
          `${Math.round((p.ms[key] / busy) * 100)}%`,
          fmt(p.ms[key] / p.rpcs, 3),
        ]),
        [
          `module loading, left out of the shares (${p.rpcs.toLocaleString("en-US")} RPCs profiled)`,
          fmt(p.startupMs, 0),
          "–",
          "–",
        ],
      ],
      [1, 2, 3],
    ),
    requests: table(
      ["resource", "check", "diff", "create", "read", "update", "delete", "`GET /v1/me` per host process"],
      r.counts.map((c) => [
        c.kind,
        c.perOp.check,
        c.perOp.diff,
        c.perOp.create,
        c.perOp.read,
        c.perOp.update,
        c.perOp.delete,
        String(c.me),
      ]),
    ),
    lookups: table(
      ["lookups in one program run", "API requests", "routes", "wall time ms"],
      [
        ["1 × `getAgent({ name })`", r.lookup.one],
        ["100 concurrent `getAgent({ name })`", r.lookup.hundred],
      ].map(([what, run]) => {
        const { requests, ms } = run as LookupCounts["one"];
        return [what as string, String(total(requests)), requestsByRoute(requests), fmt(ms)];
      }),
      [1, 3],
    ),
    sizes: table(
      [
        "resource",
        "`__provider` installed bytes",
        "`__provider` by value bytes",
        "state bytes/resource (linked)",
        "copies of `__provider` per entry",
        "state bytes/resource (installed, derived)",
      ],
      KINDS.map((kind) => {
        const st = s.state[kind];
        const derived = st.bytes - st.providerCopies * (s.linked[kind].length - s.installed[kind].length);
        return [
          kind,
          String(s.installed[kind].length),
          String(s.linked[kind].length),
          fmt(st.bytes, 0),
          String(st.providerCopies),
          fmt(derived, 0),
        ];
      }),
      [1, 2, 3, 4, 5],
    ),
    "state-total": table(
      ["resources in state", "whole state bytes", "bytes/resource", "linked text identical to the harness's"],
      [
        [
          String(s.totalResources),
          s.totalStateBytes.toLocaleString("en-US"),
          fmt(s.totalStateBytes / s.totalResources, 0),
          s.sameAsHarness ? "yes" : "**no**",
        ],
      ],
      [0, 1, 2],
    ),
    "contact-provider": ["```js", s.installed.Contact.trim(), "```"].join("\n"),
    "cold-start": table(
      [
        "mode",
        "spawn → port ms (median): Pulumi's host starting",
        "port → first Check answered ms (median): the provider's part",
        "spawn → first Check answered ms (median)",
        "range",
        "bare `node` ms",
        "host's modules ms",
        "`pulumi-romulus/provider` ms",
        "undici ms (at the first request)",
        "peak RSS after the first Check, MiB",
      ],
      r.cold.map((c) => [
        c.mode,
        fmt(median(c.portMs), 0),
        fmt(median(afterPort(c)), 0),
        fmt(median(c.checkMs), 0),
        `${fmt(Math.min(...c.checkMs), 0)}–${fmt(Math.max(...c.checkMs), 0)}`,
        fmt(c.bareNodeMs, 0),
        fmt(c.hostModulesMs, 0),
        fmt(c.providerModuleMs, 0),
        fmt(c.undiciMs, 0),
        fmt(c.hwmMiB, 0),
      ]),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    ),
    "host-memory": table(
      ["the linked host, after", "peak RSS (`VmHWM`) MiB"],
      [
        ["the `up` of 1,000 contacts", fmt(r.scale.hwmAfter1000, 0)],
        [`the \`up\` of ${last.n.toLocaleString("en-US")} contacts`, fmt(r.scale.hwmEnd, 0)],
      ],
      [1],
    ),
    scale: table(
      [
        "contacts",
        "`up` s",
        "resources/s",
        "ms/resource",
        `vs ${first.n}`,
        "program side s",
        "program ms/resource",
        "CPU harness / host / emulator",
        "host CPU ms/resource",
        `vs ${first.n}`,
        "API requests",
      ],
      r.scale.rows.map((row) => {
        const cpuTotal = (row.cpu.harness ?? 0) + (row.cpu.host ?? 0) + (row.cpu.emulator ?? 0);
        const share = (name: string) => `${Math.round(((row.cpu[name] ?? 0) / cpuTotal) * 100)}%`;
        return [
          row.n.toLocaleString("en-US"),
          fmt(row.upMs / 1000, 2),
          fmt(row.n / (row.upMs / 1000), 0),
          fmt(perResource(row), 2),
          (perResource(row) / perResource(first)).toFixed(2),
          fmt(row.programMs / 1000, 2),
          fmt(row.programMs / row.n, 2),
          `${share("harness")} / ${share("host")} / ${share("emulator")}`,
          fmt(hostPerResource(row), 2),
          (hostPerResource(row) / hostPerResource(first)).toFixed(2),
          String(row.requests),
        ];
      }),
      [0, 1, 2, 3, 4, 5, 6, 8, 9, 10],
    ),
    goals: goalsTable(r),
    explained: explainedTable(r),
  };
}

function goalsTable(r: Report): string {
  const counts = r.counts;
  const installed = r.over.installed;
  const installedCold = r.cold[0] as ColdStart;
  const first = r.scale.rows[0] as ScaleRow;
  const last = r.scale.rows.at(-1) as ScaleRow;
  const growth = perResource(last) / perResource(first);
  const hostGrowth = hostPerResource(last) / hostPerResource(first);
  const at1000 = r.scale.rows.find((row) => row.n === 1000);
  const ratios = (o: OverheadResult) => CRUD.map((op) => `${op} ${median(o.ratios[op]).toFixed(2)}`).join(", ");
  const oneEach = counts.every((c) =>
    CRUD.every((op) => c.perOp[op].startsWith("1.00 (") || c.perOp[op].startsWith("–")),
  );
  return table(
    ["goal", "measured", ""],
    [
      ...r.over.latency.map((o) => [
        `provider/raw time ≤ ${GOAL.overheadRatio} per operation, ${o.plan.concurrency} at a time, API ${o.plan.latencyMs} ms away`,
        `installed: ${ratios(o)}`,
        metText(worstRatio(o) <= GOAL.overheadRatio),
      ]),
      [
        `provider/raw time ≤ ${GOAL.overheadRatio} per operation, concurrency ${CONCURRENCY}, emulator answering at once`,
        `installed: ${ratios(installed)}; linked: ${ratios(r.over.linked)}`,
        metText(worstRatio(installed) <= GOAL.overheadRatio),
      ],
      [
        "check and diff: 0 API requests",
        counts.map((c) => `${c.kind} ${c.perOp.check}/${c.perOp.diff}`).join(", "),
        metText(counts.every((c) => c.perOp.check === "0" && c.perOp.diff === "0")),
      ],
      [
        "create, read, update, delete: 1 API request each",
        oneEach ? "1 each (a call-task subscription is replaced, never updated)" : "see the table above",
        metText(oneEach),
      ],
      [
        "one organization lookup per provider process",
        counts.map((c) => String(c.me)).join(", "),
        metText(counts.every((c) => c.me === 1)),
      ],
      [
        "one listing per kind per program run",
        `${total(r.lookup.one.requests)} requests for 1 lookup, ${total(r.lookup.hundred.requests)} for 100`,
        metText(total(r.lookup.hundred.requests) === total(r.lookup.one.requests)),
      ],
      [
        `cold start ≤ ${GOAL.coldStartMs} ms: the started host's first Check (port → first Check answered)`,
        r.cold.map((c) => `${c.mode.split(" (")[0]} ${fmt(median(afterPort(c)), 0)} ms`).join(", "),
        metText(median(afterPort(installedCold)) <= GOAL.coldStartMs),
      ],
      [
        `cold start ≤ ${GOAL.coldStartMs} ms counted from the spawn (spawn → first Check answered)`,
        `${r.cold.map((c) => `${c.mode.split(" (")[0]} ${fmt(median(c.checkMs), 0)} ms`).join(", ")}, of which Pulumi's host start-up ${fmt(median(installedCold.portMs), 0)} ms`,
        metText(Math.min(...r.cold.map((c) => median(c.checkMs))) <= GOAL.coldStartMs),
      ],
      [
        "`up` time linear in the number of resources",
        `ms/resource at ${last.n.toLocaleString("en-US")} = ${growth.toFixed(2)} × at ${first.n}`,
        metText(growth <= 1.25),
      ],
      [
        "the provider host's work linear in the number of resources",
        `host CPU ms/resource at ${last.n.toLocaleString("en-US")} = ${hostGrowth.toFixed(2)} × at ${first.n}`,
        metText(hostGrowth <= 1.25),
      ],
      [
        `\`up\` of 1,000 contacts at parallelism ${PARALLELISM}`,
        at1000 ? `${fmt(at1000.n / (at1000.upMs / 1000), 0)} resources/s` : "not run",
        "(no target)",
      ],
    ],
  );
}

/** The figures the doc's "What the numbers mean" quotes that no table above shows as such. */
function explainedTable(r: Report): string {
  const o = r.over.installed;
  const cpu = (s: PhaseStats, withHost: boolean) =>
    (s.cpu.bench + (withHost ? s.cpu.host : 0) + s.cpu.emulator) / s.ops;
  const providerCpu = median(CRUD.map((op) => cpu(o.provider[op], true)));
  const rawCpu = median(CRUD.map((op) => cpu(o.raw[op], false)));
  const contact = r.sizes.state.Contact;
  const copies = (text: string) => contact.providerCopies * text.length;
  const installedBytes = contact.bytes - copies(r.sizes.linked.Contact) + copies(r.sizes.installed.Contact);
  const medianAdded = (plan: OverheadResult) => median(CRUD.map((op) => addedMs(plan, op)));
  return table(
    ["figure", "value"],
    [
      ["CPU ms per operation, raw path (client + emulator), median over the four operations", fmt(rawCpu, 2)],
      ["CPU ms per operation, provider path (harness + host + emulator), median over the four", fmt(providerCpu, 2)],
      [
        "CPU ms per operation of the harness's gRPC client (provider path) / of the raw client",
        `${fmt(median(CRUD.map((op) => o.provider[op].cpu.bench / o.provider[op].ops)), 2)} / ${fmt(median(CRUD.map((op) => o.raw[op].cpu.bench / o.raw[op].ops)), 2)}`,
      ],
      [
        "worst provider/raw time ratio, emulator answering at once: installed / linked",
        `${fmt(worstRatio(o), 1)} / ${fmt(worstRatio(r.over.linked), 1)}`,
      ],
      [
        "provider/raw CPU ratio with pulumi-romulus's own work in the host at zero",
        fmt((providerCpu - r.profile.ms.provider / r.profile.rpcs) / rawCpu, 1),
      ],
      ...r.over.latency.map((plan) => [
        `ms the provider path adds per operation (p50 − p50, median over the four), API ${plan.plan.latencyMs} ms away, ${plan.plan.concurrency} at a time`,
        fmt(medianAdded(plan), 1),
      ]),
      [
        "share of a Contact's state entry that is `__provider`: linked / installed",
        `${Math.round((copies(r.sizes.linked.Contact) / contact.bytes) * 100)}% / ${Math.round((copies(r.sizes.installed.Contact) / installedBytes) * 100)}%`,
      ],
    ],
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
