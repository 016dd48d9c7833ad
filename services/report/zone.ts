import { BrandSettings } from '../domain/brand-settings.ts';

/**
 * Report times in the brand's time zone (its business hours' zone in infra/brands.yaml, or
 * $BRANDS_FILE), with the zone named: marketing reads "09:30 Europe/Rome", not UTC. Unknown
 * brands get the file's default zone; no brands file at all, UTC.
 */
export function brandTimeZone(brand: string, settings?: BrandSettings | null): string {
  let s = settings;
  if (s === undefined) {
    try {
      s = BrandSettings.load();
    } catch {
      s = null;
    }
  }
  if (!s) return 'UTC';
  return s.file.brands[brand]?.business_hours?.time_zone ?? s.file.defaults.business_hours.time_zone;
}

/** Formatters of instants in one time zone (Intl, so daylight saving time is the zone's own). */
export interface ZoneClock {
  timeZone: string;
  /** "2026-12-01 23:40" */
  dateTime(t: number): string;
  /** "23:40" */
  time(t: number): string;
  /** "1/12" (day/month) */
  dayMonth(t: number): string;
  /** "Europe/Rome, UTC+1" at instant t (the offset changes with DST); "UTC" for UTC. */
  label(t: number): string;
}

const clocks = new Map<string, ZoneClock>();

export function zoneClock(timeZone: string): ZoneClock {
  const cached = clocks.get(timeZone);
  if (cached) return cached;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const offset = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortOffset' });
  const get = (t: number) =>
    Object.fromEntries(parts.formatToParts(t).map((p) => [p.type, p.value])) as Record<string, string>;
  const clock: ZoneClock = {
    timeZone,
    dateTime: (t) => {
      const p = get(t);
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
    },
    time: (t) => {
      const p = get(t);
      return `${p.hour}:${p.minute}`;
    },
    dayMonth: (t) => {
      const p = get(t);
      return `${Number(p.day)}/${Number(p.month)}`;
    },
    label: (t) => {
      if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 'UTC';
      const name = offset.formatToParts(t).find((p) => p.type === 'timeZoneName')?.value ?? '';
      return `${timeZone}, ${name.replace(/^GMT/, 'UTC') || 'UTC'}`;
    },
  };
  clocks.set(timeZone, clock);
  return clock;
}
