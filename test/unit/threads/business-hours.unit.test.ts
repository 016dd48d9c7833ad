import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { BusinessCalendar, easterSunday } from '../../../services/domain/business-hours.ts';
import { BrandSettings } from '../../../services/domain/brand-settings.ts';

const settings = BrandSettings.load();
const acme = settings.forThread({ brand: 'acme', platform: 'facebook', account_id: 'a' }).calendar;
const globex = settings.forThread({ brand: 'globex', platform: 'facebook', account_id: 'a' }).calendar;
const rome = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Rome' }).toMillis();
const madrid = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Madrid' }).toMillis();
const H = 3600;

describe('business seconds (acme: Europe/Rome, 09-13 + 14-18 Mon-Fri, Sat 09-13, Italian holidays)', () => {
  it('counts only open time over a night and a weekend', () => {
    // Fri 17:00 -> Mon 10:00: Fri 17-18 (1 h) + Sat 09-13 (4 h) + Mon 09-10 (1 h).
    expect(acme.secondsBetween(rome('2025-01-10T17:00'), rome('2025-01-13T10:00'))).toBe(6 * H);
    // Overnight Tue 17:30 -> Wed 09:15.
    expect(acme.secondsBetween(rome('2025-01-14T17:30'), rome('2025-01-15T09:15'))).toBe(0.75 * H);
  });

  it('skips the lunch break between two periods of one day', () => {
    expect(acme.secondsBetween(rome('2025-01-14T12:30'), rome('2025-01-14T14:30'))).toBe(1 * H);
    expect(acme.secondsBetween(rome('2025-01-14T13:10'), rome('2025-01-14T13:50'))).toBe(0);
  });

  it('skips fixed and Easter-based holidays', () => {
    // Sat 19 Apr 12:00 -> Tue 22 Apr 2025 10:00: Sat 1 h, Easter Monday closed, Tue 1 h.
    expect(acme.secondsBetween(rome('2025-04-19T12:00'), rome('2025-04-22T10:00'))).toBe(2 * H);
    // Christmas Thu + Santo Stefano Fri 2025 closed: Wed 24 17:00 -> Sat 27 10:00 = 1 h + 1 h.
    expect(acme.secondsBetween(rome('2025-12-24T17:00'), rome('2025-12-27T10:00'))).toBe(2 * H);
    expect(easterSunday(2024)).toEqual({ month: 3, day: 31 });
    expect(easterSunday(2026)).toEqual({ month: 4, day: 5 });
  });

  it('is zero for empty or reversed ranges and seconds-exact inside a period', () => {
    expect(acme.secondsBetween(rome('2025-01-14T10:00'), rome('2025-01-14T10:00'))).toBe(0);
    expect(acme.secondsBetween(rome('2025-01-14T11:00'), rome('2025-01-14T10:00'))).toBe(0);
    expect(acme.secondsBetween(rome('2025-01-14T10:00:00.250'), rome('2025-01-14T10:00:01.750'))).toBe(1.5);
  });

  it('finds SLA deadlines across the lunch break, nights and weekends', () => {
    // 2 business hours from Fri 17:30: 30 min Fri, then Sat 09:00 + 1.5 h.
    expect(acme.addSeconds(rome('2025-01-10T17:30'), 2 * H)).toBe(rome('2025-01-11T10:30'));
    expect(acme.addSeconds(rome('2025-01-14T12:00'), 2 * H)).toBe(rome('2025-01-14T15:00'));
    // Starting on a closed Sunday: the clock starts Monday 09:00.
    expect(acme.addSeconds(rome('2025-01-12T11:00'), 30 * 60)).toBe(rome('2025-01-13T09:30'));
  });

  it('globex runs in Madrid time with its own hours (weekends too) and Spanish holidays', () => {
    // Thu 17 Apr 2025 19:00 -> Sat 19 Apr 11:00: Thu 1 h, Good Friday (easter-2) closed, Sat 10-11 1 h.
    expect(globex.secondsBetween(madrid('2025-04-17T19:00'), madrid('2025-04-19T11:00'))).toBe(2 * H);
    // Sun 7 Dec 13:00 -> Tue 9 Dec 2025 09:00: Sun 1 h, Inmaculada (Mon 8 Dec) closed, Tue 08-09 1 h.
    expect(globex.secondsBetween(madrid('2025-12-07T13:00'), madrid('2025-12-09T09:00'))).toBe(2 * H);
  });
});

