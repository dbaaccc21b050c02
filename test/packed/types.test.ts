/**
 * Every subpath export type-checks in a user's program, against the installed packed package, under each
 * `moduleResolution` a TypeScript user may have: `node` (node10, the one in Pulumi's TypeScript template,
 * which ignores `exports` and needs `typesVersions`), `node16` and `nodenext` (from a CommonJS file and from
 * an ES module), and `bundler`. Compiled by this repository's TypeScript with `skipLibCheck` off, as
 * Pulumi's template has it, so the package's declarations and what they pull in are checked too.
 *
 * Each program also holds `@ts-expect-error` lines that misuse an import: if a subpath resolved to `any`
 * (or to nothing with a silenced error), those lines would stop being errors and the compile would fail.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { type PackedInstall, packedInstall } from "../support/package";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Uses one value from each subpath, typed, plus misuses that must stay errors. */
const PROGRAM = `
import { Contact, RomulusClient, getAgentOutput } from "pulumi-romulus";
import { RomulusClient as SameClient, isMaybeProcessedError } from "pulumi-romulus/client";
import { DEFAULT_API_KEY, type Emulator, startEmulator } from "pulumi-romulus/emulator";
import { PHONE_LABELS } from "pulumi-romulus/models";
import { parseWebhookEvent, type WebhookEvent } from "pulumi-romulus/webhooks";
import { romulusMocks } from "pulumi-romulus/testing";

export async function use(): Promise<string> {
  const emulator: Emulator = await startEmulator({ port: 0 });
  const client: SameClient = new RomulusClient({ apiKey: DEFAULT_API_KEY, endpoint: emulator.url });
  const event: WebhookEvent = parseWebhookEvent("{}");
  const label: (typeof PHONE_LABELS)[number] = PHONE_LABELS[0];
  const retry: boolean = isMaybeProcessedError(new Error("x"));
  const agent = getAgentOutput({ name: "Sales Agent" });
  const mocks = romulusMocks({ agents: [{ id: "agent-1", name: "Sales Agent", type: "OUTBOUND" }] });
  new Contact("c", { firstName: "Ada", phones: [{ number: "+442071234567", label }] });
  await emulator.close();
  // @ts-expect-error baseUrl is a string
  const wrong: number = client.baseUrl;
  // @ts-expect-error a Contact needs a name and arguments
  new Contact();
  // @ts-expect-error not an emulator option
  await startEmulator({ portt: 0 });
  // @ts-expect-error PHONE_LABELS is a tuple of labels
  const notALabel: "FAX" = PHONE_LABELS[0];
  // @ts-expect-error fixtures are lists of the data sources' results
  romulusMocks({ agents: "Sales Agent" });
  // @ts-expect-error the event is a union of typed events
  event.nope.deeper;
  return [event.type, String(retry), String(wrong), notALabel, typeof agent, typeof mocks].join();
}
`;

interface Mode {
  name: string;
  options: Record<string, unknown>;
  /** File names of the program: `.ts` is CommonJS or ESM by the folder's package.json, `.mts` is ESM. */
  files: string[];
  packageType?: "module" | "commonjs";
}

// Pulumi's TypeScript template (`pulumi new typescript`), less outDir.
const PULUMI_TEMPLATE = {
  strict: true,
  target: "es2020",
  module: "commonjs",
  moduleResolution: "node",
  sourceMap: true,
  experimentalDecorators: true,
  pretty: true,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
  forceConsistentCasingInFileNames: true,
};

const MODES: Mode[] = [
  { name: "node (node10), Pulumi's template", options: PULUMI_TEMPLATE, files: ["index.ts"] },
  {
    name: "node16",
    options: { strict: true, target: "es2022", module: "node16", moduleResolution: "node16" },
    files: ["index.ts", "esm.mts"],
  },
  {
    name: "nodenext",
    options: { strict: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext" },
    files: ["index.ts", "esm.mts"],
  },
  {
    name: "nodenext in a package of type module",
    options: { strict: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext" },
    files: ["index.ts"],
    packageType: "module",
  },
  {
    name: "bundler",
    options: { strict: true, target: "es2022", module: "esnext", moduleResolution: "bundler" },
    files: ["index.ts"],
  },
];

let packed: PackedInstall;
let work: string;

beforeAll(async () => {
  packed = await packedInstall();
  work = fs.mkdtempSync(path.join(packed.dir, "types-"));
  // A TypeScript program has @types/node (Pulumi's template lists it): this repository's copy.
  fs.mkdirSync(path.join(work, "node_modules", "@types"), { recursive: true });
  fs.symlinkSync(
    path.join(REPO_ROOT, "node_modules", "@types", "node"),
    path.join(work, "node_modules", "@types", "node"),
  );
}, 300_000);
afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Compiles PROGRAM in a folder of its own under the installed program; answers the diagnostics, one line each. */
function compile(mode: Mode, scope: "program and package" | "everything"): { diagnostics: string[]; ours: string[] } {
  const dir = fs.mkdtempSync(path.join(work, "mode-"));
  const pkg = { name: "program", private: true, ...(mode.packageType ? { type: mode.packageType } : {}) };
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg));
  for (const file of mode.files) fs.writeFileSync(path.join(dir, file), PROGRAM);
  const parsed = ts.parseJsonConfigFileContent({ compilerOptions: { ...mode.options, noEmit: true } }, ts.sys, dir);
  expect(parsed.errors).toEqual([]);
  const program = ts.createProgram(
    mode.files.map((f) => path.join(dir, f)),
    parsed.options,
  );
  const ours = program
    .getSourceFiles()
    .map((f) => f.fileName)
    .filter((f) => f.includes("/pulumi-romulus/"));
  let found: readonly ts.Diagnostic[];
  if (scope === "everything") {
    found = ts.getPreEmitDiagnostics(program);
  } else {
    const checked = program
      .getSourceFiles()
      .filter((f) => f.fileName.startsWith(dir) || f.fileName.startsWith(packed.installed));
    found = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...checked.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
    ];
  }
  const diagnostics = found.map((d) => {
    const where = d.file ? `${path.relative(packed.dir, d.file.fileName)}: ` : "";
    return `${where}TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
  return { diagnostics, ours };
}

test.each(MODES)(
  "every subpath export type-checks under moduleResolution $name",
  (mode) => {
    // The program's files and every declaration file of the package, as a compile of the program checks
    // them (what ts-node does under `pulumi up`, file by file).
    const { diagnostics, ours } = compile(mode, "program and package");
    expect(diagnostics).toEqual([]);
    // The package resolved to the installed copy's declarations, not to anything in this repository.
    expect(ours.length).toBeGreaterThan(5);
    for (const file of ours) expect(file.startsWith(path.join(packed.installed, "dist"))).toBe(true);
  },
  300_000,
);

/**
 * `tsc` on Pulumi's template checks every declaration file, the dependencies' too, and zod's and pino's
 * (through fastify, for /emulator) default-import CommonJS modules: that needs `esModuleInterop`, which
 * README's TypeScript note tells users to add (or `skipLibCheck`). With it, nothing anywhere is an error.
 */
test("tsc on Pulumi's template with esModuleInterop: no error in any declaration file, dependencies included", () => {
  const mode = MODES[0] as Mode;
  const { diagnostics } = compile({ ...mode, options: { ...mode.options, esModuleInterop: true } }, "everything");
  expect(diagnostics).toEqual([]);
}, 300_000);
