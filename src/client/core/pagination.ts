import type { SpringPage, V2Page } from "../../models/common";
import { RequestValidationError, RomulusError } from "./errors";

/**
 * List endpoints come in two envelopes (docs/API-NOTES.md, "Pagination"). Endpoint code maps either one to
 * `PageData` and hands a `fetchPage` to `Paginator`, which owns the stopping rules once for all of them.
 */
export interface PageData<T> {
  items: T[];
  /** Zero-based page index as the server reports it. */
  pageNumber: number;
  /** The server says nothing follows. */
  last: boolean;
  totalPages?: number;
  totalElements?: number;
}

export type FetchPage<T> = (pageNumber: number, pageSize: number) => Promise<PageData<T>>;

/**
 * The page size asked for when the caller names none and the endpoint documents no maximum: v1 endpoints
 * default to 20 and document no maximum; 100 cuts round trips without risking a 400.
 */
export const DEFAULT_V1_PAGE_SIZE = 100;

/** What a list endpoint accepts as paging, checked before any request so a bad size never costs a 400. */
export interface PageLimits {
  /** How errors name the call: `POST /v2/contacts/search`. */
  endpoint?: string;
  /**
   * The largest page size the endpoint documents. v1 lists document none (only "default 20"), so they
   * accept any positive size and the paginator copes with a server that sends fewer.
   */
  maxPageSize?: number;
}

export interface PaginatorOptions {
  /** What to ask for; the server may send fewer (or ignore it), which is handled. */
  pageSize?: number;
  /** Zero-based page to start from. Default 0. */
  startPage?: number;
}

/** The v1 Spring envelope. `last` is authoritative; an empty page also ends the list (see `Paginator`). */
export function fromSpringPage<T>(json: SpringPage<T>): PageData<T> {
  return {
    items: json.content,
    pageNumber: json.number,
    last: json.last || json.content.length === 0,
    totalPages: json.total_pages,
    totalElements: json.total_elements,
  };
}

/** The v2 envelope has no `last`: the list ends on the last page by count, or on an empty page. */
export function fromV2Page<T>(json: V2Page<T>): PageData<T> {
  return {
    items: json.content,
    pageNumber: json.page,
    last: json.content.length === 0 || json.page >= json.total_pages - 1,
    totalPages: json.total_pages,
    totalElements: json.total_elements,
  };
}

/** One fetched page, able to fetch the one after it. */
export class Page<T> implements PageData<T> {
  readonly items: T[];
  readonly pageNumber: number;
  readonly last: boolean;
  readonly totalPages: number | undefined;
  readonly totalElements: number | undefined;

  constructor(
    data: PageData<T>,
    private readonly fetchPage: FetchPage<T>,
    /** The size this page was asked with; the next page is asked with the same. */
    readonly requestedSize: number,
  ) {
    this.items = data.items;
    this.pageNumber = data.pageNumber;
    this.last = data.last;
    this.totalPages = data.totalPages;
    this.totalElements = data.totalElements;
  }

  /**
   * An empty page ends the list even when `last` says otherwise: a server that never sets `last` would
   * otherwise have us ask for pages forever.
   */
  hasNextPage(): boolean {
    return !this.last && this.items.length > 0;
  }

  /** The following page, or `undefined` at the end. */
  async nextPage(): Promise<Page<T> | undefined> {
    if (!this.hasNextPage()) return undefined;
    return fetchChecked(this.fetchPage, this.pageNumber + 1, this.requestedSize);
  }
}

async function fetchChecked<T>(fetchPage: FetchPage<T>, pageNumber: number, pageSize: number): Promise<Page<T>> {
  const data = await fetchPage(pageNumber, pageSize);
  // A server that ignores `page` would answer page 0 forever: stop with an error instead of looping or
  // returning duplicates. Page indexes are relative to the server's own page size, so a server that ignores
  // `size` still numbers its pages consistently and passes this check.
  if (data.pageNumber !== pageNumber) {
    throw new RomulusError(`Romulus API answered page ${data.pageNumber} when asked for page ${pageNumber}`);
  }
  return new Page(data, fetchPage, pageSize);
}

/**
 * An async iterable over every item of a list endpoint: `for await (const agent of client.agents.list())`.
 * Nothing is fetched until iteration (or `firstPage`/`page`/`toArray`) starts, and each iteration starts
 * again from the first page.
 */
export class Paginator<T> implements AsyncIterable<T> {
  private readonly pageSize: number;
  private readonly startPage: number;
  private readonly endpoint: string;
  private readonly maxPageSize: number | undefined;

  /**
   * Throws `RequestValidationError` for a page size or start page the endpoint cannot take. Without a
   * `pageSize`, asks for the endpoint's largest page (the fewest round trips), or `DEFAULT_V1_PAGE_SIZE`
   * where it documents no maximum.
   */
  constructor(
    private readonly fetchPage: FetchPage<T>,
    options: PaginatorOptions = {},
    limits: PageLimits = {},
  ) {
    this.endpoint = limits.endpoint ?? "a paginated list";
    this.maxPageSize = limits.maxPageSize;
    this.pageSize = this.checkedSize(options.pageSize ?? this.maxPageSize ?? DEFAULT_V1_PAGE_SIZE);
    this.startPage = this.checkedNumber("startPage", options.startPage ?? 0);
  }

  /** A paginator over a v1 (Spring) list, with the page sizes `limits` allows. */
  static spring<T>(
    fetchJson: (pageNumber: number, pageSize: number) => Promise<SpringPage<T>>,
    options: PaginatorOptions = {},
    limits: PageLimits = {},
  ): Paginator<T> {
    return new Paginator(async (n, size) => fromSpringPage(await fetchJson(n, size)), options, limits);
  }

  /** A paginator over a v2 list, with the page sizes `limits` allows. */
  static v2<T>(
    fetchJson: (pageNumber: number, pageSize: number) => Promise<V2Page<T>>,
    options: PaginatorOptions = {},
    limits: PageLimits = {},
  ): Paginator<T> {
    return new Paginator(async (n, size) => fromV2Page(await fetchJson(n, size)), options, limits);
  }

  firstPage(): Promise<Page<T>> {
    return this.page(this.startPage);
  }

  /** One page. A bad page number or size rejects before any request. */
  async page(pageNumber: number, pageSize: number = this.pageSize): Promise<Page<T>> {
    return fetchChecked(this.fetchPage, this.checkedNumber("pageNumber", pageNumber), this.checkedSize(pageSize));
  }

  private checkedSize(size: number): number {
    const max = this.maxPageSize;
    if (Number.isInteger(size) && size >= 1 && (max === undefined || size <= max)) return size;
    const range = max === undefined ? "a whole number of at least 1" : `a whole number between 1 and ${max}`;
    throw new RequestValidationError(this.endpoint, "pageSize", `must be ${range}, got ${String(size)}`);
  }

  private checkedNumber(name: "startPage" | "pageNumber", n: number): number {
    if (Number.isInteger(n) && n >= 0) return n;
    throw new RequestValidationError(this.endpoint, name, `must be a whole number of at least 0, got ${String(n)}`);
  }

  /** Every page in order, for callers that want page boundaries (progress, batching). */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let current: Page<T> | undefined = await this.firstPage();
    while (current !== undefined) {
      yield current;
      current = await current.nextPage();
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }

  async toArray(): Promise<T[]> {
    const all: T[] = [];
    for await (const item of this) all.push(item);
    return all;
  }
}
