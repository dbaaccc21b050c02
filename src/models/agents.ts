import { z } from "zod";
import { id, openEnum, timestamp } from "./common";

/**
 * The reference shows one example of each (`OUTBOUND`, `CONFIGURED`) and lists neither: these are the
 * values an agent is known to take (docs/API-NOTES.md, "Agents"). The API may add
 * others, so responses accept any string.
 */
export const AGENT_TYPES = ["INBOUND", "OUTBOUND"] as const;
export const AGENT_STATUSES = ["CONFIGURED", "DRAFT"] as const;

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
  type: openEnum(AGENT_TYPES).nullish(),
  status: openEnum(AGENT_STATUSES).nullish(),
  voice_id: z.string().nullish(),
  background_id: z.string().nullish(),
  outbound_cli: z.string().nullish(),
  created_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
});
export type Agent = z.infer<typeof agent>;
