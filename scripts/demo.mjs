#!/usr/bin/env node
/**
 * `npm run demo`: the whole story on one machine, with no Pulumi account and no Romulus account.
 *
 *  1. starts the Romulus emulator and the example webhook receiver on loopback;
 *  2. `pulumi up --yes` on examples/quickstart, state in a temporary folder (PULUMI_BACKEND_URL=file://…);
 *  3. prints the stack outputs;
 *  4. has the emulator complete a call of the agent, so the receiver gets real webhooks;
 *  5. edits a contact behind Pulumi's back and shows `pulumi preview --refresh --expect-no-changes` fail;
 *  6. `pulumi destroy --yes`, then removes every temporary file.
 *
 * Needs the Pulumi CLI on PATH; builds the package first if dist/ is missing. Plain JavaScript on purpose: it runs
 * with nothing but Node and the repository's own dependencies.
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

// Checked before anything starts, so the message is all a user without the CLI sees.
if (!onPath("pulumi")) {
  fail(
    [
      "npm run demo needs the Pulumi CLI, and `pulumi` is not on your PATH.",
      "",
      "Install it (https://www.pulumi.com/docs/install/), for example:",
      "  curl -fsSL https://get.pulumi.com | sh",
      "then open a new shell (the installer adds ~/.pulumi/bin to PATH) and run `npm run demo` again.",
      "",
      "No Pulumi account is needed: the demo keeps its state in a temporary folder, and talks to the",
      "local Romulus emulator, not to Romulus.",
    ].join("\n"),
  );
}
// A fresh clone after `npm install` has no dist/ yet: build it, so `npm install && npm run demo` is enough.
if (!fs.existsSync(path.join(REPO, "dist", "index.js"))) {
  process.stdout.write("Building the package (npm run build)...\n");
  const build = spawnSync("npm", ["run", "-s", "build"], { cwd: REPO, stdio: "inherit" });
  if (build.status !== 0) fail("`npm run build` failed: see above.");
}

const step = (title) => process.stdout.write(`\n\x1b[1m==> ${title}\x1b[0m\n`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "romulus-demo-"));
const programDir = path.join(tmp, "quickstart");
const stateDir = path.join(tmp, "state");
fs.mkdirSync(stateDir);

/**
 * The quickstart, copied so the demo leaves the repository untouched. Its node_modules links this
 * repository's dependencies and the package itself, as `npm install` of the package would provide them:
 * the Pulumi CLI runs the program and the provider host from this folder.
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

/** examples/webhook-receiver/receiver.ts, transpiled by the repository's TypeScript and loaded from the program folder. */
function loadReceiver() {
  const require = createRequire(path.join(programDir, "package.json"));
  const ts = require("typescript");
  const source = fs.readFileSync(path.join(EXAMPLES, "webhook-receiver", "receiver.ts"), "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const file = path.join(programDir, "receiver.js");
  fs.writeFileSync(file, outputText);
  return require(file);
}

const env = {
  ...process.env,
  PULUMI_BACKEND_URL: `file://${stateDir}`,
  PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
  PULUMI_SKIP_UPDATE_CHECK: "true",
};

/**
 * Runs `pulumi <args>` in the program folder, its output shown; resolves to the exit status (or, with
 * `capture`, to its stdout). Asynchronous on purpose: the emulator and the receiver live in this process,
 * and a blocking spawnSync would stop them from answering the very CLI (and the provider it starts) that
 * is waiting for them.
 */
function pulumi(args, { check = true, capture = false } = {}) {
  process.stdout.write(`\n$ pulumi ${args.join(" ")}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", args, {
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
}

let emulator;
let receiver;
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
  process.stdout.write(`emulator  ${emulator.url}\nreceiver  ${receiverUrl}\nstate     ${stateDir}\n`);

  step("pulumi up on examples/quickstart");
  await pulumi(["stack", "init", STACK, "--non-interactive"]);
  await pulumi(["config", "set", "romulus:endpoint", emulator.url]);
  await pulumi(["config", "set", "--secret", "romulus:apiKey", emu.DEFAULT_API_KEY]);
  await pulumi(["config", "set", "--secret", "webhookBaseUrl", receiverUrl]);
  await pulumi(["up", "--yes", "--skip-preview", "--non-interactive"]);

  step("Stack outputs");
  const outputs = JSON.parse(await pulumi(["stack", "output", "--json"], { capture: true }));
  process.stdout.write(`${JSON.stringify(outputs, null, 2)}\n`);

  step("A call of the agent completes: Romulus delivers its webhooks to the receiver");
  emulator.completeCall({ agentId: outputs.agentId, actions: ["APPOINTMENT"] });
  await emulator.deliveriesIdle();
  for (const line of lines) process.stdout.write(`receiver: ${line}\n`);
  if (lines.length === 0) throw new Error("the receiver got no webhook");

  step("Someone edits a contact in the dashboard: the drift check catches it");
  emulator.edit(emu.DEFAULT_ORGANIZATION_ID, "contacts", outputs.contactIds.ada, { last_name: "Byron" });
  process.stdout.write(`contact ${outputs.contactIds.ada}: last_name "Lovelace" -> "Byron", outside Pulumi\n`);
  const status = await pulumi(["preview", "--refresh", "--expect-no-changes", "--diff", "--non-interactive"], {
    check: false,
  });
  if (status === 0) throw new Error("pulumi preview --expect-no-changes did not report the drift");
  process.stdout.write(
    `\nExit code ${status}: in CI this fails the drift job (examples/gitops/.github/workflows/drift.yml).\n`,
  );

  step("pulumi destroy");
  await pulumi(["destroy", "--yes", "--skip-preview", "--non-interactive"]);
  await pulumi(["stack", "rm", "--yes", "--non-interactive"]);
  process.stdout.write("\nDone: everything the demo created is gone.\n");
} catch (error) {
  process.stderr.write(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = 1;
} finally {
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve()));
  await emulator?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
