/**
 * What a provider test drives end to end: the emulator over HTTP, a program folder linking this checkout,
 * and the harness's engine with the real provider host, configured for that emulator.
 */
import { Engine, type Step } from "../harness/engine";
import { createProgramDir, type ProgramDir } from "../harness/host";
import { emulator } from "./package";

export interface EmulatorStack {
  server: Awaited<ReturnType<typeof emulator.startEmulator>>;
  programDir: ProgramDir;
  engine: Engine;
}

export async function startEmulatorStack(): Promise<EmulatorStack> {
  // Outbound calls never complete on their own: a test's requests are all that runs.
  const server = await emulator.startEmulator({ outboundCallCompletionMs: 0 });
  const programDir = createProgramDir();
  const engine = new Engine({
    programDir: programDir.dir,
    config: { "romulus:endpoint": server.url },
    secretConfig: { "romulus:apiKey": emulator.DEFAULT_API_KEY },
  });
  return { server, programDir, engine };
}

/** Stops the engine's hosts, removes the program folder and closes the emulator; parts never started are skipped. */
export async function closeEmulatorStack(stack: Partial<EmulatorStack>): Promise<void> {
  await stack.engine?.close();
  await stack.programDir?.cleanup();
  await stack.server?.close();
}

/** The steps of the program's own resources (the default provider's step left out). */
export const resourceOps = (steps: Step[]) =>
  steps.filter((s) => !s.type.startsWith("pulumi:providers:")).map((s) => s.op);
