/**
 * Bad input and hostile conditions: one case per row of the table in docs/RELIABILITY.md, which is
 * generated from this list (`UPDATE_RELIABILITY_DOC=1 npx jest test/reliability/bad-input.test.ts`), so the
 * table and the tests cannot drift apart. Each case states what the user sees (an excerpt the error must
 * contain, naming the property or the endpoint) and how many API requests it costs; bad-input.test.ts runs
 * it through the real provider host (resources, configuration), the program (data sources) or the client.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { CallTaskWebhookSubscriptionArgs, ContactArgs, RomulusClient, WebhookSubscriptionArgs } from "../../src";
import { BAD_BOOKS, type BadBook } from "../contact-book/bad-books";
import { romulus } from "../support/package";
import { API_KEY, OTHER_KEY } from "./support";

export type Where = "check" | "create" | "read" | "config" | "program" | "book" | "lookup" | "client";

/** What the cases need from the test: engines, the emulator's seed ids, the hostile server. */
export interface CaseContext {
  /** Seed ids in the key's organization. */
  agentId: string;
  /** A contact that exists in the other organization only. */
  otherOrgContactId: string;
  /** The agent of the other organization with the same name as `agentId`'s. */
  otherOrgAgentId: string;
  /** A contact of the key's organization. */
  ownContactId: string;
  emulatorUrl: string;
  /** The hostile server's base URL for a behaviour (`html`, `silent`, ...). */
  hostileUrl(mode: HostileMode): string;
  /** `pulumi up` of the program on a stack configured for the emulator with the key (a shared host). */
  up(program: () => void): Promise<unknown>;
  /** `pulumi up` on a stack with this configuration instead (a fresh host). */
  upWith(settings: StackSettings, program: () => void): Promise<unknown>;
  /** `pulumi refresh` of a contact created with the key, on a stack whose key is another organization's. */
  refreshWithOtherOrganizationKey(): Promise<unknown>;
  /** The program, run as `pulumi up` runs it (data sources run here), with this stack configuration. */
  program(fn: () => Promise<unknown>, settings?: StackSettings): Promise<unknown>;
  /** A client for the emulator with the key. */
  client(): RomulusClient;
}

export interface StackSettings {
  config?: Record<string, string>;
  secretConfig?: Record<string, string>;
  /** Host environment on top of the test's (ROMULUS_* variables of the test process are cleared). */
  env?: Record<string, string>;
}

export type HostileMode = "html" | "empty" | "truncated" | "redirect" | "silent" | "echo" | "gateway";

export interface Case {
  id: string;
  /** What the user wrote or what happened (markdown). */
  input: string;
  where: Where;
  /** An excerpt of the error the user sees: it names the property or the endpoint. */
  error: string;
  /** API requests made (to the emulator, or to the hostile endpoint for the H cases). */
  calls: number;
  run(ctx: CaseContext): Promise<unknown>;
}

const { WebhookSubscription, CallTaskWebhookSubscription, Contact, ContactBook } = romulus;

const HOOK = "https://hooks.example.com/romulus";

function webhook(args: Partial<WebhookSubscriptionArgs> & Record<string, unknown>) {
  return (ctx: CaseContext) =>
    ctx.up(() => {
      new WebhookSubscription("bad", { event: "AGENT_CALL_COMPLETED", url: HOOK, ...args } as WebhookSubscriptionArgs);
    });
}
function webhookWithout(key: keyof WebhookSubscriptionArgs) {
  return (ctx: CaseContext) =>
    ctx.up(() => {
      const args: Record<string, unknown> = { event: "AGENT_CALL_COMPLETED", url: HOOK };
      delete args[key];
      new WebhookSubscription("bad", args as unknown as WebhookSubscriptionArgs);
    });
}
function callTask(args: Record<string, unknown>) {
  return (ctx: CaseContext) =>
    ctx.up(() => {
      new CallTaskWebhookSubscription("bad", args as unknown as CallTaskWebhookSubscriptionArgs);
    });
}
function contact(args: Record<string, unknown>) {
  return (ctx: CaseContext) =>
    ctx.up(() => {
      new Contact("bad", args as unknown as ContactArgs);
    });
}
/** The contact every configuration and hostile-endpoint case tries to create. */
const hostileContact = () => {
  new Contact("hostile", { firstName: "Hostile", phones: [{ number: "+15550001111" }] });
};
/** A stack configuration: the emulator (or `endpoint`), and `apiKey` as a secret when given. */
function stack(settings: {
  endpoint?: string;
  apiKey?: string;
  environment?: string;
  allowInsecureHttp?: string;
  env?: Record<string, string>;
}) {
  const config: Record<string, string> = {};
  if (settings.endpoint !== undefined) config["romulus:endpoint"] = settings.endpoint;
  if (settings.allowInsecureHttp !== undefined) config["romulus:allowInsecureHttp"] = settings.allowInsecureHttp;
  if (settings.environment !== undefined) config["romulus:environment"] = settings.environment;
  const out: StackSettings = { config };
  if (settings.apiKey !== undefined) out.secretConfig = { "romulus:apiKey": settings.apiKey };
  if (settings.env) out.env = settings.env;
  return out;
}
function hostile(mode: HostileMode, env?: Record<string, string>) {
  return (ctx: CaseContext) =>
    ctx.upWith(stack({ endpoint: ctx.hostileUrl(mode), apiKey: API_KEY, env }), hostileContact);
}

