import {
  DEFAULT_FAULT_SEED,
  DEFAULT_RETRY_AFTER_SECONDS,
  type FaultDecision,
  FaultInjector,
  type FaultSpec,
  FaultSpecError,
  parseFaultSpec,
  parseFaultSpecs,
  validateFaultSpec,
} from "../../src/emulator/faults";

/** A decision as one comparable string, so sequences compare with toEqual and failures read well. */
function label(decision: FaultDecision): string {
  const action = typeof decision.action === "string" ? decision.action : String(decision.action.status);
  return `${action}+${decision.latencyMs}`;
}

function sequence(injector: FaultInjector, method: string, route: string, n: number): string[] {
  return Array.from({ length: n }, () => label(injector.decide(method, route)));
}

const MIXED: FaultSpec = {
  seed: 7,
  rules: [
    { rate429: 0.2, retryAfterSeconds: 1, rate503: 0.05, dropRate: 0.02, loseResponseRate: 0.1, latencyMs: [5, 40] },
  ],
};

describe("parseFaultSpec", () => {
  test("the compact syntax of the docs", () => {
    expect(parseFaultSpec("seed=7;429=0.2@retry-after=1;503=0.05;drop=0.02;lose=0.1;latency=5-40")).toEqual(MIXED);
  });

  test("routes, several rules, whitespace, a seed-only segment, a single latency value", () => {
    expect(parseFaultSpec(" seed=3 | route=POST /v2/contacts; 500=0.5 | route = GET ; latency = 20 ")).toEqual({
      seed: 3,
      rules: [
        { route: "POST /v2/contacts", rate500: 0.5 },
        { route: "GET", latencyMs: [20, 20] },
      ],
    });
    expect(parseFaultSpec("429=.5;retry-after=2")).toEqual({ rules: [{ rate429: 0.5, retryAfterSeconds: 2 }] });
  });

  test("retry-after as a 429 option or as an item of its own is one value: the same rule, and giving both is refused", () => {
    const rule = { rules: [{ rate429: 0.5, retryAfterSeconds: 2 }] };
    expect(parseFaultSpec("429=0.5@retry-after=2")).toEqual(rule);
    expect(parseFaultSpec("retry-after=2;429=0.5")).toEqual(rule);
    // Whitespace around the option's key and value is ignored, as around any other item's.
    expect(parseFaultSpec(" 429 = 0.5 @ retry-after = 2 ")).toEqual(rule);
    expect(() => parseFaultSpec("429=0.5@retry-after=1;retry-after=2")).toThrow(/"retry-after" given twice/);
    expect(() => parseFaultSpec("retry-after=1;429=0.5@retry-after=2")).toThrow(/"retry-after" given twice/);
    expect(() => parseFaultSpec("429=0.5@retry-after=1@retry-after=2")).toThrow(/"retry-after" given twice/);
  });

  test("index-lag on a route", () => {
    expect(parseFaultSpec("route=POST /v2/contacts/search;index-lag=on")).toEqual({
      rules: [{ route: "POST /v2/contacts/search", indexLag: true }],
    });
    expect(() => parseFaultSpec("index-lag=yes")).toThrow(/index-lag must be "on" or "off", got "yes"/);
  });

  test("off, none and JSON", () => {
    expect(parseFaultSpec("off")).toEqual({ rules: [] });
    expect(parseFaultSpec("none")).toEqual({ rules: [] });
    expect(parseFaultSpec(JSON.stringify(MIXED))).toEqual(MIXED);
    expect(parseFaultSpec('[{"route":"DELETE","dropRate":1}]')).toEqual({ rules: [{ route: "DELETE", dropRate: 1 }] });
  });

  test("repeated --faults flags merge, with one seed", () => {
    expect(parseFaultSpecs(["seed=9", "route=PUT;503=0.1", "route=/v1/*;lose=0.2"])).toEqual({
      seed: 9,
      rules: [
        { route: "PUT", rate503: 0.1 },
        { route: "/v1/*", loseResponseRate: 0.2 },
      ],
    });
    expect(() => parseFaultSpecs(["seed=1", "seed=2"])).toThrow(/seed given twice/);
  });

  test.each([
    ["", /empty/],
    ["429=1.5", /"429" must be a rate between 0 and 1, got "1.5"/],
    ["drop=-0.1", /"drop" must be a rate between 0 and 1/],
    ["lose=abc", /"lose" must be a rate/],
    ["500=", /"500" must be a rate/],
    ["boom=0.1", /unknown key "boom" \(expected one of seed, route, 429/],
    ["429=0.1|fail=1", /rule 2: unknown key "fail"/],
    ["429", /"429" is not key=value/],
    ["429=0.1@wait=2", /unknown 429 option "@wait=2"/],
    ["429=0.1@retry-after=1.5", /retry-after must be a whole number of seconds/],
    ["latency=40-5", /latency min 40 exceeds max 5/],
    ["latency=fast", /latency must be MS or MIN-MAX/],
    ["seed=x", /seed must be an integer/],
    ["drop=0.1;drop=0.2", /"drop" given twice/],
    ["seed=1|seed=2", /seed given twice/],
    ["429=0.6;500=0.5", /rule: the rates add up to 1.1; .* at most 1/],
    ["429=0.1|route=FETCH /v2/contacts;500=0.1", /rule 2: route: unknown method "FETCH"/],
    ["route=v2/contacts;500=0.1", /must be "\*", a method, a path starting with "\/"/],
    ["{not json", /not valid JSON/],
    ['{"rules":[{"rate429":2}]}', /rules\[0\]\.rate429: must be a rate between 0 and 1/],
    ['{"rules":[{"rate_429":0.1}]}', /rules\[0\]: unknown key "rate_429"/],
    ['{"seed":1,"rules":[],"extra":true}', /unknown key "extra"/],
    ['{"rules":[{"latencyMs":[9,1]}]}', /rules\[0\]\.latencyMs: min must not exceed max/],
  ])("rejects %j", (text, message) => {
    expect(() => parseFaultSpec(text)).toThrow(FaultSpecError);
    expect(() => parseFaultSpec(text)).toThrow(message);
  });

  test("rates adding up to exactly 1 in decimal are accepted despite binary rounding", () => {
    expect(() => parseFaultSpec("429=0.7;500=0.2;503=0.1")).not.toThrow();
  });

  test("the class validates specs handed to it directly (the control API path)", () => {
    expect(() => new FaultInjector({ rules: [{ rate500: 3 }] })).toThrow(/rules\[0\]\.rate500/);
    expect(() => validateFaultSpec({ rules: "all" })).toThrow(FaultSpecError);
  });
});

describe("FaultInjector", () => {
  test("no spec, or no matching rule, never injects anything", () => {
    const injector = new FaultInjector();
    expect(sequence(injector, "GET", "/v2/contacts/:contactId", 100)).toEqual(Array(100).fill("none+0"));
    injector.set({ rules: [{ route: "POST", rate500: 1 }] });
    expect(injector.decide("GET", "/v2/contacts").action).toBe("none");
    expect(injector.decide("POST", "/v2/contacts").action).toEqual({ status: 500 });
  });

  test("the same seed gives the same sequence; another seed another", () => {
    const a = sequence(new FaultInjector(MIXED), "POST", "/v2/contacts", 500);
    const b = sequence(new FaultInjector(MIXED), "POST", "/v2/contacts", 500);
    const c = sequence(new FaultInjector({ ...MIXED, seed: 8 }), "POST", "/v2/contacts", 500);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  test("without a seed the default seed applies, so it is still reproducible", () => {
    const { seed: _seed, ...unseeded } = MIXED;
    const a = sequence(new FaultInjector(unseeded), "GET", "/x", 200);
    const b = sequence(new FaultInjector({ ...unseeded, seed: DEFAULT_FAULT_SEED }), "GET", "/x", 200);
    expect(a).toEqual(b);
  });

  test("a route's sequence does not depend on traffic to other routes", () => {
    const alone = new FaultInjector(MIXED);
    const expected = sequence(alone, "GET", "/v2/contacts/:contactId", 300);

    const busy = new FaultInjector(MIXED);
    const interleaved: string[] = [];
    for (let i = 0; i < 300; i++) {
      // Other routes, other methods on the same path, in varying amounts between each request of interest.
      for (let j = 0; j < i % 4; j++) busy.decide("POST", "/v2/contacts");
      busy.decide("PUT", "/v2/contacts/:contactId");
      interleaved.push(label(busy.decide("GET", "/v2/contacts/:contactId")));
    }
    expect(interleaved).toEqual(expected);
  });

  test("set() restarts the streams and the counters", () => {
    const injector = new FaultInjector(MIXED);
    const first = sequence(injector, "GET", "/a", 50);
    injector.set(MIXED);
    expect(injector.stats().decisions).toBe(0);
    expect(sequence(injector, "GET", "/a", 50)).toEqual(first);
    injector.set(undefined);
    expect(sequence(injector, "GET", "/a", 3)).toEqual(["none+0", "none+0", "none+0"]);
  });

  test("rates are honoured over 10,000 decisions, and stats count them", () => {
    const injector = new FaultInjector({
      seed: 42,
      rules: [
        { rate429: 0.2, retryAfterSeconds: 3, rate500: 0.1, rate503: 0.05, dropRate: 0.02, loseResponseRate: 0.1 },
      ],
    });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) {
      const decision = injector.decide("POST", "/v2/contacts");
      const key = typeof decision.action === "string" ? decision.action : String(decision.action.status);
      counts[key] = (counts[key] ?? 0) + 1;
      if (typeof decision.action === "object" && decision.action.status === 429) {
        expect(decision.action.retryAfterSeconds).toBe(3);
      }
      if (typeof decision.action === "object" && decision.action.status !== 429) {
        expect(decision.action.retryAfterSeconds).toBeUndefined();
      }
    }
    // Binomial with n = 10,000: 4 standard deviations is at most 0.02 for any of these rates.
    const expected: Record<string, number> = {
      "429": 0.2,
      "500": 0.1,
      "503": 0.05,
      drop: 0.02,
      "lose-response": 0.1,
      none: 0.53,
    };
    for (const [key, rate] of Object.entries(expected)) {
      const sd = Math.sqrt((rate * (1 - rate)) / 10_000);
      expect(Math.abs((counts[key] ?? 0) / 10_000 - rate)).toBeLessThan(4 * sd);
    }
    const stats = injector.stats();
    expect(stats.decisions).toBe(10_000);
    for (const [key, count] of Object.entries(counts)) expect(stats[key]).toBe(count);
  });

  test("latency is uniform within the inclusive range and independent of the action draw", () => {
    const injector = new FaultInjector({ seed: 5, rules: [{ latencyMs: [5, 40], rate500: 0.3 }] });
    const seen = new Set<number>();
    let total = 0;
    for (let i = 0; i < 10_000; i++) {
      const { latencyMs } = injector.decide("GET", "/v2/contacts/:contactId");
      expect(latencyMs).toBeGreaterThanOrEqual(5);
      expect(latencyMs).toBeLessThanOrEqual(40);
      seen.add(latencyMs);
      total += latencyMs;
    }
    expect(seen.size).toBe(36);
    expect(total / 10_000).toBeGreaterThan(21.5);
    expect(total / 10_000).toBeLessThan(23.5);
    expect(injector.stats().delayed).toBe(10_000);

    // Same seed, same rates, no latency: the same requests fail.
    const withLatency = new FaultInjector({ seed: 5, rules: [{ latencyMs: [5, 40], rate500: 0.3 }] });
    const without = new FaultInjector({ seed: 5, rules: [{ rate500: 0.3 }] });
    const actions = (injector: FaultInjector) =>
      sequence(injector, "GET", "/r", 200).map((decision) => decision.split("+")[0]);
    expect(actions(without)).toEqual(actions(withLatency));
  });

  test("route matching: method, path, both, prefix, and the most specific rule wins", () => {
    const injector = new FaultInjector({
      rules: [
        { route: "*", rate500: 1 },
        { route: "GET", rate503: 1 },
        { route: "/v1/*", dropRate: 1 },
        { route: "POST /v1/*", loseResponseRate: 1 },
        { route: "/v2/contacts/:contactId", rate429: 1 },
        { route: "put /v2/contacts/:contactId", rate429: 1, retryAfterSeconds: 9 },
      ],
    });
    const action = (method: string, route: string) => label(injector.decide(method, route)).split("+")[0];
    expect(action("DELETE", "/v2/contacts")).toBe("500"); // only "*"
    expect(action("GET", "/v2/contacts")).toBe("503"); // method beats "*"
    expect(action("GET", "/v1/webhook-subscriptions/:id")).toBe("drop"); // prefix beats method
    expect(action("POST", "/v1/webhook-subscriptions")).toBe("lose-response"); // method + prefix beats prefix
    expect(action("GET", "/v2/contacts/:contactId")).toBe("429"); // exact path beats method
    expect(injector.decide("put", "/v2/contacts/:contactId").action).toEqual({ status: 429, retryAfterSeconds: 9 });
    // A 429 rule without retry-after says when to come back all the same.
    expect(injector.decide("GET", "/v2/contacts/:contactId").action).toEqual({
      status: 429,
      retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
    });
  });

  test("among equally specific rules the first wins", () => {
    const injector = new FaultInjector({
      rules: [
        { route: "POST", rate500: 1 },
        { route: "POST", rate503: 1 },
      ],
    });
    expect(injector.decide("POST", "/v2/contacts").action).toEqual({ status: 500 });
  });
});
