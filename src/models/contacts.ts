import { z } from "zod";
import { e164, id, timestamp } from "./common";
import { oneOf } from "./one-of";

export const PHONE_LABELS = ["EXTENSION", "PRIMARY", "SECONDARY", "MOBILE", "HOME", "JOB", "OTHER"] as const;
export const EMAIL_LABELS = ["PRIMARY", "SECONDARY", "JOB", "HOME", "OTHER"] as const;
export const CONTACT_SOURCES = ["API", "INTEGRATION", "IMPORT", "USER", "CHAT", "INTERNAL"] as const;
export const phoneLabel = oneOf(PHONE_LABELS);
export const emailLabel = oneOf(EMAIL_LABELS);

const optionalText = z.string().nullish();

export const phoneRequest = z.object({ number: e164, label: phoneLabel.optional() });
export const emailRequest = z.object({
  email: z.email({ message: "must be a valid email address, e.g. jane@example.com" }),
  label: emailLabel.optional(),
});
export const addressRequest = z.object({
  address_line: optionalText,
  street: optionalText,
  postal_code: optionalText,
  city: optionalText,
  province: optionalText,
  country: optionalText,
});

/** Body of `POST /v2/contacts` and `PUT /v2/contacts/{id}`. PUT replaces the whole contact. */
export const contactRequest = z.object({
  first_name: z.string().trim().min(1, "must not be empty"),
  last_name: optionalText,
  phones: z.array(phoneRequest).optional(),
  emails: z.array(emailRequest).optional(),
  addresses: z.array(addressRequest).optional(),
  job_title: optionalText,
  company_name: optionalText,
  website: optionalText,
  tags: z.array(z.string().trim().min(1, "tag names must not be empty")).optional(),
  tag_ids: z.array(z.string().min(1, "tag ids must not be empty")).optional(),
});
export type ContactRequest = z.input<typeof contactRequest>;

export const contactPhone = z.looseObject({ id, number: z.string(), label: z.string() });
export const contactEmail = z.looseObject({ id, email: z.string(), label: z.string() });
export const contactAddress = z.looseObject({ id, ...addressRequest.shape });
export const contactTag = z.looseObject({
  id,
  name: z.string(),
  color: optionalText,
  created_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
});

/** A contact as the API answers it. Search results omit some scalars, hence `nullish` throughout. */
export const contact = z.looseObject({
  id,
  external_id: optionalText,
  first_name: z.string(),
  last_name: optionalText,
  emails: z.array(contactEmail),
  phones: z.array(contactPhone),
  addresses: z.array(contactAddress),
  job_title: optionalText,
  company_name: optionalText,
  website: optionalText,
  crm_name: optionalText,
  crm_contact_url: optionalText,
  crm_logo: optionalText,
  source: z.string().nullish(),
  tags: z.array(contactTag),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type Contact = z.infer<typeof contact>;

const dateRange = z.object({ from: z.string().optional(), to: z.string().optional() });

/** Filters of `POST /v2/contacts/search`, AND-ed. Paging travels in the body, not the query. */
export const contactSearchFilters = z.object({
  id: z.string().optional(),
  ids: z.array(z.string()).optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  job_title: z.string().optional(),
  company_name: z.string().optional(),
  website: z.string().optional(),
  crm_name: z.string().optional(),
  source: z.enum(CONTACT_SOURCES).optional(),
  tags: z.array(z.string()).optional(),
  tags_ids: z.array(z.string()).optional(),
  street: z.string().optional(),
  postal_code: z.string().optional(),
  city: z.string().optional(),
  province: z.string().optional(),
  country: z.string().optional(),
  created_at_range: dateRange.optional(),
  updated_at_range: dateRange.optional(),
});
export type ContactSearchFilters = z.input<typeof contactSearchFilters>;

export const CONTACT_SEARCH_MAX_SIZE = 200;
export const contactSearchRequest = contactSearchFilters.extend({
  page: z.number().int().min(0, "must be 0 or more"),
  size: z
    .number()
    .int()
    .min(1, `must be between 1 and ${CONTACT_SEARCH_MAX_SIZE}`)
    .max(CONTACT_SEARCH_MAX_SIZE, `must be between 1 and ${CONTACT_SEARCH_MAX_SIZE}`),
});
export type ContactSearchRequest = z.input<typeof contactSearchRequest>;
