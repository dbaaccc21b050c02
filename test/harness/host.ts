/**
 * Spawns the real Node dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) the way the Pulumi
 * CLI's `pulumi-resource-pulumi-nodejs` shim does, and drives it over gRPC with the engine's own message
 * types. This is the "provider side" of proving `pulumi up` without the Pulumi CLI.
 *
 * Methods take and return wire-form property maps (see wire.ts). They send exactly what they are given:
 * stripping secrets before CRUD calls (acceptSecrets=false) is the engine's job, see engine.ts.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { type Json, makeSecret, type PropertyMap, unwrapSecrets } from "./wire";

/** The repository root: its node_modules/@pulumi is what program folders link to. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface HostStartOptions {
  /** A Pulumi program folder: its node_modules must hold @pulumi/pulumi and the package under test. */
  programDir: string;
  /** PULUMI_NODEJS_PROJECT: un-namespaced `config.get("key")` inside the provider reads `<project>:key`. */
  project?: string;
  stack?: string;
  /** Extra environment for the host (it otherwise inherits this process's, as it inherits the CLI's). */
  env?: Record<string, string>;
  /** Per-RPC deadline, so a wedged host fails a test instead of hanging it. Default 60 s. */
  rpcTimeoutMs?: number;
}

export interface CheckFailure {
  property: string;
  reason: string;
}
export interface CheckResult {
  inputs: PropertyMap;
  failures: CheckFailure[];
  secretPaths: string[];
}
export interface DiffResult {
  /** DIFF_SOME / DIFF_NONE / DIFF_UNKNOWN as the host reports them. */
  changes: "some" | "none" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Always empty with the Node host (it drops stables); kept to prove that. */
  stables: string[];
}
export interface CreateResult {
  id: string;
  properties: PropertyMap;
  secretPaths: string[];
}
export interface ReadResult {
  /** "" means the object is gone: the engine drops it from state. */
  id: string;
  properties: PropertyMap;
  /** Only when the provider returned `inputs`: they replace the stored inputs. */
  inputs?: PropertyMap;
  secretPaths: string[];
}
export interface UpdateResult {
  properties: PropertyMap;
  secretPaths: string[];
}

/**
 * A create that made its object but failed after: the host packs `ErrorResourceInitFailed` (id, outputs,
 * reasons) into the `grpc-status-details-bin` trailer, and the engine records the object from it.
 */
export interface InitFailure {
  id: string;
  properties: PropertyMap;
  reasons: string[];
}

/** A gRPC failure from the host, carrying the status code (UNIMPLEMENTED = 12, UNKNOWN = 2). */
export class HostRpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly details: string,
    readonly initFailure?: InitFailure,
  ) {
    super(`${method} failed (gRPC ${grpc.status[code] ?? code}): ${details}`);
    this.name = "HostRpcError";
  }
}

