import { describe, expect, it } from 'vitest';
import type { ThreadFacts } from '../../../services/threads/facts-types.ts';
import { RESOLUTION_IDX, threadPoints, type PointFacts, type ThreadPoint } from '../../../services/threads/points.ts';
import { expectWellFormed, facts, of, T0, tl } from './points-fixture.ts';
import { KEY } from './timeline.ts';

describe('thread points: SLA deadlines (v_sla_breaches)', () => {
  const sla = (ps: ThreadPoint[]) =>
    of(ps, 'sla_start').map((p) => {
      const at = of(ps, 'sla').find((q) => q.idx === p.idx && q.sla_metric === p.sla_metric);
      return { ...p, metric: undefined, t: undefined, sla_t: at?.t ?? null, start_t: p.t };
    });

  it('a closed period only when breached; an open one while it has a deadline', () => {
    // First wait 0-90 on business time: 90 min > 1 h, breached. Next wait 100-110: within 2 h. Next open at 120.
    const t = tl().customer('q1', 0).brand('r1', 90).customer('q2', 100).brand('r2', 110).customer('q3', 120);
    const ps = threadPoints(facts(t));
    expectWellFormed(ps);
    const rows = sla(ps).filter((p) => p.sla_metric !== 'resolution');
    expect(rows.map((p) => [p.sla_metric, p.idx, p.start_t, p.sla_t, p.end_at, p.breached, p.calendar_s])).toEqual([
      ['first_response', 0, t.at(0), t.at(60), t.at(90), 1, 5400],
      ['next_response', 2, t.at(120), t.at(240), null, null, null],
    ]);
    expect(rows[0]).toMatchObject({
      started_at: t.at(0),
      sla_clock: 'business',
      sla_target_s: 3600,
      deadline_at: t.at(60),
    });
  });

  it('the resolution deadline has its own idx, apart from the first period starting at the same instant', () => {
    const t = tl().customer('q1', 0); // waits from T0: first response and resolution both start then
    const ps = threadPoints(facts(t));
    expectWellFormed(ps);
    const res = sla(ps).filter((p) => p.sla_metric === 'resolution');
    expect(res).toHaveLength(1);
    expect(res[0]).toMatchObject({
      idx: RESOLUTION_IDX,
      start_t: T0,
      sla_t: T0 + 86_400_000,
      started_at: T0,
      deadline_at: T0 + 86_400_000,
      end_at: null,
      breached: null,
      due_at: null,
      sla_clock: 'calendar',
      sla_target_s: 86_400,
    });
    expect(sla(ps).find((p) => p.sla_metric === 'first_response')).toMatchObject({ idx: 0, start_t: T0 });
  });

  it('resolution: fixed once resolved (written only when late), pending inactivity decides from due_at', () => {
    const late = sla(
      threadPoints(
        facts(
          tl()
            .customer('q1', 0)
            .brand('r1', 10)
            .resolve(25 * 60),
        ),
      ),
    );
    expect(late.filter((p) => p.sla_metric === 'resolution')).toMatchObject([
      { breached: 1, end_at: T0 + 25 * 3_600_000, calendar_s: 90_000, due_at: null, deadline_at: T0 + 86_400_000 },
    ]);
    const inTime = sla(threadPoints(facts(tl().customer('q1', 0).brand('r1', 10).resolve(60))));
    expect(inTime.filter((p) => p.sla_metric === 'resolution')).toEqual([]);
    // Inactivity candidate at the reply (10 min): resolved 10 min after the start, within the day, from due_at on.
    const lazy = { ...KEY, brand: 'lazy' };
    const t = tl(lazy).customer('q1', 0).brand('r1', 10);
    expect(sla(threadPoints(facts(t))).filter((p) => p.sla_metric === 'resolution')).toMatchObject([
      {
        breached: null,
        due_at: t.at(10) + 86_400_000,
        due_breached: 0,
        end_at: t.at(10),
        calendar_s: 600,
        deadline_at: t.at(0) + 86_400_000,
      },
    ]);
  });

  it('resolution edge cases of the multiIf (hand-made facts)', () => {
    const lazy = { ...KEY, brand: 'lazy' };
    const f: ThreadFacts = facts(tl(lazy).customer('q1', 0).brand('r1', 10));
    const res = (x: Partial<PointFacts>) =>
      sla(threadPoints({ ...f, ...x })).filter((p) => p.sla_metric === 'resolution');
    // A late pending resolution (business clock) with no deadline: written, breaching from due_at on.
    expect(
      res({
        resolution_sla: { target: 60, clock: 'business' },
        resolution_deadline_at: null,
        pending_resolution_business_s: 600,
      }),
    ).toMatchObject([{ due_breached: 1, deadline_at: null, sla_t: null, start_t: f.first_customer_message_at }]);
    // Not late and no deadline: can never breach.
    expect(res({ resolution_deadline_at: null })).toEqual([]);
    // No resolution SLA (a thread handled by moderation only): nothing.
    expect(res({ resolution_sla: null })).toEqual([]);
    // No rule duration: the deadline alone decides.
    expect(res({ inactivity_resolve_after_s: null })).toMatchObject([{ due_at: null, end_at: null, breached: null }]);
  });
});
