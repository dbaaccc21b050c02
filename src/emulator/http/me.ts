import type { ApiRouter } from "./router";

/** `/v1/me`: the heading says POST, the example GET; both answer `{organization_id}` (docs/API-NOTES.md). */
export function registerMe(api: ApiRouter): void {
  api.route(["GET", "POST"], "/v1/me", ({ org }) => ({ organization_id: org }));
}
