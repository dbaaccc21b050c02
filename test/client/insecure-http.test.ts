/**
 * Plain http to an emulator that is not on loopback (docker-compose, a CI service container): refused by
 * default with a message naming the opt-in; allowed by the explicit opt-in, as a client option, a Provider
 * option, the stack setting `romulus:allowInsecureHttp` or ROMULUS_ALLOW_INSECURE_HTTP. The emulator
 * listens on every interface and is reached through this machine's own network address, over real HTTP.
 * The opt-in is about the scheme only: a key in the URL, other schemes, a query still fail.
 */
import * as os from "node:os";
import { RomulusClient } from "../../src/client";
import { closeConnections } from "../../src/client/core/transport";
import { ENV_VARS, resolveSettings } from "../../src/config";
import { Engine } from "../harness/engine";
import { createProgramDir, type ProgramDir } from "../harness/host";
import { isolateEnv } from "../support/env";
import { emulator as emu, romulus } from "../support/package";
import { thrown } from "./core/test-server";

const OPT_IN_WORDS = ["allowInsecureHttp: true", "romulus:allowInsecureHttp", "ROMULUS_ALLOW_INSECURE_HTTP=1"];

/** This machine's first IPv4 address that is not loopback: what a container next to the emulator would use. */
function networkAddress(): string {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  throw new Error("this machine has no non-loopback IPv4 address to reach the emulator through");
}

let server: Awaited<ReturnType<typeof emu.startEmulator>>;
let url: string;
let programDir: ProgramDir;

beforeAll(async () => {
  server = await emu.startEmulator({ host: "0.0.0.0", outboundCallCompletionMs: 0 });
  url = `http://${networkAddress()}:${server.port}`;
  programDir = createProgramDir();
});
afterAll(async () => {
  await closeConnections();
  await programDir.cleanup();
  await server.close();
});
isolateEnv(Object.values(ENV_VARS));
beforeEach(() => server.reset());

