import type { z } from "zod";
import { type SpringPage, springPage, type V2Page, v2Page } from "../../models/common";
import { Paginator, type PaginatorOptions } from "./pagination";
import { declareTemplate, pathFor } from "./path";
import { type HttpMethod, type QueryValue, type Transport, validateRequest } from "./transport";

/**
 * An endpoint as the reference names it and as errors name it: the method, a space, the path template with
 * its parameters in braces (`"GET /v2/contacts/{contactId}"`).
 */
export type Route = `${HttpMethod} /${string}`;
type TemplateOf<R extends Route> = R extends `${HttpMethod} ${infer T}` ? T : never;
/** The names in braces in a path template: `"/v2/contacts/{contactId}"` gives `"contactId"`. */
export type ParamNames<T extends string> = T extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamNames<Rest>
  : never;
/** Path parameters by the name the route gives them: the compiler checks they match. */
export type PathParams<R extends Route> = Readonly<Record<ParamNames<TemplateOf<R>>, string | number>>;

type Schema = z.ZodType | undefined;
/** What a caller passes for the request model: its input type, or nothing for an endpoint without one. */
export type InputOf<S extends Schema> = S extends z.ZodType ? z.input<S> : undefined;
/** What a call resolves to: the response model's output, or the unchecked body when none is declared. */
export type OutputOf<S extends Schema> = S extends z.ZodType ? z.output<S> : unknown;

interface Declared<R extends Route, Req extends Schema> {
  /** `POST /v2/contacts`: how errors name the call. */
  readonly route: R;
  readonly method: HttpMethod;
  /** `/v2/contacts/{contactId}`, filled by `pathFor`. */
  readonly template: string;
  /**
   * The request's model, checked (values, and keys it has no field for) before anything is sent. A GET has
   * no body, so there it is the query.
   */
  readonly request: Req;
}

/** One call: the request model and the response model of a route. */
export interface Endpoint<R extends Route = Route, Req extends Schema = Schema, Res extends Schema = Schema>
  extends Declared<R, Req> {
  /** Checks and types a 2xx body; without one the body is returned unchecked (deletes, undocumented answers). */
  readonly response: Res;
}

/** The two paging envelopes (docs/API-NOTES.md, "Pagination"). */
export type Envelope = "spring" | "v2";

/** A list or search: the request model holds the filters, `page` and `size` are added to each page. */
export interface ListEndpoint<R extends Route = Route, Item extends z.ZodType = z.ZodType, Req extends Schema = Schema>
  extends Declared<R, Req> {
  readonly envelope: Envelope;
  readonly item: Item;
  /** The largest `size` the route documents; none for a route that documents no maximum. */
  readonly maxPageSize: number | undefined;
  /** The envelope's model around `item`, built once. */
  readonly page: z.ZodType;
}

function declared<const R extends Route, Req extends Schema>(route: R, request: Req): Declared<R, Req> {
  const space = route.indexOf(" ");
  const template = route.slice(space + 1);
  declareTemplate(template);
  return { route, method: route.slice(0, space) as HttpMethod, template, request };
}

/**
 * Declares an endpoint once: `endpoint("PUT /v2/contacts/{contactId}", { request: contactRequest, response:
 * contact })` gives the URL (ids checked and encoded), the request check and the response check.
 */
export function endpoint<const R extends Route, Req extends Schema = undefined, Res extends Schema = undefined>(
  route: R,
  models: { request?: Req; response?: Res } = {},
): Endpoint<R, Req, Res> {
  return { ...declared(route, models.request as Req), response: models.response as Res };
}

/**
 * Declares a list or search endpoint once: `list("GET /v1/ai-agents/agents/search", { envelope: "spring",
 * item: agent })`. Reading never changes anything, so every page is safe to repeat, a search sent as POST
 * included.
 */
export function list<const R extends Route, Item extends z.ZodType, Req extends Schema = undefined>(
  route: R,
  pages: { envelope: Envelope; item: Item; request?: Req; maxPageSize?: number },
): ListEndpoint<R, Item, Req> {
  const page = pages.envelope === "spring" ? springPage(pages.item) : v2Page(pages.item);
  return {
    ...declared(route, pages.request as Req),
    envelope: pages.envelope,
    item: pages.item,
    maxPageSize: pages.maxPageSize,
    page,
  };
}

/** Checks `input` against the route's request model; the checked value is what is sent. */
function checked(declaration: Declared<Route, Schema>, input: unknown): unknown {
  if (declaration.request === undefined) return input;
  return validateRequest(declaration.request, input, declaration.route);
}

function dispatch<T>(
  transport: Transport,
  declaration: Declared<Route, Schema>,
  params: Readonly<Record<string, string | number>>,
  payload: unknown,
  options: { schema?: z.ZodType<T>; idempotent?: boolean },
): Promise<T> {
  const { method, route } = declaration;
  const path = pathFor(declaration.template, params, method);
  const sent = method === "GET" ? { query: payload as Record<string, QueryValue> | undefined } : { body: payload };
  return transport.request<T>({ method, path, endpoint: route, ...sent, ...options });
}

/**
 * Sends one call: path parameters checked and filled, `input` checked, the answer checked. Async, so a
 * refused id or body rejects the promise like any other failure instead of throwing at the call.
 */
export async function send<E extends Endpoint>(
  transport: Transport,
  declaration: E,
  params: PathParams<E["route"]>,
  input?: InputOf<E["request"]>,
): Promise<OutputOf<E["response"]>> {
  const schema = declaration.response as z.ZodType<OutputOf<E["response"]>> | undefined;
  return dispatch(transport, declaration, params, checked(declaration, input), { schema });
}

/**
 * Every item of a list: the filters are checked once, here, before any page is asked for; paging rules
 * (sizes, stopping) are the paginator's, with the route's own largest page.
 */
export function paginate<E extends ListEndpoint>(
  transport: Transport,
  declaration: E,
  params: PathParams<E["route"]>,
  filters: InputOf<E["request"]> | undefined,
  options?: PaginatorOptions,
): Paginator<z.output<E["item"]>> {
  type Item = z.output<E["item"]>;
  const base = checked(declaration, filters ?? {}) as Record<string, unknown>;
  const limits = { endpoint: declaration.route, maxPageSize: declaration.maxPageSize };
  const fetch = <J>(page: number, size: number) =>
    dispatch(
      transport,
      declaration,
      params,
      { ...base, page, size },
      {
        schema: declaration.page as z.ZodType<J>,
        idempotent: true,
      },
    );
  return declaration.envelope === "spring"
    ? Paginator.spring<Item>(fetch<SpringPage<Item>>, options, limits)
    : Paginator.v2<Item>(fetch<V2Page<Item>>, options, limits);
}
