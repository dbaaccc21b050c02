import type { SpringPage, V2Page } from "../../models/common";
import { RomulusError } from "./errors";

/**
 * List endpoints come in two envelopes (api-notes.md, "Pagination"). Endpoint code maps either one to
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

/** v1 endpoints default to 20 and document no maximum; 100 cuts round trips without risking a 400. */
export const DEFAULT_V1_PAGE_SIZE = 100;
/** v2 contacts search documents `size` 1..200. */
export const DEFAULT_V2_PAGE_SIZE = 200;

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

  constructor(
    private readonly fetchPage: FetchPage<T>,
    options: PaginatorOptions = {},
  ) {
    this.pageSize = options.pageSize ?? DEFAULT_V1_PAGE_SIZE;
    this.startPage = options.startPage ?? 0;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) {
      throw new RomulusError(`page size must be a positive integer, got ${this.pageSize}`);
    }
    if (!Number.isInteger(this.startPage) || this.startPage < 0) {
      throw new RomulusError(`start page must be a non-negative integer, got ${this.startPage}`);
    }
  }

  /** A paginator over a v1 (Spring) list, 100 items per page unless told otherwise. */
  static spring<T>(
    fetchJson: (pageNumber: number, pageSize: number) => Promise<SpringPage<T>>,
    options: PaginatorOptions = {},
  ): Paginator<T> {
    return new Paginator(async (n, size) => fromSpringPage(await fetchJson(n, size)), {
      pageSize: DEFAULT_V1_PAGE_SIZE,
      ...options,
    });
  }

  /** A paginator over a v2 list, 200 items per page unless told otherwise. */
  static v2<T>(
    fetchJson: (pageNumber: number, pageSize: number) => Promise<V2Page<T>>,
    options: PaginatorOptions = {},
  ): Paginator<T> {
    return new Paginator(async (n, size) => fromV2Page(await fetchJson(n, size)), {
      pageSize: DEFAULT_V2_PAGE_SIZE,
      ...options,
    });
  }

  firstPage(): Promise<Page<T>> {
    return this.page(this.startPage);
  }

  page(pageNumber: number, pageSize: number = this.pageSize): Promise<Page<T>> {
    return fetchChecked(this.fetchPage, pageNumber, pageSize);
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
