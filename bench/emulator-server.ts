/**
 * The emulator in a process of its own, forked by the benchmarks (support.ts startEmulatorChild).
 * It loads the built package (dist/), the same code the provider host talks to in the packed-package tests.
 */
import { join } from "node:path";

type EmulatorModule = typeof import("../src/emulator");

async function serve(): Promise<void> {
  const emulator: EmulatorModule = require(join(__dirname, "..", "..", "dist", "emulator"));
  // Outbound calls never complete on their own: nothing but the benchmark's requests runs in here.
  const running = await emulator.startEmulator({ port: 0, outboundCallCompletionMs: 0 });
  process.send?.({
    url: running.url,
    apiKey: emulator.DEFAULT_API_KEY,
    organizationId: emulator.DEFAULT_ORGANIZATION_ID,
  });
  const stop = () => void running.close().then(() => process.exit(0));
  process.on("message", (message: unknown) => {
    if (message === "stop") stop();
  });
  // Orphaned (the benchmark died): do not linger as a stray server.
  process.on("disconnect", stop);
}

serve().catch((error: unknown) => {
  process.stderr.write(`emulator failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
