import { z } from "zod";
import { HTTP_METHODS } from "./http/router";

/**
 * Deterministic fault injection for reliability tests of the client and the provider.
 *
 * The emulator core asks `decide(method, route)` once per request, before handling it, and acts on the
 * answer: wait `latencyMs`, then answer normally, answer with an error status, drop the connection without
 * handling the request ("drop"), or handle the request and then destroy the connection instead of answering
 * ("lose-response": the write happened but the client cannot know it, the case idempotent retries exist for).
 * A rule may also make search answers lag behind creates (`index-lag`), as a search index that has not
 * caught up yet does: contacts search leaves out the contacts created since the rule was set.
 *
 * Determinism: every `METHOD route` pair has its own PRNG stream seeded from the spec's seed and the pair, so
 * the n-th request to `GET /v2/contacts/:contactId` gets the same decision whatever else the test sends, in
 * whatever order concurrent requests to other routes interleave. Each decision draws exactly two numbers
 * (action, latency) whatever the outcome, so changing a latency range does not shift which requests fail.
 *
 * ## Compact syntax (`--faults`, `ROMULUS_EMULATOR_FAULTS`, `parseFaultSpec`)
 *
 * ```text
 * seed=7;429=0.2@retry-after=1;503=0.05;drop=0.02;lose=0.1;latency=5-40
 * seed=7|route=POST /v2/contacts;500=0.1|route=GET;latency=20
 * ```
 *
 * Rules are separated by `|` (or given as repeated `--faults` flags: see `parseFaultSpecs`); the items of a
 * rule by `;`, each `key=value`, whitespace around keys and values ignored. Keys:
 *
 * | key           | value                               | meaning                                          |
 * |---------------|-------------------------------------|--------------------------------------------------|
 * | `seed`        | integer                             | PRNG seed, global (any rule may carry it, once)   |
 * | `route`       | `*`, `METHOD`, `/path`, `METHOD /path` | which requests the rule applies to (default `*`) |
 * | `429`         | rate, optionally `@retry-after=N`   | answer 429 with `Retry-After: N` (N default 1)    |
 * | `retry-after` | seconds                             | same as the `@retry-after` suffix                 |
 * | `500`, `503`  | rate                                | answer 500 / 503 (no `Retry-After`)               |
 * | `drop`        | rate                                | close the connection, request not handled         |
 * | `lose`        | rate                                | handle the request, then close without answering  |
 * | `latency`     | `MIN-MAX` or `MS` (milliseconds)    | delay every matching request, uniform in range    |
 * | `index-lag`   | `on` or `off`                       | `POST /v2/contacts/search` answers leave out the contacts created since the spec was set |
 *
 * A rate is a probability in 0..1; the rates of one rule must add up to at most 1 (they are exclusive
 * outcomes of one draw). Paths are the emulator's route patterns (`/v2/contacts/:contactId`), matched
 * exactly, or by prefix when they end in `*` (`/v1/*`). `off` or `none` is a spec without rules. JSON is
 * accepted too: a `FaultSpec` object (`{"seed":7,"rules":[{"route":"*","rate429":0.2}]}`) or a bare rules
 * array.
 *
 * When several rules match a request the most specific wins (method and exact path, then exact path, then
 * method and path prefix, then path prefix, then method, then `*`), and among equally specific rules the
 * first. Rules do not combine: a rule for `POST /v2/contacts` replaces the catch-all for that route.
 */

export interface FaultRule {
  /** `*` (the default), `METHOD`, `/fastify/route/:pattern` (or a `/prefix/*`), or `METHOD /path`. */
  route?: string;
  rate429?: number;
  /**
   * Sent as `Retry-After` with the 429s of this rule (default `DEFAULT_RETRY_AFTER_SECONDS`); 503s
   * deliberately carry none (both client paths).
   */
  retryAfterSeconds?: number;
  rate500?: number;
  rate503?: number;
  dropRate?: number;
  loseResponseRate?: number;
  /** Inclusive range in milliseconds, uniform. */
  latencyMs?: [number, number];
  /**
   * Search answers leave out the objects created since the spec was set, as a search index that lags
   * behind creates does (reads by id still find them). Only contacts search has such an index.
   */
  indexLag?: boolean;
}

export interface FaultSpec {
  /** Defaults to `DEFAULT_FAULT_SEED`: a spec without a seed is still reproducible. */
  seed?: number;
  rules: FaultRule[];
}

