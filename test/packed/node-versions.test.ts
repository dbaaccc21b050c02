/**
 * Node versions: `engines.node` is the true minimum of what the package runs on, and under an older Node
 * every entry point stops at once with one line naming the Node it needs and the one it found (never a
 * TypeError from a dependency, such as undici 8's below 22.19). The entry points: the package and each
 * subpath export (required and imported), the `romulus-emulator` bin, `npm run demo`, and the examples.
 *
 * The old Node is ROMULUS_TEST_OLD_NODE (.ci/run sets it to the machine's own Node when that is too old),
 * else the first `node` on PATH older than the minimum. Without one the test is skipped, except under
 * CI=true, where it fails: CI must prove this.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as semver from "semver";
import * as ts from "typescript";
import { type PackedInstall, packedInstall } from "../support/package";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
  exports: Record<string, unknown>;
  bin: Record<string, string>;
  scripts: Record<string, string>;
};
const MINIMUM = semver.minVersion(pkg.engines.node)?.version as string;

function versionOf(node: string): string | undefined {
  try {
    return execFileSync(node, ["-p", "process.versions.node"], { encoding: "utf8", timeout: 60_000 }).trim();
  } catch {
    return undefined;
  }
}

function findOldNode(): string | undefined {
  const given = process.env.ROMULUS_TEST_OLD_NODE;
  if (given) return given;
  const current = fs.realpathSync(process.execPath);
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/local/bin", "/usr/bin"];
  for (const dir of dirs) {
    const candidate = path.join(dir, "node");
    if (!fs.existsSync(candidate) || fs.realpathSync(candidate) === current) continue;
    const version = versionOf(candidate);
    if (version && semver.lt(version, MINIMUM)) return candidate;
  }
  return undefined;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("engines.node", () => {
  /** Every package the installed tarball brought: exactly what runs in a user's program. */
  function installedPackages(installed: PackedInstall): Array<{ name: string; node: string }> {
    const found: Array<{ name: string; node: string }> = [];
    const visit = (nodeModules: string): void => {
      if (!fs.existsSync(nodeModules)) return;
      for (const entry of fs.readdirSync(nodeModules)) {
        if (entry.startsWith(".")) continue;
        const dirs = entry.startsWith("@")
          ? fs.readdirSync(path.join(nodeModules, entry)).map((e) => path.join(nodeModules, entry, e))
          : [path.join(nodeModules, entry)];
        for (const dir of dirs) {
          const manifest = path.join(dir, "package.json");
          if (!fs.existsSync(manifest)) continue;
          const { name, engines } = JSON.parse(fs.readFileSync(manifest, "utf8"));
          if (typeof engines?.node === "string") found.push({ name, node: engines.node });
          visit(path.join(dir, "node_modules"));
        }
      }
    };
    visit(path.join(installed.dir, "node_modules"));
    return found;
  }

  test("is the true minimum: every Node it allows, every runtime dependency allows, and one of them needs exactly it", async () => {
    expect(pkg.engines.node).toMatch(/^>=\d+\.\d+\.\d+$/); // the form src/node-version.js reads
    const deps = installedPackages(await packedInstall()).filter((d) => d.name !== "pulumi-romulus");
    expect(deps.map((d) => d.name)).toEqual(expect.arrayContaining(["@pulumi/pulumi", "undici"]));
    const tooLoose = deps.filter((d) => !semver.subset(pkg.engines.node, d.node, { includePrerelease: false }));
    expect(tooLoose).toEqual([]);
    // Not stricter than needed: the version just below the minimum is refused by some dependency.
    const [major, minor, patch] = MINIMUM.split(".").map(Number) as [number, number, number];
    const below = patch > 0 ? `${major}.${minor}.${patch - 1}` : `${major}.${minor - 1}.999`;
    expect(deps.filter((d) => !semver.satisfies(below, d.node)).map((d) => d.name)).not.toEqual([]);
  }, 300_000);
});

const OLD_NODE = findOldNode();
const OLD_VERSION = OLD_NODE ? versionOf(OLD_NODE) : undefined;

