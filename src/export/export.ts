import { createReadStream } from "node:fs";
import * as readline from "node:readline";
import { RomulusClient, type RomulusClientOptions } from "../client/client";
import {
  assertCsvWritable,
  type BookFormat,
  type ContactRow,
  contactRow,
  csvColumns,
  csvLines,
  csvRecord,
  EMPTY_YAML_BOOK,
  verdict,
  yamlItems,
} from "./contacts";
import { OutputSet, type Overwrite } from "./files";
import { UniqueNames } from "./names";
import { ONLY, type Only } from "./options";
import {
  callTaskDeclaration,
  type Declaration,
  indexTs,
  packageJson,
  pulumiYaml,
  tsconfigJson,
  webhookDeclaration,
} from "./program";

export { ONLY, type Only };

export interface ExportOptions {
  out: string;
  format?: BookFormat;
  /** What to export; default everything. */
  only?: Only[];
  /** Only the contacts holding at least one of these tags (by name). */
  tags?: string[];
  force?: boolean;
  /** Where and with which key: as RomulusClient reads them (explicit, then ROMULUS_* variables). */
  client?: RomulusClientOptions;
  /** Progress and warnings, one line each (the CLI sends them to stderr). */
  log?: (line: string) => void;
  /** On SIGINT/SIGTERM remove the temporary files and exit 130 (the CLI's behaviour). */
  exitOnSignal?: boolean;
}

export interface ExportResult {
  out: string;
  organizationId: string;
  baseUrl: string;
  /** Files written, relative to `out`. */
  written: string[];
  /** Project files left as they were because they existed. */
  kept: string[];
  contacts: number;
  webhooks: Declaration[];
  callTaskWebhooks: Declaration[];
  /** Contacts left out because the provider would refuse them as they are (one line each). */
  skipped: string[];
  /** Objects the first `pulumi up` will still update, with the fields (one line each). */
  updates: string[];
}

/**
 * Reads a live organization and writes a program that adopts it: the contact book, index.ts and the
 * project files. Contacts are read a page at a time (the largest page the API allows) and written as
 * they come; nothing appears under its final name until everything has been written (see OutputSet).
 */
