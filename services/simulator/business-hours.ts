import { BusinessCalendar, WEEKDAYS, type CalendarSpec } from '../domain/business-hours.ts';

/**
 * The simulated community team's working hours: a time zone, several periods per day, holidays.
 * Brand replies are scheduled in business time, so a complaint on Saturday night is answered on
 * Monday morning, as real teams do. The arithmetic is the metrics' own calendar
 * (services/domain/business-hours.ts), so the simulated team works exactly when the SLA clock runs;
 * this adds the simulator's questions (what hour is it there, when may a reply land).
 */
export interface WeeklyHours {
  /** ISO weekday (1 = Monday … 7 = Sunday) → periods as "HH:MM" pairs, local time. */
  readonly days: Readonly<Partial<Record<1 | 2 | 3 | 4 | 5 | 6 | 7, readonly (readonly [string, string])[]>>>;
  readonly timeZone: string;
  /** Local dates (YYYY-MM-DD) with no business hours. */
  readonly holidays: readonly string[];
}

export function calendarSpecOf(hours: WeeklyHours): CalendarSpec {
  const week: CalendarSpec['week'] = {};
  WEEKDAYS.forEach((d, i) => {
    const periods = hours.days[(i + 1) as 1];
    if (periods?.length) week[d] = periods.map(([from, to]) => `${from}-${to}`);
  });
  return { time_zone: hours.timeZone, week, holidays: [...hours.holidays] };
}

export class BusinessHours {
  private readonly calendar: BusinessCalendar;
  private readonly hourCache = new Map<number, number>();

  constructor(readonly hours: WeeklyHours) {
    this.calendar = new BusinessCalendar(calendarSpecOf(hours));
  }

  isOpen(ms: number): boolean {
    return this.calendar.isOpen(ms);
  }

  /** Local hour of day (0–23) in the team's time zone. */
  localHour(ms: number): number {
    // Every zone offset is a multiple of 15 minutes, so the hour is constant within a quarter.
    const quarter = Math.floor(ms / 900_000);
    let hour = this.hourCache.get(quarter);
    if (hour === undefined) {
      hour = this.calendar.localHour(quarter * 900_000);
      if (this.hourCache.size > 10_000) this.hourCache.clear();
      this.hourCache.set(quarter, hour);
    }
    return hour;
  }

  /**
   * The instant reached after `durationMs` of business time from `ms` (skips nights, weekends,
   * holidays), always an instant when the team is at work: a target reached exactly at a close
   * lands at the next opening.
   */
  addBusinessTime(ms: number, durationMs: number): number {
    const at = this.calendar.addSeconds(ms, durationMs / 1000);
    const open = at === null ? null : this.calendar.isOpen(at) ? at : this.calendar.nextOpening(at);
    if (open === null) throw new Error('no business hours within the search horizon: check the schedule');
    return open;
  }

  /** `ms` if open, else the next opening. */
  nextOpen(ms: number): number {
    return this.addBusinessTime(ms, 0);
  }
}
