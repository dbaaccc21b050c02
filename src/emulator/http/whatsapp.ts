import { pageParams } from "../model/common";
import * as wa from "../model/whatsapp";
import type { ApiRouter } from "./router";

export function registerWhatsApp(api: ApiRouter): void {
  const m = api.model;
  api.route("GET", "/v1/messengers/whatsapp/bots", ({ org, query }) => wa.listWhatsAppBots(m, org, pageParams(query)));
  api.route("POST", "/v1/messengers/whatsapp/template-message", ({ org, body }) =>
    wa.sendTemplateMessage(m, org, body),
  );
}
