/**
 * The Engine's `parallelism` is what `pulumi up --parallel N` sets: at most N steps at once. Checked where
 * it shows, at the API: creates and deletes of contacts held 80 ms each by the emulator, their overlap read
 * back from its request log. The option (2) bounds an up; a per-operation value (8) overrides it.
 */
import { emulator as emu, romulus } from "../support/package";
import { DEFAULT_PARALLELISM, ENGINE_TEST_TIMEOUT_MS, Engine } from "./engine";
import { createProgramDir, type ProgramDir } from "./host";

jest.setTimeout(ENGINE_TEST_TIMEOUT_MS);

const CREATE = "/v2/contacts";
const DELETE = "/v2/contacts/:contactId";

let server: Awaited<ReturnType<typeof emu.startEmulator>>;
let programDir: ProgramDir;

beforeAll(async () => {
  server = await emu.startEmulator({ outboundCallCompletionMs: 0 });
  programDir = createProgramDir({ project: "parallelism" });
});
afterAll(async () => {
  await server?.close();
  await programDir?.cleanup();
});

/** The most requests of `method route` that were in flight at one moment, from the emulator's log. */
function maxInFlight(method: string, route: string): number {
  // Each request as [start, end]; 2 ms trimmed off each end so that `at`'s millisecond rounding never
  // makes a request that started as another ended look concurrent with it.
  const edges = server
    .requests()
    .filter((r) => r.method === method && r.route === route)
    .flatMap((r) => {
      const end = Date.parse(r.at);
      return [
        { t: end - r.durationMs + 2, d: 1 },
        { t: end - 2, d: -1 },
      ];
    })
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let most = 0;
  for (const e of edges) {
    now += e.d;
    most = Math.max(most, now);
  }
  return most;
}

test("parallelism bounds how many steps run at once; an operation may set its own", async () => {
  expect(DEFAULT_PARALLELISM).toBe(16);
  server.setFaults(`route=POST ${CREATE};latency=80|route=DELETE ${DELETE};latency=80`);
  const engine = new Engine({
    programDir: programDir.dir,
    project: "parallelism",
    config: { "romulus:endpoint": server.url },
    secretConfig: { "romulus:apiKey": emu.DEFAULT_API_KEY },
    parallelism: 2,
    reuseHosts: true,
  });
  try {
    await engine.upProgram(() => {
      for (let i = 0; i < 8; i++) new romulus.Contact(`c${i}`, { firstName: `Parallel ${i}` });
    });
    expect(server.objects(emu.DEFAULT_ORGANIZATION_ID, "contacts")).toHaveLength(8);
    expect(maxInFlight("POST", CREATE)).toBe(2);

    await engine.destroy(engine.state, { parallelism: 8 });
    expect(server.objects(emu.DEFAULT_ORGANIZATION_ID, "contacts")).toEqual([]);
    expect(maxInFlight("DELETE", DELETE)).toBeGreaterThan(2);
  } finally {
    server.setFaults(undefined);
    await engine.close();
  }
});
