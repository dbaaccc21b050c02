import * as path from "node:path";
import type { CallTaskWebhookSubscription, WebhookSubscription } from "../models";
import type { ResourceDefinition } from "../provider/define";
import { check, diff, toOutputs } from "../provider/engine";
import { callTaskWebhookSubscriptionDefinition } from "../resources/call-task-webhook-subscription";
import { webhookSubscriptionDefinition } from "../resources/webhook-subscription";
import { slug, type UniqueNames } from "./names";

/**
 * The Pulumi program an export writes: index.ts declaring the contact book and one resource per
 * subscription, each with every field as the API holds it and `importId`, plus the project files a
 * program needs when the folder has none.
 */

/** One subscription as the program declares it. */
export interface Declaration {
  kind: "WebhookSubscription" | "CallTaskWebhookSubscription";
  name: string;
  /** Resource inputs in the order written; `url` is left out when it is read from the stack config. */
  inputs: Record<string, unknown>;
  /** Set when the URL carries a query string or credentials: the stack config key holding it. */
  urlConfigKey?: string;
  /** The fields the first `pulumi up` would still update (a value the program cannot hold as it is). */
  differs: string[];
  /** Why the provider would refuse the declaration as it is (then it is written commented out). */
  refused: string[];
}

/** A URL that may carry a token (a query string or user info) stays out of the code and out of Git. */
export function urlMayHoldSecret(url: string): boolean {
  try {
    const u = new URL(url);
    return u.search !== "" || u.username !== "" || u.password !== "";
  } catch {
    return false;
  }
}

function urlSlug(url: string): string {
  try {
    const u = new URL(url);
    return slug(`${u.hostname} ${u.pathname}`);
  } catch {
    return slug(url);
  }
}

type Def = ResourceDefinition<never>;

/** Judged with the resource's own check and diff: what `pulumi up` would refuse, or still change. */
function judge(def: Def, inputs: Record<string, unknown>, live: object): { differs: string[]; refused: string[] } {
  const { importId: _id, ...declared } = inputs;
  const checked = check(def as never, declared);
  if (checked.failures.length > 0) return { differs: [], refused: checked.failures.map((f) => f.reason) };
  return {
    differs: diff(def as never, toOutputs(def as never, live as never, undefined), checked.inputs).diffs,
    refused: [],
  };
}

const EVENT_NAMES: Record<string, string> = { AGENT_CALL_COMPLETED: "calls", AGENT_ACTION_COMPLETED: "actions" };

export function webhookDeclaration(s: WebhookSubscription, names: UniqueNames): Declaration {
  const base = [EVENT_NAMES[s.event] ?? slug(s.event), urlSlug(s.url)].filter(Boolean).join("-");
  const name = names.take(base || "webhook");
  const inputs: Record<string, unknown> = { event: s.event, url: s.url, status: s.status };
  if (s.entity_type) inputs.entityType = s.entity_type;
  if (s.entity_id) inputs.entityId = s.entity_id;
  inputs.attempts = s.attempts;
  inputs.attemptsIntervalSeconds = s.attempts_interval_seconds;
  const specs = Object.fromEntries(Object.entries(s.specifications ?? {}).filter(([, v]) => v !== ""));
  if (Object.keys(specs).length > 0) inputs.specifications = specs;
  inputs.importId = s.id;
  return finish("WebhookSubscription", webhookSubscriptionDefinition as never, name, inputs, s);
}

export function callTaskDeclaration(s: CallTaskWebhookSubscription, names: UniqueNames): Declaration {
  const name = names.take(["robocall-results", urlSlug(s.url)].filter(Boolean).join("-"));
  const inputs: Record<string, unknown> = { url: s.url };
  if (s.entity_id) inputs.entityId = s.entity_id;
  inputs.entityType = s.entity_type;
  inputs.importId = s.id;
  return finish("CallTaskWebhookSubscription", callTaskWebhookSubscriptionDefinition as never, name, inputs, s);
}

function finish(
  kind: Declaration["kind"],
  def: Def,
  name: string,
  inputs: Record<string, unknown>,
  live: object,
): Declaration {
  const verdict = judge(def, inputs, live);
  const url = String(inputs.url);
  return { kind, name, inputs, ...(urlMayHoldSecret(url) ? { urlConfigKey: `${name}-url` } : {}), ...verdict };
}

// --------------------------------------------------------------------------------------------- index.ts

const lit = (v: unknown) => JSON.stringify(v);
const prop = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : lit(k));

function objectLiteral(value: Record<string, unknown>): string {
  return `{ ${Object.entries(value)
    .map(([k, v]) => `${prop(k)}: ${lit(v)}`)
    .join(", ")} }`;
}

