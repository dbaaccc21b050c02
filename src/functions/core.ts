import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { RomulusClient } from "../client/client";
import { BadRequestError, RomulusError } from "../client/core/errors";
import { DEFAULT_V1_PAGE_SIZE, type Paginator, type PaginatorOptions } from "../client/core/pagination";
import { type ResolvedSettings, type RomulusSettings, resolveSettings, type StackConfigReader } from "../config";
import { mocksInstalled, type OutputState } from "../mocks";
import { type Provider, providerSettings } from "../resources/provider";

/**
 * The machinery every data source shares: where a lookup goes (explicit provider, stack configuration,
 * environment variables), one listing per kind per program run however many lookups ask for it, and the
 * matching rules with their error messages. A dynamic provider serves resources only, never invokes, so data
 * sources run here, in the program process, as plain functions plus an `…Output` twin.
 */

/** Options of every data source, shaped like `pulumi.InvokeOptions` so programs read the same. */
export interface LookupOptions extends Omit<pulumi.InvokeOptions, "provider"> {
  /**
   * An explicit pulumi-romulus `Provider`: its key and endpoint are used instead of the stack configuration.
   * Without it, a `parent` whose `providers` holds one lends it, as for resources.
   */
  provider?: Provider;
}

/** Raised for what a lookup itself rejects: bad arguments, no match, several matches. */
export class RomulusLookupError extends RomulusError {}

/**
 * The arguments of an `…Output` variant: each one an Input. Homomorphic, so each keeps its `?` and its doc
 * comment; `undefined` stays outside the Input (`id?: Input<string>`, not `Input<string | undefined>`), as
 * the hand-written `…OutputArgs` interfaces had it.
 */
export type LookupInputs<A> = { [K in keyof A]: pulumi.Input<Exclude<A[K], undefined>> };

/** Where one lookup goes. Internal: it holds the key, so it never leaves this module's callers. */
export interface Target {
  readonly settings: ResolvedSettings;
  /** A hash of endpoint and key: a cache key that reveals neither. */
  readonly identity: string;
  client(): RomulusClient;
  /** Listings given by a unit test (`romulusMocks`) instead of the API: no client, no request. */
  readonly fixtures?: Fixtures;
}

/**
 * What `romulusMocks` answers lookups from: each kind's objects (by its `LookupKind.key`) in the data
 * sources' result shape, and the organization.
 */
export interface Fixtures {
  readonly listings: Readonly<Record<string, readonly Named[]>>;
  readonly organizationId: string;
}

// ---------------------------------------------------------------------------------------------------------
// Settings

/**
 * The stack configuration as the program sees it. `pulumi.runtime.getConfig` is chosen over
 * `new pulumi.Config("romulus").get(...)` / `getSecret(...)` on purpose:
 * - the program receives secret config values decrypted, so the plain read returns the key itself;
 * - `Config.get` on a secret key is where @pulumi/pulumi warns "value is a secret; use getSecret" (the
 *   warning is commented out in 3.270 pending pulumi/pulumi#7127, and may come back): this path has none;
 * - `Config.getSecret` answers an `Output`, whose secretness would spread to every lookup result although
 *   no result carries the key; and the value would have to be unwrapped again anyway.
 * The key read here only ever reaches the client's Authorization header: never an Output, a resource
 * input, an export or a message.
 */
const stackConfig: StackConfigReader = (name) => pulumi.runtime.getConfig(`romulus:${name}`);

/** A data source is given an explicit provider directly, or through its parent's `providers`. */
function explicitProvider(opts: LookupOptions | undefined): pulumi.ProviderResource | undefined {
  if (opts?.provider) return opts.provider;
  // Dynamic resources belong to the `pulumi-nodejs` package; a parent's provider for it may also be some
  // other package's dynamic provider, which `providerSettings` does not know and which is then ignored.
  const inherited = opts?.parent?.getProvider("pulumi-nodejs:dynamic:Resource");
  return inherited && providerSettings(inherited) ? inherited : undefined;
}

