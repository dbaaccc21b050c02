/**
 * The repository is self-contained: no comment or document cites working material outside it, and every
 * citation of docs/API-NOTES.md by section names a section that exists.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(__dirname, "..");
const SKIP = new Set(["node_modules", "dist", ".git", ".tools", ".bench-dist", "bin"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|js|mjs|json|md|yml|yaml)$/.test(name) ? [path] : [];
  });
}

const sources = [
  ...["src", "test", "bench", "docs", "examples", "scripts"].flatMap((d) => files(join(root, d))),
  join(root, "README.md"),
]
  .filter((path) => path !== __filename)
  .map((path) => ({ path: relative(root, path), text: readFileSync(path, "utf8") }));

test("nothing cites working material that lives outside the repository", () => {
  const outside = /api-notes\.md|romulus-api\.md|design\.md|\.\.\/shared|\/work\/shared|dynamic-providers-notes/;
  const citing = sources.filter((s) => outside.test(s.text)).map((s) => s.path);
  expect(citing).toEqual([]);
});

test("every section of docs/API-NOTES.md that the code cites exists", () => {
  const notes = readFileSync(join(root, "docs", "API-NOTES.md"), "utf8");
  const headings = new Set([...notes.matchAll(/^## (.+)$/gm)].map((m) => m[1]));
  const cited = sources.flatMap((s) =>
    [...s.text.replace(/\n\s*(\*|\/\/)\s*/g, " ").matchAll(/docs\/API-NOTES\.md, "([^"]+)"/g)].map((m) => ({
      path: s.path,
      section: m[1],
    })),
  );
  expect(cited.length).toBeGreaterThan(5);
  expect(cited.filter((c) => !headings.has(c.section))).toEqual([]);
});
