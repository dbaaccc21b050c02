import { pageParams } from "../model/common";
import * as ws from "../model/webhook-subscriptions";
import type { ApiRouter } from "./router";

export function registerWebhookSubscriptions(api: ApiRouter): void {
  const m = api.model;
  api.route("POST", "/v1/webhook-subscriptions", ({ org, body }) => ws.createWebhookSubscription(m, org, body));
  api.route("GET", "/v1/webhook-subscriptions/search", ({ org, query }) =>
    ws.listWebhookSubscriptions(m, org, pageParams(query)),
  );
  const one = "/v1/webhook-subscriptions/:webhookSubscriptionId";
  api.route("GET", one, ({ org, params }) => ws.getWebhookSubscription(m, org, params.webhookSubscriptionId!));
  api.route("PUT", one, ({ org, params, body }) =>
    ws.updateWebhookSubscription(m, org, params.webhookSubscriptionId!, body),
  );
  api.route("DELETE", one, ({ org, params }) => ws.deleteWebhookSubscription(m, org, params.webhookSubscriptionId!));
}
