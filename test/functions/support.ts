import * as vm from "node:vm";
import { closeConnections } from "../../src/client/core/transport";
import { ENV_VARS } from "../../src/config";
import { DEFAULT_API_KEY, type Emulator, startEmulator } from "../../src/emulator";
import { resetLookupCache } from "../../src/functions";
import { type RunProgramOptions, runProgram } from "../harness/program";

export const LIST_AGENTS = "GET /v1/ai-agents/agents/search";
export const LIST_BOTS = "GET /v1/messengers/whatsapp/bots";
export const LIST_ROBOCALL_CONFIGURATIONS = "GET /v1/call-tasks/robocalls/configurations";
export const ME = "GET /v1/me";

const saved = Object.fromEntries(Object.values(ENV_VARS).map((name) => [name, process.env[name]]));

/** Points the environment variables at `url` with `key`; `undefined` removes a variable. */
export function setEnv(values: { apiKey?: string; endpoint?: string; environment?: string }): void {
  for (const [field, name] of Object.entries(ENV_VARS) as [keyof typeof values, string][]) {
    const value = values[field];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

export function restoreEnv(): void {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/**
 * One emulator per test file, reset to its seed before every test together with its counters and the
 * process-wide lookup cache (lookups outside a program run share it), so each test counts its own requests.
 * The environment variables point at it with the default organization's key unless a test says otherwise.
 */
export function useEmulator(): { readonly server: Emulator } {
  const holder = {} as { server: Emulator };
  beforeAll(async () => {
    holder.server = await startEmulator({ port: 0 });
  });
  beforeEach(() => {
    holder.server.reset();
    resetLookupCache();
    setEnv({ apiKey: DEFAULT_API_KEY, endpoint: holder.server.url });
  });
  afterEach(() => restoreEnv());
  afterAll(async () => {
    await holder.server?.close();
    await closeConnections();
  });
  return holder;
}

/**
 * Inserts an object through the emulator's control API over HTTP (`POST /__emulator/orgs/:org/:kind`), as
 * a test outside this process would, and answers it as stored (id and timestamps filled in).
 */
export async function insertOverHttp(
  server: Emulator,
  org: string,
  kind: string,
  object: Record<string, unknown>,
): Promise<{ id: string } & Record<string, unknown>> {
  const res = await fetch(`${server.url}/__emulator/orgs/${org}/${kind}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(object),
  });
  if (!res.ok) throw new Error(`control insert of ${kind} failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string } & Record<string, unknown>;
}

/**
 * The call an error message suggests (`e.g. getAgent({ id: "…" })`), as the arguments object a user would
 * paste: the message's own text, evaluated, so a test can run the suggestion and see that it works.
 */
export function suggestedCall(message: string, fn: string): Record<string, unknown> {
  const match = new RegExp(`e\\.g\\. ${fn}\\((\\{[^}]*\\})\\)`).exec(message);
  if (!match) throw new Error(`no suggested ${fn}(...) call in: ${message}`);
  // Evaluated in a context of its own, then copied into this realm for jest's comparisons.
  return JSON.parse(JSON.stringify(vm.runInNewContext(`(${match[1]})`))) as Record<string, unknown>;
}

/** The rejection of `promise`, for asserting on its message. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

/**
 * Runs a program expected to fail and answers its error. A lookup that throws inside an `…Output` fails
 * like any throwing `apply`: every Output derived from it rejects, and Pulumi's language host reports those
 * rejections as the program's failure. Some reject a tick after `runProgram` has returned and lifted its
 * own trap, so this keeps one (on the real process, as the harness does: jest's `process` is a copy) until
 * they have settled, and answers them for the test to check.
 */
export async function programFailure(
  program: () => unknown,
  options: RunProgramOptions = {},
): Promise<{ error: Error; late: unknown[] }> {
  const real = vm.runInThisContext("process") as NodeJS.EventEmitter;
  const late: unknown[] = [];
  const trap = (reason: unknown) => late.push(reason);
  // jest-circus listens there too and would fail the test with them: set its listeners aside meanwhile.
  const saved = real.listeners("unhandledRejection") as ((...args: unknown[]) => void)[];
  real.removeAllListeners("unhandledRejection");
  real.on("unhandledRejection", trap);
  try {
    const error = await failure(runProgram(program, options));
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { error, late };
  } finally {
    real.off("unhandledRejection", trap);
    for (const listener of saved) real.on("unhandledRejection", listener);
  }
}
