/**
 * A refresh reads many objects in few requests (src/provider/reads.ts): contacts by the batch through
 * contacts search with `ids`, subscriptions from one walk of their list. Through the real provider host over
 * gRPC and the emulator over HTTP, with a fresh host per operation as the CLI runs it, every batched refresh
 * is compared with the same refresh read by id (`ROMULUS_BATCH_READS=0`): the same deletions, the same
 * drift, the same state, whatever the parallelism and the faults.
 *
 * Host processes are kept between operations (spawning one costs seconds on a busy machine), one per role:
 * `up`s run in one, refreshes in others that never wrote anything, so what they read they read as a new
 * `pulumi refresh` process would.
 */
import { byName, Engine, plain, type RefreshResult, type State } from "../harness/engine";
import { createProgramDir, type ProgramDir } from "../harness/host";
import { emulator as emu, romulus } from "../support/package";

const ORG = emu.DEFAULT_ORGANIZATION_ID;
const SEARCH = "POST /v2/contacts/search";
const GET_CONTACT = "GET /v2/contacts/:contactId";
const CONTACTS = 1000;

let server: Awaited<ReturnType<typeof emu.startEmulator>>;
let programDir: ProgramDir;
const engines: Engine[] = [];
/** Runs every `up`. */
let writer: Engine;
/** Refreshes with reads batched (the default). */
let batched: Engine;
/** Refreshes read one by one, as before: what every batched refresh must match. */
let byId: Engine;

function engine(env: Record<string, string> = {}): Engine {
  const made = new Engine({
    programDir: programDir.dir,
    project: "batched",
    config: { "romulus:endpoint": server.url },
    secretConfig: { "romulus:apiKey": emu.DEFAULT_API_KEY },
    env,
    reuseHosts: true,
  });
  engines.push(made);
  return made;
}

beforeAll(async () => {
  server = await emu.startEmulator({ outboundCallCompletionMs: 0 });
  programDir = createProgramDir({ project: "batched" });
  writer = engine();
  batched = engine();
  byId = engine({ ROMULUS_BATCH_READS: "0" });
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  await server?.close();
  await programDir?.cleanup();
});

function contacts(n: number, prefix: string) {
  return () => {
    for (let i = 0; i < n; i++) {
      new romulus.Contact(`${prefix}${i}`, {
        firstName: `Load ${i}`,
        lastName: prefix,
        phones: [{ number: `+3902${String(i).padStart(7, "0")}`, label: "MOBILE" }],
        emails: [{ email: `${prefix}${i}@example.com` }],
        tags: ["load"],
      });
    }
  };
}

/**
 * API requests per route of the last operation (the counters were reset before it). `GET /v1/me` is left
 * out: a host looks its organization up once in its life, and these hosts live across operations.
 */
function requests(): Record<string, number> {
  const { total: _total, "GET /v1/me": _me, ...rest } = server.counters();
  return Object.fromEntries(Object.entries(rest).filter(([key]) => !key.startsWith("faults.")));
}

/** What a user sees of a refresh: what left the state, what drifted, and the refreshed state itself. */
function seen(result: RefreshResult) {
  const name = (urn: string) => urn.split("::").pop();
  return {
    deleted: result.deleted.map(name).sort(),
    changed: result.changed.map(name).sort(),
    state: Object.fromEntries(result.state.map((e) => [name(e.urn), { id: e.id, outputs: plain(e.outputs) }])),
  };
}

