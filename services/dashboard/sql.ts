import { applyConditionalAll, expandMacros, grafanaIntervalMs, oneArg } from '../../dashboards/lib/interpolate.ts';
import type { PanelSql } from '../../dashboards/queries/types.ts';

/**
 * The Grafana panels' SQL (dashboards/queries/) made runnable by the live page. Grafana pastes the
 * time range and the variables into the text; the page binds them as ClickHouse query parameters
 * instead, so a brand name never becomes SQL and ClickHouse sees one query text per panel:
 *
 * - the brand filter keeps its condition with `{brand:String}` (one brand is selected); platform and
 *   language are "All", so their `$__conditionalAll` becomes 1=1 exactly as in Grafana;
 * - `$__timeFilter(col)`, `$__fromTime`, `$__toTime`, `$__dateFilter(col)`, `$__timeInterval(col)`,
 *   `$__interval_s` read `{from}`, `{to}` (Unix seconds), `{from_date}`, `{to_date}` (UTC days, as the
 *   plugin's) and `{interval}` (seconds), with Grafana's comparisons and bucketing.
 *
 * Anything else left (another macro or variable) is an error: a panel the page cannot run faithfully.
 */
const FROM = 'toDateTime({from:UInt32})';
const TO = 'toDateTime({to:UInt32})';

const PAGE_MACROS: Record<string, (args: string[]) => string> = {
  fromTime: () => FROM,
  toTime: () => TO,
  timeFilter: (a) => {
    const col = oneArg('timeFilter', a);
    return `${col} >= ${FROM} AND ${col} <= ${TO}`;
  },
  dateFilter: (a) => {
    const col = oneArg('dateFilter', a);
    return `${col} >= {from_date:Date} AND ${col} <= {to_date:Date}`;
  },
  timeInterval: (a) =>
    `toStartOfInterval(toDateTime(${oneArg('timeInterval', a)}), toIntervalSecond({interval:UInt32}))`,
  interval_s: () => '{interval:UInt32}',
};

const ALL = { values: ['$__all'], options: [] };

/** The page's version of one panel query: brand bound, platform and language on "All". */
export function pageSql(rawSql: string): string {
  // A non-empty brand value keeps the brand condition (applyConditionalAll drops it only for All).
  let sql = applyConditionalAll(rawSql, { brand: { values: ['{brand}'], options: [] }, platform: ALL, language: ALL });
  sql = sql.replaceAll('${brand:singlequote}', '{brand:String}');
  sql = expandMacros(sql, PAGE_MACROS);
  const leftover = /\$\{?\w+|\[\[\w+/.exec(sql);
  if (leftover) throw new Error(`${leftover[0]} has no value on the live page`);
  return sql;
}

/** Points per time series; Grafana derives its interval from the panel's width in pixels the same way. */
export const RESOLUTION = 120;

export interface PageRange {
  brand: string;
  /** Epoch ms. */
  from: number;
  to: number;
}

/** The query parameters of `panel` for `range`: the interval follows Grafana's rounding and the panel's minimum. */
export function pageParams(
  panel: PanelSql,
  range: PageRange,
): { params: Record<string, string | number>; intervalMs: number } {
  const intervalMs = grafanaIntervalMs(new Date(range.from), new Date(range.to), RESOLUTION, panel.minInterval ?? '1m');
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return {
    intervalMs,
    params: {
      brand: range.brand,
      from: Math.floor(range.from / 1000),
      to: Math.floor(range.to / 1000),
      from_date: day(range.from),
      to_date: day(range.to),
      interval: Math.max(1, Math.floor(intervalMs / 1000)),
    },
  };
}
