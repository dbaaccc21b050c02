/**
 * The public API stays what users of this release see: for every entry point in package.json (`exports`,
 * and `typesVersions` for TypeScript's `node` resolution), compared with fixtures frozen from a build, in
 * test/fixtures/public-api/:
 * - entry-points.json: `main`, `types`, `exports`, `typesVersions` and `bin` of package.json;
 * - runtime.json: each entry point's exported names, loaded from dist/ as a user's program loads them, and
 *   what each one is: a class, a function, a constant's value, or an exported zod schema's JSON Schema
 *   (what it accepts);
 * - declarations/: the declaration files the entry points reach, as the build wrote them. Every name each
 *   entry point exports today must still be exported, and be the same for a user: test/api/declarations.ts
 *   compiles a file that assigns each frozen export to the current one and back (values, types, generic
 *   types, function parameters and return types, constructor parameters), after taking out what makes
 *   two copies of one class differ that a user cannot see (private members). A type written differently
 *   with the same members passes; a property, parameter or export added, removed or retyped fails, naming
 *   the entry point and the export.
 *
 * Needs a current build (`npm run build`). Re-freeze after an intended change: `API_GUARD_FREEZE=1 npx jest test/api`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { compareDeclarations, reachableDeclarations, type TypeEntry, writeComparable } from "./declarations";
import { assertBuildIsCurrent, FREEZING, listFiles, REPO_ROOT, scratchDir } from "./support";

const FIXTURES = path.join(REPO_ROOT, "test", "fixtures", "public-api");
const FROZEN_DECLARATIONS = path.join(FIXTURES, "declarations");

interface PackageEntryPoints {
  main?: string;
  types?: string;
  exports?: Record<string, string | { types?: string; default?: string }>;
  typesVersions?: Record<string, Record<string, string[]>>;
  bin?: Record<string, string>;
}

function entryPoints(pkg: PackageEntryPoints): PackageEntryPoints {
  const { main, types, exports, typesVersions, bin } = pkg;
  return { main, types, exports, typesVersions, bin };
}

const specifierOf = (subpath: string) => (subpath === "." ? "pulumi-romulus" : `pulumi-romulus/${subpath.slice(2)}`);

/**
 * The entry points' declaration files, from the `types` conditions of `exports`. `typesVersions` maps the
 * same subpaths to the same files for TypeScript's `node` resolution: entry-points.json freezes that mapping.
 */
function typeEntries(pkg: PackageEntryPoints): TypeEntry[] {
  const out = new Map<string, TypeEntry>();
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target === "object" && target.types) {
      out.set(specifierOf(subpath), {
        specifier: specifierOf(subpath),
        file: target.types.replace(/^\.\//, "").replace(/\.d\.ts$/, ""),
      });
    }
  }
  return [...out.values()];
}

type Descriptor = string | { value: unknown } | { zodJsonSchema: unknown } | { object: string[] };

function isData(value: unknown): boolean {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every(isData);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value as object).every(isData);
  }
  return false;
}

/** What a user gets from one runtime export. */
function describe(value: unknown): Descriptor {
  if (typeof value === "function") {
    return /^class[\s{]/.test(Function.prototype.toString.call(value)) ? "class" : "function";
  }
  if (value instanceof z.ZodType)
    return { zodJsonSchema: z.toJSONSchema(value, { unrepresentable: "any", io: "input" }) };
  if (isData(value)) return { value };
  if (typeof value === "object" && value !== null) return { object: Object.keys(value).sort() };
  return typeof value;
}

/** Each JavaScript entry point's exports, required from the build. */
function runtimeApi(pkg: PackageEntryPoints): Record<string, Record<string, Descriptor>> {
  const out: Record<string, Record<string, Descriptor>> = {};
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target !== "object" || !target.default) continue;
    const loaded: Record<string, unknown> = require(path.join(REPO_ROOT, target.default));
    out[specifierOf(subpath)] = Object.fromEntries(
      Object.keys(loaded)
        .sort()
        .map((name) => [name, describe(loaded[name])]),
    );
  }
  return out;
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as T;
const writeJson = (file: string, value: unknown) =>
  fs.writeFileSync(path.join(FIXTURES, file), `${JSON.stringify(value, null, 2)}\n`);

const current = (): PackageEntryPoints =>
  entryPoints(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as PackageEntryPoints);

beforeAll(() => {
  assertBuildIsCurrent();
  if (!FREEZING) return;
  const pkg = current();
  fs.rmSync(FIXTURES, { recursive: true, force: true });
  fs.mkdirSync(FROZEN_DECLARATIONS, { recursive: true });
  writeJson("entry-points.json", pkg);
  writeJson("runtime.json", runtimeApi(pkg));
  const { files } = reachableDeclarations(
    REPO_ROOT,
    typeEntries(pkg).map((e) => `${e.file}.d.ts`),
  );
  for (const rel of files) {
    fs.mkdirSync(path.dirname(path.join(FROZEN_DECLARATIONS, rel)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, rel), path.join(FROZEN_DECLARATIONS, rel));
  }
});

test("package.json declares the same entry points, types and binaries", () => {
  expect(current()).toEqual(readJson("entry-points.json"));
});

test("every entry point exports the same runtime names, each the same kind of thing with the same value", () => {
  const frozen = readJson<Record<string, Record<string, Descriptor>>>("runtime.json");
  const now = runtimeApi(current());
  // Only the exports that differ, under their entry point and name, so the diff shows every one and names it
  // ("absent" where an entry point or an export is missing on one side).
  const differing = (a: typeof now, b: typeof now) =>
    Object.fromEntries(
      [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((entry) => {
        const names = [...new Set([...Object.keys(a[entry] ?? {}), ...Object.keys(b[entry] ?? {})])].sort();
        const changed = names.filter((n) => JSON.stringify(a[entry]?.[n]) !== JSON.stringify(b[entry]?.[n]));
        return changed.length === 0
          ? []
          : [[entry, Object.fromEntries(changed.map((n) => [n, a[entry]?.[n] ?? "absent"]))]];
      }),
    );
  expect(differing(now, frozen)).toEqual(differing(frozen, now));
});

test("every entry point exports the same names and types, each the same for a user as the frozen declarations", () => {
  const frozenEntries = typeEntries(readJson<PackageEntryPoints>("entry-points.json"));
  const nowEntries = new Map(typeEntries(current()).map((e) => [e.specifier, e]));
  const scratch = scratchDir("api-guard-types");
  try {
    const built = reachableDeclarations(
      REPO_ROOT,
      [...nowEntries.values()].map((e) => `${e.file}.d.ts`),
    );
    writeComparable(FROZEN_DECLARATIONS, path.join(scratch, "old"), listFiles(FROZEN_DECLARATIONS));
    writeComparable(REPO_ROOT, path.join(scratch, "new"), built.files);
    expect([...nowEntries.keys()].sort()).toEqual(frozenEntries.map((e) => e.specifier).sort());
    const pairs = frozenEntries.flatMap((old) => {
      const now = nowEntries.get(old.specifier);
      return now ? [{ old, now }] : [];
    });
    const { names, failures } = compareDeclarations(scratch, pairs, built.program);
    const problems = [
      ...Object.entries(names).flatMap(([entry, { missing, added }]) => [
        ...missing.map((name) => `entry "${entry}", export ${name}: no longer exported`),
        ...added.map((name) => `entry "${entry}", export ${name}: exported in addition`),
      ]),
      ...failures,
    ];
    expect(problems).toEqual([]);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}, 120_000);