/** The `ErrorResourceInitFailed` detail of a failed RPC, decoded as the Go engine decodes it. */
function initFailureOf(metadata: grpc.Metadata | undefined): InitFailure | undefined {
  for (const raw of metadata?.get("grpc-status-details-bin") ?? []) {
    const status = statusproto.Status.deserializeBinary(
      typeof raw === "string" ? Buffer.from(raw, "base64") : new Uint8Array(raw),
    );
    for (const detail of status.getDetailsList()) {
      if (detail.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
      const failed = provproto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
      return {
        id: failed.getId(),
        properties: fromStruct(failed.getProperties()).value,
        reasons: failed.getReasonsList(),
      };
    }
  }
  return undefined;
}

export type RpcMethod =
  | "getPluginInfo"
  | "checkConfig"
  | "configure"
  | "check"
  | "diff"
  | "create"
  | "read"
  | "update"
  | "delete";

function toStruct(map: PropertyMap): Struct {
  return Struct.fromJavaScript(map);
}
function fromStruct(s: Struct | undefined): { value: PropertyMap; secretPaths: string[] } {
  const { value, secretPaths } = unwrapSecrets((s?.toJavaScript() ?? {}) as Json);
  return { value: value as PropertyMap, secretPaths };
}
/** URNs end in `::<type>::<name>`; newer engines also send both on every request. */
function typeAndName(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const qualified = parts[2] ?? "";
  return { type: qualified.split("$").pop() ?? "", name: parts.slice(3).join("::") };
}

interface ResourceRequest {
  setUrn(value: string): unknown;
  setName(value: string): unknown;
  setType(value: string): unknown;
}
/** The fields a resource RPC's request may carry; each is allowed only where that request has it. */
type ResourceFields<R> = {
  id?: R extends { setId(value: string): unknown } ? string : never;
  olds?: R extends { setOlds(value: Struct): unknown } ? PropertyMap : never;
  news?: R extends { setNews(value: Struct): unknown } ? PropertyMap : never;
  properties?: R extends { setProperties(value: Struct): unknown } ? PropertyMap : never;
  inputs?: R extends { setInputs(value: Struct): unknown } ? PropertyMap : never;
  oldInputs?: R extends { setOldInputs(value: Struct): unknown } ? PropertyMap : never;
};

/** A resource RPC's request as the engine fills it: the URN with its type and name, then the given fields. */
function resourceRequest<R extends ResourceRequest>(req: R, urn: string, fields: ResourceFields<R>): R {
  const { type, name } = typeAndName(urn);
  req.setUrn(urn);
  req.setName(name);
  req.setType(type);
  // Each setter exists where its field is allowed (ResourceFields<R>), so the lookups below cannot miss.
  const setters = req as unknown as Record<string, (value: unknown) => unknown>;
  if (fields.id !== undefined) setters.setId?.call(req, fields.id);
  const structs = {
    olds: "setOlds",
    news: "setNews",
    properties: "setProperties",
    inputs: "setInputs",
    oldInputs: "setOldInputs",
  } as const;
  for (const [field, setter] of Object.entries(structs) as [keyof typeof structs, string][]) {
    const value = fields[field];
    if (value !== undefined) setters[setter]?.call(req, toStruct(value as PropertyMap));
  }
  return req;
}

export class ProviderHost {
  private readonly counts = new Map<RpcMethod, number>();
  private out = "";
  private err = "";
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ResourceProviderClient,
    readonly port: number,
    private readonly rpcTimeoutMs: number,
    firstOut: string,
  ) {
    this.out = firstOut;
    child.stdout?.on("data", (d: Buffer) => {
      this.out += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      this.err += d.toString();
    });
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
  }

  /** Spawns the host with cwd = programDir (where the CLI runs it) and connects once it prints its port. */
  static async start(opts: HostStartOptions): Promise<ProviderHost> {
    const programDir = path.resolve(opts.programDir);
    const script = path.join(programDir, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js");
    if (!fs.existsSync(script)) throw new Error(`no dynamic-provider host at ${script}`);
    // The host requires one argument (the engine address) and never uses it.
    const child = spawn(process.execPath, [script, "127.0.0.1:0"], {
      cwd: programDir,
      env: {
        ...process.env,
        PULUMI_NODEJS_PROJECT: opts.project ?? "project",
        PULUMI_NODEJS_STACK: opts.stack ?? "stack",
        ...opts.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const { port, buffered, stderr } = await new Promise<{ port: number; buffered: string; stderr: string }>(
      (resolve, reject) => {
        let out = "";
        let errText = "";
        const onOut = (d: Buffer) => {
          out += d.toString();
          const nl = out.indexOf("\n");
          if (nl < 0) return;
          const port = Number.parseInt(out.slice(0, nl).trim(), 10);
          cleanup();
          if (Number.isNaN(port)) reject(new Error(`host printed no port: ${out}\n${errText}`));
          else resolve({ port, buffered: out.slice(nl + 1), stderr: errText });
        };
        const onErr = (d: Buffer) => {
          errText += d.toString();
        };
        const onExit = (code: number | null) => {
          cleanup();
          reject(new Error(`host exited (${code}) before printing its port:\n${out}\n${errText}`));
        };
        const cleanup = () => {
          child.stdout?.off("data", onOut);
          child.stderr?.off("data", onErr);
          child.off("exit", onExit);
        };
        child.stdout?.on("data", onOut);
        child.stderr?.on("data", onErr);
        child.on("exit", onExit);
      },
    );
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const rpcTimeoutMs = opts.rpcTimeoutMs ?? 60_000;
    // The host listens already (it printed its port): the deadline only catches a wedged host, and a
    // host starved of CPU by other work must not be taken for one.
    await new Promise<void>((resolve, reject) =>
      client.waitForReady(Date.now() + rpcTimeoutMs, (e) => (e ? reject(e) : resolve())),
    );
    const host = new ProviderHost(child, client, port, rpcTimeoutMs, buffered);
    host.err = stderr;
    return host;
  }

  /** Everything the host wrote to stdout after its port line (provider console.log output). */
  get stdout(): string {
    return this.out;
  }
  /** Everything the host wrote to stderr (provider errors, the host's own error reports). */
  get stderr(): string {
    return this.err;
  }
  /** RPCs sent so far, by method. */
  get rpcCounts(): Readonly<Record<RpcMethod, number>> {
    const result = {} as Record<RpcMethod, number>;
    for (const [k, v] of this.counts) result[k] = v;
    return result;
  }
  get totalRpcs(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }

  // One generic unary caller; the generated client's overloads do not survive a method-name lookup,
  // so the cast stays here.
  private call<Req, Resp>(method: RpcMethod, req: Req): Promise<Resp> {
    this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
    type Unary = (
      req: Req,
      md: grpc.Metadata,
      options: Partial<grpc.CallOptions>,
      cb: (e: grpc.ServiceError | null, r: Resp) => void,
    ) => void;
    const fn = (this.client as unknown as Record<RpcMethod, Unary>)[method].bind(this.client);
    return new Promise((resolve, reject) => {
      fn(req, new grpc.Metadata(), { deadline: Date.now() + this.rpcTimeoutMs }, (e, r) => {
        if (e) reject(new HostRpcError(method, e.code, e.details || e.message, initFailureOf(e.metadata)));
        else resolve(r);
      });
    });
  }

  async getPluginInfo(): Promise<string> {
    const r = await this.call<Empty, { getVersion(): string }>("getPluginInfo", new Empty());
    return r.getVersion();
  }

  /** The engine tries CheckConfig first; the Node host answers UNIMPLEMENTED. Returns whether it was. */
  async checkConfig(urn: string, news: PropertyMap): Promise<"unimplemented" | "ok"> {
    const req = new provproto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(toStruct({}));
    req.setNews(toStruct(news));
    try {
      await this.call("checkConfig", req);
      return "ok";
    } catch (e) {
      if (e instanceof HostRpcError && e.code === grpc.status.UNIMPLEMENTED) return "unimplemented";
      throw e;
    }
  }

  /**
   * Configure as the engine does for the default `pulumi-nodejs` provider: the whole stack config,
   * namespaced (`romulus:apiKey`), in both the legacy `variables` map and the `args` struct, secret
   * values wrapped in `args` (the host unwraps them and hands the provider plaintext).
   */
  async configure(config: Record<string, string>, secretKeys: readonly string[] = []): Promise<void> {
    const args: PropertyMap = {};
    for (const [k, v] of Object.entries(config)) args[k] = secretKeys.includes(k) ? makeSecret(v) : v;
    await this.configureArgs(args);
  }

  /** Configure with a wire-form args struct: an explicit provider resource's inputs. */
  async configureArgs(args: PropertyMap): Promise<void> {
    const req = new provproto.ConfigureRequest();
    const plain = unwrapSecrets(args).value as PropertyMap;
    const vars = req.getVariablesMap();
    for (const [k, v] of Object.entries(plain)) {
      if (k !== "__provider") vars.set(k, typeof v === "string" ? v : JSON.stringify(v));
    }
    req.setArgs(toStruct(args));
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    await this.call("configure", req);
  }

  async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const req = resourceRequest(new provproto.CheckRequest(), urn, { olds, news });
    const r = await this.call<provproto.CheckRequest, provproto.CheckResponse>("check", req);
    const { value, secretPaths } = fromStruct(r.getInputs());
    return {
      inputs: value,
      failures: r.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      secretPaths,
    };
  }

  /** `olds` are the old *outputs*; `oldInputs` travel too, as the engine sends them (the host ignores them). */
  async diff(
    id: string,
    urn: string,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs?: PropertyMap,
  ): Promise<DiffResult> {
    const req = resourceRequest(new provproto.DiffRequest(), urn, { id, olds, news, oldInputs });
    const r = await this.call<provproto.DiffRequest, provproto.DiffResponse>("diff", req);
    const C = provproto.DiffResponse.DiffChanges;
    const changes = r.getChanges() === C.DIFF_SOME ? "some" : r.getChanges() === C.DIFF_NONE ? "none" : "unknown";
    return {
      changes,
      replaces: r.getReplacesList(),
      deleteBeforeReplace: r.getDeletebeforereplace(),
      stables: r.getStablesList(),
    };
  }

  async create(urn: string, props: PropertyMap): Promise<CreateResult> {
    const req = resourceRequest(new provproto.CreateRequest(), urn, { properties: props });
    const r = await this.call<provproto.CreateRequest, provproto.CreateResponse>("create", req);
    const { value, secretPaths } = fromStruct(r.getProperties());
    return { id: r.getId(), properties: value, secretPaths };
  }

  /** Refresh sends the old outputs as `props` and old inputs as `inputs`; a static `get` sends `{}` + inputs. */
  async read(id: string, urn: string, props: PropertyMap, inputs?: PropertyMap): Promise<ReadResult> {
    const req = resourceRequest(new provproto.ReadRequest(), urn, { id, properties: props, inputs });
    const r = await this.call<provproto.ReadRequest, provproto.ReadResponse>("read", req);
    const props2 = fromStruct(r.getProperties());
    const result: ReadResult = { id: r.getId(), properties: props2.value, secretPaths: props2.secretPaths };
    if (r.hasInputs()) result.inputs = fromStruct(r.getInputs()).value;
    return result;
  }

  async update(
    id: string,
    urn: string,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs?: PropertyMap,
  ): Promise<UpdateResult> {
    const req = resourceRequest(new provproto.UpdateRequest(), urn, { id, olds, news, oldInputs });
    const r = await this.call<provproto.UpdateRequest, provproto.UpdateResponse>("update", req);
    const { value, secretPaths } = fromStruct(r.getProperties());
    return { properties: value, secretPaths };
  }

  async delete(id: string, urn: string, props: PropertyMap, oldInputs?: PropertyMap): Promise<void> {
    const req = resourceRequest(new provproto.DeleteRequest(), urn, { id, properties: props, oldInputs });
    await this.call("delete", req);
  }

  /** Closes the channel and kills the host; resolves once it has exited. */
  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    await this.exited;
  }
}

export interface ProgramDir {
  dir: string;
  cleanup(): Promise<void>;
}

function writeProgramFiles(dir: string, project: string): void {
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${project}\nruntime: nodejs\n`);
  fs.writeFileSync(
    path.join(dir, "package.json"),
    `${JSON.stringify({ name: `${project}-program`, private: true, version: "0.0.0" }, null, 2)}\n`,
  );
}

function linkInto(nodeModules: string, packageName: string, target: string): void {
  const dest = path.join(nodeModules, ...packageName.split("/"));
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  // "junction" only matters on Windows; elsewhere it is a plain directory symlink.
  fs.symlinkSync(target, dest, "junction");
}

/**
 * A throwaway Pulumi program folder whose node_modules links the package under test (default: this
 * repository, `pulumi-romulus`) and this repository's @pulumi, so the host in it resolves both like an
 * installed program would. Fast; for the real install path use createProgramDirFromTarball.
 */
export function createProgramDir(opts: { packageDir?: string; project?: string } = {}): ProgramDir {
  const packageDir = path.resolve(opts.packageDir ?? REPO_ROOT);
  const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as { name: string };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-program-"));
  writeProgramFiles(dir, opts.project ?? "project");
  const nodeModules = path.join(dir, "node_modules");
  fs.mkdirSync(nodeModules);
  linkInto(nodeModules, pkg.name, packageDir);
  if (!pkg.name.startsWith("@pulumi/"))
    linkInto(nodeModules, "@pulumi", path.join(REPO_ROOT, "node_modules", "@pulumi"));
  return { dir, cleanup: () => fs.promises.rm(dir, { recursive: true, force: true }) };
}

/**
 * A program folder with the packed tarball installed for real by npm (its dependencies, @pulumi/pulumi
 * included, come from npm's cache first and the registry otherwise). Slow: seconds to a minute.
 */
export async function createProgramDirFromTarball(
  tgzPath: string,
  opts: { project?: string; npm?: string } = {},
): Promise<ProgramDir> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-packed-"));
  writeProgramFiles(dir, opts.project ?? "project");
  const cleanup = () => fs.promises.rm(dir, { recursive: true, force: true });
  try {
    await promisify(execFile)(
      opts.npm ?? "npm",
      ["install", path.resolve(tgzPath), "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
      { cwd: dir, maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60_000 },
    );
    if (!fs.existsSync(path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider"))) {
      throw new Error(`npm install ${tgzPath} did not bring @pulumi/pulumi: is it a dependency of the package?`);
    }
  } catch (e) {
    await cleanup();
    throw e;
  }
  return { dir, cleanup };
}
