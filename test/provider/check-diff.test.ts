import fc from "fast-check";
import { BadRequestError } from "../../src/client";
import type { ApiObject, ResourceDefinition } from "../../src/provider/define";
import { check, diff, inResourceTerms, toApiBody, toOutputs } from "../../src/provider/engine";
import { UNKNOWN } from "../../src/provider/values";
import { callTaskWebhookSubscriptionDefinition } from "../../src/resources/call-task-webhook-subscription";
import { contactDefinition } from "../../src/resources/contact";
import { webhookSubscriptionDefinition } from "../../src/resources/webhook-subscription";

const webhook = webhookSubscriptionDefinition as unknown as ResourceDefinition<ApiObject>;
const callTaskWebhook = callTaskWebhookSubscriptionDefinition as unknown as ResourceDefinition<ApiObject>;
const contact = contactDefinition as unknown as ResourceDefinition<ApiObject>;

type Props = Record<string, unknown>;

function failuresOf(def: ResourceDefinition<ApiObject>, news: Props): Record<string, string> {
  return Object.fromEntries(check(def, news).failures.map((f) => [f.property, f.reason]));
}

/** What the API answers for a create body: ids on sub-objects, tags as objects, unset scalars null. */
/** The object as the server holds it once the provider has created it (a create, plus an update for what a create cannot set). */
function answerFor(def: ResourceDefinition<ApiObject>, inputs: Props): ApiObject {
  const checked = check(def, inputs).inputs;
  const body = { ...toApiBody(def, checked, "create"), ...(def === webhook ? toApiBody(def, checked, "update") : {}) };
  if (def === contact) {
    const withIds = (list: unknown, extra: Props = {}) =>
      ((list as Props[] | undefined) ?? []).map((e, i) => ({ id: `sub-${i}`, ...extra, ...e }));
    return {
      id: "c1",
      external_id: null,
      first_name: body.first_name,
      last_name: body.last_name ?? null,
      phones: withIds(body.phones, { label: "OTHER" }),
      emails: withIds(body.emails, { label: "OTHER" }),
      addresses: withIds(body.addresses, {
        address_line: null,
        street: null,
        postal_code: null,
        city: null,
        province: null,
        country: null,
      }),
      job_title: body.job_title ?? null,
      company_name: body.company_name ?? null,
      website: body.website ?? null,
      source: "API",
      tags: ((body.tags as string[] | undefined) ?? []).map((name) => ({ id: `tag-${name}`, name, color: null })),
      metadata: {},
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
    };
  }
  return {
    id: "0123456789abcdef0123456789abcdef",
    status: "ACTIVE",
    attempts: 3,
    attempts_interval_seconds: 10,
    specifications: {},
    entity_type: null,
    entity_id: null,
    ...body,
    created_at: "t",
    updated_at: "t",
  };
}

