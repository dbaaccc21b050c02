import {
  type CampaignCallTask,
  createCampaignTasksRequest,
  terminateCampaignTasksRequest,
} from "../../models/campaigns";
import { isE164, iso, type ModelContext, uuid } from "./common";
import { notFound, parseWith } from "./errors";
import { clone, type StoredObject } from "./store";

const TASKS = "campaign-call-tasks";
/** Call statuses in which a campaign task can still be terminated. */
const ACTIVE = new Set(["NEW", "PENDING", "IN_PROGRESS"]);

function requireCampaign(ctx: ModelContext, org: string, campaignId: string): StoredObject {
  const campaign = ctx.store.peek(org, "campaigns", campaignId);
  if (!campaign) throw notFound(`Call campaign ${campaignId} not found`);
  return campaign;
}

/** Stored tasks remember their campaign; the API answer does not show it. */
function publicTask(task: StoredObject): CampaignCallTask {
  const { campaign_id: _c, ...rest } = task;
  return rest as CampaignCallTask;
}

/**
 * `POST /v1/call-campaigns/{id}/tasks`: one task per recipient, invalid rows included (import_status
 * FAILED, call_status FAILED, contact_phone_number "", an import error with code 101 as documented). A
 * row without a phone number is such a row too, its `raw_value` null (there was no value).
 */
export function createCampaignTasks(ctx: ModelContext, org: string, campaignId: string, body: unknown) {
  requireCampaign(ctx, org, campaignId);
  const req = parseWith(createCampaignTasksRequest, body);
  const tasks: StoredObject[] = req.recipients.map((r, index) => {
    const now = iso(ctx.now());
    const valid = isE164(r.contact_phone_number);
    return {
      id: uuid(),
      campaign_id: campaignId,
      import_row_index: index,
      import_errors: valid
        ? []
        : [
            {
              code: 101,
              message: "Recipient phone number not specified",
              raw_value: r.contact_phone_number ?? null,
              substitute: "Phone number must be in e164 format",
              reference: "contact_phone_number",
            },
          ],
      import_status: valid ? "VALID" : "FAILED",
      import_source: req.import_source ?? "API",
      call_status: valid ? "NEW" : "FAILED",
      attempts: 0,
      recipient_file_id: -1,
      ordinal: ctx.store.next(`campaign-ordinal:${campaignId}`),
      created_at: now,
      updated_at: now,
      contact_phone_number: valid ? r.contact_phone_number : "",
      contact_name: r.contact_name ?? null,
      contact_email: r.contact_email ?? null,
      contact_timezone: r.contact_timezone ?? null,
      custom_1: r.custom_1 ?? null,
      custom_2: r.custom_2 ?? null,
      custom_3: r.custom_3 ?? null,
    };
  });
  ctx.store.putAll(org, TASKS, tasks);
  return { "call-tasks": tasks.map((t) => publicTask(clone(t))) };
}

/** `PUT /v1/call-campaigns/{id}/tasks/terminate`: every active task of the campaign for that number. */
export function terminateCampaignTasks(ctx: ModelContext, org: string, campaignId: string, body: unknown) {
  requireCampaign(ctx, org, campaignId);
  const req = parseWith(terminateCampaignTasksRequest, body);
  const now = iso(ctx.now());
  const hits = ctx.store
    .scan(org, TASKS)
    .filter(
      (t) =>
        t.campaign_id === campaignId &&
        t.contact_phone_number === req.phone_number &&
        ACTIVE.has(String(t.call_status)),
    )
    .map((t) => ({ ...clone(t), call_status: "TERMINATED", updated_at: now }));
  ctx.store.putAll(org, TASKS, hits);
  return { "call-tasks": hits.map((t) => publicTask(clone(t))) };
}
