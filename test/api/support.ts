import * as fs from "node:fs";
import * as path from "node:path";

/** This repository. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * `API_GUARD_FREEZE=1 npx jest test/api` writes what the tests capture from the current build as the new
 * fixtures instead of comparing with them: for a change of the public API or of the stored `__provider`
 * that is intended (a new release line, with a note for users on what changes in their stacks).
 */
export const FREEZING = process.env.API_GUARD_FREEZE === "1";

/** Every file under `dir` (relative paths, `/`-separated, sorted), keeping those `keep` accepts. */
export function listFiles(dir: string, keep: (rel: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (keep(child)) out.push(child);
    }
  };
  if (fs.existsSync(dir)) walk("");
  return out.sort();
}

/**
 * The guard reads the build: it must be of the current sources. `npm test` builds first (pretest); a run of
 * test/api alone needs `npm run build` after a change under src/.
 */
export function assertBuildIsCurrent(): void {
  const built = path.join(REPO_ROOT, "dist", "index.d.ts");
  if (!fs.existsSync(built)) throw new Error("dist/ is not built: run `npm run build` first");
  const builtAt = fs.statSync(built).mtimeMs;
  const src = path.join(REPO_ROOT, "src");
  const newer = listFiles(src).filter((rel) => fs.statSync(path.join(src, rel)).mtimeMs > builtAt);
  if (newer.length > 0) {
    throw new Error(`dist/ is older than src/${newer[0]} (and ${newer.length - 1} more): run \`npm run build\` first`);
  }
}

/** A scratch folder under the repository's .tmp/ (git-ignored), so that the repository's node_modules resolve from it. */
export function scratchDir(label: string): string {
  const root = path.join(REPO_ROOT, ".tmp");
  fs.mkdirSync(root, { recursive: true });
  return fs.mkdtempSync(path.join(root, `${label}-`));
}