describe("WebhookSubscription check", () => {
  test("fills in the documented server defaults", () => {
    const { inputs, failures } = check(webhook, { event: "AGENT_CALL_COMPLETED", url: "https://example.com/hook" });
    expect(failures).toEqual([]);
    expect(inputs).toEqual({
      event: "AGENT_CALL_COMPLETED",
      url: "https://example.com/hook",
      status: "ACTIVE",
      attempts: 3,
      attemptsIntervalSeconds: 10,
      specifications: {},
    });
  });

  test("one failure per offending property, each saying what is expected", () => {
    const failures = failuresOf(webhook, {
      event: "CALL_DONE",
      url: "ftp://example.com",
      status: "PAUSED",
      attempts: 0,
      attemptsIntervalSeconds: 1.5,
      specifications: { ACTION_TYPE: "SMS" },
      colour: "blue",
    });
    expect(failures).toEqual({
      event: "event must be one of AGENT_CALL_COMPLETED, AGENT_ACTION_COMPLETED",
      url: "url must be an absolute http(s) URL, e.g. https://example.com/hooks/romulus",
      status: "status must be one of ACTIVE, DISABLED",
      attempts: "attempts must be a whole number, at least 1",
      attemptsIntervalSeconds: "attemptsIntervalSeconds must be a whole number of seconds, at least 1",
      "specifications.ACTION_TYPE":
        "specifications.ACTION_TYPE must be one of APPOINTMENT, CALL_FORWARDING, DATA_EXTRACTION, WHATS_APP_MESSAGE",
      colour: expect.stringContaining('WebhookSubscription has no property "colour"'),
    });
  });

  test("required properties are named", () => {
    expect(failuresOf(webhook, {})).toEqual({ event: "event is required", url: "url is required" });
  });

  test("entityId and entityType go together", () => {
    expect(
      failuresOf(webhook, { event: "AGENT_CALL_COMPLETED", url: "https://a.example", entityType: "AGENT" }),
    ).toEqual({
      entityId: "entityId is required when entityType is set",
    });
    expect(
      failuresOf(webhook, { event: "AGENT_CALL_COMPLETED", url: "https://a.example", entityId: "agent-1" }),
    ).toEqual({
      entityType: "entityType is required when entityId is set (the only entity type is AGENT)",
    });
  });

  test("specifications only for AGENT_ACTION_COMPLETED, with the API's keys only", () => {
    expect(
      failuresOf(webhook, {
        event: "AGENT_CALL_COMPLETED",
        url: "https://a.example",
        specifications: { ACTION_TYPE: "APPOINTMENT" },
      }),
    ).toEqual({
      specifications: "specifications are only supported by AGENT_ACTION_COMPLETED, not AGENT_CALL_COMPLETED",
    });
    expect(
      failuresOf(webhook, {
        event: "AGENT_ACTION_COMPLETED",
        url: "https://a.example",
        specifications: { actionType: "APPOINTMENT" },
      }),
    ).toEqual({ specifications: "specifications may only have the keys ACTION_ID and ACTION_TYPE" });
  });

  test("values unknown during preview pass through, and rules that need them wait", () => {
    const { inputs, failures } = check(webhook, {
      event: UNKNOWN,
      url: UNKNOWN,
      entityType: "AGENT",
      entityId: UNKNOWN,
      specifications: { ACTION_TYPE: "APPOINTMENT" },
    });
    expect(failures).toEqual([]);
    expect(inputs.url).toBe(UNKNOWN);
    expect(inputs.entityId).toBe(UNKNOWN);
  });

  test("importId passes through check and is never part of the API body", () => {
    const { inputs } = check(webhook, { event: "AGENT_CALL_COMPLETED", url: "https://a.example", importId: "abc" });
    expect(inputs.importId).toBe("abc");
    expect(toApiBody(webhook, inputs, "create")).not.toHaveProperty("import_id");
  });

  test("status is never in the create body (the API creates ACTIVE); the update body always has it", () => {
    const { inputs } = check(webhook, { event: "AGENT_CALL_COMPLETED", url: "https://a.example", status: "DISABLED" });
    expect(toApiBody(webhook, inputs, "create")).not.toHaveProperty("status");
    expect(toApiBody(webhook, inputs, "update")).toMatchObject({ status: "DISABLED" });
    expect(toApiBody(webhook, { ...inputs, status: undefined }, "update")).toMatchObject({ status: "ACTIVE" });
  });
});

describe("WebhookSubscription diff", () => {
  const base = {
    event: "AGENT_ACTION_COMPLETED",
    url: "https://a.example/h",
    specifications: { ACTION_TYPE: "APPOINTMENT" },
  };
  const outputs = toOutputs(webhook, answerFor(webhook, base), "org-1");
  const desired = (over: Props = {}) => check(webhook, { ...base, ...over }).inputs;

  test("an unchanged program shows no change against what the server answered", () => {
    expect(diff(webhook, outputs, desired())).toEqual({
      changes: false,
      replaces: [],
      diffs: [],
      deleteBeforeReplace: false,
    });
  });
  test("spelling out a server default is no change", () => {
    expect(
      diff(webhook, outputs, desired({ status: "ACTIVE", attempts: 3, attemptsIntervalSeconds: 10 })).changes,
    ).toBe(false);
  });
  test("url, status and attempts update in place", () => {
    const d = diff(webhook, outputs, desired({ url: "https://b.example/h", status: "DISABLED", attempts: 5 }));
    expect(d).toMatchObject({ changes: true, replaces: [], diffs: ["url", "status", "attempts"] });
  });
  test("changing the event replaces", () => {
    expect(
      diff(webhook, outputs, desired({ event: "AGENT_CALL_COMPLETED", specifications: undefined })).replaces,
    ).toEqual(["event"]);
  });
  test("removing importId after adoption is no change", () => {
    expect(diff(webhook, outputs, { ...desired(), importId: "x" }).changes).toBe(false);
  });
  test("an unknown value is a change, and a replacement when the field replaces", () => {
    expect(diff(webhook, outputs, { ...desired(), url: UNKNOWN })).toMatchObject({ changes: true, replaces: [] });
    expect(diff(webhook, outputs, { ...desired(), event: UNKNOWN })).toMatchObject({
      changes: true,
      replaces: ["event"],
    });
  });
  test("an out-of-band change on the server is a change", () => {
    const drifted = toOutputs(webhook, { ...answerFor(webhook, base), status: "DISABLED" }, "org-1");
    expect(diff(webhook, drifted, desired())).toMatchObject({ changes: true, diffs: ["status"] });
  });
});

