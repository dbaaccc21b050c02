/**
 * How lookups read the API: every page, large pages, one listing per kind however many lookups run at
 * once, failures not remembered; against the emulator, and against a bare HTTP server standing in for "any
 * server behind the configured endpoint" where the emulator cannot misbehave the way a test needs.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_API_KEY, DEFAULT_ORGANIZATION_ID, SECOND_API_KEY } from "../../src/emulator";
import {
  getAgent,
  getAgentOutput,
  getAgents,
  getOrganization,
  getOrganizationOutput,
  getRobocallConfiguration,
  getRobocallConfigurationOutput,
  getRobocallConfigurations,
  getWhatsAppBot,
  getWhatsAppBots,
  getWhatsAppTemplate,
  getWhatsAppTemplateOutput,
  resetLookupCache,
} from "../../src/functions";
import { runProgram } from "../harness/program";
import { failure, LIST_AGENTS, LIST_BOTS, LIST_ROBOCALL_CONFIGURATIONS, ME, setEnv, useEmulator } from "./support";

const emulator = useEmulator();
const org = DEFAULT_ORGANIZATION_ID;

test("a listing walks every page, asking for large pages (2,103 agents: 3 requests of 1,000)", async () => {
  for (let i = 0; i < 2100; i++) emulator.server.insert(org, "agents", { name: `Bulk agent ${i}` });
  const { agents } = await getAgents();
  expect(agents).toHaveLength(2103);
  expect(new Set(agents.map((a) => a.id)).size).toBe(2103);
  // The last page's agents are findable too.
  expect((await getAgent({ name: "Bulk agent 2099" })).name).toBe("Bulk agent 2099");
  expect(emulator.server.counters()[LIST_AGENTS]).toBe(3);
});

test("WhatsApp bots over two pages (1,002 bots: 1,000 then 2): the last bot and its template are found", async () => {
  for (let i = 0; i < 1000; i++) {
    const templates = [{ id: `tpl-${i}`, name: "hello", language: "en", status: "approved", components: [] }];
    emulator.server.insert(org, "whatsapp-bots", { name: `Bulk bot ${i}`, templates });
  }
  const { bots } = await getWhatsAppBots();
  expect(bots).toHaveLength(1002);
  expect(new Set(bots.map((b) => b.id)).size).toBe(1002);
  // The API lists in insertion order: the last inserted bot is alone on the second page.
  expect(bots.at(-1)?.name).toBe("Bulk bot 999");
  expect((await getWhatsAppBot({ name: "Bulk bot 999" })).templates.map((t) => t.id)).toEqual(["tpl-999"]);
  expect((await getWhatsAppTemplate({ botName: "Bulk bot 999", name: "hello" })).id).toBe("tpl-999");
  // Two pages of 1,000, once for the run: the three lookups share them.
  expect(emulator.server.counters()[LIST_BOTS]).toBe(2);
});

test("robocall configurations over two pages (1,002: 1,000 then 2): the last one is found", async () => {
  for (let i = 0; i < 1000; i++) emulator.server.insert(org, "robocall-configurations", { name: `Bulk robocall ${i}` });
  const { configurations } = await getRobocallConfigurations();
  expect(configurations).toHaveLength(1002);
  expect(new Set(configurations.map((c) => c.id)).size).toBe(1002);
  expect(configurations.at(-1)?.name).toBe("Bulk robocall 999");
  expect((await getRobocallConfiguration({ name: "Bulk robocall 999" })).name).toBe("Bulk robocall 999");
  expect(emulator.server.counters()[LIST_ROBOCALL_CONFIGURATIONS]).toBe(2);
});

test("250 agents are all seen in one request", async () => {
  for (let i = 0; i < 250; i++) emulator.server.insert(org, "agents", { name: `Agent ${i}` });
  expect((await getAgents()).agents).toHaveLength(253);
  expect(emulator.server.counters()[LIST_AGENTS]).toBe(1);
});

/** Every kind listed once and the organization looked up once: four requests in all. */
function expectOneListingPerKind(): void {
  const counters = emulator.server.counters();
  expect(counters[LIST_AGENTS]).toBe(1);
  expect(counters[LIST_BOTS]).toBe(1);
  expect(counters[LIST_ROBOCALL_CONFIGURATIONS]).toBe(1);
  expect(counters[ME]).toBe(1);
  expect(counters.total).toBe(4);
}

test("a hundred concurrent lookups of each kind cost one listing per kind", async () => {
  const agents = emulator.server.objects(org, "agents");
  const lookups: Promise<unknown>[] = [];
  for (let i = 0; i < 100; i++) {
    const agent = agents[i % agents.length]!;
    lookups.push(i % 2 ? getAgent({ name: String(agent.name) }) : getAgent({ id: String(agent.id) }));
    lookups.push(getWhatsAppTemplate({ botName: "Sales WA bot", name: "welcome_message", language: "en" }));
    lookups.push(getRobocallConfiguration({ name: "Payment reminder" }));
    lookups.push(getOrganization());
  }
  const results = await Promise.all(lookups);
  expect(results).toHaveLength(400);
  expectOneListingPerKind();
});

