import { z } from "zod";
import { id, timestamp } from "./common";

/** An AI agent, as listed by `GET /v1/ai-agents/agents/search`. Configured in the dashboard, read-only here. */
export const agent = z.looseObject({
  id,
  name: z.string(),
  license: z.unknown().optional(),
  first_message: z.string().nullish(),
  prompt: z.string().nullish(),
  max_prompt_size: z.number().nullish(),
  language: z.string().nullish(),
  default_timezone: z.string().nullish(),
  type: z.string().nullish(),
  status: z.string().nullish(),
  voice_id: z.string().nullish(),
  background_id: z.string().nullish(),
  outbound_cli: z.string().nullish(),
  created_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
});
export type Agent = z.infer<typeof agent>;
