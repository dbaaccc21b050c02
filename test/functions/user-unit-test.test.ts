/**
 * A unit test as a user of the package would write one, following Pulumi's testing guide: plain
 * `pulumi.runtime.setMocks`, the stack configuration set with `setAllConfig`, an Output awaited through
 * `apply`, and none of this repository's harness. The lookup itself is not mocked: it reaches the
 * emulator over HTTP, as it would reach Romulus.
 */
import * as pulumi from "@pulumi/pulumi";
import { closeConnections } from "../../src/client/core/transport";
import { DEFAULT_API_KEY, type Emulator, startEmulator } from "../../src/emulator";
import { getAgentOutput } from "../../src/functions";

/** The helper Pulumi's guide writes: the value of an Output, as a Promise. */
function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
      call: (args) => args.inputs,
    },
    "project",
    "stack",
    false,
  );
  pulumi.runtime.setAllConfig({ "romulus:endpoint": emulator.url, "romulus:apiKey": DEFAULT_API_KEY }, [
    "romulus:apiKey",
  ]);
});
afterAll(async () => {
  await emulator?.close();
  await closeConnections();
});

test("getAgentOutput finds the agent by name in the organization the stack's key reaches", async () => {
  const seeded = emulator.objects("emulator-org", "agents").find((a) => a.name === "Sales Agent");
  const agent = getAgentOutput({ name: "Sales Agent" });
  expect(await promiseOf(agent.id)).toBe(seeded?.id);
  expect(await promiseOf(agent.apply((a) => a.type))).toBe("OUTBOUND");
  // One listing, over HTTP, with the key from the stack configuration.
  expect(emulator.requests().map((r) => [r.method, r.route, r.status, r.organization])).toEqual([
    ["GET", "/v1/ai-agents/agents/search", 200, "emulator-org"],
  ]);
});
