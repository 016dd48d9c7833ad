import { DateTime } from 'luxon';

/**
 * Business-hours arithmetic for one calendar (a brand's or an account's): an IANA time zone, any
 * number of opening periods per weekday, and holidays. Durations count only the instants that fall
 * inside an opening period, so a thread that waits over a night, a weekend or a holiday is charged
 * only for open time.
 *
 * Why luxon: wall-clock opening times must be turned into instants in the brand's zone exactly,
 * including the days when the zone shifts its offset (a 01:00–04:00 period lasts 2 h on the
 * spring-forward day). luxon resolves local times through the platform's Intl time-zone database,
 * is well kept and small, and needs no bundled zone data; hand-rolled offset arithmetic is where
 * DST bugs live.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface CalendarSpec {
  /** IANA zone, e.g. Europe/Rome. */
  time_zone: string;
  /** Opening periods per weekday as "HH:MM-HH:MM" (end may be 24:00); missing day = closed. */
  week: Partial<Record<Weekday, string[]>>;
  /**
   * Closed days: "YYYY-MM-DD" (that date), "MM-DD" (every year) or "easter+N" / "easter-N"
   * (N days from Western Easter Sunday, e.g. easter+1 = Easter Monday).
   */
  holidays: string[];
}

interface Period {
  startMin: number;
  endMin: number;
}
interface DayInfo {
  start: number;
  intervals: Array<[number, number]>;
}

const MS_PER_DAY = 86_400_000;
/** Searches for the instant a business-time target is reached give up after this many days. */
const MAX_SEARCH_DAYS = 3 * 366;

export function parsePeriod(text: string): Period {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) throw new Error(`business-hours period "${text}" is not HH:MM-HH:MM`);
  const [sh, sm, eh, em] = m.slice(1).map(Number) as [number, number, number, number];
  const startMin = sh * 60 + sm;
  const endMin = eh * 60 + em;
  if (sh > 23 || sm > 59 || em > 59 || endMin > 24 * 60 || endMin <= startMin) {
    throw new Error(`business-hours period "${text}" must be a non-empty range within one day`);
  }
  return { startMin, endMin };
}

/** Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): { month: number; day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { month, day };
}

export class BusinessCalendar {
  readonly timeZone: string;
  private readonly week: Period[][]; // index 0 = Monday (luxon weekday 1)
  private readonly fixedDates = new Set<string>();
  private readonly yearly = new Set<string>();
  private readonly easterOffsets: number[] = [];
  /** Opening intervals (epoch ms) per local date; days are recomputed often for the same dates. */
  private readonly dayCache = new Map<number, DayInfo>();

  constructor(spec: CalendarSpec) {
    if (!DateTime.local().setZone(spec.time_zone).isValid) throw new Error(`unknown time zone "${spec.time_zone}"`);
    this.timeZone = spec.time_zone;
    this.week = WEEKDAYS.map((d) => {
      const periods = (spec.week[d] ?? []).map(parsePeriod).sort((x, y) => x.startMin - y.startMin);
      for (let i = 1; i < periods.length; i++) {
        if (periods[i]!.startMin < periods[i - 1]!.endMin) throw new Error(`business-hours periods overlap on ${d}`);
      }
      return periods;
    });
    for (const h of spec.holidays) {
      const easter = /^easter([+-]\d+)?$/.exec(h);
      if (easter) this.easterOffsets.push(Number(easter[1] ?? 0));
      else if (/^\d{4}-\d{2}-\d{2}$/.test(h)) this.fixedDates.add(h);
      else if (/^\d{2}-\d{2}$/.test(h)) this.yearly.add(h);
      else throw new Error(`holiday "${h}" is not YYYY-MM-DD, MM-DD or easter±N`);
    }
  }

  /** True when the calendar is open at no time in a typical week (durations would be undefined). */
  get neverOpen(): boolean {
    return this.week.every((p) => p.length === 0);
  }

  isHoliday(date: DateTime): boolean {
    const iso = date.toISODate()!;
    if (this.fixedDates.has(iso) || this.yearly.has(iso.slice(5))) return true;
    if (this.easterOffsets.length === 0) return false;
    const e = easterSunday(date.year);
    const easter = DateTime.fromObject({ year: date.year, month: e.month, day: e.day }, { zone: 'UTC' });
    const local = DateTime.fromObject({ year: date.year, month: date.month, day: date.day }, { zone: 'UTC' });
    const offset = Math.round(local.diff(easter, 'days').days);
    return this.easterOffsets.includes(offset);
  }

  /**
   * The local calendar day `day` (days since 1970-01-01 on the zone's calendar): when it starts and
   * its opening intervals [start, end) in epoch ms. Cached: luxon's zone arithmetic is the expensive
   * part, and the same days come back for every thread of a brand.
   */
  private dayInfo(day: number): DayInfo {
    const cached = this.dayCache.get(day);
    if (cached) return cached;
    const civil = new Date(day * MS_PER_DAY);
    const date = DateTime.fromObject(
      { year: civil.getUTCFullYear(), month: civil.getUTCMonth() + 1, day: civil.getUTCDate() },
      { zone: this.timeZone },
    );
    const intervals: Array<[number, number]> = [];
    if (!this.isHoliday(date)) {
      for (const p of this.week[date.weekday - 1]!)
        intervals.push([this.instant(date, p.startMin), this.instant(date, p.endMin)]);
    }
    const info = { start: date.toMillis(), intervals };
    if (this.dayCache.size > 50_000) this.dayCache.clear();
    this.dayCache.set(day, info);
    return info;
  }

  /** Wall-clock minute-of-day on a local date as an instant; luxon moves times in a DST gap forward. */
  private instant(date: DateTime, minuteOfDay: number): number {
    if (minuteOfDay === 24 * 60) return date.plus({ days: 1 }).startOf('day').toMillis();
    return date
      .set({ hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60, second: 0, millisecond: 0 })
      .toMillis();
  }

  /** The local day number containing instant `ms`. */
  private localDay(ms: number): number {
    // Zones are within ±14 h of UTC, so the local day is the UTC day or a neighbour; day starts are cached.
    let day = Math.floor(ms / MS_PER_DAY);
    while (this.dayInfo(day).start > ms) day--;
    while (this.dayInfo(day + 1).start <= ms) day++;
    return day;
  }

  /** The calendar date (YYYY-MM-DD) of instant `ms` in this calendar's zone: which local day it belongs to. */
  localDate(ms: number): string {
    return new Date(this.localDay(ms) * MS_PER_DAY).toISOString().slice(0, 10);
  }

  /** True when `ms` falls inside an opening period. */
  isOpen(ms: number): boolean {
    return this.dayInfo(this.localDay(ms)).intervals.some(([s, e]) => ms >= s && ms < e);
  }

  /** Local hour of day (0-23) of `ms` in this calendar's zone. */
  localHour(ms: number): number {
    return DateTime.fromMillis(ms, { zone: this.timeZone }).hour;
  }

  /** `ms` when open, else the next opening; null if the calendar never opens within the search horizon. */
  nextOpening(ms: number): number | null {
    const first = this.localDay(ms);
    for (let day = first; day < first + MAX_SEARCH_DAYS; day++) {
      for (const [s, e] of this.dayInfo(day).intervals) if (e > ms) return Math.max(s, ms);
    }
    return null;
  }

  /** Seconds inside business hours between two instants (epoch ms); 0 when end <= start. */
  secondsBetween(startMs: number, endMs: number): number {
    if (!(endMs > startMs)) return 0;
    let total = 0;
    // Start one local day early: nothing in this calendar spans midnight, but being generous is cheap.
    for (let day = this.localDay(startMs) - 1; ; day++) {
      const info = this.dayInfo(day);
      if (info.start >= endMs) break;
      for (const [s, e] of info.intervals) {
        const lo = Math.max(s, startMs);
        const hi = Math.min(e, endMs);
        if (hi > lo) total += hi - lo;
      }
    }
    return total / 1000;
  }

  /**
   * The instant at which `seconds` of business time have passed since `startMs`: an SLA deadline.
   * Null if the calendar never opens within the search horizon.
   */
  addSeconds(startMs: number, seconds: number): number | null {
    let remaining = seconds * 1000;
    if (remaining <= 0) return startMs;
    const first = this.localDay(startMs);
    for (let day = first; day < first + MAX_SEARCH_DAYS; day++) {
      for (const [s, e] of this.dayInfo(day).intervals) {
        const lo = Math.max(s, startMs);
        if (e <= lo) continue;
        if (e - lo >= remaining) return lo + remaining;
        remaining -= e - lo;
      }
    }
    return null;
  }
}
