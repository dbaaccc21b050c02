/**
 * Configuration mistakes are caught by `pulumi preview` (the provider's check), before any API request,
 * through the real provider host.
 */
import { ENGINE_TEST_TIMEOUT_MS, Engine } from "../harness/engine";
import { createProgramDir, type ProgramDir } from "../harness/host";
import { emulator as emu, romulus } from "../support/package";

jest.setTimeout(ENGINE_TEST_TIMEOUT_MS);

let server: Awaited<ReturnType<typeof emu.startEmulator>>;
let programDir: ProgramDir;

beforeAll(async () => {
  server = await emu.startEmulator({ outboundCallCompletionMs: 0 });
  programDir = createProgramDir();
});
afterAll(async () => {
  await programDir.cleanup();
  await server.close();
});

const program = () => {
  new romulus.Contact("ada", { firstName: "Ada" });
};

test.each([
  [
    "no key anywhere",
    { "romulus:endpoint": "http://127.0.0.1:1" },
    {},
    "No Romulus API key configured. Set it in one of three ways",
  ],
  [
    "plain http to a remote host",
    { "romulus:endpoint": "http://api.romulus.example.com" },
    { "romulus:apiKey": emu.DEFAULT_API_KEY },
    "uses plain http to a host that is not loopback",
  ],
  [
    "an unknown environment",
    { "romulus:environment": "staging" },
    { "romulus:apiKey": emu.DEFAULT_API_KEY },
    'is "staging"; expected one of production, sandbox',
  ],
])("%s fails the preview with no API request", async (_name, config, secretConfig, message) => {
  const engine = new Engine({
    programDir: programDir.dir,
    config: { ...config },
    secretConfig,
    env: { ROMULUS_API_KEY: "" },
  });
  server.resetCounters();
  try {
    const preview = engine.previewProgram(program);
    await expect(preview).rejects.toThrow(message);
    expect(server.counters().total ?? 0).toBe(0);
  } finally {
    await engine.close();
  }
});
