/**
 * Webhook retries against the state of the emulator over HTTP: a reset ends the deliveries made before
 * it, and every retry first checks that its subscription still exists and still takes the event.
 */
import { DEFAULT_SEED, type Emulator, type StateSnapshot } from "../../src/emulator";
import { call, emulatorForTests, type Json, ok, Receiver, seeded, startTestEmulator, until } from "./support";

let failing: Receiver;
let healthy: Receiver;
beforeAll(async () => {
  failing = await Receiver.answering(500);
  healthy = await Receiver.answering(200);
});
afterAll(async () => {
  await failing.close();
  await healthy.close();
});
beforeEach(() => {
  failing.received.length = 0;
  healthy.received.length = 0;
});

// attempts_interval_seconds 30 at the test scale (0.01) is 300 ms between attempts: ample time to change
// the state after the first attempt and before the second.
const RETRYING = { attempts: 3, attempts_interval_seconds: 30 } as const;

describe("reset", () => {
  let emu: Emulator;
  afterEach(() => emu.close());

  test("cancels the retries of deliveries made before it: none land in the fresh log", async () => {
    // A subscription of the seed survives the reset, so only the reset itself can stop its retries.
    const seed = structuredClone(DEFAULT_SEED) as StateSnapshot;
    seed.organizations[seeded.org]!["webhook-subscriptions"] = [
      {
        id: "0123456789abcdef0123456789abcdef",
        status: "ACTIVE",
        event: "AGENT_CALL_COMPLETED",
        entity_id: null,
        entity_type: null,
        url: `${failing.url}/seeded`,
        ...RETRYING,
        specifications: {},
      },
    ];
    emu = await startTestEmulator({ seed });
    const [sales] = emu.objects(seeded.org, "agents") as Json[];
    const done = await call(emu, "POST", "/__emulator/calls/complete", { key: null, body: { agentId: sales.id } });
    expect(done.status).toBe(200);
    await until(() => failing.received.length === 1);
    expect((await call(emu, "POST", "/__emulator/reset", { key: null })).status).toBe(200);
    await emu.deliveriesIdle();
    // Three intervals later: no second or third attempt was made, and none was recorded.
    await new Promise((r) => setTimeout(r, 3 * 300));
    expect(failing.paths()).toEqual(["/seeded"]);
    expect((await call(emu, "GET", "/__emulator/deliveries", { key: null })).body).toEqual([]);
    // New deliveries go on as before (the connection pool was not closed).
    await call(emu, "POST", "/__emulator/calls/complete", { key: null, body: { agentId: sales.id } });
    // The receiver counts the request when it arrives; the emulator logs the attempt once it has the answer.
    await until(() => failing.received.length === 2 && emu.deliveries().length > 0);
    expect(emu.deliveries()[0]).toEqual(expect.objectContaining({ attempt: 1, status: 500 }));
  });
});

describe("each retry checks the subscription first", () => {
  const emu = emulatorForTests();

  const sales = () => (emu.objects(seeded.org, "agents") as Json[])[0];
  const subscribe = (path: string) =>
    ok(emu, "POST", "/v1/webhook-subscriptions", {
      event: "AGENT_CALL_COMPLETED",
      url: `${failing.url}${path}`,
      ...RETRYING,
    });
  const completeCall = () =>
    call(emu, "POST", "/__emulator/calls/complete", { key: null, body: { agentId: sales().id } });
  const attempts = (subscriptionId: string) =>
    emu
      .deliveries()
      .filter((d) => d.subscriptionId === subscriptionId)
      .map((d) => d.attempt);

  test("a subscription deleted after the first attempt gets no retry", async () => {
    const sub = await subscribe("/deleted");
    await completeCall();
    await until(() => failing.received.length === 1);
    expect((await call(emu, "DELETE", `/v1/webhook-subscriptions/${sub.id}`)).status).toBe(204);
    await emu.deliveriesIdle();
    expect(failing.paths()).toEqual(["/deleted"]);
    expect(attempts(sub.id)).toEqual([1]);
  });

  test("a subscription set DISABLED gets no retry; one left ACTIVE gets all its attempts", async () => {
    const disabled = await subscribe("/disabled");
    const active = await subscribe("/active");
    await completeCall();
    await until(() => failing.received.length === 2);
    const put = await call(emu, "PUT", `/v1/webhook-subscriptions/${disabled.id}`, {
      body: { status: "DISABLED", url: disabled.url, ...RETRYING },
    });
    expect(put.status).toBe(200);
    await emu.deliveriesIdle();
    expect(attempts(disabled.id)).toEqual([1]);
    expect(attempts(active.id)).toEqual([1, 2, 3]);
    expect(failing.paths().sort()).toEqual(["/active", "/active", "/active", "/disabled"]);
  });

  test("a retry goes to the subscription's current URL, within its current attempts", async () => {
    const sub = await subscribe("/old");
    await completeCall();
    await until(() => failing.received.length === 1);
    await ok(emu, "PUT", `/v1/webhook-subscriptions/${sub.id}`, {
      status: "ACTIVE",
      url: `${healthy.url}/new`,
      ...RETRYING,
    });
    await emu.deliveriesIdle();
    expect(failing.paths()).toEqual(["/old"]);
    expect(healthy.paths()).toEqual(["/new"]);
    expect(emu.deliveries().map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);

    // Attempts lowered to 1 after the first attempt: that was the last one.
    const lowered = await subscribe("/lowered");
    await completeCall();
    await until(() => failing.received.length === 2);
    await ok(emu, "PUT", `/v1/webhook-subscriptions/${lowered.id}`, {
      status: "ACTIVE",
      url: lowered.url,
      attempts: 1,
      attempts_interval_seconds: 30,
    });
    await emu.deliveriesIdle();
    expect(attempts(lowered.id)).toEqual([1]);
  });

  test("a robocall result is not retried for a call-task subscription deleted in between", async () => {
    const [configuration] = emu.objects(seeded.org, "robocall-configurations") as Json[];
    const sub = await ok(emu, "POST", "/v1/call-tasks/webhook-subscriptions", {
      entity_type: "robocall",
      url: `${failing.url}/robocalls`,
    });
    const task = await ok(emu, "POST", "/v1/call-tasks/robocalls", {
      robocall_configuration_id: configuration.id,
      phone_number: "+39012345678",
    });
    await call(emu, "POST", `/__emulator/robocalls/${task.id}/complete`, { key: null });
    await until(() => failing.received.length === 1);
    expect((await call(emu, "DELETE", `/v1/call-tasks/webhook-subscriptions/${sub.id}`)).status).toBe(204);
    await emu.deliveriesIdle();
    expect(failing.paths()).toEqual(["/robocalls"]);
    expect(attempts(sub.id)).toEqual([1]);
  });
});
