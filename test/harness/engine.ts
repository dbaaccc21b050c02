/**
 * A small deployment engine over real provider hosts: it applies the Pulumi engine's step semantics
 * (pkg/resource/deploy/step_generator.go in pulumi/pulumi)
 * to what runProgram records, so a test can run up / preview / refresh / destroy end to end with the
 * real dynamic-provider host and the real serialised `__provider`.
 *
 * Faithful where it matters for dynamic providers:
 * - RPC order: startup GetPluginInfo → CheckConfig (UNIMPLEMENTED) → Configure; create Check({}, news) →
 *   Create; update Check(old inputs, news) → Diff(id, old outputs, checked) → Update; replace adds
 *   Check({}, news) → Create → Delete (or Delete first); refresh Read → Diff; get Read(id, inputs).
 * - Secrets: stripped before every CRUD call (the host reports acceptSecrets=false); outputs re-marked
 *   where their key matches a secret input, plus `additionalSecretOutputs`; state keeps the wrappers.
 * - Providers: the default `pulumi-nodejs` provider is configured with the whole stack config (its state
 *   inputs), each explicit provider with its own inputs, one host process per provider per operation
 *   (as each CLI run spawns fresh plugins). Refresh and destroy rebuild providers from state, so they
 *   run with the config stored by the last up, like the CLI (notes §2 caveat 3).
 * - DIFF_UNKNOWN falls back to comparing old and new inputs, `__provider` included, as the engine does.
 * - Aliases: a resource whose URN has no state takes over the state of the first of its `aliases` that has
 *   some (same id, same diff), and that old URN is neither deleted nor kept.
 * Simplified: components are not stored in state and get no steps; dependents are not ordered on
 * deletes (reverse state order); leftover read (static get) resources are dropped without a step.
 */
import { randomUUID } from "node:crypto";
import { HostRpcError, ProviderHost, type RpcMethod } from "./host";
import { type ProgramResult, type RegisteredResource, type RunProgramOptions, runProgram } from "./program";
import {
  annotateSecrets,
  deepEqual,
  type Json,
  makeSecret,
  markSecretKeys,
  type PropertyMap,
  stripSecrets,
  unwrapSecrets,
} from "./wire";

export interface StateResource {
  urn: string;
  type: string;
  id: string;
  /** Wire form, secret wrappers kept (what the engine writes, encrypted, to the checkpoint). */
  inputs: PropertyMap;
  outputs: PropertyMap;
  /** The provider's URN; for dynamic resources on the default provider that is the `default` one. */
  provider?: string;
  /** Registered with a static `get`: read, never created or deleted. */
  external?: boolean;
  additionalSecretOutputs?: string[];
  /** The object exists but its create failed after making it (`ErrorResourceInitFailed`): the next up updates it. */
  initErrors?: string[];
}

/** A create that left its object behind: the engine records `entry` in the state, then fails the step. */
export class InitFailedError extends Error {
  constructor(
    readonly rpcError: HostRpcError,
    readonly entry: StateResource,
  ) {
    super(rpcError.message, { cause: rpcError });
    this.name = "InitFailedError";
  }
}
/** JSON-serialisable: `JSON.parse(JSON.stringify(state))` is a valid state. */
export type State = StateResource[];

export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "read";
export interface Step {
  urn: string;
  type: string;
  op: StepOp;
  /** For replaces: the properties the provider said force it. */
  replaces?: string[];
  deleteBeforeReplace?: boolean;
}

export interface OperationResult {
  state: State;
  steps: Step[];
  /** Outputs per URN, wire form (secrets wrapped). */
  outputs: Record<string, PropertyMap>;
  /** RPCs this operation sent, summed over its hosts. */
  rpcCounts: Partial<Record<RpcMethod, number>>;
  durationMs: number;
}
export interface UpResult extends OperationResult {}
export interface ProgramUpResult extends UpResult {
  program: ProgramResult;
}
export interface RefreshResult extends OperationResult {
  /** URNs whose live object differs from what the program asked for (Diff said changes) or vanished. */
  changed: string[];
  /** URNs whose Read returned an empty id: gone, dropped from state. */
  deleted: string[];
}
export interface ExpectNoChangesResult {
  ok: boolean;
  /** Planned non-`same`, non-`read` steps after the refresh: what `--expect-no-changes` would fail on. */
  changes: Step[];
  refresh: RefreshResult;
  preview: OperationResult;
}

