/**
 * The README tells the truth: every code block in it is an excerpt of a file that a test runs (an explicit
 * list below, each entry checked against the suite that runs it), every command it shows exists, and the
 * messages its troubleshooting section quotes are the ones the code produces.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ENV_VARS, ENVIRONMENTS } from "../src/config";

const root = join(__dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const read = (file: string) => readFileSync(join(root, file), "utf8");
const squash = (text: string) => text.replace(/\s+/g, " ").trim();
const pkg = JSON.parse(read("package.json")) as {
  name: string;
  scripts: Record<string, string>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  version: string;
  engines: { node: string };
  repository: { url: string };
};

/**
 * The files a README block may quote: each is executed (or, for stack files and the workflow, read and
 * acted on) by the suite named beside it (a `.suite.ts` is run by its `.test.ts` and by the packed-package
 * suite), and `uses` is how that suite's source refers to it. A file that
 * no test runs cannot be quoted, however close to an example it lives.
 */
const RUN_BY_TESTS: ReadonlyArray<{ file: string; suite: string; uses: string }> = [
  {
    file: "examples/quickstart/program.ts",
    suite: "test/examples/quickstart.suite.ts",
    uses: "../../examples/quickstart/program",
  },
  {
    file: "examples/quickstart/Pulumi.dev.yaml",
    suite: "test/examples/quickstart.suite.ts",
    uses: 'readStackConfig("quickstart", "dev")',
  },
  {
    file: "examples/environments/program.ts",
    suite: "test/examples/environments.suite.ts",
    uses: "../../examples/environments/program",
  },
  {
    file: "examples/environments/Pulumi.sandbox.yaml",
    suite: "test/examples/environments.suite.ts",
    uses: 'stackFile("sandbox")',
  },
  {
    file: "examples/environments/Pulumi.prod.yaml",
    suite: "test/examples/environments.suite.ts",
    uses: 'stackFile("prod")',
  },
  { file: "examples/gitops/program.ts", suite: "test/examples/gitops.suite.ts", uses: "../../examples/gitops/program" },
  { file: "examples/gitops/contacts.csv", suite: "test/examples/gitops.suite.ts", uses: '"gitops", "contacts.csv"' },
  { file: "examples/gitops/contacts.yaml", suite: "test/examples/gitops.suite.ts", uses: '"gitops", "contacts.yaml"' },
  {
    file: "examples/gitops/.github/workflows/drift.yml",
    suite: "test/examples/gitops-workflows.test.ts",
    uses: '"drift.yml"',
  },
  {
    file: "examples/multi-org/program.ts",
    suite: "test/examples/multi-org.test.ts",
    uses: "../../examples/multi-org/program",
  },
  {
    file: "examples/lookups/program.ts",
    suite: "test/examples/lookups.test.ts",
    uses: "../../examples/lookups/program",
  },
  {
    file: "examples/webhook-receiver/program.ts",
    suite: "test/examples/webhook-receiver.test.ts",
    uses: "../../examples/webhook-receiver/program",
  },
  {
    file: "examples/webhook-receiver/receiver.ts",
    suite: "test/examples/webhook-receiver.test.ts",
    uses: "../../examples/webhook-receiver/receiver",
  },
  {
    // A test itself: the unit test a user writes, run by jest as it stands.
    file: "test/functions/user-unit-test.test.ts",
    suite: "test/functions/user-unit-test.test.ts",
    uses: 'from "pulumi-romulus/testing"',
  },
  {
    file: "examples/client/list-agents.ts",
    suite: "test/client/readme-example.test.ts",
    uses: '"examples", "client", "list-agents.ts"',
  },
];

/** Fence languages the README may use; any other (or none) fails, so no block escapes the checks. */
const LANGUAGES = ["ts", "yaml", "csv", "sh"] as const;
type Language = (typeof LANGUAGES)[number];

