import { z } from "zod";
import { e164, id, timestamp } from "./common";

/** Robocall enums are lower-case, unlike the rest of the API (`dynamic_delay`, `call_answered`, `sunday`). */
const retryConfig = z.looseObject({
  strategy: z.string().nullish(),
  max_attempts: z.number().int().nullish(),
  attempts: z.array(z.looseObject({ attempt: z.number().int(), delay_sec: z.number().int() })),
});
const dndConfig = z.looseObject({
  skip_for_first_attempt: z.boolean().nullish(),
  ranges: z.array(z.looseObject({ from: z.string(), to: z.string() })).nullish(),
  days: z.array(z.string()).nullish(),
});

/** `GET /v1/call-tasks/robocalls/configurations`: configured in the dashboard, read-only here. */
export const robocallConfiguration = z.looseObject({
  id,
  name: z.string(),
  success_criteria: z.string().nullish(),
  retry_config: retryConfig.nullish(),
  dnd_config: dndConfig.nullish(),
  created_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
});
export type RobocallConfiguration = z.infer<typeof robocallConfiguration>;

export const startRobocallRequest = z.object({ robocall_configuration_id: z.string().min(1), phone_number: e164 });
export type StartRobocallRequest = z.input<typeof startRobocallRequest>;

/** A robocall *call task*: its id is an integer, unlike every other id in the API. */
export const robocallTask = z.looseObject({
  id: z.number().int(),
  phone_number: z.string(),
  attempts: z.number().int(),
  success_criteria: z.string().nullish(),
  retry_config: retryConfig.nullish(),
  dnd_config: dndConfig.nullish(),
  status: z.string(),
  next_attempt_at: timestamp.nullish(),
  created_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
});
export type RobocallTask = z.infer<typeof robocallTask>;
