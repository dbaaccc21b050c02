/**
 * examples/environments: one program, two stacks whose committed stack files differ only in configuration.
 * Both run against one emulator, sandbox with organization 1's key and prod with organization 2's (the
 * seeds share names but not ids), with the emulator's URL as `romulus:endpoint` (which overrides the
 * stack file's `romulus:environment`). Each organization must get its own objects, wired to its own ids.
 */
import { environments } from "../../examples/environments/program";
import { byName } from "../harness/engine";
import { runProgram } from "../harness/program";
import { emulator as emu } from "../support/package";
import {
  type Emulator,
  type ExampleStack,
  type ExampleSuiteOptions,
  MANAGED_KINDS,
  readStackConfig,
  resourceOps,
  seededId,
  startExampleStack,
  writes,
} from "./support";

const PROJECT = "romulus-environments";
const stackFile = (stack: string) => readStackConfig("environments", stack);
const STACKS = {
  sandbox: { org: emu.DEFAULT_ORGANIZATION_ID, apiKey: emu.DEFAULT_API_KEY },
  prod: { org: emu.SECOND_ORGANIZATION_ID, apiKey: emu.SECOND_API_KEY },
} as const;
type StackName = keyof typeof STACKS;

/** The suite, run by environments.test.ts on this repository and by the packed-package suite on the installed tarball. */
export function environmentsSuite(options: ExampleSuiteOptions = {}): void {
  let server: Emulator;
  const stacks = {} as Record<StackName, ExampleStack>;
  const configOf = (name: StackName, extra: Record<string, string> = {}) => ({
    ...stackFile(name),
    "romulus:endpoint": server.url,
    ...extra,
  });

  beforeAll(async () => {
    server = await emu.startEmulator({ outboundCallCompletionMs: 0 });
    for (const name of ["sandbox", "prod"] as const) {
      stacks[name] = await startExampleStack(
        () => ({ config: configOf(name), secretConfig: { "romulus:apiKey": STACKS[name].apiKey } }),
        { server, project: PROJECT, stack: name, parallelism: 16, programDir: options.programDir?.() },
      );
    }
  });
  afterAll(async () => {
    for (const s of Object.values(stacks)) await s?.close();
    await server?.close();
  });

  test("the two stack files differ only in configuration values, not in which keys they set", () => {
    const sandbox = stackFile("sandbox");
    const prod = stackFile("prod");
    expect(Object.keys(prod).sort()).toEqual(Object.keys(sandbox).sort());
    expect(sandbox["romulus:environment"]).toBe("sandbox");
    expect(prod["romulus:environment"]).toBe("production");
    // Keys are never committed in plain text: they are added with `pulumi config set --secret`.
    expect(sandbox["romulus:apiKey"]).toBeUndefined();
    expect(prod["romulus:apiKey"]).toBeUndefined();
  });

  test("up on each stack gives each organization its own objects, wired to its own agent and robocall ids", async () => {
    for (const name of ["sandbox", "prod"] as const) {
      const r = await stacks[name].engine.upProgram(environments);
      expect(resourceOps(r.steps)).toEqual({
        "sales-calls": "create",
        "support-calls": "create",
        "forwarded-calls": "create",
        "robocall-results": "create",
        "on-call": "create",
      });
    }
    for (const name of ["sandbox", "prod"] as const) {
      const { org } = STACKS[name];
      const state = stacks[name].engine.state;
      const sales = seededId(server, org, "agents", "Sales Agent");
      const support = seededId(server, org, "agents", "Support Agent");
      const subscription = (resource: string) =>
        server.object(org, "webhook-subscriptions", byName(state, resource)!.id);
      expect(subscription("sales-calls")).toMatchObject({ entity_id: sales });
      expect(subscription("support-calls")).toMatchObject({ entity_id: support });
      expect(subscription("forwarded-calls")).toMatchObject({
        entity_id: support,
        specifications: { ACTION_TYPE: "CALL_FORWARDING" },
      });
      expect(server.objects(org, "call-task-webhook-subscriptions")).toEqual([
        expect.objectContaining({ entity_id: seededId(server, org, "robocall-configurations", "Payment reminder") }),
      ]);
      expect(server.objects(org, "contacts")).toEqual([
        expect.objectContaining({
          first_name: "On-call",
          phones: [expect.objectContaining({ number: stackFile(name)[`${PROJECT}:escalationPhone`] })],
        }),
      ]);
    }
    // Same names, different organizations: no id is shared.
    expect(seededId(server, STACKS.sandbox.org, "agents", "Sales Agent")).not.toBe(
      seededId(server, STACKS.prod.org, "agents", "Sales Agent"),
    );
    expect(server.objects(STACKS.sandbox.org, "webhook-subscriptions")).toHaveLength(3);
    expect(server.objects(STACKS.prod.org, "webhook-subscriptions")).toHaveLength(3);
  });

  test("an unchanged program previews as no change on both stacks", async () => {
    server.resetCounters();
    for (const name of ["sandbox", "prod"] as const) {
      const preview = await stacks[name].engine.previewProgram(environments);
      expect(new Set(preview.steps.map((s) => s.op))).toEqual(new Set(["same"]));
    }
    expect(writes(server)).toEqual({});
  });

  test("a config change on sandbox updates sandbox in place and leaves prod untouched", async () => {
    const engine = stacks.sandbox.rerun(configOf("sandbox", { [`${PROJECT}:supportAgent`]: "Appointment Agent" }));
    const r = await engine.upProgram(environments);
    expect(resourceOps(r.steps)).toEqual({
      "sales-calls": "same",
      "support-calls": "update",
      "forwarded-calls": "update",
      "robocall-results": "same",
      "on-call": "same",
    });
    const appointmentAgent = seededId(server, STACKS.sandbox.org, "agents", "Appointment Agent");
    expect(
      server.object(STACKS.sandbox.org, "webhook-subscriptions", byName(r.state, "support-calls")!.id),
    ).toMatchObject({
      entity_id: appointmentAgent,
    });
    const prod = await stacks.prod.engine.previewProgram(environments);
    expect(new Set(prod.steps.map((s) => s.op))).toEqual(new Set(["same"]));
  });

  test("promoting the change is the same config change on prod: a replacement where the API has no update", async () => {
    const before = byName(stacks.prod.engine.state, "robocall-results")!.id;
    const engine = stacks.prod.rerun(
      configOf("prod", { [`${PROJECT}:robocallConfiguration`]: "Robocall - IVR with WA" }),
    );
    const r = await engine.upProgram(environments);
    expect(resourceOps(r.steps)).toMatchObject({ "robocall-results": "replace", "support-calls": "same" });
    const { org } = STACKS.prod;
    expect(server.objects(org, "call-task-webhook-subscriptions")).toEqual([
      expect.objectContaining({
        id: byName(r.state, "robocall-results")!.id,
        entity_id: seededId(server, org, "robocall-configurations", "Robocall - IVR with WA"),
      }),
    ]);
    expect(byName(r.state, "robocall-results")!.id).not.toBe(before);
  });

  test("drift in one organization shows on its stack only; refresh then up puts it back", async () => {
    const { org } = STACKS.prod;
    const onCall = byName(stacks.prod.engine.state, "on-call")!;
    server.edit(org, "contacts", onCall.id, { tags: [] });

    const check = async (name: StackName) => {
      const engine = stacks[name].engine;
      const { resources } = await runProgram(environments, engine.programOptions());
      return engine.previewRefreshExpectNoChanges(resources);
    };
    const prodDrift = await check("prod");
    expect(prodDrift.ok).toBe(false);
    expect(resourceOps(prodDrift.changes)).toEqual({ "on-call": "update" });
    expect((await check("sandbox")).ok).toBe(true);

    expect((await stacks.prod.engine.refresh()).changed).toEqual([onCall.urn]);
    await stacks.prod.engine.upProgram(environments);
    expect((server.object(org, "contacts", onCall.id).tags as Array<{ name: string }>).map((t) => t.name)).toEqual([
      "escalation",
    ]);
    expect((await check("prod")).ok).toBe(true);
    expect((await stacks.sandbox.engine.refresh()).changed).toEqual([]);
  });

  test("destroy on each stack leaves nothing behind in either organization", async () => {
    for (const name of ["sandbox", "prod"] as const) {
      await stacks[name].engine.destroy();
      expect(stacks[name].engine.state).toEqual([]);
      for (const kind of MANAGED_KINDS) expect(server.objects(STACKS[name].org, kind)).toEqual([]);
    }
  });
}
