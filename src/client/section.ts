import type { ZodType } from "zod";
import { type SpringPage, springPage, type V2Page, v2Page } from "../models/common";
import { NotFoundError } from "./core/errors";
import { Paginator, type PaginatorOptions } from "./core/pagination";
import type { HttpMethod, QueryValue, Transport } from "./core/transport";
import { validateRequest } from "./core/transport";

/** Encodes an id for a path segment; ids are opaque strings (docs/API-NOTES.md, "Identifiers"). */
export function seg(id: string | number): string {
  return encodeURIComponent(String(id));
}

/**
 * What every API section shares: the transport, request validation before anything is sent, response
 * validation against the section's models, and both pagination envelopes.
 */
export abstract class Section {
  // An ES private field, not a TypeScript `private` property: the transport holds the API key, and an
  // ordinary property would show it in `util.inspect(client)` and `JSON.stringify(client.contacts)`.
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  protected call<T>(
    method: HttpMethod,
    endpoint: string,
    path: string,
    options: { schema?: ZodType<T>; body?: unknown; query?: Record<string, QueryValue>; idempotent?: boolean } = {},
  ): Promise<T> {
    return this.#transport.request<T>({ method, path, endpoint: `${method} ${endpoint}`, ...options });
  }

  /** Validates a request body with its model: a bad E.164 number never leaves the process. */
  protected body<T>(schema: ZodType<T>, value: unknown, method: HttpMethod, endpoint: string): T {
    return validateRequest(schema, value, `${method} ${endpoint}`);
  }

  /** A v1 list: `page` and `size` in the query, the Spring envelope in the answer. */
  protected springList<T>(
    endpoint: string,
    path: string,
    item: ZodType<T>,
    query: Record<string, QueryValue> = {},
    options?: PaginatorOptions,
  ): Paginator<T> {
    const schema = springPage(item) as unknown as ZodType<SpringPage<T>>;
    return Paginator.spring(
      (page, size) => this.call("GET", endpoint, path, { schema, query: { ...query, page, size } }),
      options,
      { endpoint: `GET ${endpoint}` },
    );
  }

  /** A v2 search: `page` and `size` in the JSON body; a POST that reads, so it is safe to repeat. */
  protected v2Search<T>(
    endpoint: string,
    path: string,
    item: ZodType<T>,
    filters: Record<string, unknown>,
    options?: PaginatorOptions,
  ): Paginator<T> {
    const schema = v2Page(item) as unknown as ZodType<V2Page<T>>;
    return Paginator.v2(
      (page, size) => this.call("POST", endpoint, path, { schema, body: { ...filters, page, size }, idempotent: true }),
      options,
      { endpoint: `POST ${endpoint}` },
    );
  }
}

/** `undefined` for a 404, for callers to whom "absent" is an answer rather than a failure. */
export async function orUndefined<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
