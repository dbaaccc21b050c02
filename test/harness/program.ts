/**
 * Runs a Pulumi program in-process against a mock resource monitor and records every registration
 * exactly as the language host would send it to the engine: the raw `RegisterResourceRequest` struct
 * (secret wrappers, unknown sentinels and `__provider` as its serialised text) plus the resource options
 * the engine acts on. This is the "program side" of proving `pulumi up` without the Pulumi CLI.
 *
 * Why not just `setMocks` + `newResource`? The mock only sees *deserialised* inputs (secrets unwrapped,
 * unknowns gone) and none of the options (additionalSecretOutputs, deleteBeforeReplace, parent...). So we
 * let `setMocks` install its MockMonitor, then replace that one instance's registerResource /
 * readResource / registerResourceOutputs with versions that read the raw request.
 *
 * Isolation between runs: @pulumi/pulumi keeps its per-run state (options, config, stack resource,
 * monitor, feature flags, log error count) in a `LocalStore` looked up through AsyncLocalStorage and
 * falling back to a process-global one. We run every program inside `runtime/state.withLocalStorage`,
 * the same mechanism the Automation API's LanguageServer uses for each inline-program run, so nothing
 * leaks between runs in one jest worker and no module registry reset (jest.isolateModules) is needed.
 * What stays shared on purpose: the dynamic-provider serialisation cache (a WeakMap keyed by provider
 * object, as in a real long-lived program) and resource-module registrations.
 * Do not run two programs concurrently in one process: the unhandled-rejection trap is process-wide.
 */
import * as vm from "node:vm";
import * as pulumi from "@pulumi/pulumi";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { type Json, type PropertyMap, secretKeys, unwrapSecrets } from "./wire";

/** The explicit provider a resource was registered with, resolved to the provider resource. */
export interface ProviderReference {
  /** The raw `urn::id` reference the SDK sent. */
  ref: string;
  urn: string;
  id: string;
  /** The provider resource's inputs (wire form): for `pulumi-nodejs` these become the Configure args. */
  inputs: PropertyMap;
}

export interface RegisteredResource {
  urn: string;
  type: string;
  name: string;
  parent: string;
  /** false for components. */
  custom: boolean;
  /** true when registered through ReadResource (a static `get`); `id` is then the looked-up id. */
  read: boolean;
  /** The id for static `get` / read resources, or the `import` option's id; undefined otherwise. */
  id?: string;
  /** Wire form: secret wrappers kept, unknowns as the sentinel, `__provider` as its serialised string. */
  inputs: PropertyMap;
  provider?: ProviderReference;
  additionalSecretOutputs: string[];
  /** Top-level input keys whose value is secret-wrapped. */
  secretInputKeys: string[];
  deleteBeforeReplace: boolean;
  replaceOnChanges: string[];
  ignoreChanges: string[];
  dependencies: string[];
  /** URNs the resource had before (the `aliases` option, alias specs resolved as the engine resolves them). */
  aliases: string[];
}

/** What the monitor answers a registration with; `outputs` in wire form. */
export interface RegistrationAnswer {
  id?: string;
  outputs: PropertyMap;
}

export interface RunProgramOptions {
  project?: string;
  stack?: string;
  /** Stack config. Keys are namespaced (`romulus:apiKey`); a bare key gets the project's namespace. */
  config?: Record<string, string>;
  /** Secret stack config, decrypted as the CLI hands it to the program; `Config.requireSecret` works on it. */
  secretConfig?: Record<string, string>;
  preview?: boolean;
  /**
   * Answers each registration the way the engine would. Default: outputs = inputs, id = `<name>-id`
   * (undefined during preview, so ids are unknown like a real preview of new resources). The engine
   * harness plugs in here to run the real provider steps and return real outputs.
   */
  resolve?: (resource: RegisteredResource) => Promise<RegistrationAnswer | undefined>;
}

