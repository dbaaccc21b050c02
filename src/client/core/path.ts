import { RequestValidationError } from "./errors";

/**
 * The path template of every endpoint declared (core/endpoint.ts adds each one as a section module loads; the
 * client's entry point, which `idProblem` is exported from, loads them all). Where one route has a fixed
 * word and another takes an id at the same place, an id equal to that word reaches the other route:
 * `GET /v1/webhook-subscriptions/search` is the list, not the subscription whose id is "search". Ids in this
 * API are UUIDs, 32 hex characters or integers, so refusing those words costs no real object
 * (docs/RELIABILITY.md, "Ids").
 */
const templates = new Set<string>();

export function declareTemplate(template: string): void {
  templates.add(template);
}

/** The declared routes with a fixed word right after `prefix`, by that word; the fewest parameters first. */
function routesAfter(prefix: string): Map<string, string> {
  const byWord = new Map<string, string>();
  const candidates = [...templates].filter((t) => t.startsWith(prefix));
  candidates.sort((a, b) => a.split("{").length - b.split("{").length);
  for (const template of candidates) {
    const word = template.slice(prefix.length).split("/")[0] ?? "";
    if (word !== "" && !word.includes("{") && !byWord.has(word)) byWord.set(word, template);
  }
  return byWord;
}

/** Every word some route has where another takes an id: refused when the endpoint is not known. */
function fixedWords(): Set<string> {
  const places = new Set([...templates].flatMap((t) => [...t.matchAll(/\{/g)].map((m) => t.slice(0, m.index))));
  return new Set([...places].flatMap((place) => [...routesAfter(place).keys()]));
}

/** Why `value` cannot be a path segment, or `undefined` when it can. `prefix` is the path before it. */
function unusableId(value: string, prefix?: string): string | undefined {
  if (value.trim() === "") return "must be a non-empty id";
  // URL resolution (WHATWG, and every server behind it) turns `/a/./b` into `/a/b` and `/a/../b` into `/b`:
  // percent-encoding does not protect them, since encodeURIComponent leaves dots alone.
  if (value === "." || value === "..") return `must be an id, not ${JSON.stringify(value)} (a path step)`;
  if (value.trim() !== value) return "must not start or end with whitespace";
  if (prefix === undefined) {
    if (fixedWords().has(value))
      return `must be an id, not ${JSON.stringify(value)}: the API routes that word to another endpoint`;
    return undefined;
  }
  const route = routesAfter(prefix).get(value);
  return route === undefined ? undefined : `must be an id, not ${JSON.stringify(value)}: ${route} is another endpoint`;
}

/**
 * Checks an id given outside the client (a resource's `importId`, the id of `Resource.get`) with the same
 * rules the client applies to every path parameter. Without the endpoint `template`, every word a declared
 * route has where another takes an id is refused. Returns the reason it is unusable, or `undefined`.
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
