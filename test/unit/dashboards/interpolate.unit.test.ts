import { describe, expect, it } from 'vitest';
import {
  applyConditionalAll,
  grafanaIntervalMs,
  interpolate,
  type InterpolationContext,
} from '../../../dashboards/lib/interpolate.ts';
import { dashboardFilters } from '../../../dashboards/lib/variables.ts';

const from = new Date('2026-03-01T10:00:00Z');
const to = new Date('2026-03-01T16:00:00Z');
const ctx = (brand: string[], platform: string[] = ['$__all']): InterpolationContext => ({
  from,
  to,
  intervalMs: 60_000,
  variables: {
    brand: { values: brand, options: ['acme', 'globex'] },
    platform: { values: platform, options: ['x', 'youtube'] },
  },
});
const filters = dashboardFilters({ brand: 'brand', platform: 'platform' });

describe('plugin macro and variable expansion', () => {
  it('All turns a conditional into 1=1; a selection keeps it, quoted', () => {
    expect(interpolate(`SELECT 1 WHERE ${filters}`, ctx(['$__all']))).toBe('SELECT 1 WHERE 1=1 AND 1=1');
    expect(interpolate(`SELECT 1 WHERE ${filters}`, ctx(['acme'], ['x', 'youtube']))).toBe(
      "SELECT 1 WHERE brand IN ('acme') AND platform IN ('x','youtube')",
    );
  });

  it('an empty selection counts as All, like the plugin', () => {
    expect(applyConditionalAll('$__conditionalAll(a IN (${brand:singlequote}), $brand)', ctx([]).variables)).toBe(
      '1=1',
    );
  });

  it('expands time macros the way pkg/macros does', () => {
    const sql = interpolate(
      'SELECT $__timeInterval(t) AS time, $__interval_s AS s FROM x WHERE $__timeFilter(t) AND $__timeFilter_ms(u) AND d >= $__fromTime AND d <= $__toTime AND $__dateFilter(day)',
      ctx(['acme']),
    );
    expect(sql).toBe(
      'SELECT toStartOfInterval(toDateTime(t), INTERVAL 60 second) AS time, 60 AS s FROM x ' +
        'WHERE t >= toDateTime(1772359200) AND t <= toDateTime(1772380800) ' +
        'AND u >= fromUnixTimestamp64Milli(1772359200000) AND u <= fromUnixTimestamp64Milli(1772380800000) ' +
        'AND d >= toDateTime(1772359200) AND d <= toDateTime(1772380800) ' +
        "AND day >= toDate('2026-03-01') AND day <= toDate('2026-03-01')",
    );
  });

  it('keeps nested brackets inside macro arguments', () => {
    expect(interpolate("$__timeFilter(toDateTime(a, 'UTC'))", ctx(['acme']))).toBe(
      "toDateTime(a, 'UTC') >= toDateTime(1772359200) AND toDateTime(a, 'UTC') <= toDateTime(1772380800)",
    );
  });

  it('rejects a macro the plugin does not have, instead of sending it to ClickHouse', () => {
    expect(() => interpolate('SELECT $__timeGroupAlias(t)', ctx(['acme']))).toThrow(/neither a Grafana variable nor/);
  });

  it('computes the interval Grafana sends, floored by the panel min interval', () => {
    expect(grafanaIntervalMs(from, to, 1000)).toBe(20_000); // 6 h / 1000 = 21.6 s → 20 s
    expect(grafanaIntervalMs(from, to, 1000, '1m')).toBe(60_000);
    expect(grafanaIntervalMs(from, new Date(from.getTime() + 7 * 86_400_000), 1000, '1m')).toBe(600_000);
  });
});
