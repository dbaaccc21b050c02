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

describe("with romulusMocks", () => {
  beforeAll(async () => {
    // Data sources find these fixtures; resources are registered with the provider's defaults.
    await pulumi.runtime.setMocks(
      romulusMocks({
        agents: [
          { id: "agent-1", name: "Sales Agent", type: "OUTBOUND" },
          { id: "agent-2", name: "Support Agent", type: "INBOUND" },
        ],
      }),
    );
  });

  test("the sales agent's calls go to our receiver, with the API's retry defaults", async () => {
    const agent = getAgentOutput({ name: "Sales Agent" });
    const subscription = new WebhookSubscription("calls", {
      event: "AGENT_CALL_COMPLETED",
      url: "https://hooks.example.com/calls",
      entityType: "AGENT",
      entityId: agent.id,
    });
    expect(await promiseOf(subscription.entityId)).toBe("agent-1");
    expect(await promiseOf(subscription.attempts)).toBe(3);
    expect(await promiseOf(subscription.attemptsIntervalSeconds)).toBe(10);
  });

  test("lookups keep their rules: exact names, and a message naming the closest", async () => {
    await expect(getAgent({ name: "Sales Agnet" })).rejects.toThrow(
      'getAgent: no agent named "Sales Agnet" in organization "mock-organization" (romulusMocks fixtures)',
    );
  });
});

describe("with mocks of your own", () => {
  const created: pulumi.runtime.MockResourceArgs[] = [];

  beforeAll(async () => {
    await pulumi.runtime.setMocks({
      // Each data source has a token: romulus:index:getAgent, romulus:index:getAgents, ...
      call: (args) =>
        args.token === "romulus:index:getAgent" ? { id: "agent-1", name: args.inputs.name } : args.inputs,
      newResource: (args) => {
        created.push(args);
        return { id: `${args.name}-id`, state: args.inputs };
      },
    });
  });

  test("a data source is answered by the mocks' call, a resource gets the provider's defaults", async () => {
    expect(await getAgent({ name: "Sales Agent" })).toEqual({ id: "agent-1", name: "Sales Agent" });
    const subscription = new WebhookSubscription("calls", {
      event: "AGENT_CALL_COMPLETED",
      url: "https://hooks.example.com/calls",
      entityId: getAgentOutput({ name: "Sales Agent" }).id,
      entityType: "AGENT",
    });
    expect(await promiseOf(subscription.status)).toBe("ACTIVE");
    expect(created.map((r) => r.inputs)).toEqual([
      expect.objectContaining({ entityId: "agent-1", attempts: 3, attemptsIntervalSeconds: 10, status: "ACTIVE" }),
    ]);
  });
});