describe("CallTaskWebhookSubscription", () => {
  test("entityType defaults to robocall and any change replaces", () => {
    const inputs = check(callTaskWebhook, { url: "https://a.example/r" }).inputs;
    expect(inputs).toEqual({ url: "https://a.example/r", entityType: "robocall" });
    const outs = toOutputs(
      callTaskWebhook,
      { id: "x", url: "https://a.example/r", entity_type: "robocall", entity_id: null },
      "org",
    );
    expect(diff(callTaskWebhook, outs, inputs).changes).toBe(false);
    expect(diff(callTaskWebhook, outs, { ...inputs, entityId: "cfg-1" })).toMatchObject({
      changes: true,
      replaces: ["entityId"],
    });
    expect(diff(callTaskWebhook, outs, { ...inputs, url: "https://b.example" })).toMatchObject({ replaces: ["url"] });
  });
  test("entityType other than robocall is refused", () => {
    expect(failuresOf(callTaskWebhook, { url: "https://a.example", entityType: "AGENT" })).toEqual({
      entityType: 'entityType must be "robocall" (the only call-task entity type)',
    });
  });
});

describe("Contact check", () => {
  test("labels default to OTHER and tags are a set", () => {
    const { inputs, failures } = check(contact, {
      firstName: "Ada",
      phones: [{ number: "+39012345678" }],
      emails: [{ email: "ada@example.com", label: "JOB" }],
      tags: ["vip", "beta", "vip"],
    });
    expect(failures).toEqual([]);
    expect(inputs).toMatchObject({
      phones: [{ number: "+39012345678", label: "OTHER" }],
      emails: [{ email: "ada@example.com", label: "JOB" }],
      tags: ["beta", "vip"],
      tagIds: [],
      addresses: [],
    });
  });

  test("every documented rule, one failure per property", () => {
    expect(
      failuresOf(contact, {
        firstName: " ",
        phones: [{ number: "0039 012345" }, { number: "+39012345678", label: "WORK" }],
        emails: [{ email: "not-an-email" }],
        tags: ["ok", ""],
      }),
    ).toEqual({
      firstName: "firstName must not be empty",
      "phones[0].number": "phones[0].number must be a phone number in E.164 format, e.g. +39012345678",
      "phones[1].label": "phones[1].label must be one of EXTENSION, PRIMARY, SECONDARY, MOBILE, HOME, JOB, OTHER",
      "emails[0].email": "emails[0].email must be a valid email address, e.g. jane@example.com",
      "tags[1]": "tags[1] tag names must not be empty",
    });
  });

  test("repeated phones and emails are accepted, as the API accepts them", () => {
    const news = {
      firstName: "Ada",
      phones: [{ number: "+39012345678" }, { number: "+39012345678", label: "HOME" }, { number: "+39012345678" }],
      emails: [{ email: "a@example.com" }, { email: "A@example.com" }],
    };
    expect(failuresOf(contact, news)).toEqual({});
    const outputs = toOutputs(contact, answerFor(contact, news), "org");
    // Compared one for one: the same repeats are no change, one repeat less is one.
    expect(diff(contact, outputs, check(contact, news).inputs).changes).toBe(false);
    const fewer = { ...news, phones: news.phones.slice(0, 2) };
    expect(diff(contact, outputs, check(contact, fewer).inputs).diffs).toEqual(["phones"]);
    const oneEmail = { ...news, emails: news.emails.slice(0, 1) };
    expect(diff(contact, outputs, check(contact, oneEmail).inputs).diffs).toEqual(["emails"]);
  });

  test("read-only fields the API answers are outputs that never make a difference", () => {
    const inputs = { firstName: "Ada" };
    const synced = {
      ...answerFor(contact, inputs),
      external_id: "hs-42",
      crm_name: "HubSpot",
      crm_contact_url: "https://crm.example.com/contacts/42",
      crm_logo: "https://crm.example.com/logo.png",
      metadata: { segment: "b2b" },
    };
    const outputs = toOutputs(contact, synced, "org");
    expect(outputs).toMatchObject({
      externalId: "hs-42",
      crmName: "HubSpot",
      crmContactUrl: "https://crm.example.com/contacts/42",
      crmLogo: "https://crm.example.com/logo.png",
      metadata: { segment: "b2b" },
    });
    expect(toOutputs(contact, answerFor(contact, inputs), "org")).toMatchObject({ metadata: {} });
    expect(diff(contact, outputs, check(contact, inputs).inputs).changes).toBe(false);
  });
});

