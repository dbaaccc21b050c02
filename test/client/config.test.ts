/**
 * Where the client's settings come from (`resolveSettings`, `new RomulusClient(...)`): explicit options, then
 * the stack configuration, then environment variables; environments; endpoints that would leak the key;
 * a missing key; and the key never showing in the client object or in an error message.
 */
import { inspect } from "node:util";
import { RomulusClient } from "../../src/client";
import { closeConnections } from "../../src/client/core/transport";
import { ENV_VARS, ENVIRONMENTS, resolveSettings, type StackConfigReader } from "../../src/config";
import { DEFAULT_API_KEY, type Emulator, startEmulator } from "../../src/emulator";
import { isolateEnv } from "../support/env";
import { thrown } from "./core/test-server";

isolateEnv(Object.values(ENV_VARS));

/** A stack configuration reader over a plain object (`romulus:apiKey` → `{ apiKey }`). */
function stack(values: Record<string, string>): StackConfigReader {
  return (name) => values[name];
}

describe("precedence: explicit > stack configuration > environment variables", () => {
  const env = {
    ROMULUS_API_KEY: "env-key",
    ROMULUS_ENDPOINT: "https://env.example.com",
    ROMULUS_ENVIRONMENT: "sandbox",
  };

  test("the API key", () => {
    const all = resolveSettings({ apiKey: "explicit-key" }, stack({ apiKey: "stack-key" }), env);
    expect(all).toMatchObject({ apiKey: "explicit-key", apiKeySource: "explicit options" });
    expect(resolveSettings({}, stack({ apiKey: "stack-key" }), env)).toMatchObject({
      apiKey: "stack-key",
      apiKeySource: "stack configuration",
    });
    expect(resolveSettings({}, stack({}), env)).toMatchObject({
      apiKey: "env-key",
      apiKeySource: "environment variables",
    });
    // Blank values do not count.
    expect(resolveSettings({ apiKey: "  " }, stack({ apiKey: "" }), env).apiKey).toBe("env-key");
  });

  test("the endpoint", () => {
    const s = stack({ endpoint: "https://stack.example.com" });
    expect(resolveSettings({ apiKey: "k", endpoint: "https://explicit.example.com/" }, s, env)).toMatchObject({
      baseUrl: "https://explicit.example.com",
      environment: "custom",
    });
    expect(resolveSettings({ apiKey: "k" }, s, env).baseUrl).toBe("https://stack.example.com");
    expect(resolveSettings({ apiKey: "k" }, stack({}), env).baseUrl).toBe("https://env.example.com");
  });

  test("the environment", () => {
    const onlyEnvironment = { ROMULUS_API_KEY: "k", ROMULUS_ENVIRONMENT: "sandbox" };
    expect(resolveSettings({}, undefined, onlyEnvironment)).toMatchObject({
      baseUrl: "https://api.sandbox.romulus.live",
      environment: "sandbox",
    });
    expect(resolveSettings({}, stack({ environment: "production" }), onlyEnvironment)).toMatchObject({
      baseUrl: "https://api.romulus.live",
      environment: "production",
    });
    expect(
      resolveSettings({ environment: "sandbox" }, stack({ environment: "production" }), onlyEnvironment),
    ).toMatchObject({ baseUrl: "https://api.sandbox.romulus.live", environment: "sandbox" });
  });

  test("the first source that says where to go decides; within one source the endpoint beats the environment", () => {
    // An explicit environment wins over an endpoint from the environment variables.
    expect(resolveSettings({ apiKey: "k", environment: "sandbox" }, undefined, env).baseUrl).toBe(ENVIRONMENTS.sandbox);
    expect(
      resolveSettings({ apiKey: "k", environment: "sandbox", endpoint: "https://explicit.example.com" }).baseUrl,
    ).toBe("https://explicit.example.com");
    expect(resolveSettings({ apiKey: "k" }, undefined, env).baseUrl).toBe("https://env.example.com");
  });

  test("new RomulusClient reads the same three sources (process.env by default)", () => {
    process.env.ROMULUS_API_KEY = "env-key";
    process.env.ROMULUS_ENVIRONMENT = "sandbox";
    expect(new RomulusClient().baseUrl).toBe("https://api.sandbox.romulus.live");
    expect(new RomulusClient({ stackConfig: stack({ endpoint: "https://stack.example.com" }) }).baseUrl).toBe(
      "https://stack.example.com",
    );
    expect(
      new RomulusClient({
        endpoint: "https://explicit.example.com",
        stackConfig: stack({ endpoint: "https://stack.example.com" }),
      }).baseUrl,
    ).toBe("https://explicit.example.com");
    process.env.ROMULUS_ENDPOINT = "http://127.0.0.1:8787";
    expect(new RomulusClient().baseUrl).toBe("http://127.0.0.1:8787");
  });
});