export interface ProgramResult {
  project: string;
  stack: string;
  stackUrn: string;
  /** Every registered resource except the root stack, in registration order. */
  resources: RegisteredResource[];
  /** Stack outputs with secrets unwrapped. */
  exports: Record<string, Json>;
  /** Stack outputs in wire form (secret wrappers kept). */
  exportsWire: PropertyMap;
  /** Paths of secret values within `exports`. */
  secretExportPaths: string[];
  /** Stack config as the engine holds it: namespaced keys, plain values. */
  config: Record<string, string>;
  /** Which keys of `config` are secret. */
  secretConfigKeys: string[];
}

// The pieces of @pulumi/pulumi's internals we rely on. Their .d.ts files strip @internal members, so the
// shapes are declared here, narrowly, and checked at runtime where it matters.
interface RuntimeStateModule {
  withLocalStorage<T>(callback: () => Promise<T>): Promise<T>;
  getStore(): { settings: { monitor?: unknown } };
}
type UnaryCallback<T> = (err: Error | null, resp?: T) => void;
interface MockMonitorInstance {
  resources: Map<string, { urn: string; id: string | null; state: unknown }>;
  registerResource(req: resproto.RegisterResourceRequest, cb: UnaryCallback<resproto.RegisterResourceResponse>): void;
  readResource(req: resproto.ReadResourceRequest, cb: UnaryCallback<resproto.ReadResourceResponse>): void;
  registerResourceOutputs(req: resproto.RegisterResourceOutputsRequest, cb: UnaryCallback<object>): void;
}

// A deep import of an internal module whose .d.ts is empty, hence require + the local interface.
const runtimeState: RuntimeStateModule = require("@pulumi/pulumi/runtime/state");

const STACK_TYPE = "pulumi:pulumi:Stack";

/** Every method of `mock` (its class's), bound to it, on an object that is no MockMonitor. */
function engineStandIn(mock: MockMonitorInstance): MockMonitorInstance {
  const standIn: Record<string, unknown> = {};
  const methods = mock as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(mock))) {
    const method = methods[name];
    if (name !== "constructor" && typeof method === "function") standIn[name] = method.bind(mock);
  }
  standIn.resources = mock.resources;
  return standIn as unknown as MockMonitorInstance;
}

function structToMap(s: Struct | undefined): PropertyMap {
  return (s?.toJavaScript() ?? {}) as PropertyMap;
}

function parseProviderRef(ref: string): { urn: string; id: string } {
  const i = ref.lastIndexOf("::");
  return i < 0 ? { urn: ref, id: "" } : { urn: ref.slice(0, i), id: ref.slice(i + 2) };
}

/**
 * Routes the real process's unhandledRejection/uncaughtException to `onFailure` until the returned
 * function is called. Two jest facts force the shape: the `process` a test sees is a copy whose `on`
 * never fires (jest-util createProcessObject), so we reach the real one through `vm.runInThisContext`,
 * which evaluates in Node's main context; and jest-circus keeps its own listeners there that would fail
 * the *test* with the error, so they are set aside (as jest-circus itself does) and restored afterwards.
 * Outside jest `runInThisContext("process")` is simply the process.
 */
export function trapProcessFailures(onFailure: (err: unknown) => void): () => void {
  // Typed as a bare emitter: Process.on's per-event overloads do not accept a union of event names.
  const real = vm.runInThisContext("process") as NodeJS.EventEmitter;
  const events = ["unhandledRejection", "uncaughtException"];
  const saved = events.map((e) => real.listeners(e) as ((...args: unknown[]) => void)[]);
  for (const e of events) {
    real.removeAllListeners(e);
    real.on(e, onFailure);
  }
  return () => {
    events.forEach((e, i) => {
      real.off(e, onFailure);
      for (const l of saved[i] ?? []) real.on(e, l);
    });
  };
}

