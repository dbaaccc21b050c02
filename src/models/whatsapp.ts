import { z } from "zod";
import { e164, id } from "./common";

export const whatsAppTemplate = z.looseObject({
  id,
  name: z.string(),
  category: z.string().nullish(),
  language: z.string().nullish(),
  status: z.string().nullish(),
  components: z.array(z.looseObject({ type: z.string() })).nullish(),
});
export type WhatsAppTemplate = z.infer<typeof whatsAppTemplate>;

/** `GET /v1/messengers/whatsapp/bots`: each bot carries its templates. */
export const whatsAppBot = z.looseObject({
  id,
  name: z.string(),
  templates: z.array(whatsAppTemplate).default([]),
});
export type WhatsAppBot = z.infer<typeof whatsAppBot>;

/**
 * The components a template message may fill parameters into: "Currently template parameters supported in
 * header and body template components" (reference, "Send WhatsApp template message").
 */
export const TEMPLATE_PARAMETER_COMPONENTS = ["header", "body"] as const;

export const templateMessageRequest = z.object({
  bot_id: z.string().min(1),
  template_id: z.string().min(1),
  recipient: e164,
  parameters: z
    .array(
      z.object({
        component: z.enum(TEMPLATE_PARAMETER_COMPONENTS, {
          message: 'must be "header" or "body": the API takes template parameters only in those components',
        }),
        component_parameters: z.array(z.object({ type: z.string(), text: z.string() })),
      }),
    )
    .optional(),
});
export type TemplateMessageRequest = z.input<typeof templateMessageRequest>;
export const templateMessageResponse = z.looseObject({ success: z.boolean() });
