import type { ZodType } from "zod";
import { type SpringPage, springPage, type V2Page, v2Page } from "../models/common";
import { NotFoundError } from "./core/errors";
import { Paginator, type PaginatorOptions } from "./core/pagination";
import { pathFor } from "./core/path";
import type { HttpMethod, QueryValue, Transport } from "./core/transport";
import { validateRequest } from "./core/transport";

/** The names in braces in an endpoint template: `"/v2/contacts/{contactId}"` gives `"contactId"`. */
export type ParamNames<E extends string> = E extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamNames<Rest>
  : never;
/** Path parameters by the name the endpoint template gives them: the compiler checks they match. */
export type PathParams<E extends string> = Readonly<Record<ParamNames<E>, string | number>>;

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

  /**
   * `endpoint` is the reference's template (`/v2/contacts/{contactId}`) and `params` its path parameters:
   * `pathFor` checks and encodes them, so no method can forget either.
   */
  protected async call<T, E extends string = string>(
    method: HttpMethod,
    endpoint: E,
    params: PathParams<E>,
    options: { schema?: ZodType<T>; body?: unknown; query?: Record<string, QueryValue>; idempotent?: boolean } = {},
  ): Promise<T> {
    const path = pathFor(endpoint, params, method);
    return this.#transport.request<T>({ method, path, endpoint: `${method} ${endpoint}`, ...options });
  }

  /** Validates a request body with its model: a bad E.164 number never leaves the process. */
  protected body<T>(schema: ZodType<T>, value: unknown, method: HttpMethod, endpoint: string): T {
    return validateRequest(schema, value, `${method} ${endpoint}`);
  }

  /** A v1 list: `page` and `size` in the query, the Spring envelope in the answer. */
  protected springList<T, E extends string = string>(
    endpoint: E,
    params: PathParams<E>,
    item: ZodType<T>,
    query: Record<string, QueryValue> = {},
    options?: PaginatorOptions,
  ): Paginator<T> {
    const schema = springPage(item) as unknown as ZodType<SpringPage<T>>;
    return Paginator.spring(
      (page, size) => this.call<SpringPage<T>, E>("GET", endpoint, params, { schema, query: { ...query, page, size } }),
      options,
      { endpoint: `GET ${endpoint}` },
    );
  }

  /** A v2 search: `page` and `size` in the JSON body; a POST that reads, so it is safe to repeat. */
  protected v2Search<T>(
    endpoint: string,
    item: ZodType<T>,
    filters: Record<string, unknown>,
    options?: PaginatorOptions,
  ): Paginator<T> {
    const schema = v2Page(item) as unknown as ZodType<V2Page<T>>;
    return Paginator.v2(
      (page, size) => this.call("POST", endpoint, {}, { schema, body: { ...filters, page, size }, idempotent: true }),
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