export type FaultDecision = {
  latencyMs: number;
  /** `index-lag`: a search answer leaves out what was created at or after this instant (epoch ms). */
  indexedBefore?: number;
  action: "none" | "drop" | "lose-response" | { status: 429 | 500 | 503; retryAfterSeconds?: number };
};

export const DEFAULT_FAULT_SEED = 1;
/**
 * `Retry-After` of a 429 whose rule gives none: real rate limiters always say when to come back, so a
 * client is tested against that; 1 s is the least whole-second value (`@retry-after=0` still asks for 0).
 */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

/** Thrown for a spec that cannot be used; the message says which rule and key, and what was expected. */
export class FaultSpecError extends Error {
  override readonly name = "FaultSpecError";
  constructor(detail: string) {
    super(`invalid fault spec: ${detail}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Validation (shared by the compact syntax, JSON, and specs handed to the class by the control API)
// ---------------------------------------------------------------------------------------------------------

/**
 * The exclusive outcomes a rule draws from, in the order its draw is cut: the rule's rate field, the
 * compact item that sets it, the counter in `stats()`, and the action of a decision.
 */
const OUTCOMES = [
  {
    field: "rate429",
    item: "429",
    stat: "429",
    action: (rule: FaultRule): FaultDecision["action"] =>
      Object.freeze({ status: 429, retryAfterSeconds: rule.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS }),
  },
  { field: "rate500", item: "500", stat: "500", action: () => Object.freeze({ status: 500 }) },
  { field: "rate503", item: "503", stat: "503", action: () => Object.freeze({ status: 503 }) },
  { field: "dropRate", item: "drop", stat: "drop", action: () => "drop" },
  { field: "loseResponseRate", item: "lose", stat: "lose-response", action: () => "lose-response" },
] as const satisfies ReadonlyArray<{
  field: keyof FaultRule;
  item: string;
  stat: string;
  action(rule: FaultRule): FaultDecision["action"];
}>;
type RateField = (typeof OUTCOMES)[number]["field"];
const RATE_KEYS: readonly RateField[] = OUTCOMES.map((outcome) => outcome.field);

const rate = z.number().min(0, "must be a rate between 0 and 1").max(1, "must be a rate between 0 and 1");

const faultRuleSchema = z
  .object({
    route: z
      .string()
      .optional()
      .superRefine((route, ctx) => {
        if (route === undefined) return;
        const problem = routeProblem(route);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
      }),
    rate429: rate.optional(),
    retryAfterSeconds: z.number().int("must be a whole number of seconds").min(0, "must not be negative").optional(),
    rate500: rate.optional(),
    rate503: rate.optional(),
    dropRate: rate.optional(),
    loseResponseRate: rate.optional(),
    latencyMs: z
      .tuple([z.number().int().min(0), z.number().int().min(0)], { message: "must be [min, max] milliseconds" })
      .refine(([min, max]) => min <= max, "min must not exceed max")
      .optional(),
    indexLag: z.boolean({ message: "must be true or false" }).optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    const total = RATE_KEYS.reduce((sum, key) => sum + (rule[key] ?? 0), 0);
    // A little slack for decimal rates such as 0.7 + 0.2 + 0.1 that do not add up to exactly 1 in binary.
    if (total > 1 + 1e-9) {
      ctx.addIssue({
        code: "custom",
        message: `the rates add up to ${Number(total.toFixed(6))}; they are exclusive outcomes and must add up to at most 1`,
      });
    }
  });

const faultSpecSchema = z
  .object({
    seed: z.number().int("must be an integer").optional(),
    rules: z.array(faultRuleSchema),
  })
  .strict();

function routeProblem(route: string): string | undefined {
  const { method, path } = splitRoute(route);
  // "v2/contacts" would otherwise be read as a method: a slash means the user meant a path.
  const pathLike = path ?? (method?.includes("/") ? method : undefined);
  if (pathLike !== undefined && pathLike !== "*" && !pathLike.startsWith("/")) {
    return `route "${route}" must be "*", a method, a path starting with "/", or "METHOD /path"`;
  }
  if (method !== undefined && method !== "*" && !(HTTP_METHODS as readonly string[]).includes(method)) {
    return `unknown method "${method}" in route "${route}" (expected one of ${HTTP_METHODS.join(", ")} or *)`;
  }
  return undefined;
}

/** Checks a spec from any source (JSON, the control API) and returns a copy normalised for the injector. */
export function validateFaultSpec(value: unknown): FaultSpec {
  return checkSpec(value, (index) => `rules[${index}]`, ".");
}

/** `ruleLabel` names a rule in errors the way its source does: `rules[0]` in JSON, `rule 1` in the CLI syntax. */
function checkSpec(value: unknown, ruleLabel: (index: number) => string, separator: string): FaultSpec {
  const result = faultSpecSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = (issue?.path ?? []).map(String);
    const where =
      path[0] === "rules" && path[1] !== undefined
        ? [ruleLabel(Number(path[1])), ...path.slice(2)].join(separator)
        : path.join(".");
    const message =
      issue?.code === "unrecognized_keys"
        ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}`
        : (issue?.message ?? "malformed");
    throw new FaultSpecError(where === "" ? message : `${where}: ${message}`);
  }
  const spec: FaultSpec = { rules: result.data.rules.map((rule) => ({ ...rule })) };
  if (result.data.seed !== undefined) spec.seed = result.data.seed;
  return spec;
}

// ---------------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------------

const COMPACT_KEYS = [
  "seed",
  "route",
  "429",
  "retry-after",
  "500",
  "503",
  "drop",
  "lose",
  "latency",
  "index-lag",
] as const;
/** The compact items that set a rate, and the rule field each sets. */
const RATE_ITEMS = new Map<string, RateField>(OUTCOMES.map((outcome) => [outcome.item, outcome.field]));
const RATE_PATTERN = /^(\d+(\.\d*)?|\.\d+)$/;
const INTEGER_PATTERN = /^-?\d+$/;

/** Parses one `--faults` value: the compact syntax documented above, `off`/`none`, or JSON. */
export function parseFaultSpec(text: string): FaultSpec {
  const trimmed = text.trim();
  if (trimmed === "") throw new FaultSpecError('empty (use "off" for no faults)');
  if (trimmed === "off" || trimmed === "none") return { rules: [] };
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new FaultSpecError(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    return validateFaultSpec(Array.isArray(value) ? { rules: value } : value);
  }

  let seed: number | undefined;
  const rules: FaultRule[] = [];
  /** The `|`-segment each rule came from, so schema errors name the rule as the user counts them. */
  const ruleSegments: number[] = [];
  const segments = trimmed.split("|");
  segments.forEach((segment, index) => {
    const label = segments.length > 1 ? `rule ${index + 1}: ` : "";
    const parsed = parseCompactRule(segment, label);
    if (parsed.seed !== undefined) {
      if (seed !== undefined && seed !== parsed.seed) {
        throw new FaultSpecError(`${label}seed given twice (${seed} and ${parsed.seed}); it is global`);
      }
      seed = parsed.seed;
    }
    // A segment holding only the seed (`seed=7|route=...`) carries no rule.
    if (parsed.rule !== undefined) {
      rules.push(parsed.rule);
      ruleSegments.push(index);
    }
  });
  return checkSpec(
    seed === undefined ? { rules } : { seed, rules },
    (index) => (segments.length > 1 ? `rule ${(ruleSegments[index] ?? index) + 1}` : "rule"),
    ": ",
  );
}

/** Several `--faults` flags: their rules in order, and the one seed any of them gives. */
export function parseFaultSpecs(texts: readonly string[]): FaultSpec {
  let seed: number | undefined;
  const rules: FaultRule[] = [];
  for (const text of texts) {
    const spec = parseFaultSpec(text);
    if (spec.seed !== undefined) {
      if (seed !== undefined && seed !== spec.seed) {
        throw new FaultSpecError(`seed given twice (${seed} and ${spec.seed}); it is global`);
      }
      seed = spec.seed;
    }
    rules.push(...spec.rules);
  }
  return seed === undefined ? { rules } : { seed, rules };
}

function parseCompactRule(segment: string, label: string): { seed?: number; rule?: FaultRule } {
  const rule: FaultRule = {};
  let seed: number | undefined;
  let hasRuleKey = false;
  const seen = new Set<string>();
  for (const item of ruleItems(segment, label)) {
    if (item === "") continue;
    const eq = item.indexOf("=");
    if (eq < 0) throw new FaultSpecError(`${label}"${item}" is not key=value`);
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (!(COMPACT_KEYS as readonly string[]).includes(key)) {
      throw new FaultSpecError(`${label}unknown key "${key}" (expected one of ${COMPACT_KEYS.join(", ")})`);
    }
    if (seen.has(key)) throw new FaultSpecError(`${label}"${key}" given twice`);
    seen.add(key);
    if (key !== "seed") hasRuleKey = true;
    const rateField = RATE_ITEMS.get(key);
    if (rateField !== undefined) {
      rule[rateField] = parseRate(key, value, label);
      continue;
    }
    switch (key) {
      case "seed":
        if (!INTEGER_PATTERN.test(value)) throw new FaultSpecError(`${label}seed must be an integer, got "${value}"`);
        seed = Number(value);
        break;
      case "route":
        rule.route = value === "" ? "*" : value;
        break;
      case "retry-after":
        rule.retryAfterSeconds = parseSeconds(value, label);
        break;
      case "latency":
        rule.latencyMs = parseLatency(value, label);
        break;
      case "index-lag":
        if (value !== "on" && value !== "off") {
          throw new FaultSpecError(`${label}index-lag must be "on" or "off", got "${value}"`);
        }
        rule.indexLag = value === "on";
        break;
    }
  }
  const result: { seed?: number; rule?: FaultRule } = {};
  if (seed !== undefined) result.seed = seed;
  if (hasRuleKey) result.rule = rule;
  return result;
}

/**
 * The items of one rule, trimmed. `429=RATE@retry-after=S` is read as the two items `429=RATE` and
 * `retry-after=S`, so both spellings set the one value the same way (and giving it twice is an error).
 */
function* ruleItems(segment: string, label: string): Generator<string> {
  for (const raw of segment.split(";")) {
    const [head = "", ...options] = raw.split("@");
    if (options.length === 0 || !/^\s*429\s*=/.test(head)) {
      yield raw.trim();
      continue;
    }
    yield head.trim();
    for (const option of options) {
      if (!/^\s*retry-after\s*=/.test(option)) {
        throw new FaultSpecError(`${label}unknown 429 option "@${option.trim()}" (expected @retry-after=N)`);
      }
      yield option.trim();
    }
  }
}

function parseRate(key: string, text: string, label: string): number {
  const value = Number(text);
  if (!RATE_PATTERN.test(text) || value > 1) {
    throw new FaultSpecError(`${label}"${key}" must be a rate between 0 and 1, got "${text}"`);
  }
  return value;
}

function parseSeconds(text: string, label: string): number {
  if (!/^\d+$/.test(text)) {
    throw new FaultSpecError(`${label}retry-after must be a whole number of seconds, got "${text}"`);
  }
  return Number(text);
}

function parseLatency(text: string, label: string): [number, number] {
  const match = /^(\d+)\s*(?:-\s*(\d+))?$/.exec(text);
  if (match === null) {
    throw new FaultSpecError(`${label}latency must be MS or MIN-MAX milliseconds, e.g. 5-40, got "${text}"`);
  }
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  if (min > max) throw new FaultSpecError(`${label}latency min ${min} exceeds max ${max}`);
  return [min, max];
}

// ---------------------------------------------------------------------------------------------------------
// Decisions
// ---------------------------------------------------------------------------------------------------------

/** mulberry32: tiny, fast, and good enough to spread failures; not for anything cryptographic. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a: turns the `METHOD route` key into 32 bits to mix with the seed. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function splitRoute(route: string): { method?: string; path?: string } {
  const trimmed = route.trim();
  if (trimmed === "" || trimmed === "*") return {};
  const space = trimmed.search(/\s/);
  if (space >= 0) {
    return { method: trimmed.slice(0, space).toUpperCase(), path: trimmed.slice(space).trim() };
  }
  return trimmed.startsWith("/") ? { path: trimmed } : { method: trimmed.toUpperCase() };
}

/** One outcome of a rule's draw: taken when the draw is below `upTo` (and not below the previous one's). */
interface Outcome {
  upTo: number;
  /** Its counter in `stats()`. */
  stat: string;
  action: FaultDecision["action"];
}

interface CompiledRule {
  rule: FaultRule;
  /**
   * The rule's outcomes in the order of OUTCOMES, each with the running sum of the rates: one draw, cut
   * into consecutive intervals, so the outcomes are exclusive and each gets exactly its rate.
   */
  outcomes: Outcome[];
  method?: string;
  /** Exact path, or the prefix before a trailing `*`. */
  path?: string;
  prefix: boolean;
  specificity: number;
}

function compile(rule: FaultRule): CompiledRule {
  const { method, path } = splitRoute(rule.route ?? "*");
  const compiled: CompiledRule = { rule, outcomes: outcomesOf(rule), prefix: false, specificity: 0 };
  if (method !== undefined && method !== "*") {
    compiled.method = method;
    compiled.specificity += 1;
  }
  if (path !== undefined && path !== "*") {
    compiled.prefix = path.endsWith("*");
    compiled.path = compiled.prefix ? path.slice(0, -1) : path;
    compiled.specificity += compiled.prefix ? 2 : 4;
  }
  return compiled;
}

/** Built once per rule, so a decision allocates nothing but its answer; actions are shared, hence frozen. */
function outcomesOf(rule: FaultRule): Outcome[] {
  const outcomes: Outcome[] = [];
  let upTo = 0;
  for (const { field, stat, action } of OUTCOMES) {
    const rate = rule[field] ?? 0;
    // A rate of 0 is an empty interval: no draw falls in it.
    if (rate === 0) continue;
    upTo += rate;
    outcomes.push({ upTo, stat, action: action(rule) });
  }
  return outcomes;
}

function matches(rule: CompiledRule, method: string, route: string): boolean {
  if (rule.method !== undefined && rule.method !== method) return false;
  if (rule.path === undefined) return true;
  return rule.prefix ? route.startsWith(rule.path) : route === rule.path;
}

const NO_FAULT: FaultDecision = Object.freeze({ latencyMs: 0, action: "none" });

const STAT_KEYS = [
  "decisions",
  "none",
  "429",
  "500",
  "503",
  "drop",
  "lose-response",
  "delayed",
  "latencyMsTotal",
  "index-lag",
];

export class FaultInjector {
  private seed = DEFAULT_FAULT_SEED;
  private rules: CompiledRule[] = [];
  /** One PRNG per `METHOD route`, created on first use: the independence of routes lives here. */
  private readonly streams = new Map<string, () => number>();
  /** Which rule applies to a `METHOD route`: routes are few, requests many. */
  private readonly ruleCache = new Map<string, CompiledRule | null>();
  private counters: Record<string, number> = {};
  /** When the spec was set: what `index-lag` answers leave out was created since. */
  private setAt = Date.now();

