/**
 * The package as users get it: `npm pack`, then `npm install <tarball>` into a fresh program folder, and
 * the provider host run from there. Two things are proven here and nowhere else:
 * - the examples work with the provider host resolving the *installed* package (the serialised
 *   `__provider` requires `pulumi-romulus/provider` from the program folder, whatever the program itself
 *   loaded): the whole quickstart, environments and gitops suites (quickstart.suite.ts, environments.suite.ts,
 *   gitops.suite.ts) on that folder;
 * - in an installed package each resource's stub serialises to a one-line `require` of its exported
 *   subpath, and that exact text drives a real host. This is checked by plain `node` in the installed
 *   folder: jest has a module registry of its own, which hides how Node's require.cache sees the package.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { environmentsSuite } from "../examples/environments.suite";
import { gitopsSuite } from "../examples/gitops.suite";
import { quickstartSuite } from "../examples/quickstart.suite";
import type { Emulator } from "../examples/support";
import { ENGINE_TEST_TIMEOUT_MS } from "../harness/engine";
import { ProviderHost, REPO_ROOT } from "../harness/host";
import { makeSecret } from "../harness/wire";
import { emulator as emu, type PackedInstall, packedInstall } from "../support/package";

jest.setTimeout(ENGINE_TEST_TIMEOUT_MS);

const run = promisify(execFile);
const ORG = emu.DEFAULT_ORGANIZATION_ID;
const STUBS = ["webhook-subscription", "call-task-webhook-subscription", "contact"] as const;

let programDir: PackedInstall;
let server: Emulator;

beforeAll(async () => {
  // dist/ must be current: `npm test` builds first (pretest); run `npm run build` before this file alone.
  programDir = await packedInstall();
  server = await emu.startEmulator({ outboundCallCompletionMs: 0 });
  // A safety net: `npm install` of the tarball takes half a minute on an idle machine and passed 180 s
  // with both cores busy with other work.
}, 600_000);
afterAll(async () => {
  await server?.close();
});

test("the installed package is a real copy under node_modules, not a link to this repository", () => {
  const { installed } = programDir;
  expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
  expect(fs.existsSync(path.join(installed, "dist", "provider", "runtime.js"))).toBe(true);
  // Only what `files` ships: the build, the sources its source maps point at, README, LICENSE and the
  // emulator's reference (its --help points there); no tests, examples or scripts.
  expect(fs.readdirSync(installed).sort()).toEqual(["LICENSE", "README.md", "dist", "docs", "package.json", "src"]);
  expect(fs.readdirSync(path.join(installed, "docs"))).toEqual(["EMULATOR.md"]);
  const license = fs.readFileSync(path.join(installed, "LICENSE"), "utf8");
  expect(license).toContain("Apache License\n                           Version 2.0, January 2004");
  expect(license).toContain("END OF TERMS AND CONDITIONS");
  expect(license).toBe(fs.readFileSync(path.join(REPO_ROOT, "LICENSE"), "utf8"));
  const pkg = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
  expect(pkg).toMatchObject({ license: "Apache-2.0" });
  for (const field of ["repository", "homepage", "bugs"]) expect(pkg[field]).toBeDefined();
});

/**
 * An error thrown inside the installed package, its stack printed three ways: plain node (frames in
 * dist/*.js), `--enable-source-maps` (frames in src/*.ts, through the shipped maps) and source-map-support,
 * which @pulumi/pulumi's provider host registers (cmd/dynamic-provider). Every frame inside the package
 * must name a file that exists there, so a user can open it.
 */
const THROW = `
try {
  new (require("pulumi-romulus").RomulusClient)({ apiKey: "k", endpoint: "http://example.com" });
} catch (error) {
  process.stdout.write(error.stack);
}
`;

