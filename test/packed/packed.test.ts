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
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { environmentsSuite } from "../examples/environments.suite";
import { gitopsSuite } from "../examples/gitops.suite";
import { quickstartSuite } from "../examples/quickstart.suite";
import type { Emulator } from "../examples/support";
import { ENGINE_TEST_TIMEOUT_MS } from "../harness/engine";
import { createProgramDirFromTarball, type ProgramDir, ProviderHost, REPO_ROOT } from "../harness/host";
import { makeSecret } from "../harness/wire";
import { emulator as emu } from "../support/package";

jest.setTimeout(ENGINE_TEST_TIMEOUT_MS);

const run = promisify(execFile);
const ORG = emu.DEFAULT_ORGANIZATION_ID;
const STUBS = ["webhook-subscription", "call-task-webhook-subscription", "contact"] as const;

let tmp: string;
let programDir: ProgramDir;
let server: Emulator;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-pack-"));
  // dist/ must be current: `npm test` builds first (pretest); run `npm run build` before this file alone.
  // --ignore-scripts: `npm pack` would otherwise run the build scripts (prepare), rewriting dist/ in place
  // while the suites running beside this one load it.
  const { stdout } = await run("npm", ["pack", "--pack-destination", tmp, "--silent", "--ignore-scripts"], {
    cwd: REPO_ROOT,
  });
  const tgz = path.join(tmp, stdout.trim().split("\n").pop() as string);
  programDir = await createProgramDirFromTarball(tgz, { project: "romulus-quickstart" });
  server = await emu.startEmulator({ outboundCallCompletionMs: 0 });
  // A safety net: `npm install` of the tarball from npm's cache takes half a minute on an idle machine and
  // passed 180 s with both cores busy with other work.
}, 600_000);
afterAll(async () => {
  await server?.close();
  await programDir?.cleanup();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test("the installed package is a real copy under node_modules, not a link to this repository", () => {
  const installed = path.join(programDir.dir, "node_modules", "pulumi-romulus");
  expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
  expect(fs.existsSync(path.join(installed, "dist", "provider", "runtime.js"))).toBe(true);
  // Only what `files` ships: no sources, tests or examples.
  const shipped = fs.readdirSync(installed);
  for (const dir of ["src", "test", "examples", "scripts"]) expect(shipped).not.toContain(dir);
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
  const script = path.join(programDir.dir, "serialise-stubs.js");
  fs.writeFileSync(script, SERIALISE);
  const { stdout } = await run(process.execPath, [script], { cwd: programDir.dir });
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
