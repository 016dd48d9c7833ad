import { expect } from 'vitest';
import { BrandSettings } from '../../../services/domain/brand-settings.ts';
import { computeThreadFacts } from '../../../services/threads/facts.ts';
import { pointKey, type ThreadPoint } from '../../../services/threads/points.ts';
import { KEY, Timeline } from './timeline.ts';

/** Shared setup of the thread points tests: brands with known SLAs, a timeline start, helpers. */

const weekdays = {
  mon: ['09:00-17:00'],
  tue: ['09:00-17:00'],
  wed: ['09:00-17:00'],
  thu: ['09:00-17:00'],
  fri: ['09:00-17:00'],
};
export const brands = BrandSettings.fromObject({
  defaults: {
    business_hours: { time_zone: 'UTC', week: weekdays, holidays: [] },
    sla: [
      {
        first_response: { target: '1h', clock: 'business' },
        next_response: { target: '2h', clock: 'calendar' },
        resolution: { target: '1d', clock: 'calendar' },
      },
    ],
    needs_reply_intents: ['question', 'complaint'],
  },
  brands: {
    lazy: { inactivity_resolve_after: '24h' },
    west: { business_hours: { time_zone: 'America/Los_Angeles', week: weekdays, holidays: [] } },
  },
});
// Monday 6 Jan 2025, 10:00 UTC.
export const T0 = Date.UTC(2025, 0, 6, 10, 0);
export const tl = (key = KEY) => new Timeline(T0, key);
export const facts = (t: Timeline) => computeThreadFacts(t.key, t.events, brands.forThread(t.key));
export const of = (ps: ThreadPoint[], metric: ThreadPoint['metric']) => ps.filter((p) => p.metric === metric);

/** thread_points' columns (migration 0700, then those later migrations add) but version and is_deleted, in the table's order. */
export const COLUMNS = [
  'brand',
  'metric',
  't',
  'platform',
  'account_id',
  'thread_id',
  'idx',
  'language',
  'priority',
  'message_id',
  'sla_metric',
  'started_at',
  'end_at',
  'end_reason',
  'calendar_s',
  'business_s',
  'sla_clock',
  'sla_target_s',
  'deadline_at',
  'breached',
  'due_at',
  'due_breached',
  'needs_reply',
  'responded',
  'handled_by_moderation',
  'within_sla',
  'recovered',
  'sentiment_change',
  'agent_id', // 0703
];

export function expectWellFormed(ps: ThreadPoint[]): void {
  for (const p of ps) expect(Object.keys(p)).toEqual(COLUMNS);
  const keys = ps.map(pointKey);
  expect(new Set(keys).size).toBe(keys.length);
}
