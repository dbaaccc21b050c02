import { z } from "zod";
import { DEFAULT_V2_PAGE_SIZE, MAX_V2_PAGE_SIZE } from "../../../src/client/contacts";
import { RequestValidationError, RomulusError } from "../../../src/client/core/errors";
import { DEFAULT_V1_PAGE_SIZE, Paginator } from "../../../src/client/core/pagination";
import { closeConnections, Transport } from "../../../src/client/core/transport";
import { springPage, v2Page } from "../../../src/models/common";
import { json, type SeenRequest, startServer, type TestServer } from "./test-server";

const item = z.looseObject({ id: z.string() });
const ALL = Array.from({ length: 23 }, (_, i) => ({ id: `item-${i}` }));

let server: TestServer;
let transport: Transport;

beforeEach(async () => {
  server = await startServer();
  transport = new Transport({ baseUrl: server.url, apiKey: "rk_pagination", retryBaseDelayMs: 1 });
});
afterEach(async () => {
  await closeConnections();
  await server.close();
});

/** A v1 list the way Spring serves it, with a server-side cap on the page size. */
function serveSpring(opts: { maxSize?: number; neverLast?: boolean; ignoreSize?: number } = {}) {
  server.handle((req: SeenRequest, res) => {
    const url = new URL(req.url, "http://x");
    const page = Number(url.searchParams.get("page") ?? 0);
    const asked = Number(url.searchParams.get("size") ?? 20);
    const size = opts.ignoreSize ?? Math.min(asked, opts.maxSize ?? asked);
    const content = ALL.slice(page * size, page * size + size);
    const totalPages = Math.ceil(ALL.length / size);
    json(res, 200, {
      content,
      pageable: { page_number: page, page_size: size, offset: page * size, paged: true, unpaged: false },
      last: opts.neverLast ? false : page >= totalPages - 1,
      first: page === 0,
      total_pages: totalPages,
      total_elements: ALL.length,
      size,
      number: page,
      number_of_elements: content.length,
      empty: content.length === 0,
    });
  });
}

function springList(options?: { pageSize?: number }) {
  const schema = springPage(item);
  return Paginator.spring(
    (page, size) =>
      transport.request({
        method: "GET",
        path: "/v1/ai-agents/agents/search",
        query: { page, size },
        schema,
        endpoint: "GET /v1/ai-agents/agents/search",
      }),
    options,
  );
}

/** The v2 contacts search: page and size in the JSON body, size capped at 200 by the API. */
function serveV2(opts: { maxSize?: number } = {}) {
  server.handle((req, res) => {
    const { page, size: asked } = JSON.parse(req.body) as { page: number; size: number };
    const size = Math.min(asked, opts.maxSize ?? 200);
    json(res, 200, {
      content: ALL.slice(page * size, page * size + size),
      page,
      size,
      total_elements: ALL.length,
      total_pages: Math.ceil(ALL.length / size),
    });
  });
}

/** The page sizes are the endpoint's: contacts search declares its largest page, as the client does. */
function v2List(options?: { pageSize?: number }) {
  const schema = v2Page(item);
  return Paginator.v2(
    (page, size) => transport.request({ method: "POST", path: "/v2/contacts/search", body: { page, size }, schema }),
    options,
    { maxPageSize: MAX_V2_PAGE_SIZE },
  );
}

const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