  constructor(spec?: FaultSpec) {
    this.set(spec);
  }

  /** Replaces the spec; streams and counters restart, so a test that sets a spec gets a known sequence. */
  set(spec: FaultSpec | undefined): void {
    const valid = spec === undefined ? { rules: [] } : validateFaultSpec(spec);
    this.seed = valid.seed ?? DEFAULT_FAULT_SEED;
    this.setAt = Date.now();
    this.rules = valid.rules.map(compile);
    this.streams.clear();
    this.ruleCache.clear();
    this.counters = Object.fromEntries(STAT_KEYS.map((key) => [key, 0]));
  }

  /** `route` is the matched route pattern (`/v2/contacts/:contactId`), not the URL, so ids do not split streams. */
  decide(method: string, route: string): FaultDecision {
    this.count("decisions");
    const upper = method.toUpperCase();
    const key = `${upper} ${route}`;
    const compiled = this.ruleFor(key, upper, route);
    if (compiled === undefined) {
      this.count("none");
      return NO_FAULT;
    }
    let next = this.streams.get(key);
    if (next === undefined) {
      next = mulberry32(this.seed ^ fnv1a(key));
      this.streams.set(key, next);
    }
    const actionDraw = next();
    const latencyDraw = next();

    const { rule } = compiled;
    const lag: Pick<FaultDecision, "indexedBefore"> = {};
    if (rule.indexLag) {
      lag.indexedBefore = this.setAt;
      this.count("index-lag");
    }
    let latencyMs = 0;
    if (rule.latencyMs !== undefined) {
      const [min, max] = rule.latencyMs;
      latencyMs = min + Math.floor(latencyDraw * (max - min + 1));
      this.count("delayed");
      this.count("latencyMsTotal", latencyMs);
    }

    for (const outcome of compiled.outcomes) {
      if (actionDraw < outcome.upTo) {
        this.count(outcome.stat);
        return { latencyMs, ...lag, action: outcome.action };
      }
    }
    this.count("none");
    return { latencyMs, ...lag, action: "none" };
  }

  /** Counters since the last `set`: decisions, each outcome, delayed requests and their total latency. */
  stats(): Record<string, number> {
    return { ...this.counters };
  }

  private ruleFor(key: string, method: string, route: string): CompiledRule | undefined {
    const cached = this.ruleCache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    let best: CompiledRule | undefined;
    for (const rule of this.rules) {
      // Strictly greater: among equally specific rules the first one wins.
      if (matches(rule, method, route) && (best === undefined || rule.specificity > best.specificity)) best = rule;
    }
    this.ruleCache.set(key, best ?? null);
    return best;
  }

  private count(key: string, amount = 1): void {
    this.counters[key] = (this.counters[key] ?? 0) + amount;
  }
}
