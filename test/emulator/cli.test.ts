/**
 * The `romulus-emulator` binary. The test builds the package first (`tsc -p tsconfig.build.json`, the
 * `npm run build` configuration) into a temporary directory under .tmp/ (inside the repo, so that
 * node_modules resolves), so it runs exactly what the build ships (including default-seed.json)
 * without racing other suites that read dist/.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import type { Json } from "./support";

const ROOT = join(__dirname, "..", "..");
let out: string;
let cli: string;

beforeAll(() => {
  mkdirSync(join(ROOT, ".tmp"), { recursive: true });
  out = mkdtempSync(join(ROOT, ".tmp", "emulator-cli-build-"));
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", out], { stdio: "pipe" });
  cli = join(out, "emulator", "cli.js");
}, 120_000);
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

function run(args: string[]): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => {
    stdout += d;
  });
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/**
 * The URL of the "listening on" line, as soon as it is printed; fails if the process exits first. No
 * deadline of its own: the test's timeout is the safety net.
 */
function listening(p: ReturnType<typeof run>): Promise<string> {
  return new Promise((resolve, reject) => {
    const found = () => /Romulus emulator listening on (http:\/\/\S+)/.exec(p.stdout())?.[1];
    const onData = () => {
      const url = found();
      if (url === undefined) return;
      p.child.stdout!.off("data", onData);
      resolve(url);
    };
    // Registered after run()'s own listener, so stdout() already holds the chunk that arrived.
    p.child.stdout!.on("data", onData);
    onData();
    p.exit.then(() => {
      if (found() === undefined) reject(new Error(`no URL line; stdout: ${p.stdout()} stderr: ${p.stderr()}`));
    });
  });
}

/**
 * Safety net per test: each starts one or two Node processes that load fastify, zod and undici, about a
 * second on an idle machine and tens of seconds when both cores are busy with other work.
 */
jest.setTimeout(120_000);

