import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { threadPoints } from '../../../services/threads/points.ts';
import { COLUMNS, expectWellFormed, facts, of, T0, tl } from './points-fixture.ts';
import { KEY, Timeline } from './timeline.ts';

describe('thread points: one row per value a panel reads', () => {
  it("a point has exactly thread_points' columns but version and is_deleted (migration 0700 and later ALTERs)", () => {
    const dir = new URL('../../../infra/clickhouse/migrations/', import.meta.url);
    const sql = readFileSync(new URL('0700_thread_points.sql', dir), 'utf8');
    const table = sql.slice(sql.indexOf('CREATE TABLE'), sql.indexOf('ENGINE'));
    const columns = [...table.matchAll(/^ {4}(\w+) /gm)].map((m) => m[1]);
    // Columns added later land at the end of the table, in migration order.
    for (const file of readdirSync(dir).sort())
      for (const m of readFileSync(new URL(file, dir), 'utf8').matchAll(
        /^ALTER TABLE thread_points ADD COLUMN IF NOT EXISTS (\w+) /gm,
      ))
        columns.push(m[1]);
    expect(columns.filter((c) => c !== 'version' && c !== 'is_deleted')).toEqual(COLUMNS);
  });

  it('an answered thread: thread, first_response and response_day', () => {
    // Question Mon 10:00, reply 10:20: 1200 s on both clocks, within the 1 h business SLA.
    const f = facts(tl().customer('q1', 0, { language: 'it' }).brand('r1', 20));
    const ps = threadPoints(f);
    expectWellFormed(ps);
    // Not resolved yet: the resolution deadline is a point too (sla and sla_start).
    expect(ps.map((p) => p.metric)).toEqual(['thread', 'first_response', 'response_day', 'reply', 'sla', 'sla_start']);
    expect(of(ps, 'thread')[0]).toMatchObject({
      t: T0,
      idx: 0,
      brand: 'test',
      platform: 'facebook',
      account_id: 'acct-1',
      thread_id: 'th-1',
      language: 'it',
      priority: f.priority,
      needs_reply: 1,
      responded: 1,
      handled_by_moderation: 0,
      calendar_s: 1200,
      business_s: 1200,
      end_at: null,
    });
    expect(of(ps, 'first_response')[0]).toMatchObject({
      t: T0,
      end_at: T0 + 20 * 60_000,
      calendar_s: 1200,
      business_s: 1200,
      sla_clock: 'business',
      sla_target_s: 3600,
      handled_by_moderation: 0,
    });
    expect(of(ps, 'response_day')[0]).toMatchObject({ t: Date.UTC(2025, 0, 6), responded: 1, within_sla: 1 });
    expect(of(ps, 'reply')[0]).toMatchObject({
      t: T0 + 20 * 60_000,
      idx: 0,
      started_at: T0,
      end_reason: 'reply',
      breached: 0,
    });
  });

  it('the response day is the local date of the first wait; a breached first wait is not within SLA', () => {
    // 02:00 UTC Tuesday is 18:00 Monday in Los Angeles; answered 20 h later, at 14:00 Tuesday there
    // (5 business hours: breached).
    const west = { ...KEY, brand: 'west' };
    const f = facts(new Timeline(Date.UTC(2025, 0, 7, 2), west).customer('q1', 0).brand('r1', 1200));
    const [day] = of(threadPoints(f), 'response_day');
    expect(day).toMatchObject({ t: Date.UTC(2025, 0, 6), responded: 1, within_sla: 0 });
    // Without a local date (rows from before 0204) the UTC day of the wait.
    expect(of(threadPoints({ ...f, frt_start_local_date: null }), 'response_day')[0]!.t).toBe(Date.UTC(2025, 0, 7));
  });

  it('a thread handled by moderation, and one that needs no reply', () => {
    const mod = threadPoints(facts(tl().customer('q1', 0).mod('hide', 5, 'q1')));
    expect(of(mod, 'thread')[0]).toMatchObject({ needs_reply: 1, responded: 1, handled_by_moderation: 1 });
    expect(of(mod, 'first_response')[0]).toMatchObject({ end_at: null, handled_by_moderation: 1, calendar_s: null });
    expect(of(mod, 'response_day')[0]).toMatchObject({ responded: 1, handled_by_moderation: 1, within_sla: 1 });
    expect(of(mod, 'reply')).toEqual([]);
    const praise = threadPoints(facts(tl().praise('p1', 0)));
    expect(praise.map((p) => p.metric)).toEqual(['thread']);
    expect(praise[0]).toMatchObject({ needs_reply: 0, responded: 0 });
    expect(threadPoints(facts(tl().brand('post', 0)))).toEqual([]); // no customer: no point at all
  });

  it('next_response per later waiting period and reply per period ended by a reply', () => {
    // Waits: 0-20 (first, reply), 60-200 (next, 2h20 > 2 h: breached), 210 open.
    const t = tl().customer('q1', 0).brand('r1', 20).customer('q2', 60).brand('r2', 200).customer('q3', 210);
    const ps = threadPoints(facts(t));
    expectWellFormed(ps);
    expect(of(ps, 'next_response').map((p) => [p.t, p.idx, p.end_at, p.end_reason, p.calendar_s, p.breached])).toEqual([
      [t.at(60), 1, t.at(200), 'reply', 8400, 1],
      [t.at(210), 2, null, '', null, null],
    ]);
    expect(of(ps, 'next_response')[1]).toMatchObject({
      sla_clock: 'calendar',
      sla_target_s: 7200,
      deadline_at: t.at(210 + 120),
    });
    expect(of(ps, 'reply').map((p) => [p.t, p.idx, p.started_at, p.calendar_s, p.breached])).toEqual([
      [t.at(20), 0, t.at(0), 1200, 0],
      [t.at(200), 1, t.at(60), 8400, 1],
    ]);
  });

  it('waiting: one point per waiting message, not removed ones', () => {
    const t = tl().customer('q1', 0).brand('r1', 20).customer('q2', 60).customer('q3', 70).customer('q4', 80);
    t.mod('hide', 90, 'q3');
    const ps = of(threadPoints(facts(t)), 'waiting');
    expect(ps.map((p) => [p.t, p.idx, p.message_id, p.started_at, p.sla_metric, p.deadline_at])).toEqual([
      [t.at(60), 0, 'q2', t.at(60), 'next_response', t.at(180)],
      [t.at(80), 1, 'q4', t.at(60), 'next_response', t.at(180)],
    ]);
    const first = of(threadPoints(facts(tl().customer('q1', 0))), 'waiting');
    expect(first).toMatchObject([
      { idx: 0, message_id: 'q1', sla_metric: 'first_response', deadline_at: T0 + 3_600_000 },
    ]);
  });

  it('resolution: the first resolution, else the pending inactivity one with its due instant', () => {
    const explicit = of(threadPoints(facts(tl().customer('q1', 0).brand('r1', 10).resolve(60))), 'resolution');
    expect(explicit).toMatchObject([{ t: T0 + 3_600_000, calendar_s: 3600, business_s: 3600, due_at: null }]);
    const lazy = { ...KEY, brand: 'lazy' };
    const t = tl(lazy).customer('q1', 0).brand('r1', 10);
    const pending = of(threadPoints(facts(t)), 'resolution');
    expect(pending).toMatchObject([{ t: t.at(10), due_at: t.at(10) + 86_400_000, calendar_s: 600, business_s: 600 }]);
    expect(of(threadPoints(facts(tl().customer('q1', 0).brand('r1', 10))), 'resolution')).toEqual([]);
  });

  it('the due instant truncates like toInt64(after * 1000)', () => {
    const f = facts(
      tl({ ...KEY, brand: 'lazy' })
        .customer('q1', 0)
        .brand('r1', 10),
    );
    const at = f.pending_inactivity_at!;
    const due = (after: number) =>
      of(threadPoints({ ...f, inactivity_resolve_after_s: after }), 'resolution')[0]!.due_at! - at;
    expect(due(0.0019)).toBe(1);
    expect(due(1.9999)).toBe(1999);
    expect(due(86_400)).toBe(86_400_000);
  });

  it('recovery: threads that started negative and got a human reply', () => {
    const t = tl()
      .customer('q1', 0, { sentiment_label: 'negative', sentiment_score: -0.8 })
      .brand('r1', 10)
      .customer('q2', 20, { sentiment_label: 'positive', sentiment_score: 0.6, needs_reply: false, intent: 'praise' });
    const f = facts(t);
    expect(of(threadPoints(f), 'recovery')).toMatchObject([
      { t: t.at(10), recovered: 1, sentiment_change: f.sentiment_change },
    ]);
    expect(of(threadPoints(facts(tl().customer('q1', 0, { sentiment_label: 'negative' }))), 'recovery')).toEqual([]);
  });
});
