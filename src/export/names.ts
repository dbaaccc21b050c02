/**
 * Readable, unique, stable names: contact book keys (the Pulumi resource names of the contacts) and the
 * resource names of the exported subscriptions. The contact book format (docs in README, "Adopting an
 * existing organization") fixes the key rules: 1..100 characters of `a-z 0-9 - _ .`, starting with a
 * letter or digit.
 */

export const KEY_MAX_LENGTH = 100;
/** Room left for a `-NNNNN` suffix when a truncated base repeats. */
const BASE_MAX_LENGTH = KEY_MAX_LENGTH - 7;

/** Lower case, accents stripped, every run of other characters one `-`: `Ada Lovelace` -> `ada-lovelace`. */
export function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, BASE_MAX_LENGTH)
    .replace(/-+$/, "");
}

/**
 * Hands out names in the order asked: the first `ada-lovelace` keeps the base, the next ones get `-2`,
 * `-3`... A name already handed out (a contact really called "Ada Lovelace 2") is never given twice. The
 * set holds one short string per name, which is what uniqueness costs.
 */
export class UniqueNames {
  private readonly used = new Set<string>();
  private readonly next = new Map<string, number>();

  take(base: string): string {
    let name = base;
    if (this.used.has(name)) {
      let n = this.next.get(base) ?? 2;
      while (this.used.has(`${base}-${n}`)) n++;
      this.next.set(base, n + 1);
      name = `${base}-${n}`;
    }
    this.used.add(name);
    return name;
  }
}

/** The key of a contact: its name as a slug, or `contact-<id>` when the name has nothing usable. */
export function contactKeyBase(firstName: string | null | undefined, lastName: string | null | undefined, id: string) {
  return slug([firstName, lastName].filter(Boolean).join(" ")) || `contact-${slug(id) || "unnamed"}`;
}