test("a hundred concurrent `…Output` lookups of each kind inside one program run cost one listing per kind", async () => {
  const agents = emulator.server.objects(org, "agents");
  const { exports } = await runProgram(
    () => {
      const found: pulumi.Output<string>[] = [];
      for (let i = 0; i < 100; i++) {
        const agent = agents[i % agents.length]!;
        found.push(getAgentOutput(i % 2 ? { name: String(agent.name) } : { id: String(agent.id) }).name);
        found.push(getWhatsAppTemplateOutput({ botName: "Sales WA bot", name: "welcome_message", language: "en" }).id);
        found.push(getRobocallConfigurationOutput({ name: "Payment reminder" }).name);
        found.push(getOrganizationOutput().organizationId);
      }
      return { found: pulumi.all(found) };
    },
    // The stack configuration, as a real run has it (the environment points at the same emulator anyway).
    { config: { "romulus:endpoint": emulator.server.url }, secretConfig: { "romulus:apiKey": DEFAULT_API_KEY } },
  );
  const found = exports.found as string[];
  expect(found).toHaveLength(400);
  expect(new Set(found.filter((_, i) => i % 4 === 0))).toEqual(new Set(agents.map((a) => String(a.name))));
  expect(new Set(found.filter((_, i) => i % 4 === 3))).toEqual(new Set([org]));
  expectOneListingPerKind();
});

test("within a run a listing is a snapshot; resetLookupCache() forgets it", async () => {
  await getAgent({ name: "Sales Agent" });
  emulator.server.insert(org, "agents", { name: "Late Agent" });
  await expect(getAgent({ name: "Late Agent" })).rejects.toThrow(/no agent named "Late Agent"/);
  expect(emulator.server.counters()[LIST_AGENTS]).toBe(1);
  resetLookupCache();
  expect((await getAgent({ name: "Late Agent" })).name).toBe("Late Agent");
  expect(emulator.server.counters()[LIST_AGENTS]).toBe(2);
});

test("each key has its own listing: the same name, another organization's id", async () => {
  const first = await getAgent({ name: "Sales Agent" });
  setEnv({ apiKey: SECOND_API_KEY, endpoint: emulator.server.url });
  const second = await getAgent({ name: "Sales Agent" });
  expect(second.id).not.toBe(first.id);
  expect(emulator.server.counters()[LIST_AGENTS]).toBe(2);
});

describe("against a server that misbehaves", () => {
  const KEY = "bare-server-key";
  const agents = Array.from({ length: 30 }, (_, i) => ({ id: `agent-${i}`, name: `Agent ${i}` }));
  let server: Server;
  let url: string;
  let requests: string[];
  let failNext: number;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const query = new URL(req.url ?? "/", "http://x").searchParams;
      requests.push(`${req.method} ${req.url}`);
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== KEY) return reply(401, { message: "bad key" });
      if (failNext > 0) {
        failNext--;
        return reply(403, { message: "not today" });
      }
      const size = Number(query.get("size") ?? 20);
      // Rejects large pages, and sends at most 7 items whatever it is asked for.
      if (size > 100) return reply(400, { message: "size must be at most 100" });
      const page = Number(query.get("page") ?? 0);
      const perPage = Math.min(size, 7);
      const totalPages = Math.ceil(agents.length / perPage);
      const content = agents.slice(page * perPage, (page + 1) * perPage);
      return reply(200, {
        content,
        last: page >= totalPages - 1,
        total_pages: totalPages,
        total_elements: agents.length,
        size: perPage,
        number: page,
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    requests = [];
    failNext = 0;
    setEnv({ apiKey: KEY, endpoint: url });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("a rejected page size falls back to the default; short pages are followed to the end", async () => {
    const { agents: seen } = await getAgents();
    expect(seen.map((a) => a.id)).toEqual(agents.map((a) => a.id));
    expect(requests).toEqual([
      "GET /v1/ai-agents/agents/search?page=0&size=1000",
      ...[0, 1, 2, 3, 4].map((page) => `GET /v1/ai-agents/agents/search?page=${page}&size=100`),
    ]);
  });

  test("a failed listing is not cached: the next lookup asks again", async () => {
    failNext = 1;
    const error = await failure(getAgent({ name: "Agent 29" }));
    expect(error.message).toMatch(/403/);
    expect(error.message).not.toContain(KEY);
    expect((await getAgent({ name: "Agent 29" })).id).toBe("agent-29");
    expect(requests.filter((r) => r.includes("page=0"))).toHaveLength(3);
  });
});