describe("environments", () => {
  test("production by default; sandbox on request", () => {
    expect(resolveSettings({ apiKey: "k" }, undefined, {})).toMatchObject({
      baseUrl: "https://api.romulus.live",
      environment: "production",
    });
    expect(new RomulusClient({ apiKey: "k" }).baseUrl).toBe("https://api.romulus.live");
    expect(new RomulusClient({ apiKey: "k", environment: "sandbox" }).baseUrl).toBe("https://api.sandbox.romulus.live");
    expect(ENVIRONMENTS).toEqual({
      production: "https://api.romulus.live",
      sandbox: "https://api.sandbox.romulus.live",
    });
  });

  test("an unknown environment is a clear error naming the source and the choices", () => {
    const explicit = thrown(() => new RomulusClient({ apiKey: "k", environment: "staging" }));
    expect(explicit.message).toMatch(/environment from explicit options is "staging"/);
    expect(explicit.message).toContain("production, sandbox");
    const fromEnv = thrown(() => resolveSettings({}, undefined, { ROMULUS_API_KEY: "k", ROMULUS_ENVIRONMENT: "prod" }));
    expect(fromEnv.message).toMatch(/environment from environment variables is "prod"/);
  });

  test.each(["toString", "constructor", "__proto__", "hasOwnProperty"])(
    "%s, a name Object.prototype has, is an unknown environment too",
    (environment) => {
      const err = thrown(() => resolveSettings({ apiKey: "k", environment }, undefined, {}));
      expect(err.message).toContain(`environment from explicit options is "${environment}"`);
      expect(err.message).toContain("expected one of production, sandbox");
    },
  );
});

describe("endpoints", () => {
  test("plain http to a host that is not loopback is refused, explicit or from ROMULUS_ENDPOINT", () => {
    const explicit = thrown(() => new RomulusClient({ apiKey: "k", endpoint: "http://api.romulus.live" }));
    expect(explicit.message).toMatch(/^endpoint from explicit options: /);
    expect(explicit.message).toContain("plain http");
    expect(explicit.message).toContain("clear text");

    process.env.ROMULUS_API_KEY = "k";
    process.env.ROMULUS_ENDPOINT = "http://10.0.0.5:8787";
    const fromEnv = thrown(() => new RomulusClient());
    expect(fromEnv.message).toMatch(/^endpoint from environment variables: /);
    expect(fromEnv.message).toContain("plain http");

    const fromStack = thrown(() => resolveSettings({ apiKey: "k" }, stack({ endpoint: "http://example.com" }), {}));
    expect(fromStack.message).toMatch(/^endpoint from stack configuration: /);
  });

  test("plain http to loopback (the emulator) is fine; other schemes and bad URLs are refused", () => {
    for (const endpoint of ["http://127.0.0.1:8787", "http://localhost:8787", "http://[::1]:8787"]) {
      expect(new RomulusClient({ apiKey: "k", endpoint }).baseUrl).toBe(endpoint);
    }
    expect(thrown(() => new RomulusClient({ apiKey: "k", endpoint: "ftp://example.com" })).message).toContain(
      "must be https",
    );
    expect(thrown(() => new RomulusClient({ apiKey: "k", endpoint: "not a url" })).message).toContain(
      "is not a valid URL",
    );
  });
});

