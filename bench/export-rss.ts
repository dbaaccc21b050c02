/**
 * Preloaded (`node -r`) into the romulus-export process by export.bench.ts: when the process exits it writes
 * its peak resident set size (`process.resourceUsage().maxRSS`, KiB) to file descriptor 3, so the benchmark
 * measures the real CLI without changing it.
 */
import { writeSync } from "node:fs";

process.on("exit", () => {
  try {
    writeSync(3, `${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
  } catch {
    // Not run by the benchmark (no fd 3): nothing to report.
  }
});