describe("a refresh of 1,000 contacts", () => {
  let baseline: State;
  let expected: ReturnType<typeof seen>;
  const edited = ["c10", "c500", "c999"];
  const deleted = ["c3", "c777"];

  beforeAll(async () => {
    await writer.upProgram(contacts(CONTACTS, "c"), { parallelism: 64 });
    baseline = writer.state;
    // Out of band, as in the dashboard: three contacts edited, two deleted.
    for (const name of edited) server.edit(ORG, "contacts", byName(baseline, name)!.id, { job_title: "Edited" });
    for (const name of deleted) server.remove(ORG, "contacts", byName(baseline, name)!.id);

    server.resetCounters();
    const reference = await byId.refresh(baseline);
    expect(requests()).toEqual({ [GET_CONTACT]: CONTACTS });
    expected = seen(reference);
    expect(expected.deleted).toEqual([...deleted].sort());
    expect(expected.changed).toEqual([...deleted, ...edited].sort());
  }, 300_000);

  test.each([8, 16, 64])(
    "at parallelism %i costs about one search per wave of reads and reports what reads by id report",
    async (parallelism) => {
      server.resetCounters();
      const result = await batched.refresh(baseline, { parallelism });
      expect(seen(result)).toEqual(expected);
      const counts = requests();
      const ideal = Math.ceil(CONTACTS / parallelism);
      // The two deleted contacts are confirmed by id before they are reported deleted; nothing else is.
      expect({ ...counts, [SEARCH]: undefined }).toEqual({
        [GET_CONTACT]: deleted.length,
        [SEARCH]: undefined,
      });
      expect(counts[SEARCH]).toBeGreaterThanOrEqual(ideal);
      // At most twice the ideal: the first wave and the last come in pieces, and on a busy machine the
      // engine's next wave can take longer to arrive than a batch waits for it.
      expect(counts[SEARCH]).toBeLessThanOrEqual(2 * ideal + 4);
    },
    240_000,
  );

  test("under 429, 503 and dropped connections reports the same, nothing lost", async () => {
    server.setFaults("seed=12;429=0.1@retry-after=0;503=0.1;drop=0.05");
    try {
      server.resetCounters();
      const result = await batched.refresh(baseline, { parallelism: 16 });
      expect(seen(result)).toEqual(expected);
      const faults = server.counters();
      expect((faults["faults.429"] ?? 0) + (faults["faults.503"] ?? 0) + (faults["faults.drop"] ?? 0)).toBeGreaterThan(
        0,
      );
      expect(faults[SEARCH]).toBeLessThan(CONTACTS / 5);
    } finally {
      server.setFaults(undefined);
    }
  }, 300_000);
});

describe("a small stack", () => {
  test("a contact created just before the refresh is not reported deleted when the search leaves it out", async () => {
    await writer.upProgram(contacts(20, "l"), { state: [] });
    // The search index lags: what is created from now on is missing from search answers for a while.
    server.setFaults(`route=${SEARCH};index-lag=on`);
    try {
      await writer.upProgram(contacts(21, "l"));
      const newcomer = byName(writer.state, "l20")!;
      expect(server.object(ORG, "contacts", newcomer.id)).toBeDefined();

      server.resetCounters();
      const result = await batched.refresh(writer.state);
      expect(result.deleted).toEqual([]);
      expect(result.changed).toEqual([]);
      expect(plain(byName(result.state, "l20")!.outputs)).toEqual(plain(newcomer.outputs));
      // It was missing from the search answer and confirmed by id; the other twenty came from the search.
      expect(server.faultStats()["index-lag"]).toBeGreaterThan(0);
      expect(requests()[GET_CONTACT]).toBe(1);
    } finally {
      server.setFaults(undefined);
    }
  }, 240_000);

  test("a search that keeps failing falls back to reads by id", async () => {
    await writer.upProgram(contacts(30, "f"), { state: [] });
    const reference = seen(await byId.refresh(writer.state));
    server.setFaults(`route=${SEARCH};500=1`);
    try {
      server.resetCounters();
      const result = await engine({ ROMULUS_MAX_RETRIES: "1" }).refresh(writer.state);
      expect(seen(result)).toEqual(reference);
      expect(requests()[GET_CONTACT]).toBe(30);
    } finally {
      server.setFaults(undefined);
    }
  }, 240_000);

  test("50 webhook and 50 call-task webhook subscriptions cost one walk of each list", async () => {
    await writer.upProgram(
      () => {
        for (let i = 0; i < 50; i++) {
          new romulus.WebhookSubscription(`w${i}`, {
            event: "AGENT_CALL_COMPLETED",
            url: `https://hooks.example.com/w${i}`,
          });
          new romulus.CallTaskWebhookSubscription(`t${i}`, { url: `https://hooks.example.com/t${i}` });
        }
      },
      { parallelism: 32, state: [] },
    );
    // One of each deleted out of band: confirmed (by id, or by a walk of its own) before it leaves the state.
    server.remove(ORG, "webhook-subscriptions", byName(writer.state, "w7")!.id);
    server.remove(ORG, "call-task-webhook-subscriptions", byName(writer.state, "t7")!.id);
    const reference = seen(await byId.refresh(writer.state));
    expect(reference.deleted).toEqual(["t7", "w7"]);

    server.resetCounters();
    const result = await batched.refresh(writer.state, { parallelism: 16 });
    expect(seen(result)).toEqual(reference);
    expect(requests()).toEqual({
      "GET /v1/webhook-subscriptions/search": 1,
      "GET /v1/webhook-subscriptions/:webhookSubscriptionId": 1,
      // The shared walk, and the one that confirmed t7 gone.
      "GET /v1/call-tasks/webhook-subscriptions": 2,
    });
  }, 240_000);
});
