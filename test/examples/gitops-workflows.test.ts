/**
 * examples/gitops's GitHub Actions workflows, parsed as GitHub parses them (YAML 1.2, so `on:` stays a key
 * rather than turning into `true`): they fire on the events the README promises and run the commands the
 * other suites prove, on the stack the example has a stack file for. GitHub itself cannot run here; what
 * the workflows run is proven elsewhere (gitops.test.ts plays the same up, preview and drift check).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { EXAMPLES_DIR } from "./support";

// js-yaml is a devDependency (and a dependency of @pulumi/pulumi); its typings are not installed, so the
// one function used is declared here.
const yaml: { load(text: string): unknown } = require("js-yaml");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, { "runs-on": string; steps: Step[] }>;
}

const GITOPS = path.join(EXAMPLES_DIR, "gitops");
const WORKFLOWS = path.join(GITOPS, ".github", "workflows");
const load = (file: string) => yaml.load(fs.readFileSync(path.join(WORKFLOWS, file), "utf8")) as Workflow;
const preview = load("preview.yml");
const deploy = load("deploy.yml");
const drift = load("drift.yml");

/** The steps of a workflow's only job. */
function steps(workflow: Workflow): Step[] {
  const jobs = Object.values(workflow.jobs);
  expect(jobs).toHaveLength(1);
  return jobs[0]!.steps;
}
/** A GitHub expression reading a repository secret: `${{ secrets.NAME }}`. */
const fromSecrets = (name: string) => `\${{ secrets.${name} }}`;
const pulumiAction = (workflow: Workflow) => steps(workflow).find((s) => s.uses?.startsWith("pulumi/actions@"));

test("the folder holds exactly the three workflows the README describes", () => {
  expect(fs.readdirSync(WORKFLOWS).sort()).toEqual(["deploy.yml", "drift.yml", "preview.yml"]);
});

test("triggers: a preview on every pull request to main, an up on every push to main, a nightly drift check", () => {
  expect(preview.on).toEqual({ pull_request: { branches: ["main"] } });
  expect(deploy.on).toEqual({ push: { branches: ["main"] } });
  expect(Object.keys(drift.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
  const schedule = drift.on.schedule as Array<{ cron: string }>;
  expect(schedule).toHaveLength(1);
  // Five cron fields, daily: a fixed minute and hour, every day of every month.
  const [minute, hour, ...daily] = schedule[0]!.cron.split(" ");
  expect(Number(minute)).toBeLessThan(60);
  expect(Number(hour)).toBeLessThan(24);
  expect(daily).toEqual(["*", "*", "*"]);
});

test("preview and deploy run the Pulumi action's preview and up on the prod stack", () => {
  expect(pulumiAction(preview)?.with).toMatchObject({
    command: "preview",
    "stack-name": "prod",
    "comment-on-pr": true,
  });
  expect(pulumiAction(deploy)?.with).toMatchObject({ command: "up", "stack-name": "prod" });
});

test("the drift job runs exactly `pulumi preview --refresh --expect-no-changes` for the prod stack", () => {
  const action = pulumiAction(drift);
  // Installed only: without `command` the action runs nothing itself.
  expect(action?.with?.command).toBeUndefined();
  const runs = steps(drift).filter((s) => s.run !== undefined);
  expect(runs.map((s) => s.run)).toEqual(["npm ci", expect.stringMatching(/^pulumi /)]);
  const words = (runs[1]!.run as string).trim().split(/\s+/);
  expect(words.slice(0, 4)).toEqual(["pulumi", "preview", "--refresh", "--expect-no-changes"]);
  const rest = words.slice(4);
  expect(rest.slice(rest.indexOf("--stack"), rest.indexOf("--stack") + 2)).toEqual(["--stack", "prod"]);
  // Everything else only changes what is printed, never the exit status the job fails on.
  expect(rest.filter((w, i) => w !== "--stack" && rest[i - 1] !== "--stack").sort()).toEqual([
    "--diff",
    "--non-interactive",
  ]);
  // It runs after the install, the same way on every run: the action before it, npm ci before that.
  const order = steps(drift).map((s) => s.uses ?? s.run);
  expect(order.indexOf(action?.uses)).toBeLessThan(order.indexOf(runs[1]!.run));
  expect(order.indexOf("npm ci")).toBeLessThan(order.indexOf(action?.uses));
});

test("every Pulumi step gets the state backend token and the Romulus key from secrets, for the stack that exists", () => {
  expect(fs.existsSync(path.join(GITOPS, "Pulumi.prod.yaml"))).toBe(true);
  for (const workflow of [preview, deploy, drift]) {
    const pulumiSteps = steps(workflow).filter(
      (s) => s.uses?.startsWith("pulumi/actions@") || s.run?.startsWith("pulumi "),
    );
    const running = pulumiSteps.filter((s) => s.run !== undefined || s.with?.command !== undefined);
    expect(running).toHaveLength(1);
    expect(running[0]?.env).toEqual({
      PULUMI_ACCESS_TOKEN: fromSecrets("PULUMI_ACCESS_TOKEN"),
      ROMULUS_API_KEY: fromSecrets("ROMULUS_API_KEY"),
    });
    expect(steps(workflow)[0]?.uses).toMatch(/^actions\/checkout@/);
  }
  // Deploy and drift check share one queue: an up and a refresh never run on the stack at once.
  expect(deploy.concurrency).toEqual({ group: "pulumi-prod", "cancel-in-progress": false });
  expect(drift.concurrency).toEqual(deploy.concurrency);
});
