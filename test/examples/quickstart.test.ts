/**
 * examples/quickstart: the repository root is its Pulumi project and its stack file points at the local
 * emulator; the engine-protocol suite itself is quickstart.suite.ts, which the packed-package suite runs on
 * the installed tarball too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ENGINE_TEST_TIMEOUT_MS } from "../harness/engine";
import { REPO_ROOT } from "../harness/host";
import { emulator as emu } from "../support/package";
import { quickstartDevConfig, quickstartSuite } from "./quickstart.suite";
import { EXAMPLES_DIR } from "./support";

jest.setTimeout(ENGINE_TEST_TIMEOUT_MS);

const devConfig = quickstartDevConfig();

test("the repository root is the quickstart's Pulumi project: `main` and `stackConfigDir` point at it", () => {
  // js-yaml is a devDependency (also a dependency of @pulumi/pulumi); without its typings, its one function is declared.
  const yaml: { load(text: string): unknown } = require("js-yaml");
  const root = yaml.load(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as Record<string, string>;
  const quickstartDir = path.join(EXAMPLES_DIR, "quickstart");
  const project = yaml.load(fs.readFileSync(path.join(quickstartDir, "Pulumi.yaml"), "utf8")) as Record<string, string>;
  expect(root.runtime).toBe("nodejs");
  expect(path.resolve(REPO_ROOT, root.main ?? "")).toBe(quickstartDir);
  expect(path.resolve(REPO_ROOT, root.stackConfigDir ?? "")).toBe(quickstartDir);
  // The same project name, or the stack file's `romulus-quickstart:` keys would name another namespace.
  expect(root.name).toBe(project.name);
  expect(devConfig).toHaveProperty([`${project.name}:agentName`]);
  // A program is there to run: its entry point (what `main` in its package.json names) and its stack file.
  const pkg = JSON.parse(fs.readFileSync(path.join(quickstartDir, "package.json"), "utf8")) as { main: string };
  expect(fs.existsSync(path.join(quickstartDir, pkg.main))).toBe(true);
  expect(fs.readFileSync(path.join(quickstartDir, pkg.main), "utf8")).toContain("quickstart()");
  expect(fs.existsSync(path.join(quickstartDir, "Pulumi.dev.yaml"))).toBe(true);
});

test("Pulumi.dev.yaml points at the local emulator with its documented default key", () => {
  expect(devConfig["romulus:endpoint"]).toBe(`http://127.0.0.1:${emu.DEFAULT_CLI_PORT}`);
  expect(devConfig["romulus:apiKey"]).toBe(emu.DEFAULT_API_KEY);
});

quickstartSuite();
