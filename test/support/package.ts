import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { alive } from "../../src/emulator/persistence";

/**
 * The built package, loaded the way a user's program loads it: engine-protocol tests run the shipped
 * JavaScript in dist/ (built by `npm test`'s pretest), typed by its sources.
 */
export const romulus: typeof import("../../src") = require("../../dist");
export const emulator: typeof import("../../src/emulator") = require("../../dist/emulator");

/** This repository. */
const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface PackedInstall {
  /** The tarball `npm pack` made. */
  tarball: string;
  /** A program folder (Pulumi.yaml, package.json) with the tarball installed by `npm install`. */
  dir: string;
  /** The installed copy: `<dir>/node_modules/pulumi-romulus`. */
  installed: string;
}

/** What a pack of this repository contains, as bytes: the key of the shared install. */
function packedContentHash(): string {
  const hash = createHash("sha256").update(REPO_ROOT);
  const walk = (rel: string): void => {
    const abs = path.join(REPO_ROOT, rel);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isDirectory()) {
      for (const name of fs.readdirSync(abs).sort()) walk(path.join(rel, name));
      return;
    }
    hash.update(`\0${rel}\0`).update(fs.readFileSync(abs));
  };
  for (const entry of ["package.json", "README.md", "LICENSE", "docs/EMULATOR.md", "dist", "src"]) walk(entry);
  return hash.digest("hex").slice(0, 16);
}

let shared: Promise<PackedInstall> | undefined;

/**
 * The package as users get it: `npm pack` of this repository, then `npm install <tarball>` into a fresh
 * program folder. Made once for what is currently built and shared by every test file that needs it (jest
 * runs files in separate workers): the first worker to ask packs under a lock, the others wait for its
 * `ready` marker, and a later run reuses it while dist/, src/ and package.json are unchanged.
 *
 * `--ignore-scripts`: prepare would rebuild dist/ while other test files are loading it; `npm test` has just
 * built it (pretest). test/packed/prepack.test.ts proves that a pack without a build builds first.
 * The folder is shared: a test writes only files of its own in it, and never changes the install.
 */
export function packedInstall(): Promise<PackedInstall> {
  shared ??= makePackedInstall();
  return shared;
}

async function makePackedInstall(): Promise<PackedInstall> {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist", "index.js"))) {
    throw new Error("dist/ is not built: run `npm run build` first (`npm test` does it in pretest)");
  }
  const root = path.join(os.tmpdir(), "pulumi-romulus-packed");
  const prefix = createHash("sha256").update(REPO_ROOT).digest("hex").slice(0, 8);
  const home = path.join(root, `${prefix}-${packedContentHash()}`);
  const result = (): PackedInstall => {
    const tarball = fs.readFileSync(path.join(home, "ready"), "utf8");
    const dir = path.join(home, "program");
    return { tarball, dir, installed: path.join(dir, "node_modules", "pulumi-romulus") };
  };
  fs.mkdirSync(root, { recursive: true });
  const lock = `${home}.lock`;
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    if (fs.existsSync(path.join(home, "ready"))) return result();
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(fs.readFileSync(path.join(lock, "pid"), { encoding: "utf8", flag: "a+" }) || 0);
      if (owner > 0 && !alive(owner)) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 5 minutes for another test file to pack into ${home}`);
      // Another worker is packing: its `ready` marker is the event waited for.
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if (fs.existsSync(path.join(home, "ready"))) return result();
    fs.rmSync(home, { recursive: true, force: true });
    fs.mkdirSync(home);
    const { stdout } = await promisify(execFile)(
      "npm",
      ["pack", "--ignore-scripts", "--pack-destination", home, "--silent"],
      { cwd: REPO_ROOT },
    );
    const tarball = path.join(home, stdout.trim().split("\n").pop() as string);
    const { createProgramDirFromTarball } = await import("../harness/host");
    const program = await createProgramDirFromTarball(tarball, { project: "romulus-quickstart" });
    fs.renameSync(program.dir, path.join(home, "program"));
    fs.writeFileSync(path.join(home, "ready"), tarball);
    // Installs of earlier builds of this working copy are of no further use.
    for (const name of fs.readdirSync(root)) {
      if (name.startsWith(`${prefix}-`) && name !== path.basename(home) && !name.endsWith(".lock")) {
        fs.rmSync(path.join(root, name), { recursive: true, force: true });
      }
    }
    return result();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
