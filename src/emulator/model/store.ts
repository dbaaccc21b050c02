/**
 * Per-organization state of the emulated service. Everything in it is plain JSON (so it can be persisted
 * and seeded), kept in maps indexed by id per organization and per kind. Objects handed out are deep
 * copies: nothing outside the model can change the state except through it.
 */

/** Kinds the control API exposes (`objects`, `insert`, `edit`, `remove`). */
export const KINDS = [
  "webhook-subscriptions",
  "call-task-webhook-subscriptions",
  "contacts",
  "agents",
  "whatsapp-bots",
  "robocall-configurations",
  "calls",
  "agent-call-tasks",
  "campaigns",
  "robocall-tasks",
] as const;
/**
 * Kinds the model also keeps: contact tags, the call tasks of campaigns and the WhatsApp template
 * messages sent (the control API exposes them too, read them to check what a program did).
 */
export const INTERNAL_KINDS = ["tags", "campaign-call-tasks", "whatsapp-messages"] as const;
export const ALL_KINDS: readonly Kind[] = [...KINDS, ...INTERNAL_KINDS];
export type Kind = (typeof KINDS)[number] | (typeof INTERNAL_KINDS)[number];

export function isKind(value: string): value is Kind {
  return (ALL_KINDS as readonly string[]).includes(value);
}

/** A stored object: JSON, with an `id` (a string, except robocall tasks whose ids are integers). */
export type StoredObject = { id: string | number; [key: string]: unknown };

/** The JSON document a store serialises to: what `--state` files and seeds contain. */
export interface StateSnapshot {
  version: 1;
  organizations: Record<string, Partial<Record<Kind, StoredObject[]>>>;
  sequences?: Record<string, number>;
}

/**
 * A record without a prototype. Organization ids (and kinds, and counter names) come from users
 * (`--api-key KEY:__proto__`): as keys of `{}`, `__proto__` would set the prototype instead of a property,
 * and that organization would vanish from the state file.
 */
export function dict<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/** Deep copy of plain JSON. A JSON round trip is faster than structuredClone for small objects. */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

type OrgState = Map<Kind, Map<string, StoredObject>>;

export class Store {
  private orgs = new Map<string, OrgState>();
  private sequences = dict<number>();
  private readonly listeners = new Set<() => void>();

  /** Called after every change (persistence debounces on it). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  private table(org: string, kind: Kind, create: boolean): Map<string, StoredObject> | undefined {
    let state = this.orgs.get(org);
    if (state === undefined) {
      if (!create) return undefined;
      state = new Map();
      this.orgs.set(org, state);
    }
    let table = state.get(kind);
    if (table === undefined) {
      if (!create) return undefined;
      table = new Map();
      state.set(kind, table);
    }
    return table;
  }

  /**
   * The stored object itself, no copy: for the model's rules and for an answer serialized at once (the hot
   * read path). Safe because stored objects are never changed in place (every change stores a new
   * object); callers must not keep or mutate it.
   */
  peek(org: string, kind: Kind, id: string | number): Readonly<StoredObject> | undefined {
    return this.table(org, kind, false)?.get(String(id));
  }

  /** A deep copy of one object, or undefined. */
  get(org: string, kind: Kind, id: string | number): StoredObject | undefined {
    const found = this.peek(org, kind, id);
    return found === undefined ? undefined : clone(found);
  }

  /** The stored objects of a kind in insertion order (model-internal: read only). */
  scan(org: string, kind: Kind): StoredObject[] {
    const table = this.table(org, kind, false);
    return table === undefined ? [] : [...table.values()];
  }

  /** Deep copies of every object of a kind, in insertion order. */
  list(org: string, kind: Kind): StoredObject[] {
    return clone(this.scan(org, kind));
  }

  count(org: string, kind: Kind): number {
    return this.table(org, kind, false)?.size ?? 0;
  }

  /** Stores (creates or replaces) an object; the store keeps its own copy. Returns a copy. */
  put(org: string, kind: Kind, object: StoredObject): StoredObject {
    const copy = clone(object);
    const table = this.table(org, kind, true)!;
    table.set(String(copy.id), copy);
    this.changed();
    return clone(copy);
  }

  /** Stores several objects with one change notification. */
  putAll(org: string, kind: Kind, objects: StoredObject[]): void {
    if (objects.length === 0) return;
    const table = this.table(org, kind, true)!;
    for (const o of objects) table.set(String(o.id), clone(o));
    this.changed();
  }

  delete(org: string, kind: Kind, id: string | number): boolean {
    const removed = this.table(org, kind, false)?.delete(String(id)) ?? false;
    if (removed) this.changed();
    return removed;
  }

  /** Next value of a named counter (robocall task ids, campaign ordinals), persisted with the state. */
  next(name: string, start = 1): number {
    const value = Math.max(this.sequences[name] ?? start - 1, start - 1) + 1;
    this.sequences[name] = value;
    return value;
  }

  /** Raises a counter to at least `value` (after loading objects with numeric ids). */
  bump(name: string, value: number): void {
    if ((this.sequences[name] ?? 0) < value) this.sequences[name] = value;
  }

  organizations(): string[] {
    return [...this.orgs.keys()];
  }

  /** The state as JSON text (what the persistence layer writes): no intermediate copy. */
  serialize(): string {
    return JSON.stringify(this.raw());
  }

  snapshot(): StateSnapshot {
    return clone(this.raw());
  }

  private raw(): StateSnapshot {
    const organizations: StateSnapshot["organizations"] = dict();
    for (const [org, state] of this.orgs) {
      const kinds: Partial<Record<Kind, StoredObject[]>> = dict();
      for (const [kind, table] of state) if (table.size > 0) kinds[kind] = [...table.values()];
      organizations[org] = kinds;
    }
    return { version: 1, organizations, sequences: this.sequences };
  }

  /** Replaces the whole state with a snapshot (a seed or a state file). */
  load(snapshot: StateSnapshot): void {
    this.orgs = new Map();
    this.sequences = Object.assign(dict<number>(), snapshot.sequences);
    for (const [org, kinds] of Object.entries(snapshot.organizations ?? {})) {
      const state: OrgState = new Map();
      for (const [kind, objects] of Object.entries(kinds ?? {})) {
        if (!isKind(kind)) throw new Error(`unknown kind "${kind}" in organization "${org}"`);
        if (!Array.isArray(objects)) throw new Error(`organizations.${org}.${kind} must be an array`);
        const table = new Map<string, StoredObject>();
        objects.forEach((o, i) => {
          if (o === null || typeof o !== "object" || (typeof o.id !== "string" && typeof o.id !== "number")) {
            throw new Error(`organizations.${org}.${kind}.${i} must be an object with an id`);
          }
          table.set(String(o.id), clone(o));
          if (typeof o.id === "number") this.bump(`${kind}`, o.id);
        });
        state.set(kind, table);
      }
      this.orgs.set(org, state);
    }
    this.changed();
  }
}
