import { templateMessageRequest, type WhatsAppBot } from "../../models/whatsapp";
import { iso, type ModelContext, type PageParams, springPage, uuid } from "./common";
import { badRequest, notFound, parseWith } from "./errors";

export function listWhatsAppBots(ctx: ModelContext, org: string, page: PageParams) {
  return springPage(ctx.store.list(org, "whatsapp-bots") as WhatsAppBot[], page);
}

/**
 * Sends a template message: the bot must be one of the organization's (404), the template one of that
 * bot's (400 naming template_id) and approved, the recipient E.164. The message is recorded under the
 * `whatsapp-messages` kind so tests can see what was sent.
 */
export function sendTemplateMessage(ctx: ModelContext, org: string, body: unknown): { success: true } {
  const req = parseWith(templateMessageRequest, body);
  const bot = ctx.store.peek(org, "whatsapp-bots", req.bot_id) as WhatsAppBot | undefined;
  if (!bot) throw notFound(`WhatsApp bot ${req.bot_id} not found`, "bot_id");
  const template = (bot.templates ?? []).find((t) => t.id === req.template_id);
  if (!template) {
    throw badRequest({ field: "template_id", message: `template ${req.template_id} does not belong to bot ${bot.id}` });
  }
  if (template.status && template.status.toLowerCase() !== "approved") {
    throw badRequest({ field: "template_id", message: `template ${template.id} is ${template.status}, not approved` });
  }
  ctx.store.put(org, "whatsapp-messages", {
    id: uuid(),
    bot_id: bot.id,
    template_id: template.id,
    template_name: template.name,
    language: template.language ?? null,
    recipient: req.recipient,
    parameters: req.parameters ?? [],
    sent_at: iso(ctx.now()),
  });
  return { success: true };
}
