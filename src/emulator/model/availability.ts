import { DAYS_OF_WEEK } from "../../models/agent-call-tasks";

/**
 * When an agent call task's first attempt is due (`next_attempt_at`), from its availability configuration
 * (the reference's "Create agent call task"; decisions in docs/RELIABILITY.md, "Emulator"):
 *
 * - no `availability_configuration`, or `skip_for_first_attempt: true`: the first attempt is due now;
 * - otherwise it is due at the first instant, from now on, inside one of the `days[].time_ranges`: now when
 *   now is inside a range, else the start of the next range; none within a week (no ranges): null;
 * - a range is `[from, to)` in local time; one whose `to` is not after its `from` (22:00–06:00) runs
 *   past midnight into the next day;
 * - local time is the contact's time zone (`contact_data.timezone`), else the agent's `default_timezone`,
 *   else UTC; a name that is not an IANA time zone is passed over. Node's Intl holds the time zone data.
 */

export interface AvailabilityDay {
  day_of_week: string;
  time_ranges: ReadonlyArray<{ from: string; to: string }>;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter of wall-clock fields in `zone`, or undefined when `zone` is not a time zone Intl knows. */
function formatter(zone: string): Intl.DateTimeFormat | undefined {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      return undefined;
    }
    formatters.set(zone, f);
  }
  return f;
}

/** The first of `candidates` that is a time zone; UTC when none is. */
export function timeZoneOf(...candidates: unknown[]): string {
  for (const c of candidates) if (typeof c === "string" && c !== "" && formatter(c) !== undefined) return c;
  return "UTC";
}

/** The wall clock of `instant` in `zone`, as if it were UTC (milliseconds). */
function wallClock(instant: number, f: Intl.DateTimeFormat): number {
  const parts: Record<string, number> = Object.create(null);
  for (const p of f.formatToParts(instant)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The instant whose wall clock in `zone` reads `wall` (in a DST gap, the instant one offset later). */
function instantOf(wall: number, f: Intl.DateTimeFormat): number {
  const first = wall - (wallClock(wall, f) - wall);
  const second = wall - (wallClock(first, f) - first);
  return second;
}

function minutesOf(time: string): number {
  const [h = "0", m = "0"] = time.split(":");
  return Number(h) * 60 + Number(m);
}

/** `next_attempt_at` of a new task, as an instant (ms), or null when no range is ever open. */
export function firstAttemptAt(
  now: Date,
  availability: { skip_for_first_attempt?: boolean | null; days: readonly AvailabilityDay[] } | null,
  zone: string,
): number | null {
  const t = now.getTime();
  if (availability === null || availability.skip_for_first_attempt === true) return t;
  const f = formatter(zone) ?? formatter("UTC")!;
  const today = Math.floor(wallClock(t, f) / DAY) * DAY;
  let best: number | null = null;
  // From yesterday (a range running past midnight may still be open) to a week ahead.
  for (let d = -1; d <= 7; d++) {
    const date = today + d * DAY;
    // getUTCDay: 0 is Sunday; DAYS_OF_WEEK starts on Monday.
    const weekday = DAYS_OF_WEEK[(new Date(date).getUTCDay() + 6) % 7];
    for (const day of availability.days) {
      if (day.day_of_week !== weekday) continue;
      for (const range of day.time_ranges) {
        const from = minutesOf(range.from);
        let to = minutesOf(range.to);
        if (to <= from) to += 24 * 60;
        const start = instantOf(date + from * MINUTE, f);
        const end = instantOf(date + to * MINUTE, f);
        if (end <= t) continue;
        const at = Math.max(t, start);
        if (best === null || at < best) best = at;
      }
    }
  }
  return best;
}
