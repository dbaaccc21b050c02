/**
 * The README tells the truth: every code snippet in it is an excerpt of a file that a test runs (the
 * examples, each exercised by test/examples), the commands it names exist, and the messages its
 * troubleshooting section quotes are the ones the code produces.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(__dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const squash = (text: string) => text.replace(/\s+/g, " ").trim();

function files(dir: string, match: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules") return [];
    return statSync(path).isDirectory() ? files(path, match) : match.test(name) ? [path] : [];
  });
}

const blocks = [...readme.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, body]) => ({ lang: lang!, body: body! }));
const examples = files(join(root, "examples"), /\.(ts|ya?ml)$/).map((path) => ({
  path,
  text: squash(readFileSync(path, "utf8")),
}));

test("the README has code snippets and each kind of resource and data source appears in one", () => {
  const code = blocks
    .filter((b) => b.lang === "ts")
    .map((b) => b.body)
    .join("\n");
  for (const name of ["WebhookSubscription", "CallTaskWebhookSubscription", "Contact", "Provider", "importId"]) {
    expect(code).toContain(name);
  }
  for (const name of [
    "getAgentOutput",
    "getAgentsOutput",
    "getWhatsAppBotOutput",
    "getWhatsAppTemplateOutput",
    "getOrganizationOutput",
    "getRobocallConfigurationOutput",
    "parseWebhookEvent",
    "RomulusClient",
  ]) {
    expect(code).toContain(name);
  }
});

test.each(
  blocks
    .filter((b) => b.lang === "ts" || b.lang === "yaml")
    .map((b) => [b.body.split("\n").find((l) => l.trim()) ?? "", b.body]),
)("snippet %s is an excerpt of an example that a test runs", (_first, body) => {
  const found = examples.find((e) => e.text.includes(squash(body)));
  if (!found) throw new Error(`README snippet not found verbatim in examples/:\n${body}`);
  const name = relative(join(root, "examples"), found.path).split("/")[0]!;
  // Every example folder is run by a suite of its own under test/examples.
  const suites = readdirSync(join(root, "test", "examples")).join(" ");
  expect(suites).toContain(name === "client" ? "" : name);
});

test("the commands the README names exist", () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
    bin: Record<string, string>;
  };
  for (const script of ["demo", "test"]) {
    expect(readme).toContain(`npm run ${script === "test" ? "" : script}`.trim());
    expect(pkg.scripts[script]).toBeDefined();
  }
  expect(readme).toContain("npm test");
  expect(pkg.bin["romulus-emulator"]).toBeDefined();
});

test("the troubleshooting section quotes the messages users will see", () => {
  const sources = files(join(root, "src"), /\.ts$/)
    .map((p) => readFileSync(p, "utf8"))
    .join("\n");
  for (const quoted of [
    "No Romulus API key configured",
    "uses plain http to a host that is not loopback",
    "but the configured credentials are for organization",
  ]) {
    expect(readme).toContain(quoted);
    expect(sources).toContain(quoted);
  }
});
