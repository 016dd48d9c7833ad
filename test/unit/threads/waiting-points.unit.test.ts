import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  diffPoints,
  PointState,
  threadPoints,
  type PointRow,
  type ThreadPoint,
} from '../../../services/threads/points.ts';
import { routePointRows, type RoutedRows } from '../../../services/threads/waiting-points.ts';
import { facts, tl } from './points-fixture.ts';
import { KEY } from './timeline.ts';

/** The rows one write sends to each table, from the state it starts at. */
function write(points: ThreadPoint[], stored: PointState): RoutedRows & { state: PointState } {
  const w = diffPoints(KEY, points, stored);
  const out: RoutedRows = { points: [], waiting: [] };
  routePointRows(w.rows, stored, out);
  return { ...out, state: w.state };
}

const signs = (r: RoutedRows) => r.waiting.map((w) => `${w.sign > 0 ? '+' : '-'}${w.t}/${w.idx}`);
const waitingOnly = (rows: readonly PointRow[]) => rows.filter((r) => r.metric === 'waiting');

describe('routePointRows: the backlog as signed rows of waiting_points (migration 0701)', () => {
  const waiting = facts(tl().customer('q1', 0).customer('q2', 5));
  const answered = facts(tl().customer('q1', 0).customer('q2', 5).brand('r1', 20));

  it("a waiting_points row has exactly the table's columns, in its order", () => {
    const sql = readFileSync(
      new URL('../../../infra/clickhouse/migrations/0701_waiting_points.sql', import.meta.url),
      'utf8',
    );
    const table = sql.slice(sql.indexOf('CREATE TABLE'), sql.indexOf('ENGINE'));
    const columns = [...table.matchAll(/^ {4}(\w+) /gm)].map((m) => m[1]);
    const { waiting: rows } = write(threadPoints(waiting), PointState.NONE);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(Object.keys(r)).toEqual(columns);
  });

  it('new waiting points: one +1 row each, with the values; every other point goes to thread_points as it was', () => {
    const points = threadPoints(waiting);
    const w = diffPoints(KEY, points, PointState.NONE);
    const out: RoutedRows = { points: [], waiting: [] };
    routePointRows(w.rows, PointState.NONE, out);
    expect(out.points).toEqual(w.rows.filter((r) => r.metric !== 'waiting'));
    const expected = waitingOnly(w.rows);
    expect(expected).toHaveLength(2);
    expect(out.waiting).toEqual(
      expected.map((p) => ({
        brand: p.brand,
        t: p.t,
        platform: p.platform,
        account_id: p.account_id,
        thread_id: p.thread_id,
        idx: p.idx,
        language: p.language,
        priority: p.priority,
        message_id: p.message_id,
        sla_metric: p.sla_metric,
        started_at: p.started_at,
        deadline_at: p.deadline_at,
        sign: 1,
      })),
    );
    expect(out.waiting.map((r) => r.message_id)).toEqual(['q1', 'q2']);
  });

  it('a reply: one -1 row per waiting point that left, with only its key', () => {
    const first = write(threadPoints(waiting), PointState.NONE);
    const after = write(threadPoints(answered), first.state);
    expect(signs(after)).toEqual(first.waiting.map((w) => `-${w.t}/${w.idx}`));
    for (const r of after.waiting)
      expect(r).toMatchObject({
        ...KEY,
        language: '',
        priority: '',
        message_id: '',
        sla_metric: '',
        started_at: null,
        deadline_at: null,
        sign: -1,
      });
    // thread_points gets the other metrics' changes, and no waiting row, tombstone or not.
    expect(after.points.length).toBeGreaterThan(0);
    expect(after.points.some((r) => r.metric === 'waiting')).toBe(false);
  });

  it('a waiting point whose values change under the same key: -1 then +1, the new values last', () => {
    const points = threadPoints(waiting);
    const first = write(points, PointState.NONE);
    const moved = points.map((p) =>
      p.metric === 'waiting' && p.idx === 1 ? { ...p, deadline_at: (p.deadline_at ?? 0) + 60_000 } : p,
    );
    const second = write(moved, first.state);
    const q2 = first.waiting[1]!;
    expect(signs(second)).toEqual([`-${q2.t}/1`, `+${q2.t}/1`]);
    expect(second.waiting[1]!.deadline_at).toBe((q2.deadline_at ?? 0) + 60_000);
    expect(second.points).toEqual([]);
    // Against the state read back from thread_facts (same keys and fingerprints), the same rows.
    const cold = PointState.of(
      first.state.revision,
      [...first.state.metric],
      [...first.state.t],
      [...first.state.idx],
      [...first.state.fingerprint],
    );
    expect(write(moved, cold).waiting).toEqual(second.waiting);
  });

  it('a late earlier message shifts the ordinals: the old keys get -1, the new ones +1', () => {
    const first = write(threadPoints(waiting), PointState.NONE);
    const later = write(threadPoints(facts(tl().customer('q0', -10).customer('q1', 0).customer('q2', 5))), first.state);
    const [q1, q2] = first.waiting;
    // q0 is idx 0 now, q1 keeps its t at idx 1, q2 moves to idx 2: new keys (+1) and gone ones (-1).
    expect(signs(later).sort()).toEqual(
      [`-${q1!.t}/0`, `-${q2!.t}/1`, `+${q1!.t - 600_000}/0`, `+${q1!.t}/1`, `+${q2!.t}/2`].sort(),
    );
  });

  it('nothing changed: no row for either table (a replayed batch)', () => {
    const first = write(threadPoints(waiting), PointState.NONE);
    const again = write(threadPoints(waiting), first.state);
    expect(again.points).toEqual([]);
    expect(again.waiting).toEqual([]);
  });
});