function namespaced(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

/** Runs `program` as `pulumi up` (or preview) would and returns what the engine would have received. */
export async function runProgram(
  program: () => unknown | Promise<unknown>,
  opts: RunProgramOptions = {},
): Promise<ProgramResult> {
  const project = opts.project ?? "project";
  const stack = opts.stack ?? "stack";
  const preview = opts.preview ?? false;
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.config ?? {})) config[namespaced(k, project)] = v;
  const secretConfigKeys: string[] = [];
  for (const [k, v] of Object.entries(opts.secretConfig ?? {})) {
    const key = namespaced(k, project);
    config[key] = v;
    secretConfigKeys.push(key);
  }

  const resources: RegisteredResource[] = [];
  const byUrn = new Map<string, RegisteredResource>();
  let stackUrn = "";
  let exportsWire: PropertyMap = {};
  const resolve =
    opts.resolve ??
    (async (r: RegisteredResource): Promise<RegistrationAnswer> => ({
      id: r.id ?? (preview || !r.custom ? undefined : `${r.name}-id`),
      outputs: r.inputs,
    }));

  // Unhandled rejections are how the SDK reports a failed `__provider` serialisation ("error serializing
  // property __provider"): the registration never reaches the monitor and the program otherwise "succeeds".
  const failures: unknown[] = [];
  const restoreTraps = trapProcessFailures((err) => failures.push(err));
  try {
    await runtimeState.withLocalStorage(async () => {
      await pulumi.runtime.setMocks(
        {
          // Never called: the overrides below answer registrations themselves.
          newResource: (args) => ({ id: args.id, state: args.inputs }),
          call: (args) => args.inputs,
        },
        project,
        stack,
        preview,
      );
      pulumi.runtime.setAllConfig(config, secretConfigKeys);
      const mock = runtimeState.getStore().settings.monitor as MockMonitorInstance;
      if (!(mock?.resources instanceof Map)) {
        throw new Error("harness: @pulumi/pulumi's MockMonitor changed shape; update test/harness/program.ts");
      }
      // The program must see an engine, not mocks: pulumi-romulus checks resources in the program and
      // sends data sources to the mocks' `call` when its monitor is a MockMonitor (src/mocks.ts), while
      // here the real provider host checks and the data sources reach the emulator, as in `pulumi up`. So
      // the program's monitor is a plain object with the MockMonitor's methods, bound to it.
      const monitor = engineStandIn(mock);
      runtimeState.getStore().settings.monitor = monitor;

      const record = async (r: RegisteredResource): Promise<RegistrationAnswer> => {
        resources.push(r);
        byUrn.set(r.urn, r);
        const answer = (await resolve(r)) ?? { id: r.id, outputs: r.inputs };
        mock.resources.set(r.urn, { urn: r.urn, id: answer.id ?? null, state: answer.outputs });
        return answer;
      };
      // The engine's URN rule (resource.NewURN): the type is qualified by the parent's qualified type,
      // except under the root stack. MockMonitor.newUrn always qualifies, which real runs never do.
      const newUrn = (parent: string, type: string, name: string, where = { stack, project }): string => {
        const qualified = parent && parent !== stackUrn ? `${parent.split("::")[2]}$${type}` : type;
        return `urn:pulumi:${where.stack}::${where.project}::${qualified}::${name}`;
      };
      // The engine's alias resolution (resource_monitor's aliases): an unset name, type, stack or project is
      // the resource's own; a spec without a parent keeps the resource's parent; `noParent` means top level.
      const aliasUrns = (req: resproto.RegisterResourceRequest): string[] => [
        ...req.getAliasurnsList(),
        ...req.getAliasesList().map((alias) => {
          const spec = alias.getSpec();
          if (!spec) return alias.getUrn();
          const parent = spec.getNoparent() ? "" : spec.getParenturn() || req.getParent();
          return newUrn(parent, spec.getType() || req.getType(), spec.getName() || req.getName(), {
            stack: spec.getStack() || stack,
            project: spec.getProject() || project,
          });
        }),
      ];
      const providerOf = (ref: string): ProviderReference | undefined => {
        if (!ref) return undefined;
        const { urn, id } = parseProviderRef(ref);
        return { ref, urn, id, inputs: byUrn.get(urn)?.inputs ?? {} };
      };

      monitor.registerResource = (req, cb) => {
        if (req.getType() === STACK_TYPE && !req.getParent()) {
          stackUrn = newUrn("", STACK_TYPE, req.getName());
          const resp = new resproto.RegisterResourceResponse();
          resp.setUrn(stackUrn);
          resp.setObject(Struct.fromJavaScript({}));
          cb(null, resp);
          return;
        }
        const urn = newUrn(req.getParent(), req.getType(), req.getName());
        const inputs = structToMap(req.getObject());
        const r: RegisteredResource = {
          urn,
          type: req.getType(),
          name: req.getName(),
          parent: req.getParent(),
          custom: req.getCustom(),
          read: false,
          id: req.getImportid() || undefined,
          inputs,
          provider: providerOf(req.getProvider()),
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
          secretInputKeys: secretKeys(inputs),
          deleteBeforeReplace: req.getDeletebeforereplace(),
          replaceOnChanges: req.getReplaceonchangesList(),
          ignoreChanges: req.getIgnorechangesList(),
          dependencies: req.getDependenciesList(),
          aliases: aliasUrns(req),
        };
        record(r).then(
          (answer) => {
            const resp = new resproto.RegisterResourceResponse();
            resp.setUrn(urn);
            resp.setId(answer.id ?? "");
            resp.setObject(Struct.fromJavaScript(answer.outputs));
            cb(null, resp);
          },
          (err: Error) => cb(err),
        );
      };

      monitor.readResource = (req, cb) => {
        const urn = newUrn(req.getParent(), req.getType(), req.getName());
        const inputs = structToMap(req.getProperties());
        const r: RegisteredResource = {
          urn,
          type: req.getType(),
          name: req.getName(),
          parent: req.getParent(),
          custom: true,
          read: true,
          id: req.getId(),
          inputs,
          provider: providerOf(req.getProvider()),
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
          secretInputKeys: secretKeys(inputs),
          deleteBeforeReplace: false,
          replaceOnChanges: [],
          ignoreChanges: [],
          dependencies: req.getDependenciesList(),
          aliases: [],
        };
        record(r).then(
          (answer) => {
            const resp = new resproto.ReadResourceResponse();
            resp.setUrn(urn);
            resp.setProperties(Struct.fromJavaScript(answer.outputs));
            cb(null, resp);
          },
          (err: Error) => cb(err),
        );
      };

      monitor.registerResourceOutputs = (req, cb) => {
        if (req.getUrn() === stackUrn) exportsWire = structToMap(req.getOutputs());
        cb(null, {});
      };

      // What the Node language host does: run inside the root stack, then drain outstanding RPCs.
      try {
        await pulumi.runtime.runInPulumiStack(async () => program());
      } finally {
        // Drained even when the program threw: the stack's derived outputs reject too, and those
        // rejections must surface here, in this run, not in the next program's.
        await pulumi.runtime.disconnect().catch(() => undefined);
        // A serialisation failure rejects a promise nobody awaits; give it a macrotask to surface.
        await new Promise((r) => setImmediate(r));
      }
      if (pulumi.log.hasErrors()) failures.push(new Error("the program logged errors (pulumi.log.error)"));
    });
  } catch (err) {
    failures.unshift(err);
  } finally {
    restoreTraps();
  }
  if (failures.length > 0) {
    // The stack's outputs reject with the program's own error: report each error once.
    const messages = [...new Set(failures)].map((e) => (e instanceof Error ? e.stack || e.message : String(e)));
    throw new Error(`runProgram: the program failed:\n${messages.join("\n---\n")}`);
  }
  const { value, secretPaths } = unwrapSecrets(exportsWire);
  return {
    project,
    stack,
    stackUrn,
    resources,
    exports: value as Record<string, Json>,
    exportsWire,
    secretExportPaths: secretPaths,
    config,
    secretConfigKeys,
  };
}
