/**
 * What every existing stack holds for each resource must not change with a release: the type token and the
 * serialised `__provider` (a different text makes every resource of every stack show a diff), and the output
 * properties a program reads off the resource. Compared byte for byte with fixtures captured from the
 * build, in test/fixtures/serialised-provider/.
 *
 * The `__provider` text is taken from a real registration: test/api/serialise-providers.js constructs one
 * resource of each kind the package exports as a `pulumi.dynamic.Resource`, under `setMocks`, in plain node,
 * so `pulumi.dynamic.Resource` serialises the provider exactly as in `pulumi up`. Two layouts, both found in
 * real stacks:
 * - installed: the package is a copy under the program's node_modules (as `npm install` leaves it), and the
 *   text is a one-line require of the stub's exported subpath (src/provider/stubs/*);
 * - linked: the package is loaded from outside any node_modules (a workspace or `npm link`: Node follows the
 *   link to the real path), and the text is the stub's code (src/provider/stub.ts) with its captured kind.
 * The installed layout is made here by copying dist/ and package.json (and @pulumi/pulumi, which finds the
 * package's `exports` from its own folder) into a scratch program folder; test/packed/packed.test.ts runs the
 * same stubs from a real `npm pack` install.
 *
 * The stubs' source files are also frozen by content, byte for byte: they are the part of the package that
 * state depends on, and a change there is either a state change or a risk of one.
 *
 * Needs a current build (`npm run build`). Re-freeze after an intended change: `API_GUARD_FREEZE=1 npx jest test/api`.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { assertBuildIsCurrent, FREEZING, listFiles, REPO_ROOT, scratchDir } from "./support";

const run = promisify(execFile);
const FIXTURES = path.join(REPO_ROOT, "test", "fixtures", "serialised-provider");
const LAYOUTS = ["installed", "linked"] as const;
type Layout = (typeof LAYOUTS)[number];

interface Registration {
  type: string;
  provider: string;
  /** The resource's output properties in `pulumi up`. */
  outputs: string[];
  /** The same under `setMocks`, where the package checks resources in the program. */
  outputsInUnitTests: string[];
}
type Registered = Omit<Registration, "provider">;

/** A registration without its `__provider` text (kept in a file of its own per kind). */
const registered = ({ provider: _, ...rest }: Registration): Registered => rest;
type Captured = Record<Layout, Record<string, Registration>>;

/** A program folder (its own package.json, so the repository's package scope does not apply) running the script. */
async function serialise(dir: string, packageModule: string): Promise<Record<string, Registration>> {
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "program", private: true }));
  const script = path.join(dir, "serialise-providers.js");
  fs.copyFileSync(path.join(__dirname, "serialise-providers.js"), script);
  const { stdout } = await run(process.execPath, [script, packageModule], { cwd: dir });
  return JSON.parse(stdout) as Record<string, Registration>;
}

async function capture(): Promise<Captured> {
  const scratch = scratchDir("api-guard-providers");
  try {
    const installed = path.join(scratch, "installed");
    const modules = path.join(installed, "node_modules");
    fs.mkdirSync(path.join(modules, "pulumi-romulus"), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, "package.json"), path.join(modules, "pulumi-romulus", "package.json"));
    fs.cpSync(path.join(REPO_ROOT, "dist"), path.join(modules, "pulumi-romulus", "dist"), { recursive: true });
    fs.cpSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"), path.join(modules, "@pulumi", "pulumi"), {
      recursive: true,
    });
    const linked = path.join(scratch, "linked");
    fs.mkdirSync(linked);
    // Both runs at once: each is a node process that spends most of its time loading @pulumi/pulumi.
    const [fromInstall, fromLink] = await Promise.all([
      serialise(installed, "pulumi-romulus"),
      serialise(linked, path.join(REPO_ROOT, "dist", "index.js")),
    ]);
    return { installed: fromInstall, linked: fromLink };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The files state depends on: the stub and the stub modules. */
function stubSources(): Record<string, string> {
  const files = [
    "src/provider/stub.ts",
    ...listFiles(path.join(REPO_ROOT, "src", "provider", "stubs")).map((f) => `src/provider/stubs/${f}`),
  ];
  return Object.fromEntries(
    files.map((f) => [
      f,
      createHash("sha256")
        .update(fs.readFileSync(path.join(REPO_ROOT, f)))
        .digest("hex"),
    ]),
  );
}

function freeze(captured: Captured): void {
  fs.rmSync(FIXTURES, { recursive: true, force: true });
  for (const layout of LAYOUTS) {
    fs.mkdirSync(path.join(FIXTURES, layout), { recursive: true });
    for (const [kind, { provider }] of Object.entries(captured[layout])) {
      fs.writeFileSync(path.join(FIXTURES, layout, `${kind}.txt`), provider);
    }
  }
  const registrations = Object.fromEntries(
    Object.entries(captured.installed).map(([kind, registration]) => [kind, registered(registration)]),
  );
  fs.writeFileSync(path.join(FIXTURES, "registrations.json"), `${JSON.stringify(registrations, null, 2)}\n`);
  fs.writeFileSync(path.join(FIXTURES, "stub-sources.json"), `${JSON.stringify(stubSources(), null, 2)}\n`);
}

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8"));

let captured: Captured;

beforeAll(async () => {
  assertBuildIsCurrent();
  captured = await capture();
  if (FREEZING) freeze(captured);
}, 120_000);

test("the package exports the three resource kinds, with the type tokens and output properties of existing stacks", () => {
  const frozen = readJson("registrations.json") as Record<string, Registered>;
  for (const layout of LAYOUTS) {
    const now = Object.fromEntries(
      Object.entries(captured[layout]).map(([kind, registration]) => [kind, registered(registration)]),
    );
    // Kinds, type tokens and output properties, named in the failure.
    expect({ layout, registrations: now }).toEqual({ layout, registrations: frozen });
  }
  expect(Object.keys(frozen).sort()).toEqual(["CallTaskWebhookSubscription", "Contact", "WebhookSubscription"]);
});

test.each(LAYOUTS)(
  "the serialised __provider of every kind is byte-identical to the frozen one (%s package)",
  (layout) => {
    const kinds = listFiles(path.join(FIXTURES, layout)).map((f) => f.replace(/\.txt$/, ""));
    expect(Object.keys(captured[layout]).sort()).toEqual(kinds);
    const changed = kinds.flatMap((kind) => {
      const frozen = fs.readFileSync(path.join(FIXTURES, layout, `${kind}.txt`), "utf8").split("\n");
      const now = (captured[layout][kind]?.provider ?? "").split("\n");
      const line = now.findIndex((text, i) => text !== frozen[i]);
      if (line < 0 && now.length === frozen.length) return [];
      const at = line < 0 ? now.length : line;
      return [`${kind}, line ${at + 1}: frozen ${JSON.stringify(frozen[at])}, now ${JSON.stringify(now[at])}`];
    });
    // Every stack's resources of a kind listed here would show a diff on its next preview.
    expect(changed).toEqual([]);
    // What each layout is: a one-line require of the kind's subpath, or the stub's code with its kind inside.
    for (const kind of kinds) {
      const text = captured[layout][kind]?.provider ?? "";
      const subpath = kind.replace(/(?<!^)([A-Z])/g, "-$1").toLowerCase();
      if (layout === "installed") expect(text).toContain(`require("pulumi-romulus/provider/stubs/${subpath}")`);
      else expect(text).toContain(`kind: "${kind}"`);
    }
  },
);

test("the stub sources that state depends on are unchanged, byte for byte", () => {
  expect(stubSources()).toEqual(readJson("stub-sources.json"));
});
