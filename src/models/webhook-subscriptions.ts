import { z } from "zod";
import { type RuleIssue, timestamp } from "./common";
import { oneOf } from "./one-of";

export const WEBHOOK_EVENTS = ["AGENT_CALL_COMPLETED", "AGENT_ACTION_COMPLETED"] as const;
export const WEBHOOK_STATUSES = ["ACTIVE", "DISABLED"] as const;
export const WEBHOOK_ENTITY_TYPES = ["AGENT"] as const;
export const SPECIFICATION_KEYS = ["ACTION_ID", "ACTION_TYPE"] as const;
export const ACTION_TYPES = ["APPOINTMENT", "CALL_FORWARDING", "DATA_EXTRACTION", "WHATS_APP_MESSAGE"] as const;

/** Documented server defaults, filled in when a create omits them. */
export const WEBHOOK_DEFAULTS = { status: "ACTIVE", attempts: 3, attempts_interval_seconds: 10 } as const;
/**
 * Bounds of `attempts` and `attempts_interval_seconds`. The reference gives neither a minimum nor a maximum
 * ("attempts number: amount of attempts before giving up", "attempts_interval_seconds number: interval
 * between attempts in seconds", defaults 3 and 10; docs/API-NOTES.md, "Webhook subscriptions"). So only the bounds that follow from those words are enforced: whole numbers, at least one
 * attempt (zero would never deliver), and an interval of at least one second (zero or less is no
 * interval). An upper bound would be invented, and refusing before sending a value the API may accept
 * (20 attempts, a day between them) is worse than letting the API answer: it blocks a valid configuration
 * with no way around it.
 */
export const ATTEMPTS_MIN = 1;
export const INTERVAL_MIN_SECONDS = 1;
export const ATTEMPTS_MESSAGE = `must be a whole number, at least ${ATTEMPTS_MIN}`;
export const INTERVAL_MESSAGE = `must be a whole number of seconds, at least ${INTERVAL_MIN_SECONDS}`;

export const webhookEvent = oneOf(WEBHOOK_EVENTS);
export const webhookStatus = oneOf(WEBHOOK_STATUSES);

/**
 * The longest webhook URL accepted: 2,048 characters, the conventional limit of browsers, proxies and CDNs,
 * and twenty times what a real endpoint with a 256-bit token needs. The reference sets none; an unbounded
 * string would be stored in the state and sent on every update.
 */
export const WEBHOOK_URL_MAX_CHARS = 2048;
const URL_EXAMPLE = "e.g. https://example.com/hooks/romulus";

/**
 * A webhook URL, shared by both kinds of subscription (client, emulator and resources alike): absolute
 * http(s), nothing around it, no control characters (URL parsers silently drop tabs and newlines, so the
 * URL stored would not be the URL written), and no user name or password: a credential there is shown in
 * clear by the dashboard, the API's answers and Pulumi's outputs, and the API does not say it sends it.
 * A receiver authenticates deliveries with a secret token in the path or query instead (README,
 * "Authenticating webhooks").
 */
export const webhookUrl = z
  .string()
  .superRefine((value, ctx) => {
    const problem =
      value.length > WEBHOOK_URL_MAX_CHARS
        ? `must be at most ${WEBHOOK_URL_MAX_CHARS} characters (got ${value.length})`
        : value.trim() !== value
          ? "must not start or end with whitespace"
          : // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
            /[\u0000-\u001f\u007f-\u009f]/.test(value)
            ? "must not contain control characters (tabs, newlines, ...)"
            : undefined;
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, abort: true });
  })
  .pipe(z.url({ protocol: /^https?$/, message: `must be an absolute http(s) URL, ${URL_EXAMPLE}` }))
  .refine((value) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value), {
    message:
      "must not contain a user name or password (they would show in clear wherever the URL is shown); " +
      "put a secret token in the path or query instead",
  });

export const specifications = z.strictObject(
  { ACTION_ID: z.string().min(1, "must not be empty").optional(), ACTION_TYPE: oneOf(ACTION_TYPES).optional() },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? "may only have the keys ACTION_ID and ACTION_TYPE" : undefined,
  },
);

/** `attempts`: deliveries before giving up. Bounds: see `ATTEMPTS_MIN`. */
export const webhookAttempts = z.number().int(ATTEMPTS_MESSAGE).min(ATTEMPTS_MIN, ATTEMPTS_MESSAGE);
/** `attempts_interval_seconds`: seconds between deliveries. Bounds: see `ATTEMPTS_MIN`. */
export const webhookAttemptsInterval = z.number().int(INTERVAL_MESSAGE).min(INTERVAL_MIN_SECONDS, INTERVAL_MESSAGE);

const common = {
  url: webhookUrl,
  entity_type: oneOf(WEBHOOK_ENTITY_TYPES).nullish(),
  entity_id: z.string().min(1, "must not be empty").nullish(),
  attempts: webhookAttempts.optional(),
  attempts_interval_seconds: webhookAttemptsInterval.optional(),
  specifications: specifications.optional(),
};

/** Whether `specifications` may be set for an event: only AGENT_ACTION_COMPLETED supports them. */
export function specificationsAllowed(event: string): boolean {
  return event === "AGENT_ACTION_COMPLETED";
}

/**
 * The rules that span fields, in one place for the client's request validation, the emulator's 400s and
 * the provider's check: entity_id and entity_type go together; only AGENT_ACTION_COMPLETED takes
 * specifications. `event` is absent from an update body: the emulator passes the stored one.
 */
export function webhookSubscriptionRules(body: {
  event?: string | null;
  entity_type?: string | null;
  entity_id?: string | null;
  specifications?: Record<string, unknown> | null;
}): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (body.entity_type && !body.entity_id) {
    issues.push({ path: "entity_id", message: "is required when entity_type is set" });
  }
  if (body.entity_id && !body.entity_type) {
    issues.push({ path: "entity_type", message: "is required when entity_id is set (the only entity type is AGENT)" });
  }
  const specs = body.specifications ? Object.keys(body.specifications) : [];
  if (body.event && specs.length > 0 && !specificationsAllowed(body.event)) {
    issues.push({ path: "specifications", message: `are only supported by AGENT_ACTION_COMPLETED, not ${body.event}` });
  }
  return issues;
}

function addRuleIssues(body: Parameters<typeof webhookSubscriptionRules>[0], ctx: z.RefinementCtx): void {
  for (const issue of webhookSubscriptionRules(body)) {
    ctx.addIssue({ code: "custom", path: [issue.path], message: issue.message });
  }
}

export const createWebhookSubscriptionRequest = z.object({ event: webhookEvent, ...common }).superRefine(addRuleIssues);
export type CreateWebhookSubscriptionRequest = z.input<typeof createWebhookSubscriptionRequest>;

/** PUT: `status` is required and `event` cannot change (changing it means a new subscription). */
export const updateWebhookSubscriptionRequest = z
  .object({ status: webhookStatus, ...common })
  .superRefine(addRuleIssues);
export type UpdateWebhookSubscriptionRequest = z.input<typeof updateWebhookSubscriptionRequest>;

export const webhookSubscription = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  event: z.string(),
  entity_id: z.string().nullish(),
  entity_type: z.string().nullish(),
  url: z.string(),
  attempts: z.number().int(),
  attempts_interval_seconds: z.number().int(),
  specifications: z.record(z.string(), z.string()).nullish(),
  created_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
});
export type WebhookSubscription = z.infer<typeof webhookSubscription>;
