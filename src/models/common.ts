import { z } from "zod";

/**
 * Building blocks shared by every API section. Responses are parsed leniently (`z.looseObject`): the
 * vendor adds fields over time and we must not break on them. Requests are strict about what we send.
 */

/** E.164: a plus sign, a non-zero country digit, at most 15 digits in all. */
export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;
export const e164 = z
  .string()
  .regex(E164_PATTERN, { message: "must be a phone number in E.164 format, e.g. +39012345678" });

/** A string whose documented values get autocompletion, while any other string is still accepted. */
export type OpenEnum<T extends string> = T | (string & {});

/**
 * For value lists that are open-ended in practice (statuses, speakers, steps): typed with the documented
 * values, validated as any string, so a value the vendor adds later does not fail a response or an event.
 */
export function openEnum<const T extends readonly [string, ...string[]]>(
  _documented: T,
): z.ZodType<OpenEnum<T[number]>> {
  return z.string();
}

/**
 * A broken rule that spans fields (webhook-subscriptions.ts), at the API's path of the field it is about.
 * The client's request validation, the emulator's 400s and the provider's check share these rules.
 */
export interface RuleIssue {
  path: string;
  message: string;
}

/** Ids are opaque strings: some documented UUIDs are not valid hex (docs/API-NOTES.md, "Identifiers"). */
export const id = z.string().min(1);

/** Timestamps are ISO 8601 strings as the API sends them; we never reformat them. */
export const timestamp = z.string();

/** HH:mm in 24h. The API accepts `9:00` on input and answers `09:00`. */
export const TIME_PATTERN = /^([01]?\d|2[0-3]):[0-5]\d$/;
export const time = z.string().regex(TIME_PATTERN, { message: "must be a time HH:mm (24h), e.g. 09:00" });

/** Query params `page` and `size` of every v1 list endpoint. */
export interface PageRequest {
  page?: number;
  size?: number;
}

/** The Spring-style envelope of every v1 list or search endpoint. */
export const pageableSchema = z.looseObject({
  page_number: z.number().int(),
  page_size: z.number().int(),
  sort: z.unknown().optional(),
  offset: z.number().int().optional(),
  paged: z.boolean().optional(),
  unpaged: z.boolean().optional(),
});

export function springPage<T extends z.ZodType>(item: T) {
  return z.looseObject({
    content: z.array(item),
    pageable: pageableSchema.optional(),
    last: z.boolean(),
    first: z.boolean().optional(),
    total_pages: z.number().int(),
    total_elements: z.number().int(),
    size: z.number().int(),
    number: z.number().int(),
    number_of_elements: z.number().int().optional(),
    empty: z.boolean().optional(),
    sort: z.unknown().optional(),
  });
}
export type SpringPage<T> = {
  content: T[];
  last: boolean;
  first?: boolean;
  total_pages: number;
  total_elements: number;
  size: number;
  number: number;
  number_of_elements?: number;
  empty?: boolean;
  pageable?: z.infer<typeof pageableSchema>;
};

/** The v2 envelope (contacts search): `page` and `size` travel in the JSON body. */
export function v2Page<T extends z.ZodType>(item: T) {
  return z.looseObject({
    content: z.array(item),
    page: z.number().int(),
    size: z.number().int(),
    total_elements: z.number().int(),
    total_pages: z.number().int(),
  });
}
export type V2Page<T> = { content: T[]; page: number; size: number; total_elements: number; total_pages: number };