describe('business seconds across daylight-saving changes', () => {
  const night = new BusinessCalendar({ time_zone: 'Europe/Rome', week: { sun: ['01:00-04:00'] }, holidays: [] });
  const allDay = new BusinessCalendar({ time_zone: 'Europe/Rome', week: { sun: ['00:00-24:00'] }, holidays: [] });

  it('a 01:00-04:00 period lasts 2 h on the spring-forward night and 4 h on the fall-back night', () => {
    expect(night.secondsBetween(rome('2025-03-29T12:00'), rome('2025-03-31T00:00'))).toBe(2 * H);
    expect(night.secondsBetween(rome('2025-10-25T12:00'), rome('2025-10-27T00:00'))).toBe(4 * H);
    expect(night.secondsBetween(rome('2025-03-22T12:00'), rome('2025-03-24T00:00'))).toBe(3 * H);
  });

  it('a whole Sunday lasts 23 h and 25 h on the change days', () => {
    expect(allDay.secondsBetween(rome('2025-03-29T00:00'), rome('2025-04-01T00:00'))).toBe(23 * H);
    expect(allDay.secondsBetween(rome('2025-10-25T00:00'), rome('2025-10-28T00:00'))).toBe(25 * H);
  });

  it('deadlines land on the right instant across the change', () => {
    // 3 business hours from Sat: 2 h on 30 Mar (DST), then 1 h on 6 Apr.
    expect(night.addSeconds(rome('2025-03-29T12:00'), 3 * H)).toBe(rome('2025-04-06T02:00'));
  });

  it('a calendar that never opens has no deadline', () => {
    const closed = new BusinessCalendar({ time_zone: 'UTC', week: {}, holidays: [] });
    expect(closed.neverOpen).toBe(true);
    expect(closed.addSeconds(0, 60)).toBeNull();
  });

  it('rejects bad periods, overlaps, holidays and zones', () => {
    expect(() => new BusinessCalendar({ time_zone: 'Mars/Olympus', week: {}, holidays: [] })).toThrow(/time zone/);
    expect(() => new BusinessCalendar({ time_zone: 'UTC', week: { mon: ['18:00-09:00'] }, holidays: [] })).toThrow(
      /non-empty/,
    );
    expect(
      () => new BusinessCalendar({ time_zone: 'UTC', week: { mon: ['09:00-13:00', '12:00-14:00'] }, holidays: [] }),
    ).toThrow(/overlap/);
    expect(() => new BusinessCalendar({ time_zone: 'UTC', week: {}, holidays: ['Christmas'] })).toThrow(/holiday/);
  });
});

describe('local dates (the day a response rate counts a thread on)', () => {
  const la = new BusinessCalendar({ time_zone: 'America/Los_Angeles', week: {}, holidays: [] });
  const tokyo = new BusinessCalendar({ time_zone: 'Asia/Tokyo', week: {}, holidays: [] });

  it('is the date in the brand zone, on either side of UTC midnight and across DST', () => {
    expect(la.localDate(Date.parse('2025-01-15T03:00:00Z'))).toBe('2025-01-14'); // 19:00 the evening before in LA
    expect(la.localDate(Date.parse('2025-01-15T08:00:00Z'))).toBe('2025-01-15'); // LA midnight (UTC-8)
    expect(la.localDate(Date.parse('2025-01-15T07:59:59.999Z'))).toBe('2025-01-14');
    expect(la.localDate(Date.parse('2025-07-15T07:00:00Z'))).toBe('2025-07-15'); // midnight in summer (UTC-7)
    expect(tokyo.localDate(Date.parse('2025-01-14T15:00:00Z'))).toBe('2025-01-15'); // Tokyo is already tomorrow
    expect(acme.localDate(rome('2025-03-30T00:30'))).toBe('2025-03-30'); // the spring-forward day
  });
});
