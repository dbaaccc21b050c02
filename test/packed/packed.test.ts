/**
 * The package as users get it: `npm pack`, then `npm install <tarball>` into a fresh program folder, and
 * the provider host run from there. Two things are proven here and nowhere else:
 * - the examples work with the provider host resolving the *installed* package (the serialised
 *   `__provider` requires `pulumi-romulus/provider` from the program folder, whatever the program itself
 *   loaded): the quickstart's up, no-op preview, refresh, drift, update, replacement and destroy, and the
 *   whole environments and gitops suites (environments.suite.ts, gitops.suite.ts) on that folder;
 * - in an installed package each resource's stub serialises to a one-line `require` of its exported
 *   subpath, and that exact text drives a real host. This is checked by plain `node` in the installed
 *   folder: jest has a module registry of its own, which hides how Node's require.cache sees the package.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { quickstart } from "../../examples/quickstart/program";
import { environmentsSuite } from "../examples/environments.suite";
import { gitopsSuite } from "../examples/gitops.suite";
import {
  type Emulator,
  EXAMPLES_DIR,
  type ExampleStack,
  MANAGED_KINDS,
  readStackConfig,
  resourceOps,
  seededId,
  startExampleStack,
  writes,
} from "../examples/support";
import { byName } from "../harness/engine";
import { createProgramDirFromTarball, type ProgramDir, ProviderHost, REPO_ROOT } from "../harness/host";
import { runProgram } from "../harness/program";
import { makeSecret } from "../harness/wire";
import { emulator as emu } from "../support/package";

const run = promisify(execFile);
const ORG = emu.DEFAULT_ORGANIZATION_ID;
const STUBS = ["webhook-subscription", "call-task-webhook-subscription", "contact"] as const;

let tmp: string;
let programDir: ProgramDir;
let server: Emulator;
let stack: ExampleStack;
/** Pulumi.dev.yaml as committed, with this test's emulator. */
let config: Record<string, string>;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-pack-"));
  // dist/ must be current: `npm test` builds first (pretest); run `npm run build` before this file alone.
  const { stdout } = await run("npm", ["pack", "--pack-destination", tmp, "--silent"], { cwd: REPO_ROOT });
  const tgz = path.join(tmp, stdout.trim().split("\n").pop() as string);
  programDir = await createProgramDirFromTarball(tgz, { project: "romulus-quickstart" });
  server = await emu.startEmulator({ outboundCallCompletionMs: 0 });
  config = {
    ...readStackConfig(path.join(EXAMPLES_DIR, "quickstart", "Pulumi.dev.yaml")),
    "romulus:endpoint": server.url,
  };
  stack = await startExampleStack(() => ({ config }), {
    server,
    programDir: programDir.dir,
    project: "romulus-quickstart",
    stack: "dev",
  });
}, 180_000);
afterAll(async () => {
  await stack?.close();
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

test("quickstart: up, a no-op preview, refresh, drift, an update, a replacement, destroy with the host running the installed package", async () => {
  let engine = stack.engine;
  const up = await engine.upProgram(quickstart);
  expect(Object.values(resourceOps(up.steps))).toEqual(Array(6).fill("create"));
  expect(server.objects(ORG, "contacts")).toHaveLength(3);

  server.resetCounters();
  const preview = await engine.previewProgram(quickstart);
  expect(new Set(preview.steps.map((s) => s.op))).toEqual(new Set(["same"]));
  expect(writes(server)).toEqual({});

  expect((await engine.refresh()).changed).toEqual([]);
  const grace = byName(engine.state, "grace-hopper")!;
  server.edit(ORG, "contacts", grace.id, { job_title: "Commodore" });
  const { resources } = await runProgram(quickstart, engine.programOptions());
  const drift = await engine.previewRefreshExpectNoChanges(resources);
  expect(drift.ok).toBe(false);
  expect(resourceOps(drift.changes)).toEqual({ "grace-hopper": "update" });

  // Another agent: the call subscription is updated in place, with one PUT and nothing else. (Without a
  // refresh the up does not see the drifted contact, as `pulumi up` without --refresh would not.)
  const calls = byName(engine.state, "agent-calls")!.id;
  engine = stack.rerun({ ...config, "romulus-quickstart:agentName": "Support Agent" });
  server.resetCounters();
  const update = await engine.upProgram(quickstart);
  expect(resourceOps(update.steps)).toMatchObject({
    "agent-calls": "update",
    "grace-hopper": "same",
    appointments: "same",
  });
  expect(byName(update.state, "agent-calls")!.id).toBe(calls);
  expect(server.object(ORG, "webhook-subscriptions", calls).entity_id).toBe(
    seededId(server, ORG, "agents", "Support Agent"),
  );
  expect(writes(server)).toEqual({ "PUT /v1/webhook-subscriptions/:webhookSubscriptionId": 1 });

  // Another robocall configuration: the API cannot update a call-task subscription, so it is replaced.
  const results = byName(engine.state, "robocall-results")!.id;
  engine = stack.rerun({
    ...config,
    "romulus-quickstart:agentName": "Support Agent",
    "romulus-quickstart:robocallConfigurationName": "Robocall - IVR with WA",
  });
  const replace = await engine.upProgram(quickstart);
  expect(replace.steps.find((s) => s.urn.endsWith("::robocall-results"))).toMatchObject({
    op: "replace",
    replaces: ["entityId"],
  });
  expect(server.objects(ORG, "call-task-webhook-subscriptions")).toEqual([
    expect.objectContaining({
      id: byName(replace.state, "robocall-results")!.id,
      entity_id: seededId(server, ORG, "robocall-configurations", "Robocall - IVR with WA"),
    }),
  ]);
  expect(byName(replace.state, "robocall-results")!.id).not.toBe(results);

  await engine.destroy();
  expect(engine.state).toEqual([]);
  for (const kind of MANAGED_KINDS) expect(server.objects(ORG, kind)).toEqual([]);
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
describe("examples/environments from the packed install", () =>
  environmentsSuite({ programDir: () => programDir.dir }));
describe("examples/gitops from the packed install", () => gitopsSuite({ programDir: () => programDir.dir }));
