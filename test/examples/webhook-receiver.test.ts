/**
 * examples/webhook-receiver: the receiver (receiver.ts) listening on loopback, its Pulumi program
 * (program.ts) pointing Romulus at it through the engine protocol, then simulated calls and a robocall in
 * the emulator: each event must arrive over real HTTP, parse, and be logged on its own line.
 */
import type * as http from "node:http";
import type { AddressInfo } from "node:net";
import { webhookReceiver } from "../../examples/webhook-receiver/program";
import { createReceiver } from "../../examples/webhook-receiver/receiver";
import { byName, ENGINE_TEST_TIMEOUT_MS, plain } from "../harness/engine";
import { runProgram } from "../harness/program";
import { isSecret } from "../harness/wire";
import { emulator as emu, romulus } from "../support/package";
import { type ExampleStack, MANAGED_KINDS, resourceOps, seededId, startExampleStack } from "./support";

jest.setTimeout(ENGINE_TEST_TIMEOUT_MS);

type WebhookEvent = import("../../src").WebhookEvent;
const ORG = emu.DEFAULT_ORGANIZATION_ID;
const PROJECT = "romulus-webhook-receiver";
/** As `openssl rand -hex 32` would make it. */
const TOKEN = "5f2b9c0e7a1d4386b0c2e9f4a7d1836e2c5b8f0a9d3e6c1b4a7f2e5d8c0b3a69";

let receiver: http.Server;
let receiverUrl: string;
let stack: ExampleStack;
const lines: string[] = [];
const received: Array<{ event: WebhookEvent; path: string }> = [];

