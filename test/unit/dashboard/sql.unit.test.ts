import { describe, expect, it } from 'vitest';
import { BRAND_HEALTH } from '../../../dashboards/queries/brand-health.ts';
import { COMMUNITY_TEAM } from '../../../dashboards/queries/community-team.ts';
import { optionsSql } from '../../../dashboards/queries/filters.ts';
import { pageParams, pageSql } from '../../../services/dashboard/sql.ts';

describe('pageSql: the Grafana panel SQL with bound parameters', () => {
  it('binds the brand, drops the platform and language filters as "All" does, and binds the time range', () => {
    const sql = pageSql(BRAND_HEALTH.netSentiment.sql);
    expect(sql).toContain('brand IN ({brand:String})');
    expect(sql).toContain('1=1 AND 1=1');
    expect(sql).toContain('toStartOfInterval(toDateTime(minute), toIntervalSecond({interval:UInt32})) AS time');
    expect(sql).toContain('minute >= toDateTime({from:UInt32}) AND minute <= toDateTime({to:UInt32})');
    expect(sql).not.toMatch(/\$|platform IN|language IN/);
  });

  it('expands $__fromTime, $__toTime and $__dateFilter', () => {
    expect(pageSql('SELECT 1 WHERE t <= $__toTime AND t >= $__fromTime')).toBe(
      'SELECT 1 WHERE t <= toDateTime({to:UInt32}) AND t >= toDateTime({from:UInt32})',
    );
    expect(pageSql('SELECT 1 WHERE $__dateFilter(day)')).toBe(
      'SELECT 1 WHERE day >= {from_date:Date} AND day <= {to_date:Date}',
    );
  });

  it('turns every query the page shares with Grafana into SQL without a macro or variable left', () => {
    for (const q of [...Object.values(BRAND_HEALTH), ...Object.values(COMMUNITY_TEAM), { sql: optionsSql('brand') }]) {
      expect(pageSql(q.sql)).not.toMatch(/\$|\[\[/);
    }
  });

  it('refuses a macro or a variable it has no value for, instead of sending it to ClickHouse', () => {
    expect(() => pageSql('SELECT $__timeFilter_ms(t)')).toThrow(/\$__timeFilter_ms is neither/);
    expect(() => pageSql('SELECT * FROM t WHERE agent = $agent')).toThrow(/\$agent has no value/);
    expect(() => pageSql('SELECT $__timeFilter(a, b)')).toThrow(/expected 1 argument, received 2/);
  });
});

describe('pageParams', () => {
  const to = Date.UTC(2026, 11, 1, 12, 0, 30, 500);
  it("uses Grafana's interval rounding for the range, never below the panel's minimum", () => {
    // 24 h / 120 points = 12 min, rounded to 10 min; FRT panels ask for 1 h at least.
    expect(pageParams(BRAND_HEALTH.netSentiment, { brand: 'acme', from: to - 86_400_000, to }).params.interval).toBe(
      600,
    );
    expect(
      pageParams(BRAND_HEALTH.firstResponseVsSla, { brand: 'acme', from: to - 86_400_000, to }).params.interval,
    ).toBe(3600);
    // 15 min / 120 = 7.5 s, rounded to 5 s, but the finest aggregate is a minute.
    expect(pageParams(BRAND_HEALTH.netSentiment, { brand: 'acme', from: to - 900_000, to }).intervalMs).toBe(60_000);
  });

  it('gives Unix seconds and the UTC days of the range', () => {
    const { params } = pageParams(COMMUNITY_TEAM.responseRate, { brand: 'globex', from: to - 2 * 86_400_000, to });
    expect(params).toMatchObject({
      brand: 'globex',
      from: Math.floor((to - 2 * 86_400_000) / 1000),
      to: Math.floor(to / 1000),
      from_date: '2026-11-29',
      to_date: '2026-12-01',
    });
  });
});
