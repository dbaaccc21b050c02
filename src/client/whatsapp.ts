import {
  type TemplateMessageRequest,
  templateMessageRequest,
  templateMessageResponse,
  type WhatsAppBot,
  whatsAppBot,
} from "../models/whatsapp";
import { endpoint, list } from "./core/endpoint";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import { Section } from "./section";

const api = {
  listBots: list("GET /v1/messengers/whatsapp/bots", { envelope: "spring", item: whatsAppBot }),
  sendTemplateMessage: endpoint("POST /v1/messengers/whatsapp/template-message", {
    request: templateMessageRequest,
    response: templateMessageResponse,
  }),
};

export class WhatsApp extends Section {
  /** Bots with their templates, configured in the dashboard. */
  listBots(options?: PaginatorOptions): Paginator<WhatsAppBot> {
    return this.paginate(api.listBots, {}, undefined, options);
  }

  /**
   * Sends a template message to `recipient` (E.164). `parameters` fill the template's header and body
   * components only, as the API supports; both are checked before sending.
   */
  async sendTemplateMessage(body: TemplateMessageRequest): Promise<{ success: boolean }> {
    return this.send(api.sendTemplateMessage, {}, body);
  }
}