describe("the client", () => {
  test("refuses plain http to the network address by default, and the message names every way to opt in", () => {
    const error = thrown(() => new RomulusClient({ apiKey: emu.DEFAULT_API_KEY, endpoint: url }));
    expect(error.message).toContain("uses plain http to a host that is not loopback");
    for (const words of OPT_IN_WORDS) expect(error.message).toContain(words);
    expect(error.message).not.toContain(emu.DEFAULT_API_KEY);
    expect(server.counters().total ?? 0).toBe(0);
  });

  test("with allowInsecureHttp: true it talks to the emulator over the network", async () => {
    const client = new RomulusClient({ apiKey: emu.DEFAULT_API_KEY, endpoint: url, allowInsecureHttp: true });
    expect(await client.me()).toEqual({ organization_id: emu.DEFAULT_ORGANIZATION_ID });
    expect(server.requests().map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/me"]);
  });

  test("ROMULUS_ALLOW_INSECURE_HTTP=1 (or true) opts in; an explicit false beats it; a bad value names its source", async () => {
    process.env.ROMULUS_API_KEY = emu.DEFAULT_API_KEY;
    process.env.ROMULUS_ENDPOINT = url;
    for (const value of ["1", "true", "TRUE"]) {
      process.env.ROMULUS_ALLOW_INSECURE_HTTP = value;
      expect(await new RomulusClient().me()).toEqual({ organization_id: emu.DEFAULT_ORGANIZATION_ID });
    }
    expect(thrown(() => new RomulusClient({ allowInsecureHttp: false })).message).toContain("not loopback");
    process.env.ROMULUS_ALLOW_INSECURE_HTTP = "0";
    expect(thrown(() => new RomulusClient()).message).toContain("not loopback");
    process.env.ROMULUS_ALLOW_INSECURE_HTTP = "please";
    expect(thrown(() => new RomulusClient()).message).toBe(
      'allowInsecureHttp from environment variables is "please"; expected true or false (or 1 or 0)',
    );
    // From the stack configuration, as text.
    const stack = (values: Record<string, string>) => (name: string) => values[name];
    const env = { ROMULUS_API_KEY: "k" };
    expect(resolveSettings({}, stack({ endpoint: url, allowInsecureHttp: "true" }), env)).toMatchObject({
      baseUrl: url,
      allowInsecureHttp: true,
    });
    expect(thrown(() => resolveSettings({}, stack({ endpoint: url }), env)).message).toContain("not loopback");
  });

  test("the opt-in is for the scheme only: a key in the URL, another scheme, a query are still refused", () => {
    const host = new URL(url).host;
    const opts = { apiKey: emu.DEFAULT_API_KEY, allowInsecureHttp: true };
    const secretInUrl = thrown(() => new RomulusClient({ ...opts, endpoint: `http://${emu.DEFAULT_API_KEY}@${host}` }));
    expect(secretInUrl.message).toContain("must not contain credentials");
    expect(secretInUrl.message).not.toContain(emu.DEFAULT_API_KEY);
    expect(thrown(() => new RomulusClient({ ...opts, endpoint: `ftp://${host}` })).message).toContain("must be https");
    expect(thrown(() => new RomulusClient({ ...opts, endpoint: `http://${host}/?x=1` })).message).toContain(
      "must not have a query",
    );
    expect(server.counters().total ?? 0).toBe(0);
  });
});

describe("the provider, through the real provider host", () => {
  const contact = () => {
    new romulus.Contact("ada", { firstName: "Ada" });
  };

  test("by default the preview fails naming the opt-in, with no API request", async () => {
    const engine = new Engine({
      programDir: programDir.dir,
      config: { "romulus:endpoint": url },
      secretConfig: { "romulus:apiKey": emu.DEFAULT_API_KEY },
      env: { ROMULUS_API_KEY: "" },
    });
    try {
      await expect(engine.previewProgram(contact)).rejects.toThrow("romulus:allowInsecureHttp");
      expect(server.counters().total ?? 0).toBe(0);
    } finally {
      await engine.close();
    }
  });

  test("stack setting romulus:allowInsecureHttp true: up creates over the network, destroy removes", async () => {
    const engine = new Engine({
      programDir: programDir.dir,
      config: { "romulus:endpoint": url, "romulus:allowInsecureHttp": "true" },
      secretConfig: { "romulus:apiKey": emu.DEFAULT_API_KEY },
      env: { ROMULUS_API_KEY: "" },
    });
    try {
      await engine.upProgram(contact);
      expect(server.objects(emu.DEFAULT_ORGANIZATION_ID, "contacts").map((c) => c.first_name)).toEqual(["Ada"]);
      await engine.destroy();
      expect(server.objects(emu.DEFAULT_ORGANIZATION_ID, "contacts")).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  test("an explicit Provider with allowInsecureHttp: true serves its resources and data sources", async () => {
    const engine = new Engine({ programDir: programDir.dir, env: { ROMULUS_API_KEY: "" } });
    romulus.resetLookupCache();
    const program = () => {
      const provider = new romulus.Provider("lan", {
        apiKey: emu.DEFAULT_API_KEY,
        endpoint: url,
        allowInsecureHttp: true,
      });
      const agent = romulus.getAgentOutput({ name: "Sales Agent" }, { provider });
      new romulus.WebhookSubscription(
        "calls",
        {
          event: "AGENT_CALL_COMPLETED",
          url: "https://hooks.example.com/calls",
          entityType: "AGENT",
          entityId: agent.id,
        },
        { provider },
      );
    };
    try {
      await engine.upProgram(program);
      const sales = server.objects(emu.DEFAULT_ORGANIZATION_ID, "agents").find((a) => a.name === "Sales Agent");
      expect(server.objects(emu.DEFAULT_ORGANIZATION_ID, "webhook-subscriptions")).toEqual([
        expect.objectContaining({ entity_id: sales?.id, url: "https://hooks.example.com/calls" }),
      ]);
      await engine.destroy();
      expect(server.objects(emu.DEFAULT_ORGANIZATION_ID, "webhook-subscriptions")).toEqual([]);
    } finally {
      await engine.close();
    }
  });
});
