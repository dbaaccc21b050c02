/**
 * Bad input and hostile conditions, one test per row of the table in docs/RELIABILITY.md (the table is
 * generated from CASES in bad-input-cases.ts; the last test fails when it is out of date). Every case:
 * - fails with an error containing its excerpt (which names the property or the endpoint);
 * - costs exactly the API requests the table says: 0 for everything caught at check time (driven through
 *   the real provider host: a `pulumi up` whose Check fails never reaches Create), configuration or the
 *   client's own validation;
 * - leaves nothing half-created: the emulator's objects of both organizations are unchanged;
 * - never prints a key: the error, the provider hosts' debug logs (ROMULUS_LOG=debug) and the in-process
 *   debug lines of data sources and the client are scanned for every key in play.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import * as path from "node:path";
import type { RomulusClient as RomulusClientType } from "../../src";
import { ENGINE_TEST_TIMEOUT_MS, Engine, type State } from "../harness/engine";
import { createProgramDir, type ProgramDir } from "../harness/host";
import { runProgram } from "../harness/program";
import { emulator as emu, romulus } from "../support/package";
import {
  CASES,
  type CaseContext,
  type HostileMode,
  renderTable,
  type StackSettings,
  WRONG_KEY,
} from "./bad-input-cases";
import { API_KEY, API_KEYS, apiRequestCount, leakedKeys, messageOf, ORG, OTHER_KEY, OTHER_ORG } from "./support";

jest.setTimeout(ENGINE_TEST_TIMEOUT_MS);

const clientCore: typeof import("../../src/client") = require("../../dist/client");

const DOC = path.join(__dirname, "..", "..", "docs", "RELIABILITY.md");
const TABLE_START = "<!-- bad-input-table:start (generated from test/reliability/bad-input-cases.ts) -->";
const TABLE_END = "<!-- bad-input-table:end -->";
const KEYS = [API_KEY, OTHER_KEY, WRONG_KEY];
const WATCHED_KINDS = ["contacts", "webhook-subscriptions", "call-task-webhook-subscriptions", "tags"] as const;
/** The provider hosts must not pick up settings from the environment the tests run in. */
const CLEAN_ENV = {
  ROMULUS_API_KEY: "",
  ROMULUS_ENDPOINT: "",
  ROMULUS_ENVIRONMENT: "",
  ROMULUS_TIMEOUT_MS: "",
  ROMULUS_MAX_RETRIES: "",
  ROMULUS_LOG: "debug",
};

let server: Awaited<ReturnType<typeof emu.startEmulator>>;
let programDir: ProgramDir;
let shared: Engine;
/** The stack that owns the contact CF-05 refreshes with the other organization's key. */
let owner: Engine;
let ownerState: State;
const engines: Engine[] = [];
/** Debug lines of the in-process client (data sources, client cases). */
const inProcessLogs: string[] = [];

// ------------------------------------------------------------------------------------- hostile server

const hostileHits = new Map<string, number>();
const silentSockets = new Set<Socket>();
let hostile: http.Server;
let hostileBase: string;

