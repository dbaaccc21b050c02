/**
 * examples/multi-org through the real provider hosts (one per explicit provider) against the emulator:
 * each organization gets its own objects, wired to its own agent.
 */
import { multiOrg } from "../../examples/multi-org/program";
import { byName, ENGINE_TEST_TIMEOUT_MS, Engine } from "../harness/engine";
import { createProgramDir, type ProgramDir } from "../harness/host";
import { isSecret } from "../harness/wire";
import { emulator as emu, romulus } from "../support/package";

jest.setTimeout(ENGINE_TEST_TIMEOUT_MS);

let server: Awaited<ReturnType<typeof emu.startEmulator>>;
let programDir: ProgramDir;
let engine: Engine;

beforeAll(async () => {
  server = await emu.startEmulator({ outboundCallCompletionMs: 0 });
  programDir = createProgramDir();
  engine = new Engine({
    programDir: programDir.dir,
    project: "romulus-multi-org",
    config: { "romulus-multi-org:endpoint": server.url },
    secretConfig: {
      "romulus-multi-org:salesApiKey": emu.DEFAULT_API_KEY,
      "romulus-multi-org:supportApiKey": emu.SECOND_API_KEY,
    },
  });
  romulus.resetLookupCache();
});
afterAll(async () => {
  await engine.close();
  await programDir.cleanup();
  await server.close();
});

test("each provider's resources land in its own organization, and destroy removes them", async () => {
  const r = await engine.upProgram(multiOrg);
  const salesAgent = server.objects(emu.DEFAULT_ORGANIZATION_ID, "agents").find((a) => a.name === "Sales Agent")!;
  expect(server.objects(emu.DEFAULT_ORGANIZATION_ID, "webhook-subscriptions")).toEqual([
    expect.objectContaining({ entity_id: salesAgent.id, url: "https://hooks.example.com/sales" }),
  ]);
  expect(server.objects(emu.SECOND_ORGANIZATION_ID, "contacts").map((c) => c.first_name)).toEqual(["Escalation"]);
  expect(server.objects(emu.DEFAULT_ORGANIZATION_ID, "contacts")).toEqual([]);
  // The providers' keys are stored encrypted.
  expect(isSecret(byName(r.state, "sales-org")!.inputs["romulus:apiKey"])).toBe(true);

  const again = await engine.previewProgram(multiOrg);
  expect(new Set(again.steps.map((s) => s.op))).toEqual(new Set(["same"]));

  await engine.destroy();
  expect(server.objects(emu.DEFAULT_ORGANIZATION_ID, "webhook-subscriptions")).toEqual([]);
  expect(server.objects(emu.SECOND_ORGANIZATION_ID, "contacts")).toEqual([]);
});
