/**
 * examples/quickstart through the engine protocol against the emulator: the exact program a user runs
 * (examples/quickstart/program.ts), its stack file Pulumi.dev.yaml (with the emulator's URL), and the
 * real provider host. The tests run in order on one stack, like successive CLI runs. Run by
 * quickstart.test.ts on this repository and by the packed-package suite on the installed tarball.
 */
import { quickstart } from "../../examples/quickstart/program";
import { byName, plain } from "../harness/engine";
import { runProgram } from "../harness/program";
import { isSecret } from "../harness/wire";
import { emulator as emu } from "../support/package";
import {
  type ExampleStack,
  type ExampleSuiteOptions,
  MANAGED_KINDS,
  readStackConfig,
  resourceOps,
  seededId,
  startExampleStack,
  writes,
} from "./support";

const ORG = emu.DEFAULT_ORGANIZATION_ID;
export const quickstartDevConfig = (): Record<string, string> => readStackConfig("quickstart", "dev");

export function quickstartSuite(options: ExampleSuiteOptions = {}): void {
  let stack: ExampleStack;
  /** Pulumi.dev.yaml as committed, with the endpoint of this test's emulator (it listens on a free port). */
  let config: Record<string, string>;

  beforeAll(async () => {
    stack = await startExampleStack(
      (server) => {
        config = { ...quickstartDevConfig(), "romulus:endpoint": server.url };
        return { config };
      },
      { project: "romulus-quickstart", stack: "dev", parallelism: 16, programDir: options.programDir?.() },
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  const contacts = () => stack.server.objects(ORG, "contacts");
  const subscriptions = () => stack.server.objects(ORG, "webhook-subscriptions");
  const robocallSubscriptions = () => stack.server.objects(ORG, "call-task-webhook-subscriptions");

  test("up at parallelism 16 (`pulumi up --parallel 16`) creates every resource, wired to the agent and robocall found by name", async () => {
    const r = await stack.engine.upProgram(quickstart);
    expect(resourceOps(r.steps)).toEqual({
      "agent-calls": "create",
      appointments: "create",
      "robocall-results": "create",
      "ada-lovelace": "create",
      "grace-hopper": "create",
      "alan-turing": "create",
    });
    const salesAgent = seededId(stack.server, ORG, "agents", "Sales Agent");
    const paymentReminder = seededId(stack.server, ORG, "robocall-configurations", "Payment reminder");
    expect(r.program.exports).toMatchObject({ agentId: salesAgent, robocallConfigurationId: paymentReminder });

    const calls = stack.server.object(ORG, "webhook-subscriptions", byName(r.state, "agent-calls")!.id);
    expect(calls).toMatchObject({
      event: "AGENT_CALL_COMPLETED",
      url: "https://hooks.example.com/romulus/calls",
      entity_type: "AGENT",
      entity_id: salesAgent,
    });
    const appointments = stack.server.object(ORG, "webhook-subscriptions", byName(r.state, "appointments")!.id);
    expect(appointments).toMatchObject({
      event: "AGENT_ACTION_COMPLETED",
      specifications: { ACTION_TYPE: "APPOINTMENT" },
      attempts: 5,
      attempts_interval_seconds: 30,
    });
    expect(robocallSubscriptions()).toEqual([
      expect.objectContaining({ url: "https://hooks.example.com/romulus/robocalls", entity_id: paymentReminder }),
    ]);
    expect(
      contacts()
        .map((c) => c.first_name)
        .sort(),
    ).toEqual(["Ada", "Alan", "Grace"]);
    const ada = contacts().find((c) => c.first_name === "Ada")!;
    expect((ada.tags as Array<{ name: string }>).map((t) => t.name).sort()).toEqual(["pioneers", "vip"]);
    // The key came from the stack configuration as a secret; it is nowhere in what the hosts printed.
    expect(stack.engine.hostLogs.map((l) => l.stdout + l.stderr).join("")).not.toContain(emu.DEFAULT_API_KEY);
  });

  test("an unchanged program previews as no change and writes nothing", async () => {
    stack.server.resetCounters();
    const preview = await stack.engine.previewProgram(quickstart);
    expect(new Set(preview.steps.map((s) => s.op))).toEqual(new Set(["same"]));
    expect(writes(stack.server)).toEqual({});
  });

  test("another agent name updates the call subscription in place", async () => {
    const before = byName(stack.engine.state, "agent-calls")!.id;
    const engine = stack.rerun({ ...config, "romulus-quickstart:agentName": "Support Agent" });
    stack.server.resetCounters();
    const r = await engine.upProgram(quickstart);
    expect(resourceOps(r.steps)).toMatchObject({
      "agent-calls": "update",
      appointments: "same",
      "ada-lovelace": "same",
    });
    expect(byName(r.state, "agent-calls")!.id).toBe(before);
    expect(stack.server.object(ORG, "webhook-subscriptions", before).entity_id).toBe(
      seededId(stack.server, ORG, "agents", "Support Agent"),
    );
    expect(writes(stack.server)).toEqual({ "PUT /v1/webhook-subscriptions/:webhookSubscriptionId": 1 });
  });

  test("another robocall configuration replaces the robocall results subscription (the API has no update)", async () => {
    const before = byName(stack.engine.state, "robocall-results")!.id;
    const engine = stack.rerun({
      ...config,
      "romulus-quickstart:agentName": "Support Agent",
      "romulus-quickstart:robocallConfigurationName": "Robocall - IVR with WA",
    });
    const r = await engine.upProgram(quickstart);
    expect(r.steps.find((s) => s.urn.endsWith("::robocall-results"))).toMatchObject({
      op: "replace",
      replaces: ["entityId"],
    });
    const after = byName(r.state, "robocall-results")!.id;
    expect(after).not.toBe(before);
    expect(robocallSubscriptions()).toEqual([
      expect.objectContaining({
        id: after,
        entity_id: seededId(stack.server, ORG, "robocall-configurations", "Robocall - IVR with WA"),
      }),
    ]);
  });

  test("a secret webhook base URL stays secret in state", async () => {
    const engine = stack.rerun(
      {
        ...config,
        "romulus-quickstart:agentName": "Support Agent",
        "romulus-quickstart:robocallConfigurationName": "Robocall - IVR with WA",
      },
      { "romulus-quickstart:webhookBaseUrl": "https://hooks.example.com/t0ps3cret" },
    );
    const r = await engine.upProgram(quickstart);
    const calls = byName(r.state, "agent-calls")!;
    expect(isSecret(calls.outputs.url)).toBe(true);
    expect(plain(calls.outputs).url).toBe("https://hooks.example.com/t0ps3cret/calls");
  });

  test("refresh without drift changes nothing, and preview --refresh --expect-no-changes passes", async () => {
    const refreshed = await stack.engine.refresh();
    expect(refreshed.changed).toEqual([]);
    const { resources } = await runProgram(quickstart, stack.engine.programOptions());
    const check = await stack.engine.previewRefreshExpectNoChanges(resources);
    expect(check.changes).toEqual([]);
    expect(check.ok).toBe(true);
  });

  test("an edit in the dashboard is drift: caught by --expect-no-changes, shown by refresh, undone by up", async () => {
    const ada = byName(stack.engine.state, "ada-lovelace")!;
    const appointments = byName(stack.engine.state, "appointments")!;
    stack.server.edit(ORG, "contacts", ada.id, { last_name: "Byron" });
    stack.server.edit(ORG, "webhook-subscriptions", appointments.id, { status: "DISABLED" });

    const { resources } = await runProgram(quickstart, stack.engine.programOptions());
    const drift = await stack.engine.previewRefreshExpectNoChanges(resources);
    expect(drift.ok).toBe(false);
    expect(resourceOps(drift.changes)).toEqual({ "ada-lovelace": "update", appointments: "update" });

    const refreshed = await stack.engine.refresh();
    expect(refreshed.changed.sort()).toEqual([ada.urn, appointments.urn].sort());
    const fixed = await stack.engine.upProgram(quickstart);
    expect(resourceOps(fixed.steps)).toMatchObject({ "ada-lovelace": "update", appointments: "update" });
    expect(stack.server.object(ORG, "contacts", ada.id).last_name).toBe("Lovelace");
    expect(stack.server.object(ORG, "webhook-subscriptions", appointments.id).status).toBe("ACTIVE");

    const clean = await stack.engine.previewRefreshExpectNoChanges(
      (await runProgram(quickstart, stack.engine.programOptions())).resources,
    );
    expect(clean.ok).toBe(true);
  });

  test("destroy leaves nothing behind", async () => {
    await stack.engine.destroy();
    expect(stack.engine.state).toEqual([]);
    for (const kind of MANAGED_KINDS) expect(stack.server.objects(ORG, kind)).toEqual([]);
    expect(subscriptions()).toEqual([]);
  });
}