function explicitSettings(provider: pulumi.ProviderResource): pulumi.Output<RomulusSettings> {
  const settings = providerSettings(provider);
  if (!settings) {
    throw new RomulusLookupError(
      "the `provider` option of a Romulus data source must be a pulumi-romulus `Provider` (new romulus.Provider(...))",
    );
  }
  return settings;
}

/**
 * The value of the explicit provider's settings, for the plain (Promise) variants. During a preview they
 * can be unknown (an endpoint taken from a resource not created yet): only the `…Output` variants can wait
 * for that, so say so instead of hanging on an `apply` that never runs.
 */
async function knownSettings(settings: pulumi.Output<RomulusSettings>): Promise<RomulusSettings> {
  const state = settings as unknown as Partial<OutputState<RomulusSettings>>;
  if (typeof state.isKnown?.then !== "function" || typeof state.promise !== "function") {
    return new Promise((resolve) => settings.apply((value) => resolve(value)));
  }
  if (!(await state.isKnown)) {
    throw new RomulusLookupError(
      "the explicit Provider's settings are not known yet (they depend on a resource that does not exist " +
        "before this update); use the `…Output` variant of the data source, which waits for them",
    );
  }
  return state.promise();
}

/**
 * Explicit provider: its settings, then the environment variables, exactly as its provider host resolves
 * them (its inputs are all the configuration that host receives). Default provider: the stack
 * configuration, then the environment variables. Environment variables are read now, never captured.
 */
export function targetFor(explicit: RomulusSettings | undefined): Target {
  const settings = explicit
    ? resolveSettings(explicit, undefined, process.env, "provider")
    : resolveSettings({}, stackConfig);
  const identity = createHash("sha256").update(`${settings.baseUrl}\n${settings.apiKey}`).digest("hex");
  let client: RomulusClient | undefined;
  return {
    settings,
    identity,
    client() {
      client ??= new RomulusClient({
        apiKey: settings.apiKey,
        endpoint: settings.baseUrl,
        allowInsecureHttp: settings.allowInsecureHttp,
      });
      return client;
    },
  };
}

/**
 * A target that answers from fixtures (`romulusMocks`): the lookups' own matching and messages, over
 * objects given in the data sources' result shape, with no client and no request.
 */