export interface EngineOptions {
  /** The program folder the hosts run in (see createProgramDir). */
  programDir: string;
  project?: string;
  stack?: string;
  /** Stack config, namespaced keys (`romulus:endpoint`). */
  config?: Record<string, string>;
  /** Secret stack config, plaintext as the engine holds it after decryption. */
  secretConfig?: Record<string, string>;
  /** Environment for the hosts, on top of this process's. */
  env?: Record<string, string>;
  /**
   * How many resource steps run at once, as `pulumi up --parallel N` sets it. Default
   * {@link DEFAULT_PARALLELISM}: the harness's own choice, not a claim about the CLI's default.
   */
  parallelism?: number;
  /** Initial state (default empty). */
  state?: State;
  /**
   * Keep provider hosts alive between operations (keyed by provider URN + config) instead of spawning
   * fresh ones per operation as the CLI does. Each spawn costs ~1 s of CPU loading @pulumi/pulumi; the
   * provider's module state then survives between operations, so leave it off where that matters.
   * Call `close()` when done.
   */
  reuseHosts?: boolean;
}

export interface OperationOptions {
  /** `--parallel` for this operation alone. Default: the Engine's `parallelism`. */
  parallelism?: number;
  /** Default: the engine's current state (the result of the previous operation). */
  state?: State;
}

/**
 * The parallelism an Engine runs at unless told: 16, as `pulumi up --parallel 16`. Chosen, not copied from
 * the CLI: its own default cannot be checked on machines without it, so nothing here claims to match it.
 */
export const DEFAULT_PARALLELISM = 16;

/**
 * The safety-net timeout of a test that runs operations through an Engine (`jest.setTimeout` in each such
 * file). Every operation spawns a provider host per provider, and each host loads @pulumi/pulumi: about a
 * second of CPU. A test of a few operations takes 5 to 15 s on an idle machine; with both cores busy with
 * other work, single tests of test/examples/environments.test.ts were seen passing 60 s. The tests wait for
 * their operations, never for time, so a generous limit only changes how long a hang takes to report.
 */
export const ENGINE_TEST_TIMEOUT_MS = 300_000;

export const PROVIDER_TYPE = "pulumi:providers:pulumi-nodejs";
const isProviderType = (t: string) => t.startsWith("pulumi:providers:");

