import type { PointRow, PointState } from './point-diff.ts';

/**
 * The backlog's points go to their own table, waiting_points (migration 0701), a
 * CollapsingMergeTree(sign): thread_points keeps every tombstone until a CLEANUP merge, and the
 * backlog panels, which have no time range, would read all of them. The diff stays one mechanism
 * (point-diff.ts: `waiting` points are keyed, fingerprinted and named in thread_facts like any
 * other); only the rows it gives are routed here by metric and turned into signed rows (pure):
 *   new point      +1
 *   changed point  -1 then +1 (one insert: a block is sorted stably, so the -1 stays first and
 *                  the +1 is the key's last row, the one CollapsingMergeTree keeps)
 *   gone point     -1
 * A -1 needs only the sort key: collapsing compares keys, never values.
 */

/** One waiting_points row (times as epoch ms, as insertRowBinary writes DateTime64). */
export interface WaitingPointRow {
  brand: string;
  t: number;
  platform: string;
  account_id: string;
  thread_id: string;
  idx: number;
  language: string;
  priority: string;
  message_id: string;
  sla_metric: string;
  started_at: number | null;
  deadline_at: number | null;
  sign: 1 | -1;
}

/** The rows of one write, by table: thread_points' (every metric but `waiting`) and waiting_points'. */
export interface RoutedRows {
  points: PointRow[];
  waiting: WaitingPointRow[];
}

export const WAITING = 'waiting';

/** Field by field, one object shape (point-diff.ts: a spread builds a dictionary-mode object). */
function signed(r: PointRow, sign: 1 | -1): WaitingPointRow {
  const state = sign === 1;
  return {
    brand: r.brand,
    t: r.t,
    platform: r.platform,
    account_id: r.account_id,
    thread_id: r.thread_id,
    idx: r.idx,
    language: state ? r.language : '',
    priority: state ? r.priority : '',
    message_id: state ? r.message_id : '',
    sla_metric: state ? r.sla_metric : '',
    started_at: state ? r.started_at : null,
    deadline_at: state ? r.deadline_at : null,
    sign,
  };
}

/**
 * Appends one thread's diff rows (diffPoints(…, stored).rows) to `out`: `waiting` rows as signed
 * waiting_points rows, the others unchanged. `stored` is the state the diff started from: a written
 * point whose key it holds replaces a +1 already in waiting_points, so a -1 goes first.
 */
export function routePointRows(rows: readonly PointRow[], stored: PointState, out: RoutedRows): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.metric !== WAITING) {
      out.points.push(r);
    } else if (r.is_deleted === 1) {
      out.waiting.push(signed(r, -1));
    } else {
      if (stored.positionOf(r.metric, r.t, r.idx, 0) >= 0) out.waiting.push(signed(r, -1));
      out.waiting.push(signed(r, 1));
    }
  }
}
