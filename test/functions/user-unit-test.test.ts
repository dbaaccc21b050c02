/**
 * A unit test as a user of the package writes one, following Pulumi's testing guide: plain
 * `pulumi.runtime.setMocks`, the package imported by its name, an Output awaited through `apply`, and none
 * of this repository's harness. Under mocks nothing reaches Romulus: data sources are answered by the
 * mocks' `call` and resources by `newResource`, after the check `pulumi preview` would run. An emulator
 * listens all along, with the environment pointing at it but holding no key, to show that no request is
 * made and no key is needed. The README's "Unit testing" section quotes this file.
 */
import * as pulumi from "@pulumi/pulumi";
import { getAgent, getAgentOutput, WebhookSubscription } from "pulumi-romulus";
import { romulusMocks } from "pulumi-romulus/testing";
import { closeConnections } from "../../src/client/core/transport";
import { type Emulator, startEmulator } from "../../src/emulator";
import { restoreEnv, setEnv } from "./support";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  setEnv({ endpoint: emulator.url });
});
afterAll(async () => {
  restoreEnv();
  await emulator?.close();
  await closeConnections();
});
afterEach(() => expect(emulator.requests()).toEqual([]));

/** The helper Pulumi's guide writes: the value of an Output, as a Promise. */
function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("with mocks of your own", () => {
  const calls: pulumi.runtime.MockCallArgs[] = [];
  const created: pulumi.runtime.MockResourceArgs[] = [];

  beforeAll(async () => {
    await pulumi.runtime.setMocks({
      // Every data source has a token: romulus:index:getAgent, romulus:index:getAgents, ...
      call: (args) => {
        calls.push(args);
        return args.token === "romulus:index:getAgent" ? { id: "agent-1", name: args.inputs.name } : {};
      },
      newResource: (args) => {
        created.push(args);
        return { id: `${args.name}-id`, state: args.inputs };
      },
    });
  });

  test("a data source is answered by the mocks' call, a resource gets the provider's defaults", async () => {
    const agent = getAgentOutput({ name: "Sales Agent" });
    const subscription = new WebhookSubscription("calls", {
      event: "AGENT_CALL_COMPLETED",
      url: "https://hooks.example.com/calls",
      entityType: "AGENT",
      entityId: agent.id,
    });
    expect(await promiseOf(subscription.entityId)).toBe("agent-1");
    // Left out of the program, filled in as the API's defaults, as `pulumi preview` shows them.
    expect(await promiseOf(subscription.attempts)).toBe(3);
    expect(await promiseOf(subscription.attemptsIntervalSeconds)).toBe(10);
    expect(await promiseOf(subscription.status)).toBe("ACTIVE");

    expect(calls.map((c) => [c.token, c.inputs])).toEqual([["romulus:index:getAgent", { name: "Sales Agent" }]]);
    expect(created.map((r) => r.inputs)).toEqual([expect.objectContaining({ attempts: 3, status: "ACTIVE" })]);
    // The Promise variant goes the same way.
    expect(await getAgent({ name: "Sales Agent" })).toEqual({ id: "agent-1", name: "Sales Agent" });
  });
});

describe("with romulusMocks", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      romulusMocks({
        agents: [
          { id: "agent-1", name: "Sales Agent", type: "OUTBOUND" },
          { id: "agent-2", name: "Support Agent", type: "INBOUND" },
        ],
      }),
    );
  });

  test("lookups find the fixtures by name, with the data sources' own rules", async () => {
    const agent = getAgentOutput({ name: "Support Agent" });
    expect(await promiseOf(agent.id)).toBe("agent-2");
    await expect(getAgent({ name: "Sales Agnet" })).rejects.toThrow(
      'getAgent: no agent named "Sales Agnet" in organization "mock-organization" (romulusMocks fixtures)',
    );
  });
});
