import { DateTime } from 'luxon';

/**
 * The simulated community team's working hours: a time zone, several periods per day, holidays.
 * Brand replies are scheduled in business time, so a complaint on Saturday night is answered on
 * Monday morning, as real teams do. Day intervals are cached: the simulator asks a lot.
 */
export interface WeeklyHours {
  /** ISO weekday (1 = Monday … 7 = Sunday) → periods as "HH:MM" pairs, local time. */
  readonly days: Readonly<Partial<Record<1 | 2 | 3 | 4 | 5 | 6 | 7, readonly (readonly [string, string])[]>>>;
  readonly timeZone: string;
  /** Local dates (YYYY-MM-DD) with no business hours. */
  readonly holidays: readonly string[];
}

type Interval = readonly [number, number];

export class BusinessHours {
  private readonly cache = new Map<string, Interval[]>();
  private readonly holidays: Set<string>;
  private readonly hourCache = new Map<number, number>();
  private readonly dayCache = new Map<number, { intervals: Interval[]; next: number }>();

  constructor(readonly hours: WeeklyHours) {
    this.holidays = new Set(hours.holidays);
    if (!DateTime.local().setZone(hours.timeZone).isValid) throw new Error(`unknown time zone ${hours.timeZone}`);
  }

  /** Open periods of the local day that contains `ms`, as epoch-ms intervals. */
  private day(local: DateTime): Interval[] {
    const key = local.toISODate()!;
    let intervals = this.cache.get(key);
    if (!intervals) {
      intervals = [];
      const periods = this.holidays.has(key) ? [] : (this.hours.days[local.weekday as 1] ?? []);
      for (const [from, to] of periods) {
        const [fh, fm] = from.split(':').map(Number) as [number, number];
        const [th, tm] = to.split(':').map(Number) as [number, number];
        const at = (h: number, m: number) => (h >= 24 ? local.plus({ days: 1 }) : local.set({ hour: h, minute: m, second: 0, millisecond: 0 })).toMillis();
        const start = at(fh, fm);
        const end = at(th, tm);
        if (end > start) intervals.push([start, end]);
      }
      this.cache.set(key, intervals);
    }
    return intervals;
  }

  /** The local day containing `ms`: its open intervals and the start of the next day (cached per quarter hour). */
  private dayOf(ms: number): { intervals: Interval[]; next: number } {
    const quarter = Math.floor(ms / 900_000);
    let entry = this.dayCache.get(quarter);
    if (!entry) {
      const local = DateTime.fromMillis(ms, { zone: this.hours.timeZone }).startOf('day');
      entry = { intervals: this.day(local), next: local.plus({ days: 1 }).toMillis() };
      if (this.dayCache.size > 50_000) this.dayCache.clear();
      this.dayCache.set(quarter, entry);
    }
    return entry;
  }

  isOpen(ms: number): boolean {
    return this.dayOf(ms).intervals.some(([s, e]) => ms >= s && ms < e);
  }

  /** Local hour of day (0–23) in the team's time zone. */
  localHour(ms: number): number {
    // Every zone offset is a multiple of 15 minutes, so the hour is constant within a quarter.
    const quarter = Math.floor(ms / 900_000);
    let hour = this.hourCache.get(quarter);
    if (hour === undefined) {
      hour = DateTime.fromMillis(quarter * 900_000, { zone: this.hours.timeZone }).hour;
      if (this.hourCache.size > 10_000) this.hourCache.clear();
      this.hourCache.set(quarter, hour);
    }
    return hour;
  }

  /** The instant reached after `durationMs` of business time from `ms` (skips nights, weekends, holidays). */
  addBusinessTime(ms: number, durationMs: number): number {
    let remaining = durationMs;
    let cursor = ms;
    for (let guard = 0; guard < 400; guard++) {
      const { intervals, next } = this.dayOf(cursor);
      for (const [s, e] of intervals) {
        if (e <= ms) continue;
        const from = Math.max(s, ms);
        // Strictly before the close, so the result is always an instant when the team is at work.
        if (from + remaining < e) return from + remaining;
        remaining -= e - from;
      }
      cursor = next;
    }
    throw new Error('no business hours within 400 days: check the schedule');
  }

  /** `ms` if open, else the next opening. */
  nextOpen(ms: number): number {
    return this.addBusinessTime(ms, 0);
  }
}