export async function exportOrganization(options: ExportOptions): Promise<ExportResult> {
  const format = options.format ?? "yaml";
  const only = new Set<Only>(options.only && options.only.length > 0 ? options.only : ONLY);
  const log = options.log ?? (() => undefined);
  const tags = options.tags ?? [];
  const client = new RomulusClient(options.client);
  const contactsFile = only.has("contacts") ? `contacts.${format}` : undefined;

  const targets: Array<{ name: string; overwrite: Overwrite }> = [
    ...(contactsFile ? [{ name: contactsFile, overwrite: "force" as const }] : []),
    { name: "index.ts", overwrite: "force" },
    { name: "Pulumi.yaml", overwrite: "when-absent" },
    { name: "package.json", overwrite: "when-absent" },
    { name: "tsconfig.json", overwrite: "when-absent" },
  ];
  const { set, writes, kept } = await OutputSet.plan(options.out, targets, options.force ?? false);
  const onSignal = () => {
    void set.abort().finally(() => process.exit(130));
  };
  if (options.exitOnSignal) {
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }
  try {
    const me = await client.me();
    const skipped: string[] = [];
    const updates: string[] = [];
    let contacts = 0;
    if (contactsFile) {
      contacts = await writeContactBook(client, set, contactsFile, format, tags, log, skipped, updates);
    }
    const names = new UniqueNames();
    const webhooks: Declaration[] = [];
    if (only.has("webhooks")) {
      for await (const s of client.webhookSubscriptions.list()) webhooks.push(webhookDeclaration(s, names));
      log(`webhook subscriptions: ${webhooks.length}`);
    }
    const callTaskWebhooks: Declaration[] = [];
    if (only.has("call-task-webhooks")) {
      for await (const s of client.callTaskWebhookSubscriptions.list())
        callTaskWebhooks.push(callTaskDeclaration(s, names));
      log(`call-task webhook subscriptions: ${callTaskWebhooks.length}`);
    }
    for (const d of [...webhooks, ...callTaskWebhooks]) {
      const id = String(d.inputs.importId);
      if (d.refused.length > 0) {
        skipped.push(`${d.kind} ${id}: ${d.refused.join("; ")} (written commented out in index.ts)`);
        log(`warning: ${d.kind} ${id} is written commented out: ${d.refused.join("; ")}`);
      } else if (d.differs.length > 0) {
        updates.push(`${d.kind} ${d.name} (${id}): ${d.differs.join(", ")}`);
        log(`warning: ${d.kind} ${id}: the first pulumi up will update ${d.differs.join(", ")}`);
      }
    }

    const index = await set.create("index.ts");
    await index.write(
      indexTs({
        organizationId: me.organization_id,
        baseUrl: client.baseUrl,
        contactsFile,
        contactCount: contacts,
        webhooks,
        callTaskWebhooks,
        tags,
      }),
    );
    const scaffolding: Record<string, () => string> = {
      "Pulumi.yaml": () => pulumiYaml(options.out),
      "package.json": () => packageJson(options.out),
      "tsconfig.json": () => tsconfigJson(),
    };
    for (const [name, text] of Object.entries(scaffolding)) {
      if (!writes.includes(name)) continue;
      await (await set.create(name)).write(text());
    }
    const written = await set.commit();
    return {
      out: options.out,
      organizationId: me.organization_id,
      baseUrl: client.baseUrl,
      written,
      kept,
      contacts,
      webhooks,
      callTaskWebhooks,
      skipped,
      updates,
    };
  } catch (error) {
    await set.abort();
    throw error;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}

/**
 * Streams the contacts into the book: YAML straight into the file, a page at a time; CSV through a
 * scratch file of JSON lines, because the header must name as many address column groups as the contact
 * with the most addresses needs, which is known only after the last page.
 */
async function writeContactBook(
  client: RomulusClient,
  set: OutputSet,
  name: string,
  format: BookFormat,
  tags: string[],
  log: (line: string) => void,
  skipped: string[],
  updates: string[],
): Promise<number> {
  const keys = new UniqueNames();
  const book = await set.create(name);
  const spool = format === "csv" ? await set.scratch(`${name}.rows`) : undefined;
  let count = 0;
  let addressGroups = 0;
  const filters = tags.length > 0 ? { tags } : {};
  for await (const page of client.contacts.search(filters).pages()) {
    const rows: ContactRow[] = [];
    for (const c of page.items) {
      const row = contactRow(c, keys);
      const v = verdict(row, c, format);
      if (!v.ok) {
        skipped.push(`contact ${c.id} (${row.key}): ${v.reasons.join("; ")}`);
        log(`warning: contact ${c.id} (${row.key}) is left out: ${v.reasons.join("; ")}`);
        continue;
      }
      if (v.differs.length > 0) {
        updates.push(`contact ${row.key} (${c.id}): ${v.differs.join(", ")}`);
        log(`warning: contact ${c.id} (${row.key}): the first pulumi up will update ${v.differs.join(", ")}`);
      }
      if (format === "csv") assertCsvWritable(row);
      addressGroups = Math.max(addressGroups, row.addresses?.length ?? 0);
      rows.push(row);
    }
    if (spool) await spool.file.write(rows.map((r) => `${JSON.stringify(r)}\n`).join(""));
    else await book.write(yamlItems(rows));
    count += rows.length;
    const total = page.totalElements !== undefined ? ` of ${page.totalElements}` : "";
    log(`contacts: ${count}${total}`);
  }
  if (format === "yaml" && count === 0) await book.write(EMPTY_YAML_BOOK);
  if (spool) {
    const columns = csvColumns(addressGroups);
    await book.write(csvLines([], columns, true));
    const lines = readline.createInterface({ input: createReadStream(spool.path), crlfDelay: Infinity });
    let batch: Array<Record<string, string>> = [];
    for await (const line of lines) {
      if (line === "") continue;
      batch.push(csvRecord(JSON.parse(line) as ContactRow));
      if (batch.length === 500) {
        await book.write(csvLines(batch, columns, false));
        batch = [];
      }
    }
    if (batch.length > 0) await book.write(csvLines(batch, columns, false));
    await spool.remove();
  }
  return count;
}
