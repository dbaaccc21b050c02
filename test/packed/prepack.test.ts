/**
 * `npm pack` of a clone that was never built (what README's install steps and a release start from) still
 * makes the complete package: `prepare`, which npm runs on install and before a pack, builds dist/ first.
 * Without it the tarball silently held only package.json and README.md.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { packedInstall } from "../support/package";

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The paths inside a tarball, without npm's `package/` prefix. */
async function listTarball(tgz: string): Promise<string[]> {
  const { stdout } = await run("tar", ["-tzf", tgz], { maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .split("\n")
    .filter((l) => l !== "" && !l.endsWith("/"))
    .map((l) => l.replace(/^package\//, ""))
    .sort();
}

/** Every file package.json points users at: main, types, each export's targets, the bin. */
function declaredFiles(pkg: Record<string, unknown>): string[] {
  const out = new Set<string>([pkg.main as string, pkg.types as string]);
  const collect = (value: unknown): void => {
    if (typeof value === "string") out.add(value.replace(/^\.\//, ""));
    else if (value && typeof value === "object") for (const v of Object.values(value)) collect(v);
  };
  collect(pkg.exports);
  collect(pkg.bin);
  for (const targets of Object.values((pkg.typesVersions as Record<string, Record<string, string[]>>)["*"] ?? {})) {
    for (const target of targets) if (!target.includes("*")) out.add(target);
  }
  return [...out].sort();
}

let tmp: string;
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test("npm pack of an unbuilt copy builds first and ships everything package.json names, LICENSE and the sources", async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-prepack-"));
  const copy = path.join(tmp, "clone");
  fs.mkdirSync(copy);
  for (const entry of ["package.json", "tsconfig.json", "tsconfig.build.json", "README.md", "LICENSE", "src", "docs"]) {
    fs.cpSync(path.join(REPO_ROOT, entry), path.join(copy, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(copy, "node_modules"), "junction");
  expect(fs.existsSync(path.join(copy, "dist"))).toBe(false);

  const out = path.join(tmp, "out");
  fs.mkdirSync(out);
  const { stdout } = await run("npm", ["pack", "--pack-destination", out, "--silent"], {
    cwd: copy,
    maxBuffer: 16 * 1024 * 1024,
  });
  const tgz = path.join(out, stdout.trim().split("\n").pop() as string);
  const files = await listTarball(tgz);

  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  expect(declaredFiles(pkg).filter((f) => !files.includes(f))).toEqual([]);
  expect(files).toEqual(
    expect.arrayContaining(["LICENSE", "README.md", "package.json", "src/index.ts", "docs/EMULATOR.md"]),
  );
  // The source maps' sources are in the tarball too.
  const map = JSON.parse(fs.readFileSync(path.join(copy, "dist", "config.js.map"), "utf8")) as { sources: string[] };
  for (const source of map.sources) expect(files).toContain(path.posix.join("dist", source));
  expect(files.filter((f) => /^(test|examples|scripts|bench|node_modules)\//.test(f))).toEqual([]);

  // The same files as the pack of this repository's own build (test/support/package.ts).
  expect(files).toEqual(await listTarball((await packedInstall()).tarball));
}, 600_000);
