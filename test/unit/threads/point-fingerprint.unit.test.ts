import { describe, expect, it } from 'vitest';
import { base } from '../../../services/threads/point-types.ts';
import { pointFingerprint, threadPoints, type ThreadPoint } from '../../../services/threads/points.ts';
import { facts, of, T0, tl } from './points-fixture.ts';
import { KEY } from './timeline.ts';

describe('pointFingerprint', () => {
  const p = threadPoints(facts(tl().customer('q1', 0).brand('r1', 90).customer('q2', 100)));
  it('is a stable unsigned 64-bit value of the values only', () => {
    for (const x of p) {
      const fp = pointFingerprint(x);
      expect(fp).toBeGreaterThanOrEqual(0n);
      expect(fp).toBeLessThan(2n ** 64n);
      expect(pointFingerprint({ ...x })).toBe(fp);
      expect(pointFingerprint({ ...x, t: x.t + 1, idx: 7, metric: 'sla' })).toBe(fp);
    }
    // Pinned: a changed hash would rewrite every point of every thread once after a deploy.
    const fixed = base({ ...KEY, language: 'it', priority: 'normal' }, 'sla', 0, 0);
    Object.assign(fixed, {
      sla_metric: 'first_response',
      started_at: T0,
      calendar_s: 5400.5,
      breached: 1,
      responded: 1,
    });
    expect(pointFingerprint(fixed).toString(16)).toMatchInlineSnapshot(`"99e1ad8856215367"`);
  });

  it('changes with every value column, and tells null from 0 and "" from a missing string', () => {
    const x = of(p, 'sla')[0]!;
    const fp = pointFingerprint(x);
    const seen = new Set([fp]);
    const variants: Array<Partial<ThreadPoint>> = [
      { language: 'en' },
      { priority: 'high' },
      { message_id: 'm' },
      { sla_metric: 'next_response' },
      { started_at: null },
      { started_at: 0 },
      { end_at: x.end_at! + 1 },
      { end_reason: 'reply' },
      { calendar_s: 0 },
      { calendar_s: null },
      { business_s: 5400.001 },
      { sla_clock: 'calendar' },
      { sla_target_s: null },
      { deadline_at: null },
      { breached: 0 },
      { breached: null },
      { due_at: 0 },
      { due_breached: 0 },
      { due_breached: 1 },
      { needs_reply: 1 },
      { responded: 1 },
      { handled_by_moderation: 1 },
      { within_sla: 1 },
      { recovered: 0 },
      { recovered: 1 },
      { sentiment_change: 0 },
      { sentiment_change: -0.5 },
      { language: 'it', priority: '' }, // strings do not run into each other
      { language: '', priority: 'it' },
      { agent_id: 'agent-1' }, // hashed only when set: other points keep their pinned fingerprints
      { agent_id: 'agent-2' },
    ];
    for (const v of variants) seen.add(pointFingerprint({ ...x, ...v }));
    expect(seen.size).toBe(variants.length + 1);
  });
});
