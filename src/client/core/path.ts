import { RequestValidationError } from "./errors";

/**
 * The API's routes that have a fixed word where another route of the same shape takes an id. An id equal to
 * that word reaches the other route: `GET /v1/webhook-subscriptions/search` is the list, not the
 * subscription whose id is "search". Ids in this API are UUIDs, 32 hex characters or integers, so refusing
 * those words costs no real object (docs/RELIABILITY.md, "Ids").
 */
const FIXED_ROUTES = [
  "/v1/ai-agents/agents/search",
  "/v1/ai-agents/agents/call-tasks/terminate",
  "/v1/webhook-subscriptions/search",
  "/v1/call-tasks/robocalls/configurations",
  "/v2/contacts/search",
];

/** The fixed words of those routes, refused as ids whose endpoint is not known (a resource's `importId`). */
const FIXED_WORDS = new Set(FIXED_ROUTES.map((route) => route.slice(route.lastIndexOf("/") + 1)));

/** Why `value` cannot be a path segment, or `undefined` when it can. `prefix` is the path before it. */
function unusableId(value: string, prefix?: string): string | undefined {
  if (value.trim() === "") return "must be a non-empty id";
  // URL resolution (WHATWG, and every server behind it) turns `/a/./b` into `/a/b` and `/a/../b` into `/b`:
  // percent-encoding does not protect them, since encodeURIComponent leaves dots alone.
  if (value === "." || value === "..") return `must be an id, not ${JSON.stringify(value)} (a path step)`;
  if (value.trim() !== value) return "must not start or end with whitespace";
  if (prefix === undefined) {
    if (FIXED_WORDS.has(value))
      return `must be an id, not ${JSON.stringify(value)}: the API routes that word to another endpoint`;
  } else {
    for (const route of FIXED_ROUTES) {
      if (route.startsWith(prefix) && route.slice(prefix.length).split("/")[0] === value) {
        return `must be an id, not ${JSON.stringify(value)}: ${route} is another endpoint`;
      }
    }
  }
  return undefined;
}

/**
 * Checks an id given outside the client (a resource's `importId`, the id of `Resource.get`) with the same
 * rules the client applies to every path parameter. Without the endpoint `template`, every fixed word of
 * `FIXED_ROUTES` is refused. Returns the reason it is unusable, or `undefined`.
 */
export function idProblem(value: unknown, template?: string): string | undefined {
  if (typeof value !== "string" && typeof value !== "number") return "must be an id (a string)";
  const prefix = template?.slice(0, template.indexOf("{"));
  return unusableId(String(value), prefix === "" ? undefined : prefix);
}

/**
 * Fills an endpoint template (`/v2/contacts/{contactId}`) with percent-encoded path parameters. Every client
 * method that takes an id goes through here, so an empty id, `.`, `..` or a word another route uses there
 * fails before anything is sent, naming the parameter, instead of reaching another endpoint.
 */
export function pathFor(template: string, params: Readonly<Record<string, string | number>>, method: string): string {
  return template.replace(/\{(\w+)\}/g, (_match, name: string, offset: number) => {
    const value = params[name];
    const problem = value === undefined ? "is required" : idProblem(value, `${template.slice(0, offset)}{`);
    if (problem !== undefined) throw new RequestValidationError(`${method} ${template}`, name, problem);
    return encodeURIComponent(String(value));
  });
}