if (!OLD_NODE || !OLD_VERSION || !semver.lt(OLD_VERSION, MINIMUM)) {
  const why = OLD_NODE
    ? `ROMULUS_TEST_OLD_NODE=${OLD_NODE} is Node ${OLD_VERSION ?? "(does not run)"}, not older than ${MINIMUM}`
    : `no Node older than ${MINIMUM} found (set ROMULUS_TEST_OLD_NODE to one)`;
  if (process.env.CI === "true") {
    test("an old Node to run the entry points under is available on CI", () => {
      throw new Error(why);
    });
  } else {
    test.skip(`every entry point under an old Node (${why})`, () => {});
  }
} else {
  const oldNode = OLD_NODE;
  const oldVersion = OLD_VERSION;
  /** The one line, with the Node it needs and the one it found. */
  const LINE = new RegExp(
    `^pulumi-romulus needs Node\\.js ${MINIMUM.replace(/\./g, "\\.")} or newer, but this is Node\\.js v${oldVersion.replace(/\./g, "\\.")} \\(.+\\); install a current Node\\.js from https://nodejs\\.org and run it again\\.$`,
  );
  /** Old Node first on PATH, as on a machine that has only it: what `#!/usr/bin/env node` and npm scripts run. */
  const oldEnv = { ...process.env, PATH: `${path.dirname(oldNode)}${path.delimiter}${process.env.PATH}` };

  function expectOneLine(result: Run): void {
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.stderr).not.toMatch(/TypeError|\n\s+at /);
    expect(result.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(LINE)]);
    expect(result.stdout).toBe("");
  }

  let packed: PackedInstall;
  beforeAll(async () => {
    packed = await packedInstall();
  }, 300_000);

  const subpaths = Object.keys(pkg.exports)
    .filter((p) => p !== "./package.json")
    .map((p) => `pulumi-romulus${p.slice(1)}`);

  describe(`under Node ${OLD_VERSION}`, () => {
    test.each(subpaths)("require(%j) stops with one line", async (specifier) => {
      expectOneLine(await run(oldNode, ["-e", `require(${JSON.stringify(specifier)})`], { cwd: packed.dir }));
    });

    test.each(subpaths)("import %j (ESM) stops with one line", async (specifier) => {
      const code = `import ${JSON.stringify(specifier)};`;
      expectOneLine(await run(oldNode, ["--input-type=module", "-e", code], { cwd: packed.dir }));
    });

    test.each(Object.keys(pkg.bin))("the %s bin stops with one line, --help too", async (name) => {
      const bin = path.join(packed.dir, "node_modules", ".bin", name);
      expectOneLine(await run(bin, ["--help"], { cwd: packed.dir, env: oldEnv }));
      expectOneLine(await run(bin, [], { cwd: packed.dir, env: oldEnv }));
    });

    test("npm run demo stops with one line, before it builds or starts anything", async () => {
      expect(pkg.scripts.demo).toBe("node scripts/demo.mjs");
      expectOneLine(await run(oldNode, [path.join(REPO_ROOT, "scripts", "demo.mjs")], { cwd: REPO_ROOT }));
      // Through npm itself, with the old Node first on PATH: npm's own header and error lines aside, ours
      // is the only message, and no stack.
      const viaNpm = await run("npm", ["run", "demo"], { cwd: REPO_ROOT, env: oldEnv });
      expect(viaNpm.code).not.toBe(0);
      expect(viaNpm.stderr).not.toMatch(/TypeError|\n\s+at /);
      expect(viaNpm.stderr.split("\n").filter((l) => LINE.test(l))).toHaveLength(1);
      expect(viaNpm.stdout).not.toMatch(/Building|emulator/i);
    }, 120_000);

    /** Each example's entry files, compiled as the Pulumi CLI's ts-node would, run from the installed program. */
    const EXAMPLE_ENTRIES = [
      "quickstart/index.ts",
      "environments/index.ts",
      "gitops/index.ts",
      "lookups/index.ts",
      "multi-org/index.ts",
      "webhook-receiver/index.ts",
      "webhook-receiver/serve.ts",
      "client/list-agents.ts",
    ];

    test("every example entry file is listed here", () => {
      const examples = fs
        .readdirSync(path.join(REPO_ROOT, "examples"), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
      expect([...new Set(EXAMPLE_ENTRIES.map((e) => e.split("/")[0]))].sort()).toEqual(examples.sort());
    });

    test.each(EXAMPLE_ENTRIES)("examples/%s stops with one line", async (entry) => {
      const [example] = entry.split("/") as [string];
      const out = fs.mkdtempSync(path.join(packed.dir, `example-${example}-`));
      try {
        for (const file of fs.readdirSync(path.join(REPO_ROOT, "examples", example))) {
          if (!file.endsWith(".ts")) continue;
          const source = fs.readFileSync(path.join(REPO_ROOT, "examples", example, file), "utf8");
          const { outputText } = ts.transpileModule(source, {
            compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true },
          });
          fs.writeFileSync(path.join(out, file.replace(/\.ts$/, ".js")), outputText);
        }
        const script = path.join(out, path.basename(entry).replace(/\.ts$/, ".js"));
        expectOneLine(await run(oldNode, [script], { cwd: out, env: oldEnv }));
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    });
  });
}
