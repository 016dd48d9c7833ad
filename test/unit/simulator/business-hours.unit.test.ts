import { describe, expect, it } from 'vitest';
import { BusinessHours } from '../../../services/simulator/business-hours.ts';
import { Random } from '../../../services/simulator/random.ts';

const rome = new BusinessHours({
  timeZone: 'Europe/Rome',
  days: {
    1: [
      ['09:00', '13:00'],
      ['14:00', '18:00'],
    ],
    2: [
      ['09:00', '13:00'],
      ['14:00', '18:00'],
    ],
    6: [['09:00', '13:00']],
  },
  holidays: ['2026-11-24'],
});
// 2026-11-23 is a Monday; Rome is UTC+1 in November.
const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;

describe('BusinessHours', () => {
  it('knows when the team is at work (periods, lunch break, holidays, weekends)', () => {
    expect(rome.isOpen(at('2026-11-23T08:30:00Z'))).toBe(true); // 09:30 local
    expect(rome.isOpen(at('2026-11-23T12:30:00Z'))).toBe(false); // 13:30 lunch
    expect(rome.isOpen(at('2026-11-23T17:00:00Z'))).toBe(false); // 18:00 closed
    expect(rome.isOpen(at('2026-11-24T09:00:00Z'))).toBe(false); // holiday Tuesday
    expect(rome.isOpen(at('2026-11-28T09:00:00Z'))).toBe(true); // Saturday morning
    expect(rome.isOpen(at('2026-11-29T09:00:00Z'))).toBe(false); // Sunday
    expect(rome.localHour(at('2026-11-23T08:30:00Z'))).toBe(9);
  });

  it('adds business time across the lunch break, the night, a holiday and the weekend', () => {
    expect(rome.addBusinessTime(at('2026-11-23T11:50:00Z'), 20 * MIN)).toBe(at('2026-11-23T13:10:00Z')); // 12:50 + 20 min → 14:10
    // Monday 17:50 local + 30 min: 10 min Monday, Tuesday is a holiday, Wednesday closed, …, Saturday 09:20.
    expect(rome.addBusinessTime(at('2026-11-23T16:50:00Z'), 30 * MIN)).toBe(at('2026-11-28T08:20:00Z'));
    expect(rome.nextOpen(at('2026-11-29T10:00:00Z'))).toBe(at('2026-11-30T08:00:00Z')); // Sunday → Monday 09:00
  });

  it('always lands inside business hours', () => {
    const rng = new Random(1);
    for (let i = 0; i < 2000; i++) {
      const t = at('2026-11-20T00:00:00Z') + rng.between(0, 20 * 24 * 60 * MIN);
      expect(rome.isOpen(rome.addBusinessTime(t, rng.between(0, 600 * MIN)))).toBe(true);
    }
  });

  it('follows the daylight-saving change of the zone', () => {
    // 2026-03-30 is a Monday after the change to CEST (UTC+2): 09:00 local is 07:00Z.
    expect(rome.nextOpen(at('2026-03-30T06:00:00Z'))).toBe(at('2026-03-30T07:00:00Z'));
  });
});

describe('Random', () => {
  it('is reproducible and roughly uniform', () => {
    const a = new Random(42);
    const b = new Random(42);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(Array.from({ length: 10_000 }, () => b.next())).toEqual(xs);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(new Random(43).next()).not.toBe(xs[0]);
  });
});

describe('hours from the brands file', () => {
  it('converts periods (24:00 included), yearly, dated and Easter holidays', async () => {
    const { hoursFromSpec } = await import('../../../services/simulator/brands.ts');
    const hours = hoursFromSpec(
      {
        time_zone: 'Europe/Rome',
        week: { mon: ['09:00-13:00', '14:00-18:00'], sat: ['20:00-24:00'] },
        holidays: ['12-25', '2026-08-14', 'easter+1'],
      },
      [2026],
    );
    expect(hours.days).toEqual({
      1: [
        ['09:00', '13:00'],
        ['14:00', '18:00'],
      ],
      6: [['20:00', '24:00']],
    });
    expect(hours.holidays).toEqual(['2026-12-25', '2026-08-14', '2026-04-06']);
    const bh = new BusinessHours(hours);
    expect(bh.isOpen(Date.parse('2026-11-28T22:30:00Z'))).toBe(true); // Saturday 23:30 local
    expect(bh.isOpen(Date.parse('2026-04-06T08:30:00Z'))).toBe(false); // Easter Monday
  });
});