test("the build ships the bin with a shebang and the default seed", () => {
  expect(existsSync(join(out, "emulator", "default-seed.json"))).toBe(true);
  expect(readFileSync(cli, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
});

test("--port 0: prints the URL and the default key, answers /v1/me, exits 0 on SIGTERM", async () => {
  const p = run(["--port", "0"]);
  const url = await listening(p);
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(p.stdout()).toContain("romulus-emulator-key");
  const res = await request(`${url}/v1/me`, { headers: { authorization: "romulus-emulator-key" } });
  expect(res.statusCode).toBe(200);
  expect(await res.body.json()).toEqual({ organization_id: "emulator-org" });
  p.child.kill("SIGTERM");
  expect(await p.exit).toBe(0);
});

test("keys given with --api-key are used and never printed; SIGINT exits 0", async () => {
  const p = run(["--port", "0", "--api-key", "top-secret-key:acme", "--api-key", "another-secret"]);
  const url = await listening(p);
  expect(p.stdout() + p.stderr()).not.toContain("top-secret-key");
  expect(p.stdout() + p.stderr()).not.toContain("another-secret");
  const res = await request(`${url}/v1/me`, { headers: { authorization: "top-secret-key" } });
  expect(await res.body.json()).toEqual({ organization_id: "acme" });
  const old = await request(`${url}/v1/me`, { headers: { authorization: "romulus-emulator-key" } });
  await old.body.dump();
  expect(old.statusCode).toBe(401);
  p.child.kill("SIGINT");
  expect(await p.exit).toBe(0);
});

test.each([[["--bogus"]], [["--port", "abc"]], [["--port"]], [["positional"]], [["--api-key", ":org"]]])(
  "bad flags %j: usage on stderr, exit 2",
  async (args) => {
    const p = run(args);
    expect(await p.exit).toBe(2);
    expect(p.stderr()).toContain("Usage: romulus-emulator");
    expect(p.stdout()).toBe("");
  },
);

describe("files and faults", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "romulus-emulator-cli-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (url: string, path: string) => {
    const res = await request(`${url}${path}`, { headers: { authorization: "romulus-emulator-key" } });
    return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Json };
  };
  const stop = async (p: ReturnType<typeof run>) => {
    p.child.kill("SIGTERM");
    expect(await p.exit).toBe(0);
  };

  test("--seed FILE replaces the bundled seed", async () => {
    const seedFile = join(dir, "seed.json");
    writeFileSync(
      seedFile,
      JSON.stringify({
        version: 1,
        organizations: { "emulator-org": { agents: [{ id: "agent-from-file", name: "Seeded From File" }] } },
      }),
    );
    const p = run(["--port", "0", "--seed", seedFile]);
    const url = await listening(p);
    const agents = await get(url, "/v1/ai-agents/agents/search");
    expect(agents.body.content.map((a: Json) => [a.id, a.name])).toEqual([["agent-from-file", "Seeded From File"]]);
    expect((await get(url, "/v1/call-tasks/robocalls/configurations")).body.content).toEqual([]);
    await stop(p);
  });

  test("--state FILE: what was created survives a restart of the process", async () => {
    const stateFile = join(dir, "state.json");
    const first = run(["--port", "0", "--state", stateFile]);
    const url = await listening(first);
    const created = await request(`${url}/v2/contacts`, {
      method: "POST",
      headers: { authorization: "romulus-emulator-key", "content-type": "application/json" },
      body: JSON.stringify({ first_name: "Persistent" }),
    });
    expect(created.statusCode).toBe(200);
    const { id } = (await created.body.json()) as { id: string };
    await stop(first);
    expect(readFileSync(stateFile, "utf8")).toContain("Persistent");

    const second = run(["--port", "0", "--state", stateFile]);
    const again = await listening(second);
    const contact = await get(again, `/v2/contacts/${id}`);
    expect(contact.status).toBe(200);
    expect(contact.body).toMatchObject({ id, first_name: "Persistent" });
    // The seed's objects are part of the state too.
    expect((await get(again, "/v1/ai-agents/agents/search")).body.content.length).toBe(3);
    await stop(second);
  });

  test("--faults SPEC (compact, repeatable, or a file) injects faults on the matching routes only", async () => {
    const specFile = join(dir, "faults.txt");
    writeFileSync(specFile, "route=GET /v1/ai-agents/agents/search;503=1\n");
    const p = run(["--port", "0", "--faults", "seed=3", "--faults", "route=GET /v1/me;429=1", "--faults", specFile]);
    const url = await listening(p);
    const limited = await get(url, "/v1/me");
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("1");
    expect((await get(url, "/v1/ai-agents/agents/search")).status).toBe(503);
    expect((await get(url, "/v1/messengers/whatsapp/bots")).status).toBe(200);
    await stop(p);

    const failing = run(["--port", "0", "--faults", "route=GET /v1/me;500=1"]);
    expect((await get(await listening(failing), "/v1/me")).status).toBe(500);
    await stop(failing);
  });

  test.each<[string, () => string[], string]>([
    ["a missing --seed file", () => ["--seed", join(dir, "no-such-seed.json")], "no-such-seed.json"],
    [
      "a --seed file that is not JSON",
      () => {
        writeFileSync(join(dir, "broken-seed.json"), "{ not json");
        return ["--seed", join(dir, "broken-seed.json")];
      },
      "broken-seed.json",
    ],
    [
      "a --seed file that is not a seed",
      () => {
        writeFileSync(join(dir, "wrong-seed.json"), JSON.stringify({ agents: [] }));
        return ["--seed", join(dir, "wrong-seed.json")];
      },
      "wrong-seed.json",
    ],
    [
      "a --state file that is not a state",
      () => {
        writeFileSync(join(dir, "wrong-state.json"), JSON.stringify([1, 2]));
        return ["--state", join(dir, "wrong-state.json")];
      },
      "wrong-state.json",
    ],
    ...(
      [
        ["organizations as an array", { version: 1, organizations: [] }, "organizations: must be an object"],
        ["an unknown kind", { organizations: { o: { robots: [] } } }, "organizations.o: unknown kind(s) robots"],
        ["a kind that is not an array", { organizations: { o: { agents: {} } } }, "organizations.o.agents:"],
        [
          "a contact whose phones are a string",
          {
            organizations: {
              o: {
                contacts: [
                  {
                    id: "c",
                    first_name: "A",
                    phones: "+39",
                    emails: [],
                    addresses: [],
                    tags: [],
                    created_at: "",
                    updated_at: "",
                  },
                ],
              },
            },
          },
          "organizations.o.contacts.0.phones:",
        ],
      ] as const
    ).map(
      ([what, doc, named]) =>
        [
          `a --state file with ${what}`,
          () => {
            const file = join(dir, `state-${what.replace(/\W+/g, "-")}.json`);
            writeFileSync(file, JSON.stringify(doc));
            return ["--state", file];
          },
          named,
        ] as [string, () => string[], string],
    ),
    ["a bad --faults spec", () => ["--faults", "429=2"], '"429" must be a rate'],
  ])("%s: usage naming it on stderr, exit 2, nothing listening", async (_what, args, named) => {
    const p = run(["--port", "0", ...args()]);
    expect(await p.exit).toBe(2);
    expect(p.stderr()).toContain("Usage: romulus-emulator");
    expect(p.stderr().split("\n")[0]).toContain(named);
    expect(p.stdout()).toBe("");
  });
});

