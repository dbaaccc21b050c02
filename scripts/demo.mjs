#!/usr/bin/env node
/**
 * `npm run demo`: the whole story on one machine, with no Pulumi account and no Romulus account.
 *
 *  1. starts the Romulus emulator and the example webhook receiver on loopback;
 *  2. applies examples/quickstart (`pulumi up`), state in a temporary folder;
 *  3. prints the stack outputs;
 *  4. has the emulator complete a call of the agent, so the receiver gets real webhooks;
 *  5. edits a contact behind Pulumi's back and shows the drift check (`pulumi preview --refresh
 *     --expect-no-changes`) catch it;
 *  6. `pulumi destroy`, then removes every temporary file.
 *
 * With the Pulumi CLI on PATH, steps 2, 3, 5 and 6 are the real CLI (PULUMI_BACKEND_URL=file://…).
 * Without it, they run through the repository's engine stand-in (test/harness, loaded by
 * scripts/ts-require.cjs): the program runs under `setMocks` as the language host would run it, and the
 * real dynamic-provider host of @pulumi/pulumi is driven over gRPC in the engine's RPC order. The same
 * provider code talks to the same emulator either way; the first lines say which way this run goes.
 *
 * Builds the package first if dist/ is missing (`npm install` builds it: the `prepare` script). Plain
 * JavaScript on purpose: it runs with nothing but Node and the repository's own dependencies.
 */
// First: on an unsupported Node, one line and exit 1, before anything else runs (src/, so no build is needed).
import "../src/node-version.js";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const EXAMPLES = path.join(REPO, "examples");
const PASSPHRASE = "demo";
const STACK = "dev";

function fail(message) {
  process.stderr.write(`\n${message}\n`);
  process.exit(1);
}

/** The first executable `name` on PATH, like `command -v`. */
function onPath(name) {
  const exts = process.platform === "win32" ? (process.env.PATHEXT ?? ".EXE;.CMD").split(";") : [""];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {}
    }
  }
  return undefined;
}

const CLI = onPath("pulumi");
const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const say = (text = "") => process.stdout.write(`${text}\n`);
const step = (title) => say(`\n${bold(`==> ${title}`)}`);

if (CLI) {
  say(`Pulumi CLI: ${CLI}. The demo runs the real \`pulumi up\`, with its state in a temporary folder.`);
} else {
  say(
    [
      "The Pulumi CLI is not on your PATH: this demo runs the quickstart through the engine stand-in of",
      "this repository (test/harness). The program runs as under `pulumi up`, and Pulumi's real",
      "dynamic-provider host is driven over gRPC in the engine's order: same provider, same emulator.",
      "For the real `pulumi up`, install the CLI (https://www.pulumi.com/docs/install/), for example:",
      "  curl -fsSL https://get.pulumi.com | sh",
      "then open a new shell (the installer adds ~/.pulumi/bin to PATH) and run `npm run demo` again.",
      "No Pulumi account is needed either way: the state stays in a temporary folder.",
    ].join("\n"),
  );
}

// A clone where `npm install` did not build dist/ (e.g. `npm install --ignore-scripts`): build it now.
if (!fs.existsSync(path.join(REPO, "dist", "index.js"))) {
  say("\nBuilding the package (npm run build)...");
  const build = spawnSync("npm", ["run", "-s", "build"], { cwd: REPO, stdio: "inherit" });
  if (build.status !== 0) fail("`npm run build` failed: see above.");
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-demo-"));
const programDir = path.join(tmp, "quickstart");
const stateDir = path.join(tmp, "state");
fs.mkdirSync(stateDir);
const require = createRequire(import.meta.url);

/**
 * The quickstart, copied so the demo leaves the repository untouched. Its node_modules links this
 * repository's dependencies and the package itself, as `npm install` of the package would provide them:
 * the program and the provider host run from this folder.
 */
function prepareProgram() {
  fs.mkdirSync(programDir);
  for (const file of ["Pulumi.yaml", "package.json", "tsconfig.json", "index.ts", "program.ts"]) {
    fs.copyFileSync(path.join(EXAMPLES, "quickstart", file), path.join(programDir, file));
  }
  const nodeModules = path.join(programDir, "node_modules");
  fs.mkdirSync(nodeModules);
  for (const entry of fs.readdirSync(path.join(REPO, "node_modules"))) {
    if (entry.startsWith(".")) continue;
    fs.symlinkSync(path.join(REPO, "node_modules", entry), path.join(nodeModules, entry), "junction");
  }
  fs.symlinkSync(REPO, path.join(nodeModules, "pulumi-romulus"), "junction");
}

/** `[secret]` where `pulumi stack output` masks a value; `isSecret` tells the wire form's secrets apart. */
function masked(value, isSecret) {
  if (isSecret(value)) return "[secret]";
  if (Array.isArray(value)) return value.map((v) => masked(v, isSecret));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, isSecret)]));
  }
  return value;
}

