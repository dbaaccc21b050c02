import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { validateRequest } from "../../src/client/core/transport";
import * as m from "../../src/models";

/**
 * Every JSON example of the vendor reference (extracted verbatim into test/fixtures/reference) must parse
 * with the schema our client and emulator use for that shape. Webhook event examples are covered by
 * test/webhooks.
 */
const dir = join(__dirname, "../fixtures/reference");

// The reference's email obfuscation turned addresses into "[email protected]" (docs/API-NOTES.md,
// "Authentication and `/v1/me`"), with a no-break space inside; a request schema rightly rejects that, so
// requests get a real address.
const OBFUSCATED_EMAIL = /\[email\s+protected\]/gu;

const schemas: Record<string, z.ZodType> = {
  "me.response.json": m.me,
  "pagination.v1.json": m.springPage(m.agent),
  "agents.list.item.json": m.agent,
  "agent-call-tasks.list.item.json": m.agentCallTask,
  "agent-call-tasks.create.request.json": m.agentCallTaskRequest,
  "agent-call-tasks.create.response.json": m.agentCallTask,
  "agent-call-tasks.terminate-by-phone.request.json": m.terminateByPhoneRequest,
  "calls.create.request.json": m.outboundCallRequest,
  "calls.create.response.success.json": m.call,
  "calls.create.response.failure.json": m.call,
  "calls.search.response.json": m.springPage(m.call),
  "campaigns.create-tasks.request.json": m.createCampaignTasksRequest,
  "campaigns.create-tasks.response.json": m.campaignCallTasks,
  "campaigns.terminate-tasks.request.json": m.terminateCampaignTasksRequest,
  "campaigns.terminate-tasks.response.json": m.campaignCallTasks,
  "contacts.get.response.json": m.contact,
  "contacts.search.request.json": m.contactSearchRequest,
  "contacts.search.response.json": m.v2Page(m.contact),
  "contacts.create.request.json": m.contactRequest,
  "contacts.create.response.json": m.contact,
  "contacts.update.request.json": m.contactRequest,
  "whatsapp.bots.item.json": m.whatsAppBot,
  "whatsapp.template-message.request.curl.json": m.templateMessageRequest,
  "whatsapp.template-message.request.json": m.templateMessageRequest,
  "whatsapp.template-message.response.json": m.templateMessageResponse,
  "webhook-subscriptions.list.response.json": m.springPage(m.webhookSubscription),
  "webhook-subscriptions.get.response.json": m.webhookSubscription,
  "webhook-subscriptions.create.request.json": m.createWebhookSubscriptionRequest,
  "webhook-subscriptions.create.response.json": m.webhookSubscription,
  "webhook-subscriptions.update.request.json": m.updateWebhookSubscriptionRequest,
  "webhook-subscriptions.update.response.json": m.webhookSubscription,
  "robocalls.configurations.item.json": m.robocallConfiguration,
  "robocalls.start.request.json": m.startRobocallRequest,
  "robocalls.start.request-echo.json": m.startRobocallRequest,
  "robocalls.start.response.json": m.robocallTask,
  "call-task-webhook-subscriptions.create.request.json": m.createCallTaskWebhookSubscriptionRequest,
  "call-task-webhook-subscriptions.create.response.json": m.callTaskWebhookSubscription,
  "call-task-webhook-subscriptions.list.item.json": m.callTaskWebhookSubscription,
};

function load(file: string): unknown {
  let text = readFileSync(join(dir, file), "utf8");
  if (file.includes(".request")) text = text.replace(OBFUSCATED_EMAIL, "jane@example.com");
  return JSON.parse(text);
}

test("every JSON example of the reference has a schema", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".json") && f !== "manifest.json");
  expect(files.sort()).toEqual(Object.keys(schemas).sort());
});

test.each(Object.entries(schemas))("%s parses", (file, schema) => {
  const result = schema.safeParse(load(file));
  if (!result.success) throw new Error(`${file}: ${JSON.stringify(result.error.issues, null, 2)}`);
});

test.each(Object.entries(schemas).filter(([file]) => file.includes(".request")))(
  "%s has no key the client would refuse as unknown",
  (file, schema) => {
    // The client refuses keys its request schemas do not list; every documented request must still pass.
    expect(() => validateRequest(schema, load(file), file)).not.toThrow();
  },
);

test("the duplicated-key curl example loses the configuration id, which is why the request needs entity_id", () => {
  const parsed = m.createCallTaskWebhookSubscriptionRequest.parse(
    JSON.parse(readFileSync(join(dir, "call-task-webhook-subscriptions.create.request.txt"), "utf8")),
  );
  expect(parsed.entity_id).toBeUndefined();
  expect(parsed.entity_type).toBe("robocall");
});