describe("hardening", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "romulus-emulator-cli-hardening-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const stop = async (p: ReturnType<typeof run>) => {
    p.child.kill("SIGTERM");
    expect(await p.exit).toBe(0);
  };
  /** Resolves once stderr holds `text`: the warning follows the URL line, maybe in another chunk. */
  const stderrHas = async (p: ReturnType<typeof run>, text: string) => {
    while (!p.stderr().includes(text)) {
      if (p.child.exitCode !== null) throw new Error(`exited; stderr: ${p.stderr()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  test("--host 0.0.0.0 warns on stderr about the public default keys and the open control API", async () => {
    const p = run(["--port", "0", "--host", "0.0.0.0"]);
    await listening(p);
    await stderrHas(p, "warning: listening on 0.0.0.0, beyond loopback");
    expect(p.stderr()).toContain("the default API keys are public");
    expect(p.stderr()).toContain("the control API (/__emulator/, no authentication)");
    await stop(p);
    // With keys of one's own, the warning is about the control API only.
    const keyed = run(["--port", "0", "--host", "0.0.0.0", "--api-key", "own-key:acme"]);
    await listening(keyed);
    await stderrHas(keyed, "warning: listening on 0.0.0.0");
    expect(keyed.stderr()).not.toContain("default API keys");
    expect(keyed.stderr()).not.toContain("own-key");
    await stop(keyed);
  }, 30_000);

  test("the default host prints no warning", async () => {
    const p = run(["--port", "0"]);
    await listening(p);
    await stop(p);
    expect(p.stderr()).toBe("");
  }, 30_000);

  test("--api-key k:__proto__ keeps that organization's objects across a restart; stale temp files go", async () => {
    const stateFile = join(dir, "proto-state.json");
    const first = run(["--port", "0", "--api-key", "k:__proto__", "--state", stateFile]);
    const url = await listening(first);
    const created = await request(`${url}/v2/contacts`, {
      method: "POST",
      headers: { authorization: "k", "content-type": "application/json" },
      body: JSON.stringify({ first_name: "Kept" }),
    });
    const { id } = (await created.body.json()) as { id: string };
    await stop(first);
    // What a writer killed between its write and its rename leaves behind (its pid no longer runs).
    const stale = join(dir, `.proto-state.json.${first.child.pid}.9.tmp`);
    writeFileSync(stale, "{ half a state");

    const second = run(["--port", "0", "--api-key", "k:__proto__", "--state", stateFile]);
    const again = await listening(second);
    const res = await request(`${again}/v2/contacts/${id}`, { headers: { authorization: "k" } });
    expect(res.statusCode).toBe(200);
    expect(((await res.body.json()) as Json).first_name).toBe("Kept");
    expect(existsSync(stale)).toBe(false);
    await stop(second);
  }, 30_000);
});
