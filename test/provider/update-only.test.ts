/**
 * A field the API's create does not take (a webhook subscription's `status`: every subscription starts
 * ACTIVE): the provider creates, then updates, and when that update fails the object is kept in the state
 * as the engine keeps any object whose create failed after making it (ErrorResourceInitFailed), so the
 * next `up` finishes it rather than creating a second one. Real host over gRPC, emulator over HTTP.
 */
import { byName, ENGINE_TEST_TIMEOUT_MS, type Engine, EngineError } from "../harness/engine";
import { emulator as emu, romulus } from "../support/package";
import { closeEmulatorStack, type EmulatorStack, resourceOps, startEmulatorStack } from "../support/stack";

jest.setTimeout(ENGINE_TEST_TIMEOUT_MS);

const { WebhookSubscription } = romulus;
const ORG = emu.DEFAULT_ORGANIZATION_ID;

let server: EmulatorStack["server"];
let programDir: EmulatorStack["programDir"];
let engine: Engine;

function requests(): Record<string, number> {
  return Object.fromEntries(Object.entries(server.counters()).filter(([route]) => / \//.test(route)));
}
const subscriptions = () => server.objects(ORG, "webhook-subscriptions") as Array<Record<string, unknown>>;

function program(url: string) {
  return () => {
    new WebhookSubscription("quiet", { event: "AGENT_CALL_COMPLETED", url, status: "DISABLED" });
  };
}

beforeEach(async () => {
  ({ server, programDir, engine } = await startEmulatorStack());
});
afterEach(() => closeEmulatorStack({ server, programDir, engine }));

test("a subscription declared DISABLED is created, then disabled: two requests, and no change afterwards", async () => {
  server.resetCounters();
  const r = await engine.upProgram(program("https://hooks.example.com/quiet"));
  expect(requests()).toEqual({
    "POST /v1/webhook-subscriptions": 1,
    "PUT /v1/webhook-subscriptions/:webhookSubscriptionId": 1,
    "GET /v1/me": 1,
  });
  expect(byName(r.state, "quiet")?.outputs.status).toBe("DISABLED");
  expect(subscriptions()).toEqual([
    expect.objectContaining({ status: "DISABLED", url: "https://hooks.example.com/quiet" }),
  ]);

  server.resetCounters();
  const preview = await engine.previewProgram(program("https://hooks.example.com/quiet"));
  expect(resourceOps(preview.steps)).toEqual(["same"]);
  expect(requests()).toEqual({});
});

test("when the update after the create fails, the subscription stays in the state and the next up finishes it", async () => {
  server.setFaults("route=PUT /v1/webhook-subscriptions/:webhookSubscriptionId;500=1");
  const failed = await engine.upProgram(program("https://hooks.example.com/quiet")).catch((e: unknown) => e);
  expect(failed).toBeInstanceOf(EngineError);
  const message = (failed as EngineError).message;
  expect(message).toMatch(/the webhook subscription was created as [0-9a-f]{32}, but setting status/);
  expect(message).toContain("the next pulumi up sets status again");
  expect(message).toMatch(/500 Internal Server Error on PUT \/v1\/webhook-subscriptions\/[0-9a-f]{32}/);

  // What the CLI writes to the checkpoint after the failed run: the object, with its init error.
  const state = (failed as EngineError).result.state;
  const kept = byName(state, "quiet");
  const [created] = subscriptions();
  expect(kept?.id).toBe(created?.id);
  expect(kept?.outputs).toMatchObject({ status: "ACTIVE", url: "https://hooks.example.com/quiet" });
  expect(kept?.outputs.__provider).toEqual(expect.any(String)); // delete still finds its provider
  expect(kept?.initErrors?.length).toBeGreaterThan(0);
  engine.state = state;

  server.setFaults("off");
  server.resetCounters();
  const r = await engine.upProgram(program("https://hooks.example.com/quiet"));
  expect(resourceOps(r.steps)).toEqual(["update"]);
  expect(requests()).toEqual({ "PUT /v1/webhook-subscriptions/:webhookSubscriptionId": 1, "GET /v1/me": 1 });
  expect(subscriptions()).toEqual([expect.objectContaining({ id: created?.id, status: "DISABLED" })]);
  expect(byName(r.state, "quiet")?.initErrors).toBeUndefined();

  await engine.destroy();
  expect(subscriptions()).toEqual([]);
});