function startHostile(): Promise<void> {
  hostile = http.createServer((req, res) => {
    const mode = (req.url ?? "/").split("/")[1] ?? "";
    hostileHits.set(mode, (hostileHits.get(mode) ?? 0) + 1);
    req.resume();
    switch (mode as HostileMode) {
      case "html":
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        res.end("<!doctype html><html><body><h1>Sign in to continue</h1></body></html>");
        return;
      case "empty":
        res.writeHead(200, { "content-type": "application/json" });
        res.end();
        return;
      case "truncated":
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"id":"c-1","first_name":"Hos');
        return;
      case "redirect":
        res.writeHead(302, { location: "https://attacker.example.net/collect" });
        res.end();
        return;
      case "silent":
        // Accepts the request and never answers.
        silentSockets.add(req.socket);
        return;
      case "echo":
        res.writeHead(400, { "content-type": "application/json", "x-echo": String(req.headers.authorization) });
        res.end(JSON.stringify({ message: `invalid key ${req.headers.authorization}`, headers: req.headers }));
        return;
      case "gateway":
        res.writeHead(502, { "content-type": "text/html" });
        res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  });
  return new Promise((resolve) =>
    hostile.listen(0, "127.0.0.1", () => {
      hostileBase = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

// ------------------------------------------------------------------------------------------ context

function newEngine(settings: StackSettings, extra: Partial<ConstructorParameters<typeof Engine>[0]> = {}): Engine {
  const engine = new Engine({
    programDir: programDir.dir,
    config: settings.config ?? {},
    secretConfig: settings.secretConfig ?? {},
    env: { ...CLEAN_ENV, ...settings.env },
    parallelism: 4,
    ...extra,
  });
  engines.push(engine);
  return engine;
}

const defaultStack = (): StackSettings => ({
  config: { "romulus:endpoint": server.url },
  secretConfig: { "romulus:apiKey": API_KEY },
});

let ctx: CaseContext;

function buildContext(ids: {
  agentId: string;
  otherOrgAgentId: string;
  otherOrgContactId: string;
  ownContactId: string;
}): CaseContext {
  let client: RomulusClientType | undefined;
  return {
    ...ids,
    emulatorUrl: server.url,
    hostileUrl: (mode) => `${hostileBase}/${mode}`,
    up: (program) => shared.upProgram(program, { state: [] }),
    async upWith(settings, program) {
      const engine = newEngine(settings);
      try {
        return await engine.upProgram(program);
      } finally {
        await engine.close();
      }
    },
    async refreshWithOtherOrganizationKey() {
      const other = newEngine({
        config: { "romulus:endpoint": server.url },
        secretConfig: { "romulus:apiKey": OTHER_KEY },
      });
      // The stack's provider is rebuilt from state, as the CLI does after `pulumi config set romulus:apiKey`.
      const state = JSON.parse(JSON.stringify(ownerState)) as State;
      other.state = state.map((s) =>
        s.type === "pulumi:providers:pulumi-nodejs" ? { ...s, inputs: other.defaultProviderInputs() } : s,
      );
      return other.refresh();
    },
    program: (fn, settings = defaultStack()) =>
      runProgram(
        async () => {
          await fn();
        },
        { config: settings.config, secretConfig: settings.secretConfig },
      ),
    client() {
      client ??= new romulus.RomulusClient({ apiKey: API_KEY, endpoint: server.url });
      return client;
    },
  };
}

/** Everything the emulator holds for both organizations, in the kinds a bad input could half-create. */
function objectsNow(): string {
  return JSON.stringify([ORG, OTHER_ORG].map((org) => WATCHED_KINDS.map((kind) => server.objects(org, kind))));
}

function hostileCount(): number {
  return [...hostileHits.values()].reduce((a, b) => a + b, 0);
}

function allLogs(): string[] {
  return [...engines.flatMap((e) => e.hostLogs.flatMap((l) => [l.stdout, l.stderr])), ...inProcessLogs];
}

// -------------------------------------------------------------------------------------------- setup

beforeAll(async () => {
  server = await emu.startEmulator({ apiKeys: API_KEYS, outboundCallCompletionMs: 0 });
  await startHostile();
  programDir = createProgramDir();
  shared = newEngine(defaultStack(), { reuseHosts: true });

  const agent = server.objects(ORG, "agents")[0]!;
  const otherAgent = server.objects(OTHER_ORG, "agents").find((a) => a.name === agent.name)!;
  const contactBody = { last_name: null, phones: [], emails: [], addresses: [], tags: [] };
  const otherOrgContact = server.insert(OTHER_ORG, "contacts", { first_name: "Elsewhere", ...contactBody });
  const ownContact = server.insert(ORG, "contacts", { first_name: "Own", ...contactBody });

  // A stack that created one contact with the key: CF-05 refreshes it with another organization's key.
  owner = newEngine(defaultStack());
  await owner.upProgram(() => {
    new romulus.Contact("owned", { firstName: "Owned", phones: [{ number: "+15550003333" }] });
  });
  ownerState = owner.state;

  ctx = buildContext({
    agentId: String(agent.id),
    otherOrgAgentId: String(otherAgent.id),
    otherOrgContactId: String(otherOrgContact.id),
    ownContactId: String(ownContact.id),
  });
  expect(ctx.otherOrgAgentId).not.toBe(ctx.agentId);
});

afterAll(async () => {
  await owner?.destroy().catch(() => undefined);
  for (const e of engines) await e.close();
  for (const socket of silentSockets) socket.destroy();
  hostile?.closeAllConnections();
  await new Promise((resolve) => hostile?.close(resolve));
  await programDir?.cleanup();
  await server?.close();
});

// -------------------------------------------------------------------------------------------- cases

test.each(CASES.map((c) => [`${c.id} ${c.input}`, c] as const))("%s", async (_name, c) => {
  server.resetCounters();
  hostileHits.clear();
  const before = objectsNow();

  // Data sources and client cases run in this process: their debug lines are captured and scanned too.
  const previousLog = process.env.ROMULUS_LOG;
  process.env.ROMULUS_LOG = "debug";
  clientCore.setLogSink((line) => inProcessLogs.push(line));
  const outcome = await c
    .run(ctx)
    .then(
      () => ({ failed: false as const }),
      (error: unknown) => ({ failed: true as const, error }),
    )
    .finally(() => {
      clientCore.setLogSink(undefined);
      if (previousLog === undefined) delete process.env.ROMULUS_LOG;
      else process.env.ROMULUS_LOG = previousLog;
    });
  expect(outcome.failed).toBe(true);
  const message = outcome.failed ? messageOf(outcome.error) : "";

  // The error users see names the property or the endpoint.
  expect(message).toContain(c.error);
  if (c.where === "check") expect(message).toContain("check failed");
  // Requests made: none for what can be caught before a request.
  const calls = apiRequestCount(server.counters()) + hostileCount();
  expect({ id: c.id, calls }).toEqual({ id: c.id, calls: c.calls });
  // Nothing half-created, in either organization.
  expect(objectsNow()).toEqual(before);
  // No key in the error or any log.
  expect(leakedKeys([message, ...allLogs()], KEYS)).toEqual([]);
});

// --------------------------------------------------------------------------------------------- table

/** A markdown table as rows of trimmed cells (separator rows reduced to `-`), padding ignored. */
function cells(table: string): string[][] {
  return table
    .trim()
    .split("\n")
    .map((line) =>
      line
        .trim()
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/^:?-+:?$/, "-")),
    );
}

test("the case list has unique ids and at least 40 rows across resources, contact books, data sources, configuration and hostile endpoints", () => {
  const ids = CASES.map((c) => c.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.length).toBeGreaterThanOrEqual(40);
  for (const prefix of ["WS-", "CT-", "CO-", "CB-", "DS-", "CF-", "H-", "CL-"]) {
    expect(ids.some((id) => id.startsWith(prefix))).toBe(true);
  }
});

test("docs/RELIABILITY.md holds the table generated from the case list (UPDATE_RELIABILITY_DOC=1 rewrites it)", () => {
  const doc = fs.readFileSync(DOC, "utf8");
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  const table = renderTable();
  const current = doc.slice(start + TABLE_START.length, end).trim();
  if (process.env.UPDATE_RELIABILITY_DOC === "1" && JSON.stringify(cells(current)) !== JSON.stringify(cells(table))) {
    fs.writeFileSync(DOC, `${doc.slice(0, start + TABLE_START.length)}\n${table}\n${doc.slice(end)}`);
    return;
  }
  // Compared cell by cell: Biome pads markdown tables, which changes no cell.
  expect(cells(current)).toEqual(cells(table));
  // Every row of the table is a test above: same ids, same order.
  const rowIds = current
    .split("\n")
    .slice(2)
    .map((row) => row.split("|")[1]?.trim());
  expect(rowIds).toEqual(CASES.map((c) => c.id));
});
