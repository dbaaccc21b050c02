/**
 * `npm run bench`: every benchmark, one after the other (they share the machine, so never at once), each in
 * its own Node process. Each writes only its own part of docs/BENCHMARKS.md: its tables between their
 * markers.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const BENCHMARKS = ["emulator.bench.js", "provider.bench.js", "refresh.bench.js", "export.bench.js"];

let failed = false;
for (const file of BENCHMARKS) {
  process.stderr.write(`\n=== ${file}\n`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(__dirname, file), ...process.argv.slice(2)], { stdio: "inherit" });
  process.stderr.write(
    `=== ${file}: ${result.status === 0 ? "done" : "FAILED"} in ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
