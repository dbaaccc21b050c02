/**
 * romulus-export on a large organization: the real CLI (dist/export/cli.js) in a child process against the
 * emulator (another child process), exporting 1,000 and then 10,000 contacts in the same run, in both
 * contact book forms. Per export: API requests by route (goal: at most 10,000/200 + 5 for 10,000 contacts),
 * wall time from spawn to exit, and the process's peak RSS (its own `maxRSS`, read at exit by a preloaded
 * script; goal: 10,000 within 2x of 1,000, i.e. memory does not grow with the organization).
 *
 * `--rounds N` (default 3) exports per size and form; the table shows medians. Writes the tables between the
 * `bench:export/…` markers of docs/BENCHMARKS.md, whose prose explains them.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  argument,
  type EmulatorChild,
  emitTables,
  fmt,
  machine,
  median,
  REPO_ROOT,
  runTable,
  startEmulatorChild,
  table,
  total,
} from "./support";

const CLI = join(REPO_ROOT, "dist", "export", "cli.js");
const RSS = join(__dirname, "export-rss.js");
const CAPPED_HEAP_MIB = 64;

/** Contacts as a CRM import makes them: three phones, two emails, two addresses, three tags. */
function contact(i: number) {
  return {
    first_name: ["Ada", "Grace", "Katherine", "José"][i % 4],
    last_name: ["Lovelace", "Hopper", "Johnson", "Núñez"][i % 4],
    job_title: "Engineer",
    company_name: "Analytical Engines",
    phones: [0, 1, 2].map((k) => ({ number: `+1202${String(1_000_000 + i * 3 + k).slice(1)}`, label: "MOBILE" })),
    emails: [0, 1].map((k) => ({ email: `c${i}.${k}@example.com`, label: "JOB" })),
    addresses: [
      { street: `${i} Main Street`, city: "Springfield", postal_code: "10001", country: "US" },
      { address_line: `Flat ${i}`, city: "London", country: "GB" },
    ],
    tags: ["customers", `cohort-${i % 20}`, "newsletter"],
  };
}

async function seed(emu: EmulatorChild, from: number, to: number): Promise<void> {
  let next = from;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < to) {
        const body = JSON.stringify(contact(next++));
        const r = await fetch(`${emu.url}/v2/contacts`, {
          method: "POST",
          headers: { authorization: emu.apiKey, "content-type": "application/json" },
          body,
        });
        if (r.status !== 201 && r.status !== 200) throw new Error(`seeding answered ${r.status}: ${await r.text()}`);
      }
    }),
  );
}

interface Run {
  ms: number;
  maxRssMiB: number;
  requests: Record<string, number>;
}

async function exportOnce(emu: EmulatorChild, format: string, nodeArgs: string[] = []): Promise<Run> {
  const out = mkdtempSync(join(tmpdir(), "romulus-export-bench-"));
  await emu.resetCounters();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...nodeArgs, "-r", RSS, CLI, "--out", join(out, "p"), "--format", format, "--endpoint", emu.url],
    {
      env: { ...process.env, ROMULUS_API_KEY: emu.apiKey },
      stdio: ["ignore", "ignore", "pipe", "pipe"],
    },
  );
  let report = "";
  let stderr = "";
  child.stdio[3]?.on("data", (d: Buffer) => {
    report += d;
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const ms = performance.now() - started;
  rmSync(out, { recursive: true, force: true });
  if (code !== 0) throw new Error(`romulus-export exited ${code}: ${stderr.slice(-2000)}`);
  const { maxRssKiB } = JSON.parse(report) as { maxRssKiB: number };
  return { ms, maxRssMiB: maxRssKiB / 1024, requests: await emu.counters() };
}

async function main(): Promise<void> {
  const host = machine();
  const started = performance.now();
  const rounds = argument("rounds", 3);
  const sizes = [argument("small", 1000), argument("large", 10_000)];
  const emu = await startEmulatorChild();
  const rows: string[][] = [];
  const results: Record<string, Run[]> = {};
  try {
    let seeded = 0;
    for (const size of sizes) {
      process.stderr.write(`seeding ${size} contacts...\n`);
      await seed(emu, seeded, size);
      seeded = size;
      // The largest size once more with V8's old space capped at 64 MiB: if the contacts were held, the
      // export would run out of heap; if not, the growth above is only how lazily V8 collects.
      const variants: Array<{ format: string; label: string; nodeArgs: string[] }> = [
        { format: "yaml", label: "yaml", nodeArgs: [] },
        { format: "csv", label: "csv", nodeArgs: [] },
        ...(size === sizes.at(-1) && size !== sizes[0]
          ? [
              {
                format: "yaml",
                label: `yaml, \`--max-old-space-size=${CAPPED_HEAP_MIB}\``,
                nodeArgs: [`--max-old-space-size=${CAPPED_HEAP_MIB}`],
              },
            ]
          : []),
      ];
      for (const { format, label, nodeArgs } of variants) {
        const runs: Run[] = [];
        for (let r = 0; r < rounds; r++) runs.push(await exportOnce(emu, format, nodeArgs));
        results[`${size} ${label}`] = runs;
        const requests = runs[0]!.requests;
        const sent = total(requests);
        const budget = size / 200 + 5;
        const small = results[`${sizes[0]} ${format}`]!;
        const ratio = median(runs.map((x) => x.maxRssMiB)) / median(small.map((x) => x.maxRssMiB));
        rows.push([
          size.toLocaleString("en-US"),
          label,
          `${sent} (${requests["POST /v2/contacts/search"] ?? 0} pages of 200) ${sent <= budget ? "≤" : "**>**"} ${budget}`,
          fmt(median(runs.map((x) => x.ms)) / 1000, 2),
          fmt(median(runs.map((x) => x.maxRssMiB))),
          `${fmt(ratio, 2)}${size === sizes[0] ? "" : ratio <= 2 ? " (goal ≤ 2)" : " (**goal ≤ 2 missed**)"}`,
          fmt(median(runs.map((x) => x.maxRssMiB)) - median(small.map((x) => x.maxRssMiB))),
        ]);
        process.stderr.write(`${size} ${format}: ${JSON.stringify(rows.at(-1))}\n`);
      }
    }
  } finally {
    await emu.stop();
  }
  emitTables("export", {
    run: runTable(host, [
      { header: "minutes", value: fmt((performance.now() - started) / 60_000, 1), number: true },
      {
        header: "run",
        value: `${rounds === 1 ? "one export" : `median of ${rounds} exports`} per size and form, ${sizes.map((n) => n.toLocaleString("en-US")).join(" / ")} contacts`,
      },
    ]),
    results: table(
      ["contacts", "form", "requests (goal)", "wall s", "peak RSS MiB", "RSS vs 1,000", "RSS growth MiB"],
      rows,
      [0, 3, 4, 6],
    ),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
