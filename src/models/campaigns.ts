import { z } from "zod";
import { e164, id, timestamp } from "./common";

/**
 * `POST /v1/call-campaigns/{id}/tasks`. Recipients' phone numbers are deliberately not validated here, nor
 * required: the API imports every row and reports a bad or missing number per row in `import_errors`
 * (import error 101, "Recipient phone number not specified"; docs/API-NOTES.md, "Calls, campaigns, robocalls, WhatsApp").
 */
export const campaignRecipient = z.object({
  contact_phone_number: z.string().nullish(),
  contact_name: z.string().optional(),
  contact_email: z.string().optional(),
  contact_timezone: z.string().optional(),
  custom_1: z.string().optional(),
  custom_2: z.string().optional(),
  custom_3: z.string().optional(),
});
export const createCampaignTasksRequest = z.object({
  import_source: z.string().optional(),
  recipients: z.array(campaignRecipient).min(1, "must list at least one recipient"),
});
export type CreateCampaignTasksRequest = z.input<typeof createCampaignTasksRequest>;

export const importError = z.looseObject({
  code: z.number().int(),
  message: z.string(),
  raw_value: z.string().nullish(),
  substitute: z.string().nullish(),
  reference: z.string().nullish(),
});
export const campaignCallTask = z.looseObject({
  id,
  import_row_index: z.number().int().nullish(),
  import_errors: z.array(importError),
  import_status: z.string(),
  import_source: z.string().nullish(),
  call_status: z.string(),
  attempts: z.number().int().nullish(),
  recipient_file_id: z.number().nullish(),
  ordinal: z.number().nullish(),
  created_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
  contact_phone_number: z.string(),
  contact_name: z.string().nullish(),
  contact_email: z.string().nullish(),
  contact_timezone: z.string().nullish(),
  custom_1: z.string().nullish(),
  custom_2: z.string().nullish(),
  custom_3: z.string().nullish(),
});
export type CampaignCallTask = z.infer<typeof campaignCallTask>;

/** The answer of both campaign endpoints: note the hyphenated key. */
export const campaignCallTasks = z.looseObject({ "call-tasks": z.array(campaignCallTask) });
export type CampaignCallTasks = z.infer<typeof campaignCallTasks>;

export const terminateCampaignTasksRequest = z.object({ phone_number: e164 });