beforeAll(async () => {
  receiver = createReceiver({
    token: TOKEN,
    log: (line) => lines.push(line),
    onEvent: (event, path) => {
      received.push({ event, path });
    },
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/romulus`;
  stack = await startExampleStack(
    (server) => ({
      config: { "romulus:endpoint": server.url, [`${PROJECT}:receiverUrl`]: receiverUrl },
      secretConfig: { "romulus:apiKey": emu.DEFAULT_API_KEY, [`${PROJECT}:webhookToken`]: TOKEN },
    }),
    { project: PROJECT, stack: "dev", parallelism: 16 },
  );
});
afterAll(async () => {
  await stack?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});
beforeEach(() => {
  lines.length = 0;
  received.length = 0;
});

async function post(
  body: string,
  method = "POST",
  token: string | null = TOKEN,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const query = token === null ? "" : `?token=${encodeURIComponent(token)}`;
  const res = await fetch(`${receiverUrl}/calls${query}`, { method, body: method === "GET" ? undefined : body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test("up points three subscriptions at the receiver", async () => {
  const r = await stack.engine.upProgram(webhookReceiver);
  expect(resourceOps(r.steps)).toEqual({
    "receiver-calls": "create",
    "receiver-actions": "create",
    "receiver-robocalls": "create",
  });
  expect(
    stack.server
      .objects(ORG, "webhook-subscriptions")
      .map((s) => s.url)
      .sort(),
  ).toEqual([`${receiverUrl}/actions?token=${TOKEN}`, `${receiverUrl}/calls?token=${TOKEN}`]);
  // The token is a secret in the configuration, so every URL built from it stays secret in the state.
  for (const name of ["receiver-calls", "receiver-actions", "receiver-robocalls"]) {
    const outputs = byName(r.state, name)!.outputs;
    expect(isSecret(outputs.url)).toBe(true);
    expect(plain(outputs).url).toContain(`?token=${TOKEN}`);
  }
});

test("a delivery without the token, or with another, is answered 401 and never reaches onEvent", async () => {
  const body = JSON.stringify({ event: "AGENT_CALL_COMPLETED", call_id: "c", agent_id: "a" });
  for (const token of [null, "", "guess", `${TOKEN}x`, TOKEN.slice(0, -1), TOKEN.toUpperCase()]) {
    expect(await post(body, "POST", token)).toEqual({ status: 401, body: { error: "missing or wrong token" } });
  }
  expect(received).toEqual([]);
  expect(lines).toEqual(Array(6).fill("refused /romulus/calls: missing or wrong token"));
  // With the token it goes through; the log shows the path, never the token.
  expect((await post(body)).status).toBe(200);
  expect(received.map((r) => r.path)).toEqual(["/romulus/calls"]);
  for (const line of lines) expect(line).not.toContain(TOKEN.slice(8, 24));
});

test("a completed call of the agent arrives, parses, and is logged: the call and each of its actions", async () => {
  const agentId = seededId(stack.server, ORG, "agents", "Sales Agent");
  const { call } = stack.server.completeCall({ agentId, actions: ["APPOINTMENT", "DATA_EXTRACTION"] }) as {
    call: { id: string };
  };
  await stack.server.deliveriesIdle();
  expect(received.map((r) => [r.path, r.event.type]).sort()).toEqual([
    ["/romulus/actions", "AGENT_ACTION_COMPLETED"],
    ["/romulus/actions", "AGENT_ACTION_COMPLETED"],
    ["/romulus/calls", "AGENT_CALL_COMPLETED"],
  ]);
  const callEvent = received.find((r) => r.event.type === "AGENT_CALL_COMPLETED")!.event;
  expect(callEvent.data).toMatchObject({ call_id: call.id, agent_id: agentId, status: "COMPLETED" });
  expect(lines).toContainEqual(
    expect.stringMatching(new RegExp(`^/romulus/calls AGENT_CALL_COMPLETED call=${call.id} agent=${agentId} `)),
  );
  expect(lines).toContainEqual(expect.stringMatching(/^\/romulus\/actions AGENT_ACTION_COMPLETED APPOINTMENT action=/));
  // Every delivery was answered 200, so Romulus retries none of them.
  const ours = stack.server.deliveries().filter((d) => String(d.url).startsWith(receiverUrl));
  expect(ours.length).toBeGreaterThanOrEqual(3);
  expect(ours.every((d) => d.status === 200)).toBe(true);
});

test("another agent's calls do not reach the receiver (the subscriptions are filtered by entity)", async () => {
  stack.server.completeCall({
    agentId: seededId(stack.server, ORG, "agents", "Support Agent"),
    actions: ["APPOINTMENT"],
  });
  await stack.server.deliveriesIdle();
  expect(received).toEqual([]);
});

test("a robocall result arrives on its own path", async () => {
  const configurationId = seededId(stack.server, ORG, "robocall-configurations", "Payment reminder");
  const client = new romulus.RomulusClient({ apiKey: emu.DEFAULT_API_KEY, endpoint: stack.server.url });
  const task = await client.robocalls.start({
    robocall_configuration_id: configurationId,
    phone_number: "+390612345678",
  });
  stack.server.completeRobocall({ taskId: task.id });
  await stack.server.deliveriesIdle();
  expect(received.map((r) => [r.path, r.event.type])).toEqual([["/romulus/robocalls", "ROBOCALL_RESULT"]]);
  expect(received[0]!.event.data).toMatchObject({
    robocall_id: String(task.id),
    robocall_configuration_id: configurationId,
  });
  expect(lines).toEqual([
    expect.stringMatching(
      new RegExp(
        `^/romulus/robocalls ROBOCALL_RESULT robocall=${task.id} configuration=${configurationId} status=completed`,
      ),
    ),
  ]);
});

test("an invalid body is answered 400 with the parser's message, and never reaches onEvent", async () => {
  const notJson = await post("{not json");
  expect(notJson.status).toBe(400);
  expect(notJson.body.error).toMatch(/^invalid webhook event: /);
  const wrongEvent = await post(JSON.stringify({ event: "AGENT_CALL_STARTED", call_id: "c", agent_id: "a" }));
  expect(wrongEvent).toMatchObject({ status: 400, body: { error: expect.stringContaining("AGENT_CALL_COMPLETED") } });
  const missing = await post(JSON.stringify({ event: "AGENT_CALL_COMPLETED", agent_id: "a" }));
  expect(missing).toMatchObject({ status: 400, body: { error: expect.stringContaining("call_id") } });
  expect((await post("", "GET")).status).toBe(405);
  expect(received).toEqual([]);
  expect(lines.filter((l) => l.startsWith("rejected /romulus/calls: invalid webhook event"))).toHaveLength(3);
});

test("no-op preview, update (other agent), replacement (other robocall), drift, destroy", async () => {
  const preview = await stack.engine.previewProgram(webhookReceiver);
  expect(new Set(preview.steps.map((s) => s.op))).toEqual(new Set(["same"]));

  const robocallsBefore = byName(stack.engine.state, "receiver-robocalls")!.id;
  const engine = stack.rerun({
    "romulus:endpoint": stack.server.url,
    [`${PROJECT}:receiverUrl`]: receiverUrl,
    [`${PROJECT}:agentName`]: "Appointment Agent",
    [`${PROJECT}:robocallConfigurationName`]: "Robocall - IVR with WA",
  });
  const r = await engine.upProgram(webhookReceiver);
  expect(resourceOps(r.steps)).toEqual({
    "receiver-calls": "update",
    "receiver-actions": "update",
    "receiver-robocalls": "replace",
  });
  expect(byName(r.state, "receiver-robocalls")!.id).not.toBe(robocallsBefore);

  const calls = byName(engine.state, "receiver-calls")!;
  const check = async () =>
    engine.previewRefreshExpectNoChanges((await runProgram(webhookReceiver, engine.programOptions())).resources);
  expect((await engine.refresh()).changed).toEqual([]);
  expect((await check()).ok).toBe(true);
  stack.server.edit(ORG, "webhook-subscriptions", calls.id, { url: "https://elsewhere.example.com/hook" });
  const drift = await check();
  expect(drift.ok).toBe(false);
  expect(resourceOps(drift.changes)).toEqual({ "receiver-calls": "update" });

  await engine.destroy();
  expect(engine.state).toEqual([]);
  for (const kind of MANAGED_KINDS) expect(stack.server.objects(ORG, kind)).toEqual([]);
});