describe("the API key", () => {
  test("missing, for a client user: the `apiKey` option and ROMULUS_API_KEY, and nothing about Pulumi", () => {
    for (const make of [() => new RomulusClient(), () => resolveSettings({ endpoint: "https://x.example.com" })]) {
      const error = thrown(make);
      expect(error.message).toBe(
        "No Romulus API key configured: pass the `apiKey` option (new RomulusClient({ apiKey })) " +
          "or set the ROMULUS_API_KEY environment variable.",
      );
      expect(error.message).not.toMatch(/pulumi|romulus:apiKey|Provider/i);
    }
  });

  test("missing, inside Pulumi (a stack configuration to read): the stack configuration first", () => {
    for (const make of [
      () => new RomulusClient({ stackConfig: stack({}) }),
      () => resolveSettings({}, stack({}), {}),
    ]) {
      const error = thrown(make);
      expect(error.message).toContain("`pulumi config set --secret romulus:apiKey <key>`");
      expect(error.message).toContain("`apiKey` of an explicit Provider");
      expect(error.message).toContain("ROMULUS_API_KEY");
    }
  });

  describe("never shown", () => {
    const KEY = "rk_live_super-secret-key-0123456789";
    let emu: Emulator;
    beforeAll(async () => {
      emu = await startEmulator({ port: 0, apiKeys: [DEFAULT_API_KEY, KEY] });
    });
    afterAll(async () => {
      await closeConnections();
      await emu.close();
    });

    test("not in JSON.stringify or util.inspect of the client or of its sections", () => {
      const client = new RomulusClient({ apiKey: KEY, endpoint: emu.url });
      const views = [
        JSON.stringify(client),
        inspect(client),
        inspect(client, { depth: Infinity, showHidden: true, getters: true }),
        JSON.stringify(client.contacts),
        inspect(client.contacts, { depth: Infinity, showHidden: true }),
        String(client),
        JSON.stringify(Object.entries(client)),
      ];
      for (const view of views) expect(view).not.toContain(KEY);
      expect(JSON.parse(JSON.stringify(client))).toEqual({ baseUrl: emu.url });
    });

    test("the client works with it, and no error message carries it", async () => {
      const client = new RomulusClient({ apiKey: KEY, endpoint: emu.url });
      expect(await client.me()).toEqual({ organization_id: "emulator-org" });

      const errors: unknown[] = [];
      const collect = async (send: () => Promise<unknown>) => {
        try {
          await send();
        } catch (error) {
          errors.push(error);
        }
      };
      await collect(() => client.contacts.get("nope")); // 404
      await collect(() => client.calls.search({ initiated_at_from: "yesterday" }).toArray()); // 400
      await collect(() => client.contacts.create({ first_name: "" })); // refused before sending
      await collect(() => new RomulusClient({ apiKey: `${KEY}-wrong`, endpoint: emu.url }).me()); // 401
      // Nothing listens there: a connection error.
      await collect(() => new RomulusClient({ apiKey: KEY, endpoint: "http://127.0.0.1:9", maxRetries: 0 }).me());
      await collect(async () => new RomulusClient({ apiKey: KEY, endpoint: "http://example.com" }));
      await collect(async () => new RomulusClient({ apiKey: KEY, environment: "nowhere" }));
      // A key pasted into the endpoint by mistake.
      await collect(async () => new RomulusClient({ apiKey: KEY, endpoint: `https://${KEY}@x.com` }));
      expect(errors).toHaveLength(8);
      for (const error of errors) {
        const e = error as Error & { body?: unknown; cause?: unknown };
        const text = [e.message, e.stack, JSON.stringify(e), JSON.stringify(e.body), inspect(e, { depth: 5 })].join(
          "\n",
        );
        expect(text).not.toContain(KEY);
      }
    });
  });
});