test.each([
  ["plain node", [] as string[]],
  ["node --enable-source-maps", ["--enable-source-maps"]],
  ["source-map-support, as in the provider host", ["-r", "source-map-support/register"]],
])("stack traces from the installed package name files that exist in it: %s", async (_how, flags) => {
  const script = path.join(programDir.dir, `throw-${process.pid}.js`);
  fs.writeFileSync(script, THROW);
  try {
    const { stdout } = await run(process.execPath, [...flags, script], { cwd: programDir.dir });
    expect(stdout).toContain("plain http");
    const files = [
      ...stdout.matchAll(/\(?((?:\/[^():\s]+)+\/node_modules\/pulumi-romulus\/[^():\s]+):\d+:\d+\)?/g),
    ].map((m) => m[1] as string);
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) expect([file, fs.existsSync(file)]).toEqual([file, true]);
    if (flags.length > 0) expect(files.some((f) => f.endsWith(path.join("src", "config.ts")))).toBe(true);
  } finally {
    fs.rmSync(script, { force: true });
  }
});

/** Runs in the installed folder under plain node: what `new Contact(...)` would write as `__provider`. */
const SERIALISE = `
const pulumi = require("@pulumi/pulumi");
(async () => {
  const out = {};
  for (const kind of ${JSON.stringify(STUBS)}) {
    const stub = require("pulumi-romulus/provider/stubs/" + kind);
    // As pulumi.dynamic.Resource does it (dynamic/index.js).
    out[kind] = (await pulumi.runtime.serializeFunction(() => stub, { allowSecrets: true })).text;
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

test("in an installed package each stub serialises to a one-line require of its subpath, and that text drives a real host", async () => {
  const script = path.join(programDir.dir, `serialise-stubs-${process.pid}.js`);
  fs.writeFileSync(script, SERIALISE);
  const { stdout } = await run(process.execPath, [script], { cwd: programDir.dir }).finally(() =>
    fs.rmSync(script, { force: true }),
  );
  const texts = JSON.parse(stdout) as Record<(typeof STUBS)[number], string>;
  for (const kind of STUBS) {
    const text = texts[kind];
    expect(text.split("\n").filter((l) => l.includes("require("))).toEqual([
      `const stub = require("pulumi-romulus/provider/stubs/${kind}");`,
    ]);
    expect(Buffer.byteLength(text)).toBeLessThan(2048);
    // Nothing machine-specific: no absolute path, so state written here works on any machine.
    expect(text).not.toContain(programDir.dir);
    expect(text).not.toContain(REPO_ROOT);
    expect(text).not.toMatch(/["'`]\/(tmp|home|work|usr|var)\//);
  }

  const host = await ProviderHost.start({ programDir: programDir.dir, project: "romulus-quickstart", stack: "dev" });
  try {
    await host.configureArgs({ "romulus:endpoint": server.url, "romulus:apiKey": makeSecret(emu.DEFAULT_API_KEY) });
    const urn = "urn:pulumi:dev::romulus-quickstart::pulumi-nodejs:dynamic/romulus:Contact::packed";
    const checked = await host.check(urn, {}, { __provider: texts.contact, firstName: "Packed", tags: ["npm"] });
    expect(checked.failures).toEqual([]);
    const created = await host.create(urn, checked.inputs);
    expect(server.object(ORG, "contacts", created.id)).toMatchObject({ first_name: "Packed", source: "API" });
    await host.delete(created.id, urn, created.properties, checked.inputs);
    expect(server.objects(ORG, "contacts")).toEqual([]);
  } finally {
    await host.stop();
  }
});

// The examples' own suites, with every provider host in the installed folder instead of a link to this
// repository. They start after this file's beforeAll has installed the tarball.
describe("examples/quickstart from the packed install", () => quickstartSuite({ programDir: () => programDir.dir }));
describe("examples/environments from the packed install", () =>
  environmentsSuite({ programDir: () => programDir.dir }));
describe("examples/gitops from the packed install", () => gitopsSuite({ programDir: () => programDir.dir }));
