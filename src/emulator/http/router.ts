import type { RomulusModel } from "../model";

/** The HTTP methods the emulator knows: a path answers 405 to those it has no route for; fault rules name them. */
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** What a route handler sees: the caller's organization and the parsed request. No HTTP objects. */
export interface ApiRequest {
  org: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  /** Set by an `index-lag` fault: a search answer leaves out what was created at or after this instant. */
  indexedBefore?: number;
}

/** Answers the JSON to send with 200, or undefined for 204 No Content. Throws ApiError for the rest. */
export type ApiHandler = (req: ApiRequest) => unknown;

export interface ApiRouter {
  readonly model: RomulusModel;
  route(methods: string | readonly string[], url: string, handler: ApiHandler): void;
}
