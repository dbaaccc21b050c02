#!/usr/bin/env node
// First, before any dependency loads: an unsupported Node stops here with one line.
import "../node-version";
import { parseArgs } from "node:util";
import { DEFAULT_FAULT_SEED, DEFAULT_RETRY_AFTER_SECONDS } from "./faults";
import { isLoopbackHost } from "./http/control";
import {
  DEFAULT_API_KEY,
  DEFAULT_API_KEYS,
  DEFAULT_CLI_PORT,
  DEFAULT_HOST,
  type Emulator,
  type StateSnapshot,
  startEmulator,
} from "./index";
import { readStateFile } from "./persistence";
import { loadSeed } from "./seed";

/** The fault examples --help shows (test/emulator/docs.test.ts starts the emulator with each). */
const FAULT_EXAMPLES = [
  "seed=7;429=0.2@retry-after=1;503=0.05;drop=0.02;latency=5-40",
  "seed=7|route=POST /v2/contacts;500=0.1;lose=0.05|route=GET;latency=20",
];

const USAGE = `Usage: romulus-emulator [options]

A local emulator of the Romulus API (state per organization, webhooks, faults, control API at /__emulator/).

Options:
  --port N            port to listen on (default ${DEFAULT_CLI_PORT}; 0 picks a free one)
  --host H            address to bind (default ${DEFAULT_HOST})
  --api-key KEY[:ORG] accept KEY for organization ORG (default organization emulator-org);
                      repeatable; replaces the default keys
  --seed FILE         seed data (JSON, same format as a state file) instead of the bundled seed
  --state FILE        keep the state in FILE across restarts (written atomically after changes)
  --faults SPEC       fault injection (below), JSON, or a file holding either; repeatable
                      (default: the ROMULUS_EMULATOR_FAULTS environment variable, if set)
  --log               log requests (JSON lines on stdout; never headers)
  -h, --help          show this help

Default keys: ${DEFAULT_API_KEYS.map((k) => `${k.key} (${k.organizationId})`).join(", ")}.

Faults: rules separated by "|", the items of a rule by ";". RATE is a probability from 0 to 1; the rates
of one rule add up to at most 1. The same seed gives the same faults to the same requests.
  seed=N                    random seed (default ${DEFAULT_FAULT_SEED})
  route=METHOD /path        requests the rule applies to: *, a METHOD, a route pattern
                            (/v2/contacts/:contactId) or a prefix (/v1/*), or both (default *)
  429=RATE[@retry-after=S]  answer 429 Too Many Requests with Retry-After S seconds (default ${DEFAULT_RETRY_AFTER_SECONDS})
  500=RATE, 503=RATE        answer 500 or 503
  drop=RATE                 close the connection without handling the request
  lose=RATE                 handle the request, then close the connection without answering
  latency=MIN-MAX           delay matching requests by MIN to MAX milliseconds (or latency=MS)
  off                       no faults
Examples:
  ${FAULT_EXAMPLES.map((e) => `romulus-emulator --faults '${e}'`).join("\n  ")}

Control API (reset, counters, out-of-band edits, simulated calls) under /__emulator/, and the seed and
state file format: docs/EMULATOR.md (in this package, and https://github.com/romulus-live/pulumi-romulus).
`;

function fail(message: string): never {
  process.stderr.write(`romulus-emulator: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: {
    port?: string;
    host?: string;
    "api-key"?: string[];
    seed?: string;
    state?: string;
    faults?: string[];
    log?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "api-key": { type: "string", multiple: true },
        seed: { type: "string" },
        state: { type: "string" },
        faults: { type: "string", multiple: true },
        log: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  let port = DEFAULT_CLI_PORT;
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535)
      fail(`--port must be 0..65535, got "${values.port}"`);
    port = Number(values.port);
  }
  if (values.host !== undefined && values.host.trim() === "") fail("--host must not be empty");
  for (const key of values["api-key"] ?? []) {
    const i = key.lastIndexOf(":");
    if (key === "" || i === 0 || (i >= 0 && i === key.length - 1)) fail("--api-key must be KEY or KEY:ORG");
  }
  let faults: string | undefined;
  const fromEnv = process.env.ROMULUS_EMULATOR_FAULTS?.trim();
  const faultArgs = values.faults ?? (fromEnv ? [fromEnv] : undefined);
  if (faultArgs !== undefined) {
    const { parseFaultSpecs } = await import("./faults");
    const { resolveFaultSpec } = await import("./index");
    try {
      // Several flags combine their rules; each may be a file.
      const specs = faultArgs.map((f) => JSON.stringify(resolveFaultSpec(f)));
      faults = JSON.stringify(parseFaultSpecs(specs));
    } catch (err) {
      fail((err as Error).message);
    }
  }

  // A seed or state file that cannot be used is a bad argument like any other: usage and exit 2 (the
  // messages name the file), not the exit 1 of a failure while running.
  let seed: StateSnapshot | undefined;
  if (values.seed !== undefined) {
    try {
      seed = loadSeed(values.seed);
    } catch (err) {
      fail(`--seed: ${(err as Error).message}`);
    }
  }
  if (values.state !== undefined) {
    try {
      readStateFile(values.state);
    } catch (err) {
      fail(`--state: ${(err as Error).message}`);
    }
  }

  let emulator: Emulator;
  try {
    emulator = await startEmulator({
      port,
      host: values.host ?? DEFAULT_HOST,
      ...(values["api-key"] ? { apiKeys: values["api-key"] } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(values.state !== undefined ? { statePath: values.state } : {}),
      ...(faults !== undefined ? { faults } : {}),
      logger: values.log ?? false,
    });
  } catch (err) {
    process.stderr.write(`romulus-emulator: ${(err as Error).message}\n`);
    process.exit(1);
  }

  // Before the URL line: whoever waits for that line may signal at once, before the process would otherwise
  // have handlers, and the default action of SIGTERM is to die without writing the state.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`romulus-emulator: error while stopping on ${signal}: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));

  const keysLine = values["api-key"]
    ? `API keys: ${values["api-key"].length} key(s) given with --api-key`
    : `API keys: ${DEFAULT_API_KEYS.map((k) => `${k.key} (organization ${k.organizationId})`).join(", ")}`;
  process.stdout.write(`Romulus emulator listening on ${emulator.url}\n${keysLine}\n`);
  if (!isLoopbackHost(emulator.host)) {
    const keys = values["api-key"]
      ? ""
      : "the default API keys are public, so anyone who can reach this port can use them, and ";
    process.stderr.write(
      `romulus-emulator: warning: listening on ${emulator.host}, beyond loopback: ${keys}the control API (/__emulator/, no authentication) lets anyone who can reach this port read, change and reset every organization. Use it only on a network you trust.\n`,
    );
  }
  if (!values["api-key"])
    process.stdout.write(`Try: curl -H "Authorization: ${DEFAULT_API_KEY}" ${emulator.url}/v1/me\n`);
}

void main();
