import { type Contact, contactRequest, contactSearchRequest } from "../../models/contacts";
import { containsCI, iso, type ModelContext, parseInstant, uuid, v2Page } from "./common";
import { badRequest, type FieldError, notFound, parseWith } from "./errors";
import type { StoredObject } from "./store";

const KIND = "contacts";

export interface Tag {
  id: string;
  name: string;
  color: string | null;
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

/** Colours given to tags created implicitly by name (the dashboard lets users pick; the API cannot). */
const TAG_COLORS = ["#FF5733", "#33A1FF", "#2ECC71", "#F1C40F", "#9B59B6", "#E67E22", "#1ABC9C", "#E74C3C"];

type ContactInput = ReturnType<typeof contactRequest.parse>;
type Entry = { id: string; [key: string]: unknown };

function missing(id: string) {
  return notFound(`Contact ${id} not found`);
}

/**
 * Keeps the id of an entry whose content did not change (first unused match), gives new ones otherwise.
 * Previous entries are keyed by content once, so a PUT costs the same per entry however many there are.
 */
function withIds<T extends object>(entries: T[], previous: Entry[]): (T & { id: string })[] {
  const unused = new Map<string, string[]>();
  for (const p of previous) {
    const { id, ...rest } = p;
    const key = JSON.stringify(rest);
    const ids = unused.get(key);
    if (ids === undefined) unused.set(key, [id]);
    else ids.push(id);
  }
  return entries.map((entry) => {
    const ids = unused.get(JSON.stringify(entry));
    const kept = ids?.shift();
    return { id: kept ?? uuid(), ...entry };
  });
}

/**
 * The most phones, emails, addresses, tags and tag ids one contact may have. The reference states no
 * limit; the emulator sets one (docs/RELIABILITY.md) so that one request cannot hold the event loop that
 * serves every organization. Checked before the body is parsed.
 */
export const CONTACT_LIST_LIMIT = 100;
const LIMITED = ["phones", "emails", "addresses", "tags", "tag_ids"] as const;

function checkListLimits(body: unknown): void {
  if (body === null || typeof body !== "object") return;
  const errors: FieldError[] = [];
  for (const field of LIMITED) {
    const list = (body as Record<string, unknown>)[field];
    if (Array.isArray(list) && list.length > CONTACT_LIST_LIMIT) {
      errors.push({ field, message: `must have at most ${CONTACT_LIST_LIMIT} entries, got ${list.length}` });
    }
  }
  if (errors.length > 0) throw badRequest(errors);
}

/** Resolves `tags` (names: reuse the org's tag of that name or create it) and `tag_ids` (must exist). */
function resolveTags(ctx: ModelContext, org: string, req: ContactInput): Tag[] {
  const result = new Map<string, Tag>();
  const errors: FieldError[] = [];
  (req.tag_ids ?? []).forEach((id, i) => {
    const tag = ctx.store.peek(org, "tags", id) as Tag | undefined;
    if (tag) result.set(tag.id, { ...tag });
    else errors.push({ field: `tag_ids.${i}`, message: `tag ${id} does not exist` });
  });
  if (errors.length > 0) throw badRequest(errors);
  const byName = new Map<string, Tag>();
  for (const t of ctx.store.scan(org, "tags") as Tag[]) byName.set(t.name, t);
  for (const name of req.tags ?? []) {
    let tag = byName.get(name);
    if (!tag) {
      const now = iso(ctx.now());
      const color = TAG_COLORS[ctx.store.count(org, "tags") % TAG_COLORS.length] ?? null;
      tag = { id: uuid(), name, color, created_at: now, updated_at: now };
      ctx.store.put(org, "tags", tag);
      byName.set(name, tag);
    }
    result.set(tag.id, { ...tag });
  }
  return [...result.values()];
}

function build(ctx: ModelContext, org: string, req: ContactInput, previous: Contact | undefined): Contact {
  const tags = resolveTags(ctx, org, req);
  const now = iso(ctx.now());
  const phones = withIds(
    (req.phones ?? []).map((p) => ({ number: p.number, label: p.label ?? "OTHER" })),
    (previous?.phones ?? []) as Entry[],
  );
  const emails = withIds(
    (req.emails ?? []).map((e) => ({ email: e.email, label: e.label ?? "OTHER" })),
    (previous?.emails ?? []) as Entry[],
  );
  const addresses = withIds(
    (req.addresses ?? []).map((a) => ({
      address_line: a.address_line ?? null,
      street: a.street ?? null,
      postal_code: a.postal_code ?? null,
      city: a.city ?? null,
      province: a.province ?? null,
      country: a.country ?? null,
    })),
    (previous?.addresses ?? []) as Entry[],
  );
  return {
    id: previous?.id ?? uuid(),
    external_id: previous?.external_id ?? null,
    first_name: req.first_name,
    last_name: req.last_name ?? null,
    emails,
    phones,
    addresses,
    job_title: req.job_title ?? null,
    company_name: req.company_name ?? null,
    website: req.website ?? null,
    crm_name: previous?.crm_name ?? null,
    crm_contact_url: previous?.crm_contact_url ?? null,
    crm_logo: previous?.crm_logo ?? null,
    source: previous?.source ?? "API",
    tags,
    metadata: previous?.metadata ?? {},
    created_at: previous?.created_at ?? now,
    updated_at: now,
  };
}

export function createContact(ctx: ModelContext, org: string, body: unknown): Contact {
  checkListLimits(body);
  const req = parseWith(contactRequest, body);
  return ctx.store.put(org, KIND, build(ctx, org, req, undefined) as StoredObject) as Contact;
}

export function getContact(ctx: ModelContext, org: string, id: string): Contact {
  // The hot read path: answered straight from the store (serialized at once, never mutated in place).
  const found = ctx.store.peek(org, KIND, id);
  if (!found) throw missing(id);
  return found as Contact;
}

/**
 * PUT replaces the whole contact: every omitted field is cleared. Phones, emails and addresses that are
 * unchanged keep their ids; changed or new ones get new ids. Server-managed fields (source, external_id,
 * crm_*, metadata, created_at) are kept.
 */
export function updateContact(ctx: ModelContext, org: string, id: string, body: unknown): Contact {
  const previous = ctx.store.peek(org, KIND, id) as Contact | undefined;
  if (!previous) throw missing(id);
  checkListLimits(body);
  const req = parseWith(contactRequest, body);
  return ctx.store.put(org, KIND, build(ctx, org, req, previous) as StoredObject) as Contact;
}

export function deleteContact(ctx: ModelContext, org: string, id: string): void {
  if (!ctx.store.delete(org, KIND, id)) throw missing(id);
}

const digits = (s: string) => s.replace(/\D/g, "");

type Predicate = (c: Contact) => boolean;

/** Partial, case-insensitive match on a scalar; empty filters are ignored. */
function partial(preds: Predicate[], value: string | undefined, get: (c: Contact) => unknown): void {
  if (value) preds.push((c) => containsCI(get(c), value));
}

function addressMatch(preds: Predicate[], value: string | undefined, key: string): void {
  if (value) preds.push((c) => c.addresses.some((a) => containsCI((a as Record<string, unknown>)[key], value)));
}

function range(
  preds: Predicate[],
  r: { from?: string; to?: string } | undefined,
  field: string,
  key: "created_at" | "updated_at",
): void {
  if (!r) return;
  const from = r.from ? parseInstant(r.from, `${field}.from`) : undefined;
  const to = r.to ? parseInstant(r.to, `${field}.to`) : undefined;
  preds.push((c) => {
    const t = Date.parse(c[key]);
    return (from === undefined || t >= from) && (to === undefined || t <= to);
  });
}

/**
 * `POST /v2/contacts/search`: filters AND-ed; names, email, company, address parts partial and
 * case-insensitive; `phone` matches the digits from the right; `tags` / `tags_ids` need one match;
 * results ordered by created_at then id. `indexedBefore` (an `index-lag` fault) leaves out the contacts
 * created at or after it, as a search index that has not caught up with them yet would.
 */
export function searchContacts(ctx: ModelContext, org: string, body: unknown, indexedBefore?: number) {
  const req = parseWith(contactSearchRequest, body);
  const preds: Predicate[] = [];
  if (indexedBefore !== undefined) preds.push((c) => Date.parse(c.created_at) < indexedBefore);
  if (req.id) preds.push((c) => c.id === req.id);
  if (req.ids) {
    const ids = new Set(req.ids);
    preds.push((c) => ids.has(c.id));
  }
  partial(preds, req.first_name, (c) => c.first_name);
  partial(preds, req.last_name, (c) => c.last_name);
  partial(preds, req.job_title, (c) => c.job_title);
  partial(preds, req.company_name, (c) => c.company_name);
  partial(preds, req.website, (c) => c.website);
  if (req.email) preds.push((c) => c.emails.some((e) => containsCI(e.email, req.email!)));
  if (req.phone) {
    const wanted = digits(req.phone);
    preds.push((c) => wanted.length > 0 && c.phones.some((p) => digits(p.number).endsWith(wanted)));
  }
  if (req.crm_name)
    preds.push((c) => typeof c.crm_name === "string" && c.crm_name.toLowerCase() === req.crm_name!.toLowerCase());
  if (req.source) preds.push((c) => c.source === req.source);
  if (req.tags && req.tags.length > 0) {
    const names = new Set(req.tags.map((t) => t.toLowerCase()));
    preds.push((c) => c.tags.some((t) => names.has(t.name.toLowerCase())));
  }
  if (req.tags_ids && req.tags_ids.length > 0) {
    const ids = new Set(req.tags_ids);
    preds.push((c) => c.tags.some((t) => ids.has(t.id)));
  }
  addressMatch(preds, req.street, "street");
  addressMatch(preds, req.postal_code, "postal_code");
  addressMatch(preds, req.city, "city");
  addressMatch(preds, req.province, "province");
  addressMatch(preds, req.country, "country");
  range(preds, req.created_at_range, "created_at_range", "created_at");
  range(preds, req.updated_at_range, "updated_at_range", "updated_at");

  const matches = (ctx.store.scan(org, KIND) as unknown as Contact[]).filter((c) => preds.every((p) => p(c)));
  matches.sort(
    (a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const page = v2Page(matches, req.page, req.size);
  return { ...page, content: page.content.map((c) => ctx.store.get(org, KIND, c.id) as Contact) };
}