/** Thrown when a step fails; carries the state as far as it got, like a partially failed `pulumi up`. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly result: OperationResult,
    readonly causes: unknown[],
  ) {
    super(message);
    this.name = "EngineError";
  }
}

/** A counting semaphore: what `--parallel N` bounds. */
export function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    while (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/**
 * One host per provider URN for the length of an operation, configured on first use with the startup
 * RPCs the engine sends (GetPluginInfo, CheckConfig, Configure). With `reuseHosts` the processes come
 * from (and go back to) the engine's cache keyed by provider URN + config, instead of being spawned
 * fresh, but every operation still sends its own startup RPCs.
 */
class HostPool {
  private readonly hosts = new Map<string, Promise<{ host: ProviderHost; mark: HostMark }>>();
  constructor(
    private readonly engine: Engine,
    private readonly argsFor: (providerUrn: string) => PropertyMap,
  ) {}

  get(providerUrn: string): Promise<ProviderHost> {
    let h = this.hosts.get(providerUrn);
    if (!h) {
      h = (async () => {
        const args = this.argsFor(providerUrn);
        const host = await this.engine.acquireHost(providerUrn, args);
        const mark = markOf(host);
        await host.getPluginInfo();
        await host.checkConfig(providerUrn, stripSecrets(args));
        await host.configureArgs(args);
        return { host, mark };
      })();
      this.hosts.set(providerUrn, h);
    }
    return h.then((x) => x.host);
  }

  async close(): Promise<{ counts: Partial<Record<RpcMethod, number>>; logs: HostLog[] }> {
    const counts: Partial<Record<RpcMethod, number>> = {};
    const logs: HostLog[] = [];
    for (const [urn, p] of this.hosts) {
      const got = await p.catch(() => undefined);
      if (!got) continue;
      const { host, mark } = got;
      await this.engine.releaseHost(host);
      for (const [k, v] of Object.entries(host.rpcCounts) as [RpcMethod, number][]) {
        const n = v - (mark.counts[k] ?? 0);
        if (n > 0) counts[k] = (counts[k] ?? 0) + n;
      }
      logs.push({ provider: urn, stdout: host.stdout.slice(mark.out), stderr: host.stderr.slice(mark.err) });
    }
    this.hosts.clear();
    return { counts, logs };
  }
}

interface HostMark {
  counts: Partial<Record<RpcMethod, number>>;
  out: number;
  err: number;
}
function markOf(host: ProviderHost): HostMark {
  return { counts: { ...host.rpcCounts }, out: host.stdout.length, err: host.stderr.length };
}

export interface HostLog {
  provider: string;
  stdout: string;
  stderr: string;
}

interface StepOutcome {
  step?: Step;
  entry?: StateResource;
  id?: string;
  outputs: PropertyMap;
}

export class Engine {
  /** The state after the last operation that writes state (up, refresh, destroy). */
  state: State;
  /** Output of every host process this engine has run, for log scans (e.g. "no secret in logs"). */
  readonly hostLogs: HostLog[] = [];
  private readonly totals: Partial<Record<RpcMethod, number>> = {};
  readonly project: string;
  readonly stack: string;
  readonly config: Record<string, string>;
  readonly secretConfigKeys: string[];

  constructor(private readonly opts: EngineOptions) {
    this.project = opts.project ?? "project";
    this.stack = opts.stack ?? "stack";
    this.state = opts.state ?? [];
    this.config = { ...opts.config, ...opts.secretConfig };
    this.secretConfigKeys = Object.keys(opts.secretConfig ?? {});
  }

  /** RPCs sent by every operation so far, by method. */
  get rpcTotals(): Readonly<Partial<Record<RpcMethod, number>>> {
    return this.totals;
  }

  private readonly cached = new Map<string, Promise<ProviderHost>>();

  /** @internal used by HostPool: a started host for this provider config, fresh or cached. */
  async acquireHost(providerUrn: string, args: PropertyMap): Promise<ProviderHost> {
    const start = () =>
      ProviderHost.start({
        programDir: this.opts.programDir,
        project: this.project,
        stack: this.stack,
        env: this.opts.env,
      });
    if (!this.opts.reuseHosts) return start();
    const key = `${providerUrn}\n${JSON.stringify(args)}`;
    let p = this.cached.get(key);
    if (!p) {
      p = start();
      this.cached.set(key, p);
      p.catch(() => this.cached.delete(key));
    }
    return p;
  }

  /** @internal used by HostPool */
  async releaseHost(host: ProviderHost): Promise<void> {
    if (!this.opts.reuseHosts) await host.stop();
  }

  /** Stops hosts kept by `reuseHosts`. Safe to call always. */
  async close(): Promise<void> {
    const hosts = await Promise.all([...this.cached.values()].map((p) => p.catch(() => undefined)));
    this.cached.clear();
    await Promise.all(hosts.map((h) => h?.stop()));
  }

  /** The `runProgram` options that match this engine's project, stack and config. */
  programOptions(extra: Partial<RunProgramOptions> = {}): RunProgramOptions {
    return {
      project: this.project,
      stack: this.stack,
      config: this.opts.config,
      secretConfig: this.opts.secretConfig,
      ...extra,
    };
  }

  get defaultProviderUrn(): string {
    return `urn:pulumi:${this.stack}::${this.project}::${PROVIDER_TYPE}::default`;
  }

  /** The default provider's inputs: the whole stack config, secret values wrapped. */
  defaultProviderInputs(): PropertyMap {
    const inputs: PropertyMap = {};
    for (const [k, v] of Object.entries(this.config)) inputs[k] = this.secretConfigKeys.includes(k) ? makeSecret(v) : v;
    return inputs;
  }

  // ---------------------------------------------------------------- up / preview

  /** `pulumi up` for resources recorded by runProgram (their inputs are already resolved). */
  async up(resources: RegisteredResource[], opts: OperationOptions = {}): Promise<UpResult> {
    const result = await this.deploy(resources, opts, false);
    this.state = result.state;
    return result;
  }

  /** `pulumi preview`: Check (and Diff for existing resources), nothing created, updated or deleted. */
  async preview(resources: RegisteredResource[], opts: OperationOptions = {}): Promise<OperationResult> {
    return this.deploy(resources, opts, true);
  }

  /**
   * `pulumi up` with the program running live against this engine: each registration waits for its
   * real step, so later resources see real ids and outputs, as under the CLI.
   */
  async upProgram(
    program: () => unknown | Promise<unknown>,
    opts: OperationOptions & { run?: Partial<RunProgramOptions> } = {},
  ): Promise<ProgramUpResult> {
    const result = await this.deployProgram(program, opts, false);
    this.state = result.state;
    return result;
  }

  /** `pulumi preview` with the program running live (unknown outputs flow into dependents). */
  async previewProgram(
    program: () => unknown | Promise<unknown>,
    opts: OperationOptions & { run?: Partial<RunProgramOptions> } = {},
  ): Promise<ProgramUpResult> {
    return this.deployProgram(program, opts, true);
  }

  private async deployProgram(
    program: () => unknown | Promise<unknown>,
    opts: OperationOptions & { run?: Partial<RunProgramOptions> },
    preview: boolean,
  ): Promise<ProgramUpResult> {
    const run = this.startDeployment(opts, preview);
    let programResult: ProgramResult | undefined;
    let failure: unknown;
    try {
      programResult = await runProgram(
        program,
        this.programOptions({ ...opts.run, preview, resolve: (r) => run.register(r) }),
      );
    } catch (e) {
      failure = e;
    }
    const result = await run.finish(failure === undefined);
    if (failure !== undefined) throw new EngineError(String(failure), result, [failure, ...run.errors]);
    return { ...result, program: programResult as ProgramResult };
  }

  private async deploy(
    resources: RegisteredResource[],
    opts: OperationOptions,
    preview: boolean,
  ): Promise<OperationResult> {
    const run = this.startDeployment(opts, preview);
    // Every provider is known up front here, so spawn their hosts in parallel rather than on first use.
    for (const r of resources) if (isProviderType(r.type)) run.providerInputs.set(r.urn, r.inputs);
    const used = new Set(resources.filter((r) => r.custom && !isProviderType(r.type)).map((r) => r.provider?.urn));
    for (const urn of used) run.hosts.get(urn ?? this.defaultProviderUrn).catch(() => undefined);
    await Promise.all(resources.map((r) => run.register(r).catch(() => undefined)));
    return run.finish(true);
  }

  /** The shared core of up/preview: a registration callback plus a finisher that deletes leftovers. */
  private startDeployment(opts: OperationOptions, preview: boolean) {
    const started = Date.now();
    const old = opts.state ?? this.state;
    const oldByUrn = new Map(old.map((e) => [e.urn, e]));
    /** Old URNs a resource took over through its `aliases`: renamed, neither deleted nor kept twice. */
    const aliased = new Set<string>();
    /** The old state of a resource: under its URN, or else under the first of its aliases that has one. */
    const priorOf = (r: RegisteredResource): StateResource | undefined => {
      const own = oldByUrn.get(r.urn);
      if (own) return own;
      const alias = r.aliases.find((urn) => oldByUrn.has(urn));
      if (alias === undefined) return undefined;
      aliased.add(alias);
      return { ...oldByUrn.get(alias)!, urn: r.urn };
    };
    const providerInputs = new Map<string, PropertyMap>();
    const limit = limiter(opts.parallelism ?? this.opts.parallelism ?? DEFAULT_PARALLELISM);
    const hosts = new HostPool(this, (urn) => {
      if (urn === this.defaultProviderUrn) return this.defaultProviderInputs();
      const inputs = providerInputs.get(urn) ?? oldByUrn.get(urn)?.inputs;
      if (!inputs) throw new Error(`unknown provider ${urn}`);
      return inputs;
    });
    const entries = new Map<string, StateResource | null>(); // insertion order = registration order
    const steps: Step[] = [];
    const outputs: Record<string, PropertyMap> = {};
    const errors: unknown[] = [];
    let defaultProvider: Promise<void> | undefined;

    const providerStep = (urn: string, type: string, inputs: PropertyMap): StepOutcome => {
      const prior = oldByUrn.get(urn);
      const op: StepOp = !prior ? "create" : deepEqual(prior.inputs, inputs) ? "same" : "update";
      const id = prior?.id ?? (preview ? undefined : randomUUID());
      const entry: StateResource = { urn, type, id: id ?? "", inputs, outputs: inputs };
      return { step: { urn, type, op }, entry, id, outputs: inputs };
    };
    const ensureDefaultProvider = () => {
      defaultProvider ??= (async () => {
        const urn = this.defaultProviderUrn;
        entries.set(urn, null);
        const o = providerStep(urn, PROVIDER_TYPE, this.defaultProviderInputs());
        record(urn, o);
      })();
      return defaultProvider;
    };
    const record = (urn: string, o: StepOutcome) => {
      if (o.step) steps.push(o.step);
      entries.set(urn, o.entry ?? null);
      outputs[urn] = o.outputs;
    };

    const register = async (r: RegisteredResource): Promise<{ id?: string; outputs: PropertyMap }> => {
      entries.set(r.urn, null);
      if (isProviderType(r.type)) {
        providerInputs.set(r.urn, r.inputs);
        const o = providerStep(r.urn, r.type, r.inputs);
        record(r.urn, o);
        return o;
      }
      if (!r.custom) {
        entries.delete(r.urn);
        return { id: undefined, outputs: r.inputs };
      }
      const providerUrn = r.provider?.urn ?? this.defaultProviderUrn;
      if (!r.provider) await ensureDefaultProvider();
      const prior = priorOf(r);
      try {
        const o = await limit(() => this.resourceStep(r, providerUrn, prior, hosts, preview));
        record(r.urn, o);
        return o;
      } catch (e) {
        errors.push(e);
        // Like the engine, a failed step leaves the old state of that resource in place, unless the
        // provider said the object was made anyway: then the engine records it, with its init errors.
        entries.set(r.urn, e instanceof InitFailedError ? e.entry : (prior ?? null));
        throw e;
      }
    };

    const finish = async (deleteLeftovers: boolean): Promise<OperationResult> => {
      try {
        if (deleteLeftovers && errors.length === 0) {
          const gone = old.filter((e) => !entries.has(e.urn) && !aliased.has(e.urn)).reverse();
          const managed = gone.filter((e) => !isProviderType(e.type) && !e.external);
          await Promise.all(
            managed.map((e) =>
              limit(async () => {
                if (!preview) {
                  const host = await hosts.get(e.provider ?? this.defaultProviderUrn);
                  await host.delete(e.id, e.urn, stripSecrets(e.outputs), stripSecrets(e.inputs));
                }
                steps.push({ urn: e.urn, type: e.type, op: "delete" });
              }).catch((err: unknown) => {
                errors.push(err);
                entries.set(e.urn, e);
              }),
            ),
          );
          for (const e of gone.filter((x) => isProviderType(x.type))) {
            if (errors.length === 0) steps.push({ urn: e.urn, type: e.type, op: "delete" });
            else entries.set(e.urn, e);
          }
        } else if (!deleteLeftovers || errors.length > 0) {
          // Nothing is deleted after a failure: keep what the old state had.
          for (const e of old) if (!entries.has(e.urn) && !aliased.has(e.urn)) entries.set(e.urn, e);
        }
      } catch (err) {
        errors.push(err);
      }
      // Hosts are stopped whatever happened, and the result carries the RPCs they served.
      const { counts, logs } = await hosts.close();
      this.account(counts, logs);
      const state = preview ? old : [...entries.values()].filter((e): e is StateResource => e !== null);
      const result: OperationResult = { state, steps, outputs, rpcCounts: counts, durationMs: Date.now() - started };
      if (errors.length > 0) throw new EngineError(describe(errors), result, errors);
      return result;
    };

    return { register, finish, errors, hosts, providerInputs };
  }

  /** The step generator for one custom resource. */
  private async resourceStep(
    r: RegisteredResource,
    providerUrn: string,
    prior: StateResource | undefined,
    hosts: HostPool,
    preview: boolean,
  ): Promise<StepOutcome> {
    const host = await hosts.get(providerUrn);
    const base = {
      urn: r.urn,
      type: r.type,
      provider: providerUrn,
      additionalSecretOutputs: r.additionalSecretOutputs,
    };
    const finalOutputs = (props: PropertyMap, inputs: PropertyMap) =>
      markSecretKeys(annotateSecrets(props, inputs), r.additionalSecretOutputs);

    if (r.read) {
      // Static get: Read(id, inputs) with empty properties; the host falls back to inputs.
      const id = r.id ?? "";
      const res = await host.read(id, r.urn, {}, stripSecrets(r.inputs));
      if (!res.id) throw new Error(`resource '${id}' does not exist (get of ${r.urn})`);
      const outs = finalOutputs(res.properties, r.inputs);
      return {
        step: { urn: r.urn, type: r.type, op: "read" },
        entry: { ...base, id: res.id, inputs: r.inputs, outputs: outs, external: true },
        id: res.id,
        outputs: outs,
      };
    }

    const check = async (olds: PropertyMap) => {
      const res = await host.check(r.urn, stripSecrets(olds), stripSecrets(r.inputs));
      if (res.failures.length > 0) {
        const why = res.failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
        throw new Error(`${r.urn}: check failed: ${why}`);
      }
      return annotateSecrets(res.inputs, r.inputs);
    };
    const create = async (checked: PropertyMap) => {
      try {
        const res = await host.create(r.urn, stripSecrets(checked));
        const outs = finalOutputs(res.properties, checked);
        return { id: res.id, outs };
      } catch (e) {
        const failed = e instanceof HostRpcError ? e.initFailure : undefined;
        if (!failed) throw e;
        const outputs = finalOutputs(failed.properties, checked);
        const initErrors = failed.reasons.length > 0 ? failed.reasons : [(e as HostRpcError).details];
        throw new InitFailedError(e as HostRpcError, { ...base, id: failed.id, inputs: checked, outputs, initErrors });
      }
    };
    const deleteOld = async (old: StateResource) => {
      const oldHost = await hosts.get(old.provider ?? this.defaultProviderUrn);
      await oldHost.delete(old.id, old.urn, stripSecrets(old.outputs), stripSecrets(old.inputs));
    };

    if (!prior || prior.external) {
      const checked = await check({});
      if (preview) return { step: { urn: r.urn, type: r.type, op: "create" }, id: undefined, outputs: checked };
      const { id, outs } = await create(checked);
      return {
        step: { urn: r.urn, type: r.type, op: "create" },
        entry: { ...base, id, inputs: checked, outputs: outs },
        id,
        outputs: outs,
      };
    }

    const checked = await check(prior.inputs);
    const diff = await host.diff(
      prior.id,
      r.urn,
      stripSecrets(prior.outputs),
      stripSecrets(checked),
      stripSecrets(prior.inputs),
    );
    let replaces = diff.replaces;
    // A resource recorded with init errors is updated whatever Diff says (step_generator.go, hasInitErrors).
    let changed = diff.changes === "some" || (prior.initErrors?.length ?? 0) > 0;
    if (diff.changes === "unknown") {
      // The engine's fallback: diff old inputs against new ones, `__provider` included (notes §5).
      const changedKeys = unionKeys(prior.inputs, checked).filter((k) => !deepEqual(prior.inputs[k], checked[k]));
      changed = changedKeys.length > 0;
      replaces = changedKeys.filter((k) => r.replaceOnChanges.includes(k) || r.replaceOnChanges.includes("*"));
    }
    if (!changed) {
      // A same step records the new inputs and keeps the old outputs.
      const entry = { ...base, id: prior.id, inputs: checked, outputs: prior.outputs };
      return { step: { urn: r.urn, type: r.type, op: "same" }, entry, id: prior.id, outputs: prior.outputs };
    }
    if (replaces.length === 0) {
      const step: Step = { urn: r.urn, type: r.type, op: "update" };
      if (preview) return { step, id: prior.id, outputs: { ...prior.outputs, ...checked } };
      const res = await host.update(
        prior.id,
        r.urn,
        stripSecrets(prior.outputs),
        stripSecrets(checked),
        stripSecrets(prior.inputs),
      );
      const outs = finalOutputs(res.properties, checked);
      return { step, entry: { ...base, id: prior.id, inputs: checked, outputs: outs }, id: prior.id, outputs: outs };
    }
    const deleteBeforeReplace = diff.deleteBeforeReplace || r.deleteBeforeReplace;
    const step: Step = { urn: r.urn, type: r.type, op: "replace", replaces, deleteBeforeReplace };
    // The engine checks the replacement again as a fresh resource (step_generator.go 2002-2022).
    const rechecked = await check({});
    if (preview) return { step, id: undefined, outputs: rechecked };
    if (deleteBeforeReplace) await deleteOld(prior);
    const { id, outs } = await create(rechecked);
    if (!deleteBeforeReplace) await deleteOld(prior);
    return { step, entry: { ...base, id, inputs: rechecked, outputs: outs }, id, outputs: outs };
  }

  // ---------------------------------------------------------------- refresh / destroy

  /** `pulumi refresh`: Read every resource, drop the vanished ones, report drift via Diff. */
  async refresh(state: State = this.state, opts: OperationOptions = {}): Promise<RefreshResult> {
    const result = await this.doRefresh(state, opts);
    this.state = result.state;
    return result;
  }

  private stateHosts(state: State): HostPool {
    const byUrn = new Map(state.map((e) => [e.urn, e]));
    // Providers are rebuilt from state, so refresh and destroy use the config of the last up.
    return new HostPool(this, (urn) => {
      const e = byUrn.get(urn);
      if (e) return e.inputs;
      if (urn === this.defaultProviderUrn) return this.defaultProviderInputs();
      throw new Error(`provider ${urn} is not in state`);
    });
  }

  private async doRefresh(state: State, opts: OperationOptions): Promise<RefreshResult> {
    const started = Date.now();
    const hosts = this.stateHosts(state);
    const limit = limiter(opts.parallelism ?? this.opts.parallelism ?? DEFAULT_PARALLELISM);
    const next: (StateResource | null)[] = [...state];
    const changed: string[] = [];
    const deleted: string[] = [];
    const outputs: Record<string, PropertyMap> = {};
    const errors: unknown[] = [];
    await Promise.all(
      state.map((e, i) =>
        limit(async () => {
          if (isProviderType(e.type)) return;
          const host = await hosts.get(e.provider ?? this.defaultProviderUrn);
          const res = await host.read(e.id, e.urn, stripSecrets(e.outputs), stripSecrets(e.inputs));
          if (!res.id) {
            next[i] = null;
            deleted.push(e.urn);
            changed.push(e.urn);
            return;
          }
          // The engine re-marks read outputs against both the old inputs and the old outputs.
          const aso = e.additionalSecretOutputs ?? [];
          const outs = markSecretKeys(annotateSecrets(annotateSecrets(res.properties, e.inputs), e.outputs), aso);
          const inputs = res.inputs ? annotateSecrets(res.inputs, e.inputs) : e.inputs;
          next[i] = { ...e, id: res.id, inputs, outputs: outs };
          outputs[e.urn] = outs;
          if (e.external) {
            if (!deepEqual(outs, e.outputs)) changed.push(e.urn);
            return;
          }
          // Refresh's drift check: Diff(olds = refreshed outputs, news = the inputs now in state).
          const diff = await host.diff(res.id, e.urn, stripSecrets(outs), stripSecrets(inputs), stripSecrets(inputs));
          const drifted = diff.changes === "some" || (diff.changes === "unknown" && !deepEqual(outs, e.outputs));
          if (drifted) changed.push(e.urn);
        }).catch((err: unknown) => {
          errors.push(err);
        }),
      ),
    );
    const { counts, logs } = await hosts.close();
    this.account(counts, logs);
    const steps: Step[] = state
      .filter((e) => !isProviderType(e.type))
      .map((e) => ({ urn: e.urn, type: e.type, op: deleted.includes(e.urn) ? "delete" : "read" }));
    const result: RefreshResult = {
      state: next.filter((e): e is StateResource => e !== null),
      steps,
      outputs,
      rpcCounts: counts,
      durationMs: Date.now() - started,
      changed,
      deleted,
    };
    if (errors.length > 0) throw new EngineError(describe(errors), result, errors);
    return result;
  }

  /** `pulumi preview --refresh --expect-no-changes`: refresh (not saved), then preview against it. */
  async previewRefreshExpectNoChanges(
    resources: RegisteredResource[],
    state: State = this.state,
  ): Promise<ExpectNoChangesResult> {
    const refresh = await this.doRefresh(state, {});
    const preview = await this.deploy(resources, { state: refresh.state }, true);
    const changes = preview.steps.filter((s) => s.op !== "same" && s.op !== "read");
    return { ok: changes.length === 0, changes, refresh, preview };
  }

  /** `pulumi destroy`: Delete every managed resource (reverse order), then forget providers. */
  async destroy(state: State = this.state, opts: OperationOptions = {}): Promise<OperationResult> {
    const started = Date.now();
    const hosts = this.stateHosts(state);
    const limit = limiter(opts.parallelism ?? this.opts.parallelism ?? DEFAULT_PARALLELISM);
    const remaining = new Set(state.map((e) => e.urn));
    const steps: Step[] = [];
    const errors: unknown[] = [];
    await Promise.all(
      [...state]
        .reverse()
        .filter((e) => !isProviderType(e.type))
        .map((e) =>
          limit(async () => {
            if (!e.external) {
              const host = await hosts.get(e.provider ?? this.defaultProviderUrn);
              await host.delete(e.id, e.urn, stripSecrets(e.outputs), stripSecrets(e.inputs));
              steps.push({ urn: e.urn, type: e.type, op: "delete" });
            }
            remaining.delete(e.urn);
          }).catch((err: unknown) => {
            errors.push(err);
          }),
        ),
    );
    for (const e of state) {
      if (isProviderType(e.type) && errors.length === 0) {
        steps.push({ urn: e.urn, type: e.type, op: "delete" });
        remaining.delete(e.urn);
      }
    }
    const { counts, logs } = await hosts.close();
    this.account(counts, logs);
    const result: OperationResult = {
      state: state.filter((e) => remaining.has(e.urn)),
      steps,
      outputs: {},
      rpcCounts: counts,
      durationMs: Date.now() - started,
    };
    this.state = result.state;
    if (errors.length > 0) throw new EngineError(describe(errors), result, errors);
    return result;
  }

  private account(counts: Partial<Record<RpcMethod, number>>, logs: HostLog[]): void {
    for (const [k, v] of Object.entries(counts) as [RpcMethod, number][]) this.totals[k] = (this.totals[k] ?? 0) + v;
    this.hostLogs.push(...logs);
  }
}

function unionKeys(a: PropertyMap, b: PropertyMap): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

function describe(errors: unknown[]): string {
  return errors.map((e) => (e instanceof HostRpcError || e instanceof Error ? e.message : String(e))).join("\n");
}

/** Plain values of a wire map, secrets unwrapped: handy for assertions. */
export function plain(map: PropertyMap | undefined): Record<string, Json> {
  return unwrapSecrets(map ?? {}).value as Record<string, Json>;
}

/** Finds a state entry by resource name (the last URN segment). */
export function byName(state: State, name: string): StateResource | undefined {
  return state.find((e) => e.urn.endsWith(`::${name}`));
}
