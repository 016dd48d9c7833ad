import { expect } from 'vitest';
import type { ClickHouseClient } from '../../../services/shared/clickhouse.ts';

/**
 * Runs a reference query and its replacement in ONE statement and says whether they return the same
 * rows. Both read now64(3) (open waits, ages, pending resolutions). ClickHouse fixes it when it
 * analyses a query, and a view in its own analysis, so the two sides of one statement are analysed
 * within about a millisecond of each other (a CROSS JOIN analyses both before running either), where
 * two statements would be a whole query apart: ages (MOVING) may differ by that, and a deadline
 * would have to fall inside that millisecond to be judged differently.
 */
export interface Frame {
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

export async function framesOf(
  client: ClickHouseClient,
  before: string,
  after: string,
  params: Record<string, unknown> = {},
): Promise<{ before: Frame; after: Frame }> {
  const columns = async (sql: string) => {
    const rs = await client.query({ query: `DESCRIBE (${sql})`, query_params: params, format: 'JSONEachRow' });
    return (await rs.json<{ name: string; type: string }>()).map(({ name, type }) => ({ name, type }));
  };
  // groupArray keeps the subquery's ORDER BY: the plan must not drop that sort as redundant.
  const rs = await client.query({
    query: `SELECT before, after FROM (SELECT groupArray(tuple(*)) AS before FROM (${before})) AS b
      CROSS JOIN (SELECT groupArray(tuple(*)) AS after FROM (${after})) AS a`,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { query_plan_remove_redundant_sorting: 0, output_format_json_quote_64bit_integers: 0 },
  });
  const [row] = await rs.json<{ before: unknown[][]; after: unknown[][] }>();
  return {
    before: { columns: await columns(before), rows: row!.before },
    after: { columns: await columns(after), rows: row!.after },
  };
}

/** Columns computed from now64(3) in seconds: equal to within a second (see framesOf). */
const MOVING = new Set(['oldest', 'waiting_s']);

/**
 * Floats equal to 1e-9 relative: an avg or a quantile's interpolation adds the same values in the
 * order the table gives them, and thread_facts and thread_points give them in different orders.
 */
function close(a: unknown, b: unknown, moving = false): boolean {
  if (typeof a === 'number' && typeof b === 'number')
    return a === b || Math.abs(a - b) <= (moving ? 1 : 1e-9 * Math.max(Math.abs(a), Math.abs(b)));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => close(v, b[i], moving));
  return a === b;
}

const text = (r: unknown) => JSON.stringify(r);

/**
 * The same columns (names, order, types but for Nullable and LowCardinality: a point's t is never
 * NULL where a view's instant could be, and a point's strings are dictionary-encoded) and rows. `orderBy` names the columns of the query's ORDER BY (none: one row, or
 * an order defined by every column): rows must follow the same sequence of those keys, and rows with
 * equal keys are compared as multisets (their order is undefined). With a LIMIT the query may cut a
 * run of equal keys anywhere: that last run is compared by its keys only.
 */
export function expectSameFrames(
  where: string,
  got: { before: Frame; after: Frame },
  orderBy: string[] = [],
  limit?: number,
): void {
  const { before, after } = got;
  const columns = (f: Frame) =>
    f.columns.map((c) => ({ ...c, type: c.type.replace(/^(Nullable|LowCardinality)\((.*)\)$/, '$2') }));
  expect(columns(after), `${where}: columns`).toEqual(columns(before));
  expect(after.rows.length, `${where}: row count`).toBe(before.rows.length);
  const moving = before.columns.map((c) => MOVING.has(c.name));
  const same = (x: unknown[], y: unknown[], at: number[]) =>
    x.length === y.length && at.every((c, i) => close(x[i], y[i], moving[c]));
  const all = before.columns.map((_c, i) => i);
  const sameRows = (x: unknown[][], y: unknown[][]) => x.length === y.length && x.every((r, i) => same(r, y[i]!, all));
  if (orderBy.length === 0) {
    if (!sameRows(after.rows, before.rows)) expect(after.rows, `${where}: rows`).toEqual(before.rows);
    return;
  }
  const at = orderBy.map((c) => before.columns.findIndex((x) => x.name === c));
  expect(at, `${where}: ORDER BY columns`).not.toContain(-1);
  const groups = (rows: unknown[][]) => {
    const out: { key: unknown[]; rows: unknown[][] }[] = [];
    for (const r of rows) {
      const k = at.map((i) => r[i]);
      if (out.length > 0 && text(out.at(-1)!.key) === text(k)) out.at(-1)!.rows.push(r);
      else out.push({ key: k, rows: [r] });
    }
    return out;
  };
  const [b, a] = [groups(before.rows), groups(after.rows)];
  const keys = (g: { key: unknown[] }[]) => g.map((x) => x.key);
  if (!(a.length === b.length && a.every((g, i) => same(g.key, b[i]!.key, at))))
    expect(keys(a), `${where}: order`).toEqual(keys(b));
  const cut = limit !== undefined && before.rows.length === limit;
  // Within a run of equal keys, by the columns that cannot move.
  const sorted = (rows: unknown[][]) =>
    [...rows].sort((x, y) => {
      const [p, q] = [text(x.filter((_v, i) => !moving[i])), text(y.filter((_v, i) => !moving[i]))];
      return p < q ? -1 : p > q ? 1 : 0;
    });
  b.forEach((g, i) => {
    if (cut && i === b.length - 1) return;
    const [x, y] = [sorted(g.rows), sorted(a[i]!.rows)];
    if (!sameRows(y, x)) expect(y, `${where}: rows at ${text(g.key)}`).toEqual(x);
  });
}
