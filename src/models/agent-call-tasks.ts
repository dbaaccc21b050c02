import { z } from "zod";
import { e164, id, time, timestamp } from "./common";

export const DAYS_OF_WEEK = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"] as const;
export const dayOfWeek = z.enum(DAYS_OF_WEEK);

/**
 * Contact data handed to an agent for a call (agent call tasks and outbound calls share it). The webhook
 * events report it back in `metadata.contact_data`, with the phone number added (src/webhooks extends
 * this schema).
 */
export const contactData = z.looseObject({
  name: z.string().nullish(),
  email: z.string().nullish(),
  timezone: z.string().nullish(),
  custom_1: z.string().nullish(),
  custom_2: z.string().nullish(),
  custom_3: z.string().nullish(),
});
export type ContactData = z.infer<typeof contactData>;

// Request and response use different shapes (docs/API-NOTES.md, "Agent call tasks"):
// delay_sec -> attempt_delay, timeranges -> time_ranges, metadata[] -> metadata.external_metadata[].

export const retryAttemptRequest = z.object({
  attempt: z.number().int().min(1, "must be between 1 and 10").max(10, "must be between 1 and 10"),
  delay_sec: z
    .number()
    .int()
    .min(60, "must be between 60 and 172800 seconds")
    .max(172800, "must be between 60 and 172800 seconds"),
});
export const timeRange = z.object({ from: time, to: time });
export const agentCallTaskRequest = z.object({
  contact_phone_number: e164,
  retry_configuration: z.object({ attempts: z.array(retryAttemptRequest) }).optional(),
  availability_configuration: z
    .object({
      skip_for_first_attempt: z.boolean().optional(),
      days: z.array(z.object({ day_of_week: dayOfWeek, timeranges: z.array(timeRange) })),
    })
    .optional(),
  contact_data: contactData.optional(),
  metadata: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
});
export type AgentCallTaskRequest = z.input<typeof agentCallTaskRequest>;

export const agentCallTask = z.looseObject({
  id,
  agent_id: id,
  contact_phone_number: z.string(),
  contact_data: contactData.nullish(),
  attempts: z.number().int(),
  retry_configuration: z
    .looseObject({
      strategy: z.string().optional(),
      attempts: z.array(z.looseObject({ attempt: z.number().int(), attempt_delay: z.number().int() })),
    })
    .nullish(),
  availability_configuration: z
    .looseObject({
      skip_for_first_attempt: z.boolean().nullish(),
      days: z.array(
        z.looseObject({
          day_of_week: z.string(),
          time_ranges: z.array(z.looseObject({ from: z.string(), to: z.string() })),
        }),
      ),
    })
    .nullish(),
  metadata: z
    .looseObject({ external_metadata: z.array(z.looseObject({ key: z.string(), value: z.string() })).optional() })
    .nullish(),
  status: z.string(),
  next_attempt_at: timestamp.nullish(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type AgentCallTask = z.infer<typeof agentCallTask>;

export const terminateByPhoneRequest = z.object({ contact_phone_number: e164 });
export type TerminateByPhoneRequest = z.input<typeof terminateByPhoneRequest>;
