import * as cts from "../model/call-task-webhook-subscriptions";
import { pageParams } from "../model/common";
import type { ApiRouter } from "./router";

/** Create, list, delete: GET or PUT of one subscription is a 405 (the API has neither). */
export function registerCallTaskWebhookSubscriptions(api: ApiRouter): void {
  const m = api.model;
  const base = "/v1/call-tasks/webhook-subscriptions";
  api.route("POST", base, ({ org, body }) => cts.createCallTaskWebhookSubscription(m, org, body));
  api.route("GET", base, ({ org, query }) => cts.listCallTaskWebhookSubscriptions(m, org, pageParams(query)));
  api.route("DELETE", `${base}/:webhookSubscriptionId`, ({ org, params }) =>
    cts.deleteCallTaskWebhookSubscription(m, org, params.webhookSubscriptionId!),
  );
}