describe("Contact diff", () => {
  const base = {
    firstName: "Ada",
    lastName: "Lovelace",
    phones: [{ number: "+39012345678", label: "MOBILE" }],
    addresses: [{ city: "London" }],
    tags: ["vip", "beta"],
  };
  const outputs = toOutputs(contact, answerFor(contact, base), "org");

  test("sub-object ids, null address fields and tag order make no difference", () => {
    expect(outputs.phones).toEqual([{ id: "sub-0", number: "+39012345678", label: "MOBILE" }]);
    expect(diff(contact, outputs, check(contact, { ...base, tags: ["beta", "vip"] }).inputs).changes).toBe(false);
  });
  test("a changed tag set is a change; so is a changed phone label", () => {
    expect(diff(contact, outputs, check(contact, { ...base, tags: ["vip"] }).inputs).diffs).toEqual(["tags", "tagIds"]);
    expect(
      diff(contact, outputs, check(contact, { ...base, phones: [{ number: "+39012345678" }] }).inputs).diffs,
    ).toEqual(["phones"]);
  });
  test("tags given by id match the tag objects the server holds", () => {
    const inputs = check(contact, { ...base, tags: ["beta"], tagIds: ["tag-vip"] }).inputs;
    expect(diff(contact, outputs, inputs).changes).toBe(false);
    expect(diff(contact, outputs, { ...inputs, tagIds: ["tag-missing"] }).changes).toBe(true);
  });
  test("nothing replaces a contact: every change updates it in place", () => {
    expect(diff(contact, outputs, check(contact, { firstName: "Grace" }).inputs).replaces).toEqual([]);
  });
  test("an update body carries the complete contact and clears what was removed", () => {
    const body = toApiBody(contact, check(contact, { firstName: "Ada", lastName: "L" }).inputs, "update");
    expect(body).toEqual({
      first_name: "Ada",
      last_name: "L",
      phones: [],
      emails: [],
      addresses: [],
      job_title: null,
      company_name: null,
      website: null,
      tags: [],
      tag_ids: [],
    });
  });
});

describe("properties", () => {
  const phone = fc.record(
    { number: fc.stringMatching(/^\+[1-9]\d{6,13}$/), label: fc.constantFrom("MOBILE", "HOME", "OTHER", "JOB") },
    { requiredKeys: ["number"] },
  );
  const email = fc.record(
    {
      email: fc.constantFrom("a@example.com", "b@example.org", "c.d@example.net"),
      label: fc.constantFrom("PRIMARY", "JOB"),
    },
    { requiredKeys: ["email"] },
  );
  const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
  const contactInputs = fc.record(
    {
      firstName: word,
      lastName: word,
      phones: fc.uniqueArray(phone, { selector: (p) => p.number, maxLength: 3 }),
      emails: fc.uniqueArray(email, { selector: (e) => e.email, maxLength: 3 }),
      addresses: fc.array(fc.record({ city: word, country: word }, { requiredKeys: [] }), { maxLength: 2 }),
      jobTitle: word,
      website: fc.constant("https://example.com"),
      tags: fc.array(word, { maxLength: 4 }),
    },
    { requiredKeys: ["firstName"] },
  );
  const webhookInputs = fc.record(
    {
      event: fc.constant("AGENT_ACTION_COMPLETED"),
      url: fc.webUrl({ validSchemes: ["https"] }),
      status: fc.constantFrom("ACTIVE", "DISABLED"),
      attempts: fc.integer({ min: 1, max: 100 }),
      attemptsIntervalSeconds: fc.integer({ min: 1, max: 172_800 }),
      specifications: fc.record(
        { ACTION_TYPE: fc.constantFrom("APPOINTMENT", "CALL_FORWARDING"), ACTION_ID: word },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ["event", "url"] },
  );

  test.each([
    ["Contact", contact, contactInputs],
    ["WebhookSubscription", webhook, webhookInputs],
  ] as const)(
    "%s: normalise(normalise(x)) = normalise(x), diff(x, x) and diff(server(x), x) show no change",
    (_name, def, inputs) => {
      fc.assert(
        fc.property(inputs, (x: Props) => {
          const once = check(def, x);
          expect(once.failures).toEqual([]);
          expect(check(def, once.inputs).inputs).toEqual(once.inputs);
          expect(diff(def, once.inputs, once.inputs).changes).toBe(false);
          expect(diff(def, toOutputs(def, answerFor(def, x), "org"), once.inputs).changes).toBe(false);
        }),
        { numRuns: 300 },
      );
    },
  );
});

describe("API errors in the resource's terms", () => {
  test("a 400 naming an API field names the property the user wrote, and keeps its class", () => {
    const error = new BadRequestError(400, "POST", "/v2/contacts", { message: "tag_ids.0: no such tag" });
    expect(error.message).toContain("tag_ids.0: no such tag");
    expect((inResourceTerms(contact, error) as Error).message).toContain("tagIds.0: no such tag");
    expect(inResourceTerms(contact, error)).toBeInstanceOf(BadRequestError);
  });
});