/** A wrong key, shaped like a real one so the leak scan would notice it too. */
export const WRONG_KEY = "rk-reliability-wrong-1d6e0f83b7c2";

const agentCallTask =
  (availability: unknown, extra: Record<string, unknown> = {}) =>
  (ctx: CaseContext) =>
    ctx.client().agentCallTasks.create(ctx.agentId, {
      contact_phone_number: "+15550002222",
      availability_configuration: availability as never,
      ...extra,
    });
const monday = (from: string, to: string) => ({
  days: [{ day_of_week: "MONDAY", timeranges: [{ from, to }] }],
});

/** `pulumi up` of a program declaring a ContactBook of the bad file (test/contact-book/bad-books.ts). */
function bookCase(book: BadBook): Case {
  return {
    id: book.id,
    input: book.input,
    where: "book",
    error: `${book.name}:${book.excerpt ?? book.error}`,
    calls: 0,
    async run(ctx) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-book-"));
      try {
        const file = path.join(dir, book.name);
        fs.writeFileSync(file, book.text);
        return await ctx.up(() => {
          new ContactBook("book", { path: file });
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export const CASES: Case[] = [
  // --------------------------------------------------------------------------- WebhookSubscription
  {
    id: "WS-01",
    input: 'WebhookSubscription `url: "not a url"`',
    where: "check",
    error: "url must be an absolute http(s) URL, e.g. https://example.com/hooks/romulus",
    calls: 0,
    run: webhook({ url: "not a url" }),
  },
  {
    id: "WS-02",
    input: 'WebhookSubscription `url: "ftp://hooks.example.com/x"` (not http/https)',
    where: "check",
    error: "url must be an absolute http(s) URL",
    calls: 0,
    run: webhook({ url: "ftp://hooks.example.com/x" }),
  },
  {
    id: "WS-03",
    input: 'WebhookSubscription `url: "https://"` (no host)',
    where: "check",
    error: "url must be an absolute http(s) URL",
    calls: 0,
    run: webhook({ url: "https://" }),
  },
  {
    id: "WS-04",
    input: 'WebhookSubscription unknown event `"CALL_DONE"`',
    where: "check",
    error: "event must be one of AGENT_CALL_COMPLETED, AGENT_ACTION_COMPLETED",
    calls: 0,
    run: webhook({ event: "CALL_DONE" as never }),
  },
  {
    id: "WS-05",
    input: "WebhookSubscription without `event`",
    where: "check",
    error: "event is required",
    calls: 0,
    run: webhookWithout("event"),
  },
  {
    id: "WS-06",
    input: "WebhookSubscription without `url`",
    where: "check",
    error: "url is required",
    calls: 0,
    run: webhookWithout("url"),
  },
  {
    id: "WS-07",
    input: 'WebhookSubscription unknown status `"PAUSED"`',
    where: "check",
    error: "status must be one of ACTIVE, DISABLED",
    calls: 0,
    run: webhook({ status: "PAUSED" as never }),
  },
  {
    id: "WS-08",
    input: "WebhookSubscription `attempts: 0`",
    where: "check",
    error: "attempts must be a whole number, at least 1",
    calls: 0,
    run: webhook({ attempts: 0 }),
  },
  {
    id: "WS-09",
    input: "WebhookSubscription `attempts: -1`",
    where: "check",
    error: "attempts must be a whole number, at least 1",
    calls: 0,
    run: webhook({ attempts: -1 }),
  },
  {
    id: "WS-10",
    input: "WebhookSubscription `attempts: 2.5`",
    where: "check",
    error: "attempts must be a whole number, at least 1",
    calls: 0,
    run: webhook({ attempts: 2.5 }),
  },
  {
    id: "WS-11",
    input: 'WebhookSubscription `attempts: "3"` (a string)',
    where: "check",
    error: "attempts must be a number, not a string",
    calls: 0,
    run: webhook({ attempts: "3" as never }),
  },
  {
    id: "WS-12",
    input: "WebhookSubscription `attemptsIntervalSeconds: 0`",
    where: "check",
    error: "attemptsIntervalSeconds must be a whole number of seconds, at least 1",
    calls: 0,
    run: webhook({ attemptsIntervalSeconds: 0 }),
  },
  {
    id: "WS-13",
    input: "WebhookSubscription `attemptsIntervalSeconds: 0.5`",
    where: "check",
    error: "attemptsIntervalSeconds must be a whole number of seconds, at least 1",
    calls: 0,
    run: webhook({ attemptsIntervalSeconds: 0.5 }),
  },
  {
    id: "WS-14",
    input: "WebhookSubscription `specifications` on `AGENT_CALL_COMPLETED` (the wrong event)",
    where: "check",
    error: "specifications are only supported by AGENT_ACTION_COMPLETED, not AGENT_CALL_COMPLETED",
    calls: 0,
    run: webhook({ specifications: { ACTION_TYPE: "APPOINTMENT" } }),
  },
  {
    id: "WS-15",
    input: 'WebhookSubscription `specifications: { FOO: "x" }` (unknown key)',
    where: "check",
    error: "specifications may only have the keys ACTION_ID and ACTION_TYPE",
    calls: 0,
    run: webhook({ event: "AGENT_ACTION_COMPLETED", specifications: { FOO: "x" } as never }),
  },
  {
    id: "WS-16",
    input: 'WebhookSubscription unknown `specifications.ACTION_TYPE: "SMS"`',
    where: "check",
    error: "specifications.ACTION_TYPE must be one of APPOINTMENT, CALL_FORWARDING, DATA_EXTRACTION, WHATS_APP_MESSAGE",
    calls: 0,
    run: webhook({ event: "AGENT_ACTION_COMPLETED", specifications: { ACTION_TYPE: "SMS" as never } }),
  },
  {
    id: "WS-17",
    input: "WebhookSubscription `entityId` without `entityType`",
    where: "check",
    error: "entityType is required when entityId is set (the only entity type is AGENT)",
    calls: 0,
    run: webhook({ entityId: "6b536cba-27fa-5d30-a836-9562ec316bae" }),
  },
  {
    id: "WS-18",
    input: 'WebhookSubscription `entityType: "AGENT"` without `entityId`',
    where: "check",
    error: "entityId is required when entityType is set",
    calls: 0,
    run: webhook({ entityType: "AGENT" }),
  },
  {
    id: "WS-19",
    input: 'WebhookSubscription unknown `entityType: "CAMPAIGN"`',
    where: "check",
    error: "entityType must be one of AGENT",
    calls: 0,
    run: webhook({ entityType: "CAMPAIGN" as never, entityId: "x" }),
  },
  {
    id: "WS-20",
    input: "WebhookSubscription misspelt property `eventType`",
    where: "check",
    error: 'WebhookSubscription has no property "eventType"; expected one of event, url,',
    calls: 0,
    run: webhook({ eventType: "AGENT_CALL_COMPLETED" }),
  },
  {
    id: "WS-21",
    input: "WebhookSubscription `importId` of a subscription that does not exist",
    where: "create",
    error:
      "importId: no webhook subscription with id 0123456789abcdef0123456789abcdef exists in organization emulator-org",
    calls: 2,
    run: webhook({ importId: "0123456789abcdef0123456789abcdef" }),
  },
  {
    id: "WS-22",
    input: 'WebhookSubscription `importId: ".."` (a path step, which would reach another endpoint)',
    where: "check",
    error: 'importId must be an id, not ".." (a path step): the id of an existing webhook subscription',
    calls: 0,
    run: webhook({ importId: ".." }),
  },
  {
    id: "WS-23",
    input: 'WebhookSubscription `url: " https://hooks.example.com/romulus"` (a leading space)',
    where: "check",
    error: "url must not start or end with whitespace",
    calls: 0,
    run: webhook({ url: ` ${HOOK}` }),
  },
  {
    id: "WS-24",
    input: "WebhookSubscription `url` with a newline inside (URL parsers drop it silently)",
    where: "check",
    error: "url must not contain control characters",
    calls: 0,
    run: webhook({ url: "https://hooks.example.com/rom\nulus" }),
  },
  {
    id: "WS-25",
    input: "WebhookSubscription `url` of 3,000 characters",
    where: "check",
    error: "url must be at most 2048 characters (got 3000)",
    calls: 0,
    run: webhook({ url: `${HOOK}/${"a".repeat(3000 - HOOK.length - 1)}` }),
  },
  {
    id: "WS-26",
    input: 'WebhookSubscription `url: "https://user:secret@hooks.example.com/romulus"`',
    where: "check",
    error: "url must not contain a user name or password",
    calls: 0,
    run: webhook({ url: "https://user:secret@hooks.example.com/romulus" }),
  },
  // ---------------------------------------------------------------------- CallTaskWebhookSubscription
  {
    id: "CT-01",
    input: 'CallTaskWebhookSubscription `url: "hooks.example.com/robocalls"` (no scheme)',
    where: "check",
    error: "url must be an absolute http(s) URL",
    calls: 0,
    run: callTask({ url: "hooks.example.com/robocalls" }),
  },
  {
    id: "CT-02",
    input: "CallTaskWebhookSubscription without `url`",
    where: "check",
    error: "url is required",
    calls: 0,
    run: callTask({}),
  },
  {
    id: "CT-03",
    input: 'CallTaskWebhookSubscription unknown `entityType: "agent"`',
    where: "check",
    error: 'entityType must be "robocall" (the only call-task entity type)',
    calls: 0,
    run: callTask({ url: HOOK, entityType: "agent" }),
  },
  {
    id: "CT-04",
    input: 'CallTaskWebhookSubscription `entityId: ""`',
    where: "check",
    error: "entityId must not be empty",
    calls: 0,
    run: callTask({ url: HOOK, entityId: "" }),
  },
  {
    id: "CT-05",
    input: "CallTaskWebhookSubscription `importId` of a subscription that does not exist",
    where: "create",
    error: "importId: no call-task webhook subscription with id nope exists in organization emulator-org",
    // The provider host has looked its organization up for an earlier case: one request, the read.
    calls: 1,
    run: callTask({ url: HOOK, importId: "nope" }),
  },
  {
    id: "CT-06",
    input: 'CallTaskWebhookSubscription `importId: "."`',
    where: "check",
    error: 'importId must be an id, not "." (a path step)',
    calls: 0,
    run: callTask({ url: HOOK, importId: "." }),
  },
  {
    id: "CT-07",
    input: "CallTaskWebhookSubscription `url` with a tab inside",
    where: "check",
    error: "url must not contain control characters",
    calls: 0,
    run: callTask({ url: "https://hooks.example.com/robo\tcalls" }),
  },
  // ------------------------------------------------------------------------------------------ Contact
  {
    id: "CO-01",
    input: "Contact without `firstName`",
    where: "check",
    error: "firstName is required",
    calls: 0,
    run: contact({ lastName: "Lovelace" }),
  },
  {
    id: "CO-02",
    input: 'Contact `firstName: "  "` (blank)',
    where: "check",
    error: "firstName must not be empty",
    calls: 0,
    run: contact({ firstName: "  " }),
  },
  {
    id: "CO-03",
    input: 'Contact phone `"0207 123 4567"` (national format, spaces)',
    where: "check",
    error: "phones[0].number must be a phone number in E.164 format, e.g. +39012345678",
    calls: 0,
    run: contact({ firstName: "Ada", phones: [{ number: "0207 123 4567" }] }),
  },
  {
    id: "CO-04",
    input: 'Contact phone `"+44abc"` (letters)',
    where: "check",
    error: "phones[0].number must be a phone number in E.164 format",
    calls: 0,
    run: contact({ firstName: "Ada", phones: [{ number: "+44abc" }] }),
  },
  {
    id: "CO-05",
    input: 'Contact phone `"+1234567890123456"` (16 digits, E.164 allows 15)',
    where: "check",
    error: "phones[0].number must be a phone number in E.164 format",
    calls: 0,
    run: contact({ firstName: "Ada", phones: [{ number: "+1234567890123456" }] }),
  },
  {
    id: "CO-06",
    input: 'Contact phone label `"WORK"` (unknown)',
    where: "check",
    error: "phones[0].label must be one of EXTENSION, PRIMARY, SECONDARY, MOBILE, HOME, JOB, OTHER",
    calls: 0,
    run: contact({ firstName: "Ada", phones: [{ number: "+442071234567", label: "WORK" }] }),
  },
  {
    id: "CO-08",
    input: '`phones: "+442071234567"` (a string, not a list)',
    where: "check",
    error: "phones must be an array, not a string",
    calls: 0,
    run: contact({ firstName: "Ada", phones: "+442071234567" }),
  },
  {
    id: "CO-09",
    input: 'Contact email `"ada@"`',
    where: "check",
    error: "emails[0].email must be a valid email address, e.g. jane@example.com",
    calls: 0,
    run: contact({ firstName: "Ada", emails: [{ email: "ada@" }] }),
  },
  {
    id: "CO-10",
    input: 'Contact email `"ada lovelace@example.com"` (a space)',
    where: "check",
    error: "emails[0].email must be a valid email address",
    calls: 0,
    run: contact({ firstName: "Ada", emails: [{ email: "ada lovelace@example.com" }] }),
  },
  {
    id: "CO-11",
    input: 'Contact email label `"WORK"` (unknown)',
    where: "check",
    error: "emails[0].label must be one of PRIMARY, SECONDARY, JOB, HOME, OTHER",
    calls: 0,
    run: contact({ firstName: "Ada", emails: [{ email: "ada@example.com", label: "WORK" }] }),
  },
  {
    id: "CO-13",
    input: 'Contact tag `" "` (blank)',
    where: "check",
    error: "tags[1] tag names must not be empty",
    calls: 0,
    run: contact({ firstName: "Ada", tags: ["vip", " "] }),
  },
  {
    id: "CO-14",
    input: 'Contact `importId: ""`',
    where: "check",
    error: "importId must be a non-empty id: the id of an existing contact",
    calls: 0,
    run: contact({ firstName: "Ada", importId: "" }),
  },
  {
    id: "CO-17",
    input: 'Contact `importId: "search"` (the word of the search endpoint, `/v2/contacts/search`)',
    where: "check",
    error: 'importId must be an id, not "search": the API routes that word to another endpoint',
    calls: 0,
    run: contact({ firstName: "Ada", importId: "search" }),
  },
  {
    id: "CO-18",
    input: '`Contact.get("x", "..")` (reading an existing contact by an id that is a path step)',
    where: "read",
    error: 'Contact id must be an id, not ".." (a path step)',
    calls: 0,
    run: (ctx) =>
      ctx.up(() => {
        Contact.get("x", "..");
      }),
  },
  {
    id: "CO-15",
    input: "Contact `tagIds` naming a tag that does not exist",
    where: "create",
    error: "Romulus API 400 Bad Request on POST /v2/contacts: tagIds.0: tag no-such-tag does not exist",
    calls: 1,
    run: contact({ firstName: "Ada", tagIds: ["no-such-tag"] }),
  },
  {
    id: "CO-16",
    input: "Contact `importId` of a contact of another organization",
    where: "create",
    error: "importId: no contact with id",
    // The provider host has looked its organization up for an earlier case: one request, the read.
    calls: 1,
    run: (ctx) =>
      ctx.up(() => {
        new Contact("bad", { firstName: "Ada", importId: ctx.otherOrgContactId });
      }),
  },
  // ------------------------------------------------------------------------------------ contact books
  ...BAD_BOOKS.map(bookCase),
  // ------------------------------------------------------------------------------------- data sources
  {
    id: "DS-01",
    input: "`getAgent({})` (neither id nor name)",
    where: "program",
    error: "getAgent: pass exactly one of `id` and `name` (got neither)",
    calls: 0,
    run: (ctx) => ctx.program(() => romulus.getAgent({})),
  },
  {
    id: "DS-02",
    input: "`getAgent({ id, name })` (both)",
    where: "program",
    error: "getAgent: pass exactly one of `id` and `name` (got both)",
    calls: 0,
    run: (ctx) => ctx.program(() => romulus.getAgent({ id: ctx.agentId, name: "Sales Agent" })),
  },
  {
    id: "DS-03",
    input: '`getAgent({ name: "" })`',
    where: "program",
    error: "getAgent: `name` must be a non-empty string",
    calls: 0,
    run: (ctx) => ctx.program(() => romulus.getAgent({ name: "" })),
  },
  {
    id: "DS-04",
    input: '`getAgent({ name: "Sales Agnet" })` (a typo)',
    where: "lookup",
    error: 'getAgent: no agent named "Sales Agnet" in organization "emulator-org"',
    calls: 2,
    run: (ctx) => ctx.program(() => romulus.getAgent({ name: "Sales Agnet" })),
  },
  {
    id: "DS-05",
    input: "`getAgent({ id })` with the id the agent has in another organization",
    where: "lookup",
    error: "getAgent: no agent with id",
    calls: 2,
    run: (ctx) => ctx.program(() => romulus.getAgent({ id: ctx.otherOrgAgentId })),
  },
  {
    id: "DS-06",
    input: '`getWhatsAppTemplate({ botName: "Sales WA bot", name: "welcome_message" })` (two languages)',
    where: "lookup",
    error: 'getWhatsAppTemplate: template "welcome_message" of WhatsApp bot "Sales WA bot"',
    calls: 1,
    run: (ctx) => ctx.program(() => romulus.getWhatsAppTemplate({ botName: "Sales WA bot", name: "welcome_message" })),
  },
  {
    id: "DS-07",
    input: '`getWhatsAppTemplate({ botName: "Sales WA bot", name: "welcome_message", language: "fr" })`',
    where: "lookup",
    error: 'has no language "fr"; it exists in: en, it',
    calls: 1,
    run: (ctx) =>
      ctx.program(() =>
        romulus.getWhatsAppTemplate({ botName: "Sales WA bot", name: "welcome_message", language: "fr" }),
      ),
  },
  {
    id: "DS-08",
    input: '`getRobocallConfiguration({ name: "Payment reminders" })` (no such name)',
    where: "lookup",
    error: 'getRobocallConfiguration: no robocall configuration named "Payment reminders"',
    calls: 2,
    run: (ctx) => ctx.program(() => romulus.getRobocallConfiguration({ name: "Payment reminders" })),
  },
  {
    id: "DS-09",
    input: "`getAgent` with no API key configured anywhere",
    where: "program",
    error: "No Romulus API key configured",
    calls: 0,
    run: (ctx) => ctx.program(() => romulus.getAgent({ name: "Sales Agent" }), stack({ endpoint: ctx.emulatorUrl })),
  },
  {
    id: "DS-10",
    input: "`getAgent` with a wrong API key",
    where: "lookup",
    error: "Romulus API 401 Unauthorized on GET /v1/ai-agents/agents/search",
    calls: 1,
    run: (ctx) =>
      ctx.program(
        () => romulus.getAgent({ name: "Sales Agent" }),
        stack({ endpoint: ctx.emulatorUrl, apiKey: WRONG_KEY }),
      ),
  },
  {
    id: "DS-11",
    input: "`getAgent` against an endpoint answering an HTML page",
    where: "lookup",
    error: "Romulus API response 200 to GET /v1/ai-agents/agents/search was not JSON (text/html; charset=utf-8)",
    calls: 1,
    run: (ctx) =>
      ctx.program(
        () => romulus.getAgent({ name: "Sales Agent" }),
        stack({ endpoint: ctx.hostileUrl("html"), apiKey: API_KEY }),
      ),
  },
  {
    id: "DS-12",
    input: '`getAgents({ type: "OUTBOUD" })` (a typo in an enum filter)',
    where: "lookup",
    error: 'getAgents: `type` "OUTBOUD" is not one of INBOUND, OUTBOUND (compared ignoring case)',
    calls: 1,
    run: (ctx) => ctx.program(() => romulus.getAgents({ type: "OUTBOUD" })),
  },
  // ------------------------------------------------------------------------------------ configuration
  {
    id: "CF-01",
    input: "No API key in the stack configuration, the Provider or `ROMULUS_API_KEY`",
    where: "config",
    error: "No Romulus API key configured. Set it in one of three ways",
    calls: 0,
    run: (ctx) => ctx.upWith(stack({ endpoint: ctx.emulatorUrl }), hostileContact),
  },
  {
    id: "CF-02",
    input: '`romulus:apiKey` set to `""`',
    where: "config",
    error: "No Romulus API key configured",
    calls: 0,
    run: (ctx) => ctx.upWith(stack({ endpoint: ctx.emulatorUrl, apiKey: "" }), hostileContact),
  },
  {
    id: "CF-03",
    input: "`romulus:apiKey` of blanks only",
    where: "config",
    error: "No Romulus API key configured",
    calls: 0,
    run: (ctx) => ctx.upWith(stack({ endpoint: ctx.emulatorUrl, apiKey: "   " }), hostileContact),
  },
  {
    id: "CF-04",
    input: "A wrong API key",
    where: "create",
    error: "Romulus API 401 Unauthorized on POST /v2/contacts: Unauthorized: invalid API key",
    calls: 1,
    run: (ctx) => ctx.upWith(stack({ endpoint: ctx.emulatorUrl, apiKey: WRONG_KEY }), hostileContact),
  },
  {
    id: "CF-05",
    input: "The key of another organization, on a refresh of objects the stack created",
    where: "read",
    error: "belongs to organization emulator-org, but the configured credentials are for organization emulator-org-2",
    // The batched read's search finds nothing, the GET confirming it answers 404, and /v1/me names the org.
    calls: 3,
    run: (ctx) => ctx.refreshWithOtherOrganizationKey(),
  },
  {
    id: "CF-06",
    input: "An explicit `Provider` whose `apiKey` is another organization's, importing this organization's contact",
    where: "create",
    error: "importId: no contact with id",
    calls: 2,
    run: (ctx) =>
      ctx.up(() => {
        // The other organization's key on this organization's object: it must not be found (never leaked).
        const other = new romulus.Provider("other-org", { apiKey: OTHER_KEY, endpoint: ctx.emulatorUrl });
        new Contact("bad", { firstName: "Ada", importId: ctx.ownContactId }, { provider: other });
      }),
  },
  {
    id: "CF-07",
    input: "`romulus:endpoint` `http://api.romulus.example.com` (plain http to a remote host)",
    where: "config",
    error: "uses plain http to a host that is not loopback: the API key would travel in clear text",
    calls: 0,
    run: (ctx) => ctx.upWith(stack({ endpoint: "http://api.romulus.example.com", apiKey: API_KEY }), hostileContact),
  },
  {
    id: "CF-08",
    input: '`romulus:endpoint` `"api.romulus.live"` (no scheme)',
    where: "config",
    error: 'endpoint from stack configuration: Romulus base URL "api.romulus.live" is not a valid URL',
    calls: 0,
    run: (ctx) => ctx.upWith(stack({ endpoint: "api.romulus.live", apiKey: API_KEY }), hostileContact),
  },
  {
    id: "CF-09",
    input: "`romulus:endpoint` with credentials in it (`https://user:pass@api.romulus.live`)",
    where: "config",
    error: "Romulus base URL must not contain credentials",
    calls: 0,
    run: (ctx) =>
      ctx.upWith(stack({ endpoint: "https://user:pass@api.romulus.live", apiKey: API_KEY }), hostileContact),
  },
  {
    id: "CF-10",
    input: '`romulus:environment` `"staging"` (unknown)',
    where: "config",
    error: 'environment from stack configuration is "staging"; expected one of production, sandbox',
    calls: 0,
    run: (ctx) => ctx.upWith(stack({ environment: "staging", apiKey: API_KEY }), hostileContact),
  },
  {
    id: "CF-11",
    input: "`ROMULUS_TIMEOUT_MS=soon` in the provider's environment",
    where: "config",
    error: 'ROMULUS_TIMEOUT_MS must be a whole number of at least 1, got "soon"',
    calls: 0,
    run: (ctx) =>
      ctx.upWith(
        stack({ endpoint: ctx.emulatorUrl, apiKey: API_KEY, env: { ROMULUS_TIMEOUT_MS: "soon" } }),
        hostileContact,
      ),
  },
  {
    id: "CF-12",
    input: '`romulus:allowInsecureHttp` `"yes please"` (not a boolean)',
    where: "config",
    error: 'allowInsecureHttp from stack configuration is "yes please"; expected true or false (or 1 or 0)',
    calls: 0,
    run: (ctx) =>
      ctx.upWith(
        stack({ endpoint: "http://emulator:8787", allowInsecureHttp: "yes please", apiKey: API_KEY }),
        hostileContact,
      ),
  },
  {
    id: "CF-13",
    input: "`romulus:allowInsecureHttp` `true`, credentials in the endpoint (`http://u:p@emulator:8787`)",
    where: "config",
    error: "Romulus base URL must not contain credentials",
    calls: 0,
    run: (ctx) =>
      ctx.upWith(
        stack({ endpoint: "http://u:p@emulator:8787", allowInsecureHttp: "true", apiKey: API_KEY }),
        hostileContact,
      ),
  },
  // ------------------------------------------------------------------------------ hostile endpoints
  {
    id: "H-01",
    input: "The endpoint answers 200 with an HTML page (a captive portal, a wrong base URL)",
    where: "create",
    error: "Romulus API response 200 to POST /v2/contacts was not JSON (text/html; charset=utf-8)",
    calls: 1,
    run: hostile("html"),
  },
  {
    id: "H-02",
    input: "The endpoint answers 200 with an empty body",
    where: "create",
    error: "Romulus API response to POST /v2/contacts did not match the expected shape at (body)",
    calls: 1,
    run: hostile("empty"),
  },
  {
    id: "H-03",
    input: "The endpoint answers 200 with truncated JSON",
    where: "create",
    error: "Romulus API response 200 to POST /v2/contacts was invalid or truncated JSON",
    calls: 1,
    run: hostile("truncated"),
  },
  {
    id: "H-04",
    input: "The endpoint answers 302 to another host",
    where: "create",
    error:
      "Romulus API 302 Found on POST /v2/contacts: redirected to https://attacker.example.net/collect; redirects are not followed",
    calls: 1,
    run: hostile("redirect"),
  },
  {
    id: "H-05",
    input: "The endpoint accepts the connection and never answers (`ROMULUS_TIMEOUT_MS=3000`, `ROMULUS_MAX_RETRIES=0`)",
    where: "create",
    error:
      "creating the contact failed: Romulus API POST /v2/contacts timed out after 3000 ms; the contact may nevertheless have been created, and looking for it failed too: Romulus API POST /v2/contacts/search timed out after 3000 ms",
    calls: 2,
    // 3 s, not less: the silent server counts a request when it sees it, in the test's own process; with
    // both cores busy a 400 ms timeout ran out before the search reached it (1 call counted instead of 2).
    run: hostile("silent", { ROMULUS_TIMEOUT_MS: "3000", ROMULUS_MAX_RETRIES: "0" }),
  },
  {
    id: "H-06",
    input: "The endpoint answers 400 with a body echoing the `Authorization` header (the key)",
    where: "create",
    error: "Romulus API 400 Bad Request on POST /v2/contacts: invalid key [REDACTED]",
    calls: 1,
    run: hostile("echo"),
  },
  {
    id: "H-07",
    input: "The endpoint answers 502 with an HTML page to everything (`ROMULUS_MAX_RETRIES=1`)",
    where: "create",
    error:
      "creating the contact failed: Romulus API 502 Bad Gateway on POST /v2/contacts: <html><body><h1>502 Bad Gateway</h1></body></html>; the contact may nevertheless have been created, and looking for it failed too: Romulus API 502 Bad Gateway on POST /v2/contacts/search",
    calls: 3,
    run: hostile("gateway", { ROMULUS_MAX_RETRIES: "1" }),
  },
  // ------------------------------------------------------------------------- client (times and more)
  {
    id: "CL-01",
    input: 'Agent call task availability `from: "25:00"`',
    where: "client",
    error: "availability_configuration.days.0.timeranges.0.from: must be a time HH:mm (24h), e.g. 09:00",
    calls: 0,
    run: agentCallTask(monday("25:00", "18:00")),
  },
  {
    id: "CL-02",
    input: 'Agent call task availability `to: "6pm"`',
    where: "client",
    error: "availability_configuration.days.0.timeranges.0.to: must be a time HH:mm (24h), e.g. 09:00",
    calls: 0,
    run: agentCallTask(monday("09:00", "6pm")),
  },
  {
    id: "CL-03",
    input: 'Agent call task availability `from: "9:60"`',
    where: "client",
    error: "availability_configuration.days.0.timeranges.0.from: must be a time HH:mm (24h)",
    calls: 0,
    run: agentCallTask(monday("9:60", "18:00")),
  },
  {
    id: "CL-04",
    input: 'Agent call task `day_of_week: "MON"` (unknown)',
    where: "client",
    error: "availability_configuration.days.0.day_of_week",
    calls: 0,
    run: agentCallTask({ days: [{ day_of_week: "MON", timeranges: [] }] }),
  },
  {
    id: "CL-05",
    input: "Agent call task retry `delay_sec: 30` (below 60)",
    where: "client",
    error: "retry_configuration.attempts.0.delay_sec: must be between 60 and 172800 seconds",
    calls: 0,
    run: agentCallTask(undefined, { retry_configuration: { attempts: [{ attempt: 1, delay_sec: 30 }] } }),
  },
  {
    id: "CL-06",
    input: 'Agent call task `contact_phone_number: "555-0100"`',
    where: "client",
    error: "contact_phone_number: must be a phone number in E.164 format",
    calls: 0,
    run: (ctx) => ctx.client().agentCallTasks.create(ctx.agentId, { contact_phone_number: "555-0100" }),
  },
  {
    id: "CL-07",
    input: "`new RomulusClient({ endpoint })` with no `apiKey` and no `ROMULUS_API_KEY`",
    where: "client",
    error: "No Romulus API key configured: pass the `apiKey` option (new RomulusClient({ apiKey }))",
    calls: 0,
    run: async (ctx) => new romulus.RomulusClient({ endpoint: ctx.emulatorUrl }),
  },
  {
    id: "CL-08",
    input: 'WhatsApp template message with parameters for a `"footer"` component (only header and body take them)',
    where: "client",
    error: 'parameters.0.component: must be "header" or "body"',
    calls: 0,
    run: (ctx) =>
      ctx.client().whatsapp.sendTemplateMessage({
        bot_id: "bot",
        template_id: "template",
        recipient: "+39012345678",
        parameters: [{ component: "footer" as "body", component_parameters: [{ type: "text", text: "x" }] }],
      }),
  },
  {
    id: "CL-09",
    input: '`client.contacts.delete("..")` (sent as is, it was `DELETE /v2/`)',
    where: "client",
    error: 'Invalid request for DELETE /v2/contacts/{contactId}: contactId: must be an id, not ".." (a path step)',
    calls: 0,
    run: (ctx) => ctx.client().contacts.delete(".."),
  },
  {
    id: "CL-10",
    input: '`client.agentCallTasks.terminate(".")` (sent as is, it reached the terminate-by-phone endpoint)',
    where: "client",
    error: 'callTaskId: must be an id, not "." (a path step)',
    calls: 0,
    run: (ctx) => ctx.client().agentCallTasks.terminate("."),
  },
];

const WHERE_TEXT: Record<Where, string> = {
  check: "check (preview)",
  create: "create",
  read: "read (refresh)",
  config: "config (before any request)",
  program: "program (before any request)",
  book: "program (reading the file)",
  lookup: "program (lookup)",
  client: "client (before sending)",
};

/** A markdown code span; one holding backticks is fenced with two. */
function code(text: string): string {
  return text.includes("`") ? `\`\`${text}\`\`` : `\`${text}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The table of docs/RELIABILITY.md, generated from `CASES`. */
export function renderTable(cases: readonly Case[] = CASES): string {
  const rows = cases.map(
    (c) => `| ${c.id} | ${cell(c.input)} | ${WHERE_TEXT[c.where]} | ${cell(code(c.error))} | ${c.calls} |`,
  );
  return [
    "| id | input / condition | where caught | the error users see (excerpt) | API calls made |",
    "|----|-------------------|--------------|-------------------------------|----------------|",
    ...rows,
  ].join("\n");
}