/**
 * The Pulumi steps of the demo with the real CLI. Asynchronous on purpose: the emulator and the receiver
 * live in this process, and a blocking spawnSync would stop them from answering the very CLI (and the
 * provider it starts) that is waiting for them.
 */
function cliStack({ emulatorUrl, apiKey, receiverUrl }) {
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  /** `pulumi <args>` in the program folder, its output shown; resolves to the exit status (or its stdout). */
  const pulumi = (args, { check = true, capture = false } = {}) => {
    say(`\n$ pulumi ${args.join(" ")}`);
    return new Promise((resolve, reject) => {
      const child = spawn(CLI, args, {
        cwd: programDir,
        env,
        stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
      });
      let stdout = "";
      child.stdout?.setEncoding("utf8").on("data", (chunk) => {
        stdout += chunk;
      });
      child.on("error", reject);
      child.on("close", (status, signal) => {
        if (check && status !== 0) reject(new Error(`pulumi ${args[0]} failed (${signal ?? `exit ${status}`})`));
        else resolve(capture ? stdout : status);
      });
    });
  };
  return {
    async up() {
      await pulumi(["stack", "init", STACK, "--non-interactive"]);
      await pulumi(["config", "set", "romulus:endpoint", emulatorUrl]);
      await pulumi(["config", "set", "--secret", "romulus:apiKey", apiKey]);
      await pulumi(["config", "set", "--secret", "webhookBaseUrl", receiverUrl]);
      await pulumi(["up", "--yes", "--skip-preview", "--non-interactive"]);
    },
    async outputs() {
      const outputs = JSON.parse(await pulumi(["stack", "output", "--json"], { capture: true }));
      say(JSON.stringify(outputs, null, 2));
      return outputs;
    },
    async driftCheck() {
      const args = ["preview", "--refresh", "--expect-no-changes", "--diff", "--non-interactive"];
      const status = await pulumi(args, { check: false });
      if (status === 0) throw new Error("pulumi preview --expect-no-changes did not report the drift");
      say(`\nExit code ${status}: in CI this fails the drift job (examples/gitops/.github/workflows/drift.yml).`);
    },
    async destroy() {
      await pulumi(["destroy", "--yes", "--skip-preview", "--non-interactive"]);
      await pulumi(["stack", "rm", "--yes", "--non-interactive"]);
    },
    async close() {},
  };
}

/**
 * The same steps through the engine stand-in: test/harness's Engine runs the program and drives the real
 * dynamic-provider host, and this prints what the CLI would show of it.
 */