describe("v1 Spring envelope", () => {
  test("pages until last, asking for 100 by default", async () => {
    serveSpring({ maxSize: 10 });
    const seen: string[] = [];
    for await (const agent of springList()) seen.push(agent.id);
    expect(seen).toEqual(ids(ALL));
    expect(server.requests.map((r) => r.url)).toEqual([
      "/v1/ai-agents/agents/search?page=0&size=100",
      "/v1/ai-agents/agents/search?page=1&size=100",
      "/v1/ai-agents/agents/search?page=2&size=100",
    ]);
    expect(DEFAULT_V1_PAGE_SIZE).toBe(100);
  });

  test("a server that ignores size is paged by its own numbering", async () => {
    serveSpring({ ignoreSize: 5 });
    expect(ids(await springList({ pageSize: 50 }).toArray())).toEqual(ids(ALL));
    expect(server.requests).toHaveLength(5);
  });

  test("a server that never says last stops at the first empty page", async () => {
    serveSpring({ maxSize: 10, neverLast: true });
    expect(ids(await springList().toArray())).toEqual(ids(ALL));
    expect(server.requests).toHaveLength(4);
  });

  test("firstPage, page(n, size) and hasNextPage", async () => {
    serveSpring();
    const list = springList({ pageSize: 10 });
    const first = await list.firstPage();
    expect(ids(first.items)).toEqual(ids(ALL.slice(0, 10)));
    expect(first.hasNextPage()).toBe(true);
    expect(first.totalElements).toBe(23);
    expect(first.totalPages).toBe(3);
    const third = await list.page(2);
    expect(ids(third.items)).toEqual(ids(ALL.slice(20)));
    expect(third.hasNextPage()).toBe(false);
    await expect(third.nextPage()).resolves.toBeUndefined();
    const second = await first.nextPage();
    expect(second?.pageNumber).toBe(1);
    const custom = await list.page(1, 4);
    expect(ids(custom.items)).toEqual(["item-4", "item-5", "item-6", "item-7"]);
  });

  test("an empty list is one request", async () => {
    server.handle((_req, res) =>
      json(res, 200, { content: [], last: true, total_pages: 0, total_elements: 0, size: 100, number: 0 }),
    );
    await expect(springList().toArray()).resolves.toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  test("a server that ignores page is an error, not an endless loop", async () => {
    server.handle((_req, res) =>
      json(res, 200, { content: [{ id: "same" }], last: false, total_pages: 9, total_elements: 9, size: 1, number: 0 }),
    );
    await expect(springList().toArray()).rejects.toThrow(RomulusError);
    expect(server.requests).toHaveLength(2);
  });

  test("each iteration starts again from the first page", async () => {
    serveSpring({ maxSize: 10 });
    const list = springList();
    expect(await list.toArray()).toHaveLength(23);
    expect(await list.toArray()).toHaveLength(23);
  });
});

describe("v2 envelope", () => {
  test("pages until page >= total_pages - 1, asking for 200 by default", async () => {
    serveV2({ maxSize: 10 });
    expect(ids(await v2List().toArray())).toEqual(ids(ALL));
    expect(server.requests.map((r) => JSON.parse(r.body))).toEqual([
      { page: 0, size: 200 },
      { page: 1, size: 200 },
      { page: 2, size: 200 },
    ]);
    expect(DEFAULT_V2_PAGE_SIZE).toBe(200);
  });

  test("fewer items than asked still reaches the end", async () => {
    serveV2({ maxSize: 7 });
    const list = v2List({ pageSize: 20 });
    const first = await list.firstPage();
    expect(first.items).toHaveLength(7);
    expect(first.hasNextPage()).toBe(true);
    expect(ids(await list.toArray())).toEqual(ids(ALL));
  });

  test("a single page ends at once", async () => {
    serveV2();
    const pages = [];
    for await (const page of v2List().pages()) pages.push(page);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.items).toHaveLength(23);
    expect(server.requests).toHaveLength(1);
  });
});

describe("page sizes are checked before any request", () => {
  /** The error a call throws or rejects with; fails the test when it succeeds. */
  async function refusal(call: () => unknown): Promise<RequestValidationError> {
    try {
      await call();
    } catch (error) {
      expect(error).toBeInstanceOf(RequestValidationError);
      return error as RequestValidationError;
    }
    throw new Error("expected a RequestValidationError");
  }

  test("v2: a size outside 1..200 is refused, in the options and in page(n, size)", async () => {
    serveV2();
    for (const pageSize of [0, 201, 500, 2.5, Number.NaN]) {
      const err = await refusal(() => v2List({ pageSize }));
      expect(err.path).toBe("pageSize");
      expect(err.message).toContain("must be a whole number between 1 and 200");
    }
    const list = v2List();
    for (const size of [0, -1, 201]) {
      const err = await refusal(() => list.page(0, size));
      expect(err.message).toContain(`pageSize: must be a whole number between 1 and 200, got ${size}`);
    }
    expect((await refusal(() => list.page(-1))).path).toBe("pageNumber");
    expect(server.requests).toHaveLength(0);
    // The bounds themselves are fine.
    await list.page(0, 1);
    await v2List({ pageSize: 200 }).firstPage();
    expect(server.requests.map((r) => JSON.parse(r.body).size)).toEqual([1, 200]);
  });

  test("v1: any whole size of at least 1 (the reference documents no maximum), never 0", async () => {
    serveSpring();
    const list = springList();
    expect((await refusal(() => list.page(0, 0))).message).toContain("must be a whole number of at least 1, got 0");
    expect((await refusal(() => springList({ pageSize: 0 }))).path).toBe("pageSize");
    expect((await refusal(() => list.page(1.5))).path).toBe("pageNumber");
    expect(server.requests).toHaveLength(0);
    await list.page(0, 1000);
    expect(server.requests[0]!.url).toBe("/v1/ai-agents/agents/search?page=0&size=1000");
  });

  test("an explicit undefined pageSize means the default", async () => {
    serveV2();
    await v2List({ pageSize: undefined }).firstPage();
    expect(JSON.parse(server.requests[0]!.body).size).toBe(200);
  });
});
