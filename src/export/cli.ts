#!/usr/bin/env node
// First, before any dependency loads: an unsupported Node stops here with one line.
import "../node-version";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ENV_VARS } from "../config";
import type { BookFormat } from "./contacts";
import type { ExportResult } from "./export";
import { ExistingFilesError } from "./files";
import { ONLY, type Only } from "./options";

const USAGE = `Usage: romulus-export --out DIR [options]

Writes a Pulumi program that adopts an existing Romulus organization: DIR/contacts.yaml (or .csv), read
by a ContactBook, and DIR/index.ts declaring it and every webhook subscription, each with importId, so
that the first \`pulumi up\` takes every object over without creating, deleting or changing anything.
Pulumi.yaml, package.json and tsconfig.json are added when DIR has none.

Options:
  --out DIR                  the program folder (created when missing)
  --format yaml|csv          the contact book's form (default yaml)
  --only KIND                export only contacts, webhooks or call-task-webhooks; repeatable
  --tag NAME                 only the contacts holding this tag; repeatable (a contact holding any of them)
  --force                    overwrite DIR/index.ts and the contact book if they exist
  --endpoint URL             the API's base URL (default: ${ENV_VARS.endpoint}, else the environment's)
  --environment NAME         production or sandbox (default: ${ENV_VARS.environment}, else production)
  -h, --help                 show this help

The API key is read from ${ENV_VARS.apiKey} only: a command-line flag would leave it in the shell history
and in the process list.
Exit status: 0 done, 1 the export failed (nothing written), 2 bad usage.
`;

class UsageError extends Error {}

interface Parsed {
  out: string;
  format: BookFormat;
  only: Only[];
  tags: string[];
  force: boolean;
  endpoint?: string;
  environment?: string;
}

function parse(argv: string[]): Parsed | "help" {
  let values: {
    out?: string;
    format?: string;
    only?: string[];
    tag?: string[];
    force?: boolean;
    endpoint?: string;
    environment?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: "string" },
        format: { type: "string" },
        only: { type: "string", multiple: true },
        tag: { type: "string", multiple: true },
        force: { type: "boolean" },
        endpoint: { type: "string" },
        environment: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const message = (error as Error).message;
    if (/api-key/.test(message))
      throw new UsageError(
        `there is no --api-key option: set ${ENV_VARS.apiKey} instead (a flag would leave the key in the shell history)`,
      );
    throw new UsageError(message);
  }
  if (values.help) return "help";
  if ((process.env[ENV_VARS.apiKey] ?? "").trim() === "")
    throw new UsageError(`${ENV_VARS.apiKey} is not set: export the organization's API key in it first`);
  if (values.out === undefined || values.out.trim() === "") throw new UsageError("--out DIR is required");
  const format = values.format ?? "yaml";
  if (format !== "yaml" && format !== "csv") throw new UsageError(`--format must be yaml or csv, got "${format}"`);
  const only = (values.only ?? []).flatMap((o) => o.split(",")).map((o) => o.trim());
  for (const o of only)
    if (!(ONLY as readonly string[]).includes(o))
      throw new UsageError(`--only must be one of ${ONLY.join(", ")}, got "${o}"`);
  const tags = (values.tag ?? []).map((t) => t.trim());
  if (tags.some((t) => t === "")) throw new UsageError("--tag must name a tag");
  if (tags.length > 0 && only.length > 0 && !only.includes("contacts"))
    throw new UsageError("--tag filters contacts, but --only leaves contacts out");
  for (const name of ["endpoint", "environment"] as const)
    if (values[name] !== undefined && values[name].trim() === "") throw new UsageError(`--${name} must not be empty`);
  return {
    out: values.out,
    format,
    only: only as Only[],
    tags,
    force: values.force ?? false,
    endpoint: values.endpoint,
    environment: values.environment,
  };
}

/** What to run next, in order; the key itself never appears. */
export function nextSteps(result: ExportResult, parsed: Pick<Parsed, "out" | "endpoint" | "environment">): string[] {
  const steps = [
    `cd ${JSON.stringify(path.resolve(parsed.out)).slice(1, -1)}`,
    "npm install",
    "pulumi stack init <stack>",
  ];
  if (parsed.endpoint) steps.push(`pulumi config set romulus:endpoint ${parsed.endpoint}`);
  else if (parsed.environment) steps.push(`pulumi config set romulus:environment ${parsed.environment}`);
  else if (process.env[ENV_VARS.endpoint]) steps.push(`pulumi config set romulus:endpoint ${result.baseUrl}`);
  else if (process.env[ENV_VARS.environment])
    steps.push(`pulumi config set romulus:environment ${process.env[ENV_VARS.environment]}`);
  steps.push(`pulumi config set --secret romulus:apiKey     # prompts for the key (or keep ${ENV_VARS.apiKey} set)`);
  for (const d of [...result.webhooks, ...result.callTaskWebhooks])
    if (d.urlConfigKey && d.refused.length === 0)
      steps.push(`pulumi config set --secret ${d.urlConfigKey}     # prompts for the URL of ${d.name}`);
  steps.push(
    "pulumi preview     # every object shows as a create: importId makes it an adoption, nothing is created",
    "pulumi up",
    "pulumi preview --refresh --expect-no-changes     # nothing to change: the program is the organization",
  );
  return steps;
}

async function main(): Promise<number> {
  let parsed: Parsed | "help";
  try {
    parsed = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`romulus-export: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let result: ExportResult;
  try {
    // Loaded only now: the exporter brings the resources (and @pulumi/pulumi), which --help does not need.
    const { exportOrganization } = await import("./export");
    result = await exportOrganization({
      out: parsed.out,
      format: parsed.format,
      only: parsed.only,
      tags: parsed.tags,
      force: parsed.force,
      client: { endpoint: parsed.endpoint, environment: parsed.environment },
      log,
      exitOnSignal: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`romulus-export: ${message}\n`);
    if (!(error instanceof ExistingFilesError)) process.stderr.write("romulus-export: nothing was written.\n");
    return 1;
  }
  const out = process.stdout;
  out.write(
    `Exported organization ${result.organizationId}: ${result.contacts} contact(s), ` +
      `${result.webhooks.length} webhook subscription(s), ${result.callTaskWebhooks.length} call-task webhook subscription(s).\n`,
  );
  out.write(`Wrote ${result.written.map((f) => path.join(parsed.out, f)).join(", ")}.\n`);
  if (result.kept.length > 0) out.write(`Kept the existing ${result.kept.join(", ")}.\n`);
  if (result.skipped.length > 0)
    out.write(
      `Left out (the provider would refuse them as they are):\n${result.skipped.map((s) => `  ${s}\n`).join("")}`,
    );
  if (result.updates.length > 0)
    out.write(`The first pulumi up will update:\n${result.updates.map((s) => `  ${s}\n`).join("")}`);
  out.write(
    `\nNext:\n${nextSteps(result, parsed)
      .map((s) => `  ${s}\n`)
      .join("")}`,
  );
  return 0;
}

void main().then((code) => {
  process.exitCode = code;
});
