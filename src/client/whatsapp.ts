import {
  type TemplateMessageRequest,
  templateMessageRequest,
  templateMessageResponse,
  type WhatsAppBot,
  whatsAppBot,
} from "../models/whatsapp";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import { Section } from "./section";

export class WhatsApp extends Section {
  /** Bots with their templates, configured in the dashboard. */
  listBots(options?: PaginatorOptions): Paginator<WhatsAppBot> {
    const endpoint = "/v1/messengers/whatsapp/bots";
    return this.springList(endpoint, {}, whatsAppBot, {}, options);
  }

  /**
   * Sends a template message to `recipient` (E.164). `parameters` fill the template's header and body
   * components only, as the API supports; both are checked before sending.
   */
  async sendTemplateMessage(body: TemplateMessageRequest): Promise<{ success: boolean }> {
    const endpoint = "/v1/messengers/whatsapp/template-message";
    return this.call(
      "POST",
      endpoint,
      {},
      {
        body: this.body(templateMessageRequest, body, "POST", endpoint),
        schema: templateMessageResponse,
      },
    );
  }
}