const blocks = [...readme.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map(([, lang, body]) => ({
  lang: (lang ?? "").trim(),
  body: body ?? "",
}));
const ofLanguage = (lang: Language) => blocks.filter((b) => b.lang === lang);
const firstLine = (body: string) => body.split("\n").find((l) => l.trim()) ?? "";

test("every fence names a language the checks below know", () => {
  expect(blocks.length).toBeGreaterThan(10);
  for (const block of blocks) {
    if (!(LANGUAGES as readonly string[]).includes(block.lang)) {
      throw new Error(
        `README block with fence language "${block.lang}" (not one of ${LANGUAGES.join(", ")}):\n${block.body}`,
      );
    }
  }
});

test.each(RUN_BY_TESTS.map((entry) => [entry.file, entry]))("%s is run by the suite said to run it", (_file, entry) => {
  expect(existsSync(join(root, entry.file))).toBe(true);
  expect(read(entry.suite)).toContain(entry.uses);
});

test("the README has code snippets and each kind of resource and data source appears in one", () => {
  const code = ofLanguage("ts")
    .map((b) => b.body)
    .join("\n");
  for (const name of ["WebhookSubscription", "CallTaskWebhookSubscription", "Contact", "ContactBook", "Provider"]) {
    expect(code).toContain(name);
  }
  for (const name of [
    "getAgent(",
    "getAgentOutput(",
    "getAgentsOutput(",
    "getWhatsAppBotOutput(",
    "getWhatsAppBots(",
    "getWhatsAppTemplateOutput(",
    "getOrganizationOutput(",
    "getRobocallConfigurationOutput(",
    "getRobocallConfigurations(",
    "parseWebhookEvent(",
    "RomulusClient(",
  ]) {
    expect(code).toContain(name);
  }
});

const quotable = RUN_BY_TESTS.map((entry) => ({ file: entry.file, text: squash(read(entry.file)) }));

test("importId, how an existing object is adopted, appears in an example program or contact book", () => {
  const code = [...ofLanguage("ts"), ...ofLanguage("csv"), ...ofLanguage("yaml")].map((b) => b.body).join("\n");
  expect(code).toContain("importId");
});

test.each(
  [...ofLanguage("ts"), ...ofLanguage("yaml"), ...ofLanguage("csv")].map((b) => [
    `${b.lang}: ${firstLine(b.body)}`,
    b.body,
  ]),
)("%s is an excerpt of a file a test runs", (_first, body) => {
  const found = quotable.find((q) => q.text.includes(squash(body)));
  if (!found) {
    throw new Error(
      `README block not found verbatim in any of ${RUN_BY_TESTS.map((e) => e.file).join(", ")}:\n${body}`,
    );
  }
});

// ---------------------------------------------------------------------------------------------------------
// Commands

/** The stack configuration the provider reads: `romulus:<field>` for each of its settings. */
const ROMULUS_CONFIG_KEYS = Object.keys(ENV_VARS).map((field) => `romulus:${field}`);

/**
 * The Pulumi CLI's subcommands and flags the README may show, from its reference
 * (https://www.pulumi.com/docs/iac/cli/commands/). The CLI cannot be installed here to ask it, so this
 * list is the check: a flag outside it is a typo or a command nobody has verified.
 */
const PULUMI_FLAGS: Record<string, readonly string[]> = {
  "config set": ["--secret", "--stack"],
  preview: ["--refresh", "--expect-no-changes", "--diff", "--stack", "--non-interactive"],
  up: ["--refresh", "--yes", "--skip-preview", "--stack", "--non-interactive", "--parallel"],
  destroy: ["--yes", "--skip-preview", "--stack", "--non-interactive"],
  "stack init": [],
};

/** What `git clone` of the repository package.json names takes, and the folder it makes. */
const CLONE_URL = pkg.repository.url.replace(/^git\+/, "");
const CLONE_DIR = CLONE_URL.replace(/^.*\//, "").replace(/\.git$/, "");

/** Why the command on one `sh` line would not work as shown, or undefined when it would. */
function commandProblem(line: string): string | undefined {
  const words = line.split(/\s+/);
  const [tool, sub, ...rest] = words;
  if (tool === "git" && sub === "clone") {
    return rest[0] === CLONE_URL ? undefined : `clones ${rest[0]}, not this repository (${CLONE_URL})`;
  }
  if (tool === "cd") return rest.length === 0 && sub === CLONE_DIR ? undefined : `cd ${sub}: not the clone's folder`;
  if (tool === "npm" && sub === "pack") return pkg.scripts.prepare ? undefined : "npm pack would not build first";
  if (tool === "npm" && sub === "install") {
    const tarball = rest.find((p) => p.endsWith(".tgz"));
    if (tarball && tarball !== `../${CLONE_DIR}/${pkg.name}-${pkg.version}.tgz`) {
      return `installs ${tarball}, not the tarball npm pack makes in the clone (${pkg.name}-${pkg.version}.tgz)`;
    }
    const unknown = rest.filter((p) => p !== tarball && p !== pkg.name && !(p in pkg.dependencies));
    return unknown.length > 0 ? `installs ${unknown.join(", ")}, which this package neither is nor needs` : undefined;
  }
  if (tool === "npm" && sub === "test") return pkg.scripts.test ? undefined : "package.json has no test script";
  if (tool === "npm" && sub === "run") {
    const script = rest.find((w) => !w.startsWith("-"));
    return script && pkg.scripts[script] ? undefined : `package.json has no script ${script}`;
  }
  if (tool === "npx") return sub && pkg.bin[sub] ? undefined : `package.json has no bin ${sub}`;
  if (tool === "pulumi") {
    const command = sub === "config" || sub === "stack" ? `${sub} ${rest.shift()}` : (sub ?? "");
    const flags = PULUMI_FLAGS[command];
    if (!flags) return `pulumi ${command} is not a command this README is checked for`;
    const bad = rest.filter((w) => w.startsWith("-") && !flags.includes(w));
    if (bad.length > 0) return `pulumi ${command} has no flag ${bad.join(", ")}`;
    if (command === "config set") {
      const [key, value] = rest.filter((w) => !w.startsWith("-"));
      if (!key || !ROMULUS_CONFIG_KEYS.includes(key)) return `${key} is not a setting the provider reads`;
      if (key === "romulus:environment" && !(value && value in ENVIRONMENTS)) return `no environment ${value}`;
    }
    return undefined;
  }
  return `${tool} is not a command the README is checked for`;
}

const shLines = ofLanguage("sh").flatMap((b) =>
  b.body
    .split("\n")
    .map((l) => l.replace(/(^|\s)#.*$/, "").trim())
    .filter((l) => l !== ""),
);

test.each(shLines.map((l) => [l]))("sh: `%s` works as shown", (line) => {
  expect(commandProblem(line)).toBeUndefined();
});

test("the command checks can fail: a misspelt script, flag or setting is caught", () => {
  expect(commandProblem("npm run demo-typo")).toMatch(/no script/);
  expect(commandProblem("pulumi preview --refresh --expect-no-change")).toMatch(/no flag/);
  expect(commandProblem("pulumi config set --secret romulus:apikey x")).toMatch(/not a setting/);
  expect(commandProblem("curl https://example.com")).toMatch(/not a command/);
});

test("npm run demo and npm test are shown, and every `npm run` anywhere in the README names a script", () => {
  expect(shLines).toContain("npm run demo");
  expect(shLines).toContain("npm test");
  const named = [...readme.matchAll(/npm run (?:-s )?([\w:-]+)/g)].map((m) => m[1] as string);
  expect(named).toContain("demo");
  for (const script of named) expect(pkg.scripts).toHaveProperty([script]);
  expect(readme).toContain("npx romulus-emulator");
  expect(pkg.bin["romulus-emulator"]).toBeDefined();
});

test("installing: the README clones, packs and installs this repository's package, on the Node it needs", () => {
  expect(shLines).toEqual(expect.arrayContaining([`git clone ${CLONE_URL}`, "npm pack"]));
  expect(shLines.some((l) => l.startsWith("npm install") && l.endsWith(`${pkg.name}-${pkg.version}.tgz`))).toBe(true);
  expect(commandProblem("npm install ../pulumi-romulus/pulumi-romulus-9.9.9.tgz")).toMatch(/not the tarball/);
  expect(commandProblem("git clone https://github.com/someone/else.git")).toMatch(/not this repository/);
  const [major, minor] = pkg.engines.node.replace(/^>=\s*/, "").split(".");
  expect(readme).toContain(`Node.js ${major}.${minor} or newer`);
});

test("the drift check the README shows is the command the drift workflow runs", () => {
  const drift = shLines.find((l) => l.includes("--expect-no-changes"));
  expect(drift).toBe("pulumi preview --refresh --expect-no-changes");
  expect(read("examples/gitops/.github/workflows/drift.yml")).toContain(`run: ${drift} `);
});

test("the troubleshooting section quotes the messages users will see", () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
    });
  const sources = files(join(root, "src"))
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