function engineStack({ emulatorUrl, apiKey, receiverUrl }) {
  require("./ts-require.cjs").register();
  const harness = path.join(REPO, "test", "harness");
  const { Engine } = require(path.join(harness, "engine.ts"));
  const { runProgram } = require(path.join(harness, "program.ts"));
  const { isSecret, unwrapSecrets } = require(path.join(harness, "wire.ts"));
  const engine = new Engine({
    programDir,
    project: "romulus-quickstart",
    stack: STACK,
    config: { "romulus:endpoint": emulatorUrl },
    secretConfig: { "romulus:apiKey": apiKey, "romulus-quickstart:webhookBaseUrl": receiverUrl },
  });
  // What the CLI runs: the module `main` names (index.ts), afresh on each run as each CLI run is a new process.
  const main = path.join(programDir, "index.ts");
  const program = () => {
    delete require.cache[main];
    return require(main);
  };
  const plain = (map) => unwrapSecrets(map ?? {}).value;
  const nameOf = (urn) => urn.split("::").pop();
  const typeOf = (type) => type.replace(/^pulumi-nodejs:dynamic\//, "");
  const symbol = { create: "+", update: "~", replace: "+-", delete: "-", same: " ", read: ">" };
  const verb = { create: "created", update: "updated", replace: "replaced", delete: "deleted", same: "unchanged" };
  const printSteps = (steps, state) => {
    for (const s of steps.filter((s) => !s.type.startsWith("pulumi:providers:"))) {
      const id = state.find((e) => e.urn === s.urn)?.id;
      say(
        `  ${symbol[s.op]} ${typeOf(s.type).padEnd(36)} ${nameOf(s.urn).padEnd(18)} ${verb[s.op]}${id ? `  id ${id}` : ""}`,
      );
    }
  };
  let lastExports = {};
  return {
    async up() {
      say(
        "\n$ pulumi up   (engine stand-in: stack dev, romulus:endpoint = the emulator, key and webhookBaseUrl secret)",
      );
      const r = await engine.upProgram(program);
      printSteps(r.steps, r.state);
      lastExports = r.program.exportsWire;
    },
    async outputs() {
      say("\n$ pulumi stack output --json");
      const outputs = masked(lastExports, isSecret);
      say(JSON.stringify(outputs, null, 2));
      return outputs;
    },
    async driftCheck() {
      say("\n$ pulumi preview --refresh --expect-no-changes --diff   (engine stand-in)");
      const before = engine.state;
      const { resources } = await runProgram(program, engine.programOptions());
      const check = await engine.previewRefreshExpectNoChanges(resources);
      if (check.ok) throw new Error("pulumi preview --expect-no-changes did not report the drift");
      for (const change of check.changes) {
        say(`  ~ ${typeOf(change.type)} ${nameOf(change.urn)}: ${change.op} (in Romulus now => in the program)`);
        // The properties the program sets (output-only ones such as updatedAt move on every edit).
        const declared = plain(resources.find((r) => r.urn === change.urn)?.inputs);
        const applied = plain(before.find((e) => e.urn === change.urn)?.outputs);
        const live = plain(check.refresh.state.find((e) => e.urn === change.urn)?.outputs);
        for (const key of Object.keys(declared).filter((k) => k !== "__provider")) {
          if (JSON.stringify(applied[key]) === JSON.stringify(live[key])) continue;
          say(`      ~ ${key}: ${JSON.stringify(live[key])} => ${JSON.stringify(applied[key])}`);
        }
      }
      const n = check.changes.length;
      say(
        [
          "",
          `${n} resource${n === 1 ? "" : "s"} to update where no change was expected: \`pulumi preview --expect-no-changes\``,
          "exits non-zero here, and in CI that fails the drift job (examples/gitops/.github/workflows/drift.yml).",
        ].join("\n"),
      );
    },
    async destroy() {
      say("\n$ pulumi destroy   (engine stand-in)");
      const r = await engine.destroy();
      printSteps(r.steps, engine.state.length > 0 ? engine.state : []);
    },
    close: () => engine.close(),
  };
}

/** examples/webhook-receiver/receiver.ts, transpiled by the repository's TypeScript and loaded from the program folder. */
function loadReceiver() {
  require("./ts-require.cjs").register();
  const receiver = path.join(programDir, "receiver.ts");
  fs.copyFileSync(path.join(EXAMPLES, "webhook-receiver", "receiver.ts"), receiver);
  return createRequire(receiver)(receiver);
}

let emulator;
let receiver;
let stack;
let exitCode = 0;
try {
  step("Starting the Romulus emulator and the webhook receiver");
  prepareProgram();
  const emu = await import(path.join(REPO, "dist", "emulator", "index.js"));
  emulator = await emu.startEmulator({ port: 0, outboundCallCompletionMs: 0 });
  const { createReceiver } = loadReceiver();
  const lines = [];
  receiver = createReceiver({ log: (line) => lines.push(line) });
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const receiverUrl = `http://127.0.0.1:${receiver.address().port}/romulus`;
  say(`emulator  ${emulator.url}\nreceiver  ${receiverUrl}\nstate     ${stateDir}`);
  const settings = { emulatorUrl: emulator.url, apiKey: emu.DEFAULT_API_KEY, receiverUrl };
  stack = CLI ? cliStack(settings) : engineStack(settings);

  step("pulumi up on examples/quickstart: two lookups by name, three subscriptions, three contacts");
  await stack.up();

  step("Stack outputs");
  const outputs = await stack.outputs();

  step("A call of the agent completes: Romulus delivers its webhooks to the receiver");
  emulator.completeCall({ agentId: outputs.agentId, actions: ["APPOINTMENT"] });
  await emulator.deliveriesIdle();
  for (const line of lines) say(`receiver: ${line}`);
  if (lines.length === 0) throw new Error("the receiver got no webhook");

  step("Someone edits a contact in the dashboard: the drift check catches it");
  emulator.edit(emu.DEFAULT_ORGANIZATION_ID, "contacts", outputs.contactIds.ada, { last_name: "Byron" });
  say(`contact ${outputs.contactIds.ada}: last_name "Lovelace" -> "Byron", outside Pulumi`);
  await stack.driftCheck();

  step("pulumi destroy");
  await stack.destroy();
  say("\nDone: everything the demo created is gone.");
} catch (error) {
  process.stderr.write(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = 1;
} finally {
  await stack?.close();
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve()));
  await emulator?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
