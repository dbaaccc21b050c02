import type { z } from "zod";
import {
  type Endpoint,
  type InputOf,
  type ListEndpoint,
  type OutputOf,
  type PathParams,
  paginate,
  send,
} from "./core/endpoint";
import { NotFoundError } from "./core/errors";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import type { Transport } from "./core/transport";

/**
 * What every API section shares: the transport, and calls to the endpoints it declares (`endpoint`, `list`
 * in core/endpoint.ts), which check the request before anything is sent and the answer against its model.
 */
export abstract class Section {
  // An ES private field, not a TypeScript `private` property: the transport holds the API key, and an
  // ordinary property would show it in `util.inspect(client)` and `JSON.stringify(client.contacts)`.
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** One call to a declared endpoint, with its path parameters by name and its request model's input. */
  protected send<E extends Endpoint>(
    endpoint: E,
    params: PathParams<E["route"]>,
    input?: InputOf<E["request"]>,
  ): Promise<OutputOf<E["response"]>> {
    return send(this.#transport, endpoint, params, input);
  }

  /** Every item of a declared list, its filters checked before any page is asked for. */
  protected paginate<E extends ListEndpoint>(
    endpoint: E,
    params: PathParams<E["route"]>,
    filters?: InputOf<E["request"]>,
    options?: PaginatorOptions,
  ): Paginator<z.output<E["item"]>> {
    return paginate(this.#transport, endpoint, params, filters, options);
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
