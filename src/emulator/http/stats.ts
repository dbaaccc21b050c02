/** One entry of the request log. Never holds the API key or any header. */
export interface RequestLogEntry {
  method: string;
  /** The path, without the query string (query strings may carry filters with personal data). */
  path: string;
  /** The matched route pattern (`/v2/contacts/:contactId`), or null for an unknown path. */
  route: string | null;
  /** 0 when the connection was dropped or the response lost on purpose (fault injection). */
  status: number;
  organization: string | null;
  durationMs: number;
  /** When the request ended, ISO 8601. */
  at: string;
  /** The injected fault, if any: `429`, `500`, `503`, `drop`, `lose-response`. */
  fault?: string;
}

/** Counters are a flat map: `"METHOD /route/:pattern": n` per route, `total`, and `faults.<kind>` per injected fault. */
export type Counters = Record<string, number>;

/** The request log keeps this many entries (oldest dropped first). */
export const REQUEST_LOG_LIMIT = 10_000;

export class Stats {
  private counters = new Map<string, number>();
  private total = 0;
  private log: Array<Omit<RequestLogEntry, "at"> & { at: number }> = [];

  /** `at` is epoch milliseconds here (formatted when read: the hot path stays cheap). */
  record(entry: Omit<RequestLogEntry, "at"> & { at: number }): void {
    const key = `${entry.method} ${entry.route ?? "(unknown)"}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
    this.total += 1;
    if (entry.fault !== undefined) {
      const fk = `faults.${entry.fault}`;
      this.counters.set(fk, (this.counters.get(fk) ?? 0) + 1);
    }
    this.log.push(entry);
    if (this.log.length > REQUEST_LOG_LIMIT * 1.5) this.log = this.log.slice(-REQUEST_LOG_LIMIT);
  }

  counts(): Counters {
    const out: Counters = { total: this.total };
    for (const [k, v] of this.counters) out[k] = v;
    return out;
  }

  resetCounters(): void {
    this.counters = new Map();
    this.total = 0;
  }

  requests(): RequestLogEntry[] {
    return this.log.slice(-REQUEST_LOG_LIMIT).map((e) => ({ ...e, at: new Date(e.at).toISOString() }));
  }

  clear(): void {
    this.resetCounters();
    this.log = [];
  }
}