export function fixtureTarget(fixtures: Fixtures): Target {
  return {
    settings: {
      apiKey: "",
      baseUrl: "",
      environment: "custom",
      apiKeySource: "explicit options",
      allowInsecureHttp: false,
    },
    identity: "fixtures",
    client() {
      throw new RomulusLookupError("a lookup answered from fixtures has no client");
    },
    fixtures,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The two shapes of every data source

/** The token a data source answers to under `setMocks`, in a mocks' `call`: `romulus:index:getAgent`. */
export const tokenOf = (fn: string): string => `romulus:index:${fn}`;

/**
 * Under `setMocks`, a data source is an invoke that the mocks' `call` answers, as for any provider: its
 * arguments checked first (what fails before any request fails under mocks too), then sent, with the
 * explicit provider when there is one, so the mocks can tell organizations apart.
 */
function invokeMocks<A, R>(name: string, lookup: Lookup<A, R>, args: A, opts: LookupOptions | undefined): Promise<R> {
  lookup.check?.(args);
  const provider = explicitProvider(opts);
  if (provider) explicitSettings(provider);
  return pulumi.runtime
    .invoke(tokenOf(name), withoutUnset(args), { ...opts, provider })
    .then((result) => lookup.answered?.(args, result as R) ?? (result as R));
}

/** Arguments as an invoke sends them: what is unset left out, as the wire would drop it anyway. */
function withoutUnset<A>(args: A): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries((args ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null),
  );
}

/** The Promise variant: `await getAgent({ name })`. */
export async function invoke<A, R>(
  name: string,
  lookup: Lookup<A, R>,
  args: A,
  opts: LookupOptions | undefined,
): Promise<R> {
  if (mocksInstalled()) return invokeMocks(name, lookup, args, opts);
  const provider = explicitProvider(opts);
  const explicit = provider ? await knownSettings(explicitSettings(provider)) : undefined;
  return lookup.find(args, targetFor(explicit));
}

/**
 * The Output variant: `getAgentOutput({ name: someOutput })`. Unknown arguments (preview) give an unknown
 * result, as Pulumi's own `…Output` functions do.
 */
export function invokeOutput<A, R>(
  name: string,
  lookup: Lookup<A, R>,
  args: LookupInputs<A>,
  opts: LookupOptions | undefined,
): pulumi.Output<R> {
  // `pulumi.output` unwraps nested Inputs; TypeScript cannot see that Unwrap<LookupInputs<A>> is A.
  const inputs = pulumi.output(args) as unknown as pulumi.Output<A>;
  if (mocksInstalled()) {
    return inputs.apply((a) => invokeMocks(name, lookup, a, opts)) as unknown as pulumi.Output<R>;
  }
  const provider = explicitProvider(opts);
  // The provider's key is a secret, and `apply` would make everything derived from it secret too. Results
  // carry no credential, so the settings are unsecreted here, where they only feed the lookup: the result's
  // secretness follows the arguments alone (a secret name keeps the result secret).
  const explicit = provider ? pulumi.unsecret(explicitSettings(provider)) : undefined;
  return pulumi
    .all([inputs, pulumi.output(explicit)])
    .apply(([a, settings]) => lookup.find(a as A, targetFor(settings))) as unknown as pulumi.Output<R>;
}

/** What a data source does once its target is known. */
export type Find<A, R> = (args: A, target: Target) => Promise<R>;

/** A data source's work, in the parts that run with and without mocks. */
export interface Lookup<A, R> {
  find: Find<A, R>;
  /** What is wrong with the arguments themselves, thrown before any request (and before the mocks). */
  check?: (args: A) => void;
  /** Checks a mocks' answer can settle (an enum filter's value against the objects answered). */
  answered?: (args: A, result: R) => R | undefined;
}

/** Every data source by name, for `romulusMocks`, which runs the real lookups over its fixtures. */
const lookups = new Map<string, Lookup<never, unknown>>();

export function lookupNamed(name: string): Lookup<unknown, unknown> | undefined {
  return lookups.get(name) as Lookup<unknown, unknown> | undefined;
}

/**
 * A data source in both shapes. `OA` is the `…OutputArgs` interface of the public API: named here (not
 * derived) so the exported signatures read `GetAgentOutputArgs`, not an internal mapped type.
 */
export interface DataSource<A, OA extends LookupInputs<A>, R> {
  readonly plain: (args: A, opts?: LookupOptions) => Promise<R>;
  readonly output: (args: OA, opts?: LookupOptions) => pulumi.Output<R>;
}

/** {@link DataSource} for a function whose arguments may be left out: `getAgents()`. */
export interface OptionalArgsDataSource<A, OA extends LookupInputs<A>, R> {
  readonly plain: (args?: A, opts?: LookupOptions) => Promise<R>;
  readonly output: (args?: OA, opts?: LookupOptions) => pulumi.Output<R>;
}

/** {@link DataSource} for a function that takes no arguments: `getOrganization(opts)`. */
export interface NoArgsDataSource<R> {
  readonly plain: (opts?: LookupOptions) => Promise<R>;
  readonly output: (opts?: LookupOptions) => pulumi.Output<R>;
}

/**
 * The exported functions are built here rather than declared, so `name` is set by hand: `getAgent.name`
 * and stack traces keep reading `getAgent`, as they did for function declarations.
 */
function named<F extends (...args: never[]) => unknown>(name: string, fn: F): F {
  return Object.defineProperty(fn, "name", { value: name });
}

function register<A, R>(name: string, lookup: Lookup<A, R> | Find<A, R>): Lookup<A, R> {
  const full = typeof lookup === "function" ? { find: lookup } : lookup;
  lookups.set(name, full as Lookup<never, unknown>);
  return full;
}

/** `name` (the Promise variant) and `nameOutput` from one lookup. */
export function dataSource<A, OA extends LookupInputs<A>, R>(
  name: string,
  lookup: Lookup<A, R> | Find<A, R>,
): DataSource<A, OA, R> {
  const l = register(name, lookup);
  return {
    plain: named(name, (args: A, opts?: LookupOptions) => invoke(name, l, args, opts)),
    output: named(`${name}Output`, (args: OA, opts?: LookupOptions) => invokeOutput(name, l, args, opts)),
  };
}

/** {@link dataSource} for a function whose arguments default to `{}`. */
export function optionalArgsDataSource<A extends object, OA extends LookupInputs<A>, R>(
  name: string,
  lookup: Lookup<A, R> | Find<A, R>,
): OptionalArgsDataSource<A, OA, R> {
  const l = register(name, lookup);
  return {
    plain: named(name, (args?: A, opts?: LookupOptions) => invoke(name, l, args ?? ({} as A), opts)),
    output: named(`${name}Output`, (args?: OA, opts?: LookupOptions) =>
      invokeOutput(name, l, args ?? ({} as LookupInputs<A>), opts),
    ),
  };
}

/** {@link dataSource} for a function of the options alone. */
export function noArgsDataSource<R>(name: string, find: Find<object, R>): NoArgsDataSource<R> {
  const l = register(name, find);
  return {
    plain: named(name, (opts?: LookupOptions) => invoke(name, l, {}, opts)),
    output: named(`${name}Output`, (opts?: LookupOptions) => invokeOutput(name, l, {}, opts)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Listings, fetched once per kind per program run

/**
 * One cache per program run: each run (a CLI `pulumi up`, an Automation API inline program, a test's
 * `runInPulumiStack`) has its own root Stack resource, so a long-lived process never serves a listing from
 * an earlier run. Lookups outside any program run (plain `setMocks` unit tests) share one process-wide
 * cache: `resetLookupCache()` clears it.
 */
const OUTSIDE_A_PROGRAM_RUN = {};
let runCaches = new WeakMap<object, Map<string, Promise<unknown>>>();

function cacheOfThisRun(): Map<string, Promise<unknown>> {
  const run: object = pulumi.runtime.getStackResource() ?? OUTSIDE_A_PROGRAM_RUN;
  let cache = runCaches.get(run);
  if (!cache) {
    cache = new Map();
    runCaches.set(run, cache);
  }
  return cache;
}

/**
 * Forgets every listing fetched so far. For tests (and long-lived processes that call data sources outside
 * a program run): within a run, listings are meant to stay fixed so every lookup sees the same snapshot.
 */
export function resetLookupCache(): void {
  runCaches = new WeakMap();
}

/**
 * Concurrent callers share one in-flight request; a failure is dropped from the cache so the next lookup
 * tries again instead of replaying the error.
 */
export function once<T>(target: Target, kind: string, fetch: () => Promise<T>): Promise<T> {
  const cache = cacheOfThisRun();
  const key = `${target.identity}:${kind}`;
  const cached = cache.get(key) as Promise<T> | undefined;
  if (cached) return cached;
  const pending: Promise<T> = fetch().catch((error: unknown) => {
    if (cache.get(key) === pending) cache.delete(key);
    throw error;
  });
  cache.set(key, pending);
  return pending;
}

/**
 * The API documents no maximum page size, so lookups ask for large pages (one request for most
 * organizations; the emulator caps at 1000) and fall back to the client's default if the server rejects
 * the size. The paginator copes with a server that sends fewer than asked.
 */
export const LOOKUP_PAGE_SIZE = 1000;

async function walkAllPages<T>(list: (options: PaginatorOptions) => Paginator<T>): Promise<T[]> {
  try {
    return await list({ pageSize: LOOKUP_PAGE_SIZE }).toArray();
  } catch (error) {
    if (error instanceof BadRequestError) return list({ pageSize: DEFAULT_V1_PAGE_SIZE }).toArray();
    throw error;
  }
}

/** Something a lookup by id or name picks from. */
export interface Named {
  id: string;
  name: string;
}

/** A list endpoint the data sources read, in the vendor's words. */
export interface LookupKind<T extends Named> {
  /** Cache key, e.g. `agents`. */
  readonly key: string;
  /** The vendor's word for one of them, for messages: `agent`, `WhatsApp bot`. */
  readonly noun: string;
  readonly plural: string;
  list(client: RomulusClient, options: PaginatorOptions): Paginator<T>;
}

/** Every object of a kind, every page; callers get the shared array and must not change it. */
export function listAll<T extends Named>(target: Target, kind: LookupKind<T>): Promise<readonly T[]> {
  if (target.fixtures) return Promise.resolve((target.fixtures.listings[kind.key] ?? []) as readonly T[]);
  return once(target, kind.key, () => walkAllPages((options) => kind.list(target.client(), options)));
}

/** The organization the key belongs to (`/v1/me`), fetched once per run like a listing. */
export function organizationId(target: Target): Promise<string> {
  if (target.fixtures) return Promise.resolve(target.fixtures.organizationId);
  return once(target, "organization", async () => (await target.client().me()).organization_id);
}

// ---------------------------------------------------------------------------------------------------------
// Matching and messages

export const quote = (s: string): string => JSON.stringify(s);

/**
 * "in organization "x" (sandbox)": which stack or provider a failed lookup went to, since the same program
 * runs against several. The organization costs one `/v1/me` (cached) and only on the error path; if it
 * fails the message just goes without it.
 */
export async function whereText(target: Target): Promise<string> {
  if (target.fixtures) return `in organization ${quote(target.fixtures.organizationId)} (romulusMocks fixtures)`;
  const { environment, baseUrl } = target.settings;
  const endpoint = environment === "custom" ? `endpoint ${baseUrl}` : environment;
  const organization = await organizationId(target).catch(() => undefined);
  return organization ? `in organization ${quote(organization)} (${endpoint})` : `at ${endpoint}`;
}

/** Levenshtein distance, two rows. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Up to `limit` distinct names closest to `wanted`, ignoring case (a case slip is the likeliest typo). */
export function closestNames(wanted: string, names: Iterable<string>, limit = 5): string[] {
  const target = wanted.toLowerCase();
  return [...new Set(names)]
    .map((name) => ({ name, distance: editDistance(target, name.toLowerCase()) }))
    .sort((x, y) => x.distance - y.distance || x.name.localeCompare(y.name))
    .slice(0, limit)
    .map((c) => c.name);
}

/** `"a", "b"` or a note that there is nothing to suggest. */
export function suggestionText(wanted: string, names: readonly string[], plural: string): string {
  if (names.length === 0) return `There are no ${plural} at all.`;
  return `Closest names: ${closestNames(wanted, names).map(quote).join(", ")}.`;
}

/**
 * How a caller spells the selector of its lookup, so that every message suggests a call that works:
 * `getAgent({ id })`, but `getWhatsAppTemplate({ botId, name, language })`.
 */
export interface SelectorSpelling {
  /** The data source, e.g. `getWhatsAppTemplate`. */
  readonly fn: string;
  /** Its argument that takes the id, e.g. `botId`. */
  readonly idKey: string;
  /** Its argument that takes the name, e.g. `botName`. */
  readonly nameKey: string;
  /** The call's other arguments as given (a template's `name`, `language`): a suggested call keeps them. */
  readonly others?: Readonly<Record<string, string | undefined>>;
}

/** The spelling of the plain `{ id?, name? }` selector of `fn`. */
const byIdOrName = (fn: string): SelectorSpelling => ({ fn, idKey: "id", nameKey: "name" });

/** `fn({ a: "x", b: "y" })`, the arguments that are set, as a user would type the call. */
export function callText(fn: string, args: Readonly<Record<string, string | undefined>>): string {
  const set = Object.entries(args).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return `${fn}({ ${set.map(([key, value]) => `${key}: ${quote(value)}`).join(", ")} })`;
}

/** The `{ id?, name? }` of a lookup, checked: exactly one, a non-empty string. */
export interface Selector {
  id?: string;
  name?: string;
}

export function selectorOf(spelling: SelectorSpelling, args: Selector | undefined): Selector {
  const { fn, idKey, nameKey } = spelling;
  const id = args?.id ?? undefined;
  const name = args?.name ?? undefined;
  if ((id === undefined) === (name === undefined)) {
    throw new RomulusLookupError(
      `${fn}: pass exactly one of \`${idKey}\` and \`${nameKey}\` (${id === undefined ? "got neither" : "got both"})`,
    );
  }
  for (const [key, value] of [
    [idKey, id],
    [nameKey, name],
  ] as const) {
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      throw new RomulusLookupError(`${fn}: \`${key}\` must be a non-empty string`);
    }
  }
  return id !== undefined ? { id } : { name: name as string };
}

/**
 * The one object a selector names. Ids are unique; names are matched exactly and are not unique in Romulus,
 * so several matches are an error that says how to pick one, in the caller's own argument names.
 */
export async function findOne<T extends Named>(
  spelling: SelectorSpelling,
  target: Target,
  kind: LookupKind<T>,
  selector: Selector,
): Promise<T> {
  const { fn, idKey, nameKey, others = {} } = spelling;
  const items = await listAll(target, kind);
  if (selector.id !== undefined) {
    const found = items.find((item) => item.id === selector.id);
    if (found) return found;
    throw new RomulusLookupError(
      `${fn}: no ${kind.noun} with id ${quote(selector.id)} ${await whereText(target)}. ` +
        "Ids differ between organizations (the same name has another id in each): " +
        `look it up by \`${nameKey}\` to use one program across stacks, or check which key the lookup uses.`,
    );
  }
  const name = selector.name as string;
  const matches = items.filter((item) => item.name === name);
  const [first, ...rest] = matches;
  if (first && rest.length === 0) return first;
  if (!first) {
    throw new RomulusLookupError(
      `${fn}: no ${kind.noun} named ${quote(name)} ${await whereText(target)} (names match exactly). ` +
        suggestionText(
          name,
          items.map((item) => item.name),
          kind.plural,
        ),
    );
  }
  throw new RomulusLookupError(
    `${fn}: ${matches.length} ${kind.plural} are named ${quote(name)} ${await whereText(target)}: ` +
      `${matches.map((m) => `id ${quote(m.id)}`).join(", ")}. ` +
      `Names are not unique in Romulus: pass \`${idKey}\` instead of \`${nameKey}\` to pick one, ` +
      `e.g. ${callText(fn, { [idKey]: first.id, ...others })}.`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// A kind's data sources, declared once

/** A kind the data sources read, with how its objects become results. */
export interface LookupSpec<T extends Named, R, L> extends LookupKind<T> {
  /** The singular data source, e.g. `getAgent` (its twin is `getAgentOutput`). */
  readonly fn: string;
  /** The plural, e.g. `getAgents`. */
  readonly allFn: string;
  toResult(item: T): R;
  /** The plural's result from the results of the objects it returns, in the API's order. */
  allResult(results: R[]): L;
}

/** How a plural data source filters its objects. */
export interface Filters<F, T, L> {
  /** Whether an object passes the filters; every object passes when none is given. */
  keep(filters: F, item: T): boolean;
  /**
   * Filters whose values are a closed list: each is checked against the documented values and the values
   * the objects listed have (the API may grow new ones), ignoring case, so a typo fails instead of
   * silently matching nothing.
   */
  enums?: { readonly [K in keyof F]?: readonly string[] };
  /** The objects of a result, for checking an answer given by the mocks. */
  itemsOf(result: L): readonly object[];
}

/** The data sources of one kind; each file exports them under their public names and doc comments. */
export interface Lookups<T extends Named, A extends Selector, OA extends LookupInputs<A>, R, L> {
  /** The kind, for lookups of its own built on {@link findOne} (a bot's templates). */
  readonly kind: LookupKind<T>;
  /** One object by id or exact name. */
  readonly one: DataSource<A, OA, R>;
  /** Every object. */
  readonly all: NoArgsDataSource<L>;
  /** The objects that pass the filters; every object without filters. */
  filtered<F extends object, OF extends LookupInputs<F>>(filters: Filters<F, T, L>): OptionalArgsDataSource<F, OF, L>;
}

/**
 * A filter value outside its list fails, naming the values it may take: the documented ones and those the
 * objects at hand have (all of them in a real lookup, the mocks' answer under mocks). Without objects, only
 * the type is checked.
 */
function checkEnums<F extends object>(
  fn: string,
  enums: Filters<F, never, never>["enums"],
  filters: F,
  items: readonly object[] | undefined,
): void {
  for (const [key, documented] of Object.entries(enums ?? {}) as [string, readonly string[]][]) {
    const value = (filters as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") throw new RomulusLookupError(`${fn}: \`${key}\` must be a string`);
    if (!items) continue;
    const held = items.map((item) => (item as Record<string, unknown>)[key]).filter((v) => typeof v === "string");
    const allowed: string[] = [];
    for (const v of [...documented, ...(held as string[])]) {
      if (!allowed.some((a) => a.toLowerCase() === v.toLowerCase())) allowed.push(v);
    }
    if (!allowed.some((a) => a.toLowerCase() === value.toLowerCase())) {
      throw new RomulusLookupError(
        `${fn}: \`${key}\` ${quote(value)} is not one of ${allowed.join(", ")} (compared ignoring case)`,
      );
    }
  }
}

/**
 * Agents, WhatsApp bots and robocall configurations are looked up alike (one listing per run, exact names,
 * the same messages); only their results differ. `A` and `OA` are the public argument interfaces.
 */
export function declareLookups<T extends Named, A extends Selector, OA extends LookupInputs<A>, R, L>(
  spec: LookupSpec<T, R, L>,
): Lookups<T, A, OA, R, L> {
  const spelling = byIdOrName(spec.fn);
  // Fixtures are results already; a copy, so a result never shares objects with the listing.
  const toResult = (target: Target, item: T): R =>
    target.fixtures ? (structuredClone(item) as unknown as R) : spec.toResult(item);
  const results = async (target: Target, keep: (item: T) => boolean = () => true) =>
    spec.allResult((await listAll(target, spec)).filter(keep).map((item) => toResult(target, item)));
  return {
    kind: spec,
    one: dataSource<A, OA, R>(spec.fn, {
      check: (args) => selectorOf(spelling, args),
      find: async (args, target) => toResult(target, await findOne(spelling, target, spec, selectorOf(spelling, args))),
    }),
    all: noArgsDataSource(spec.allFn, (_args, target) => results(target)),
    filtered: <F extends object, OF extends LookupInputs<F>>({ keep, enums, itemsOf }: Filters<F, T, L>) =>
      optionalArgsDataSource<F, OF, L>(spec.allFn, {
        // Before the mocks answer, only what no answer can make right: a value that is not a string.
        check: (filters) => checkEnums(spec.allFn, enums, filters, undefined),
        find: async (filters, target) => {
          checkEnums(spec.allFn, enums, filters, await listAll(target, spec));
          return results(target, (item) => keep(filters, item));
        },
        answered: (filters, result) => {
          checkEnums(spec.allFn, enums, filters, itemsOf(result));
          return result;
        },
      }),
  };
}

/** Case-insensitive equality for enum-like filters (`OUTBOUND`/`outbound`, `EN`/`en`); absent filter passes. */
export function sameEnum(filter: string | undefined, value: string | null | undefined): boolean {
  return filter === undefined || (value ?? "").toLowerCase() === filter.toLowerCase();
}
