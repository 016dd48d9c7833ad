import { describe, expect, it } from 'vitest';
import { BrandSettings } from '../../../services/domain/brand-settings.ts';
import { computeThreadFacts } from '../../../services/threads/facts.ts';
import { pointStateFromRow } from '../../../services/threads/point-rows.ts';
import {
  diffPoints,
  pointFingerprint,
  pointKey,
  PointState,
  threadPoints,
  type PointRow,
} from '../../../services/threads/points.ts';
import { KEY, Timeline } from './timeline.ts';

const settings = BrandSettings.load().forThread(KEY);
const T0 = Date.UTC(2025, 0, 6, 10, 0);
const pointsOfTimeline = (t: Timeline) => threadPoints(computeThreadFacts(t.key, t.events, settings));
const keyOf = (r: PointRow) => `${pointKey(r)} v${r.version}${r.is_deleted ? ' deleted' : ''}`;

/** The state as thread_facts returns it (JSON: 64-bit integers as strings), to diff against after a restart. */
const readBack = (s: PointState) =>
  pointStateFromRow({
    ...KEY,
    points_revision: String(s.revision),
    point_metric: [...s.metric],
    point_t_ms: s.t.map(String),
    point_idx: [...s.idx],
    point_fingerprint: s.fingerprint.map(String),
  });

describe('diffPoints: what a new point set writes', () => {
  const waiting = new Timeline(T0).customer('q1', 0).customer('q2', 5);
  const answered = new Timeline(T0).customer('q1', 0).customer('q2', 5).brand('r1', 20);

  it('a new thread writes every point with revision 1', () => {
    const points = pointsOfTimeline(waiting);
    const w = diffPoints(KEY, points, PointState.NONE);
    expect(w.state.revision).toBe(1);
    expect(w.rows).toHaveLength(points.length);
    expect(w.rows.every((r) => r.version === 1 && r.is_deleted === 0)).toBe(true);
    expect(w.state.metric).toEqual(points.map((p) => p.metric));
    expect(w.state.t).toEqual(points.map((p) => p.t));
    expect(w.state.idx).toEqual(points.map((p) => p.idx));
    expect(w.state.fingerprint).toEqual(points.map(pointFingerprint));
  });

  it('the same points again write nothing and keep the revision (a replayed batch)', () => {
    const first = diffPoints(KEY, pointsOfTimeline(waiting), PointState.NONE);
    const again = diffPoints(KEY, pointsOfTimeline(waiting), first.state);
    expect(again.rows).toEqual([]);
    expect(again.state).toBe(first.state);
    // Also against the state read back from thread_facts (the thread no longer remembered).
    const cold = diffPoints(KEY, pointsOfTimeline(waiting), readBack(first.state));
    expect(cold.rows).toEqual([]);
    expect(cold.state.revision).toBe(1);
  });

  it('a reply: changed points rewritten, gone ones tombstoned, unchanged ones left alone', () => {
    const before = diffPoints(KEY, pointsOfTimeline(waiting), PointState.NONE);
    const after = pointsOfTimeline(answered);
    for (const stored of [before.state, readBack(before.state)]) {
      const w = diffPoints(KEY, after, stored);
      expect(w.state.revision).toBe(2);
      expect(w.rows.map(keyOf).sort()).toEqual(
        [
          // The first wait now ends: its point values change, same keys.
          `thread|${T0}|0 v2`,
          `first_response|${T0}|0 v2`,
          `response_day|${Date.UTC(2025, 0, 6)}|0 v2`,
          `reply|${T0 + 20 * 60_000}|0 v2`,
          // The open first-response deadline was met: no longer an SLA point.
          `sla|${computeThreadFacts(KEY, waiting.events, settings).periods[0]!.sla_deadline_at}|0 v2 deleted`,
          `sla_start|${T0}|0 v2 deleted`,
          // No longer waiting.
          `waiting|${T0}|0 v2 deleted`,
          `waiting|${T0 + 5 * 60_000}|1 v2 deleted`,
        ].sort(),
      );
      // The resolution deadline did not move: not written again.
      expect(w.rows.some((r) => r.sla_metric === 'resolution' || (r.is_deleted === 1 && r.idx > 1))).toBe(false);
      const gone = w.rows.find((r) => r.is_deleted === 1)!;
      expect(gone).toMatchObject({ ...KEY, language: '', priority: '', calendar_s: null, needs_reply: 0 });
      expect(w.state.metric).toEqual(after.map((p) => p.metric));
    }
  });

  it('a late earlier event moves the points: new keys written, old keys tombstoned', () => {
    const before = diffPoints(KEY, pointsOfTimeline(answered), PointState.NONE);
    const late = new Timeline(T0).customer('q0', -30).customer('q1', 0).customer('q2', 5).brand('r1', 20);
    const w = diffPoints(KEY, pointsOfTimeline(late), before.state);
    const written = new Set(w.rows.filter((r) => !r.is_deleted).map(pointKey));
    const deleted = new Set(w.rows.filter((r) => r.is_deleted).map(pointKey));
    expect(written.has(`thread|${T0 - 30 * 60_000}|0`)).toBe(true);
    expect(deleted.has(`thread|${T0}|0`)).toBe(true);
    // Applying the write to the stored set gives exactly the new set.
    const table = new Map(
      before.state.metric.map((_, i) => [
        pointKey({ metric: before.state.metric[i] as 'thread', t: before.state.t[i]!, idx: before.state.idx[i]! }),
        1,
      ]),
    );
    for (const r of w.rows) {
      if (r.is_deleted) table.delete(pointKey(r));
      else table.set(pointKey(r), 1);
    }
    expect([...table.keys()].sort()).toEqual(pointsOfTimeline(late).map(pointKey).sort());
  });

  it('a thread without points stays at revision 0 and writes nothing', () => {
    const w = diffPoints(KEY, pointsOfTimeline(new Timeline(T0).brand('post', 0)), PointState.NONE);
    expect(w.rows).toEqual([]);
    expect(w.state.revision).toBe(0);
  });
});