function declarationText(d: Declaration): string {
  const lines = [`new ${d.kind}(${lit(d.name)}, {`];
  for (const [k, v] of Object.entries(d.inputs)) {
    if (k === "url" && d.urlConfigKey) {
      lines.push(
        `  // The URL has a query string or credentials (a token?): it is kept in the stack config, encrypted.`,
      );
      lines.push(`  url: config.requireSecret(${lit(d.urlConfigKey)}),`);
    } else if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      lines.push(`  ${prop(k)}: ${objectLiteral(v as Record<string, unknown>)},`);
    } else lines.push(`  ${prop(k)}: ${lit(v)},`);
  }
  lines.push("});");
  if (d.refused.length > 0) {
    return [
      `// Not declared: the provider would refuse it as it is (${d.refused.join("; ")}).`,
      ...lines.map((l) => `// ${l}`),
    ].join("\n");
  }
  return lines.join("\n");
}

export interface ProgramSummary {
  organizationId: string;
  baseUrl: string;
  /** The contact book file name, or undefined when contacts are not exported. */
  contactsFile?: string;
  contactCount: number;
  webhooks: Declaration[];
  callTaskWebhooks: Declaration[];
  /** The --tag filters the contact book was exported with. */
  tags: string[];
}

export function indexTs(p: ProgramSummary): string {
  const imports = [
    ...(p.callTaskWebhooks.length > 0 ? ["CallTaskWebhookSubscription"] : []),
    ...(p.contactsFile ? ["ContactBook"] : []),
    ...(p.webhooks.length > 0 ? ["WebhookSubscription"] : []),
  ];
  const all = [...p.webhooks, ...p.callTaskWebhooks];
  const needsConfig = all.some((d) => d.urlConfigKey && d.refused.length === 0);
  const out: string[] = [
    `// Written by romulus-export from organization ${p.organizationId} (${p.baseUrl}).`,
    "// Every object below already exists: `importId` makes the first `pulumi up` adopt it instead of creating",
    "// a new one, and leaves it as it is when it already matches. After that first up importId is never read",
    "// again: keep it or remove it. Edit this program (and the contact book) like any other from then on.",
  ];
  if (p.contactsFile) out.push('import * as path from "node:path";');
  if (needsConfig) out.push('import * as pulumi from "@pulumi/pulumi";');
  if (imports.length > 0) out.push(`import { ${imports.join(", ")} } from "pulumi-romulus";`);
  out.push("");
  if (needsConfig) out.push("const config = new pulumi.Config();", "");
  if (p.contactsFile) {
    const scope = p.tags.length > 0 ? ` holding the tag${p.tags.length > 1 ? "s" : ""} ${p.tags.join(", ")}` : "";
    out.push(
      `// ${p.contactCount} contact${p.contactCount === 1 ? "" : "s"}${scope}, one per entry of ${p.contactsFile}.`,
      "// Each entry's key is its resource name: renaming a key replaces that contact.",
      `new ContactBook("contacts", { path: path.join(__dirname, ${lit(p.contactsFile)}) });`,
      "",
    );
  }
  if (p.webhooks.length > 0) out.push("// Webhook subscriptions.", ...p.webhooks.map(declarationText), "");
  if (p.callTaskWebhooks.length > 0)
    out.push("// Robocall results subscriptions.", ...p.callTaskWebhooks.map(declarationText), "");
  return `${out.join("\n").trimEnd()}\n`;
}

// ------------------------------------------------------------------------------------ project scaffolding

const ownPackage = require("../../package.json") as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

export function projectName(dir: string): string {
  return slug(path.basename(path.resolve(dir))) || "romulus-organization";
}

export function pulumiYaml(dir: string): string {
  return `name: ${projectName(dir)}\nruntime: nodejs\ndescription: A Romulus organization, adopted with romulus-export\n`;
}

export function packageJson(dir: string): string {
  const pkg = {
    name: projectName(dir),
    private: true,
    version: "0.0.0",
    main: "index.ts",
    dependencies: {
      "@pulumi/pulumi": ownPackage.dependencies["@pulumi/pulumi"],
      [ownPackage.name]: `^${ownPackage.version}`,
    },
    devDependencies: {
      "@types/node": ownPackage.devDependencies["@types/node"],
      typescript: ownPackage.devDependencies.typescript,
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export function tsconfigJson(): string {
  const config = {
    compilerOptions: {
      strict: true,
      outDir: "bin",
      target: "es2020",
      module: "commonjs",
      moduleResolution: "node",
      sourceMap: true,
      skipLibCheck: true,
      forceConsistentCasingInFileNames: true,
    },
    files: ["index.ts"],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
