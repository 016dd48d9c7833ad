import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grafanaIntervalMs, interpolate, type InterpolationContext } from '../../../dashboards/lib/interpolate.ts';
import type { PanelSql } from '../../../dashboards/queries/types.ts';
import { PAGE_PANELS, runPanel, type PanelKey } from '../../../services/dashboard/data.ts';
import type { ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import { BRANDS, LANGUAGES, PLATFORMS } from '../dashboards/seed.ts';
import { seededAnalyst } from '../dashboards/seeded.ts';

/**
 * The live page runs each Grafana panel's SQL with bound parameters (services/dashboard/sql.ts);
 * Grafana pastes literals in (dashboards/lib/interpolate.ts emulates it). On seeded conversations,
 * as the read-only analyst, both must give the same rows for every panel the page shows.
 */
let analyst: ClickHouseClient;
let cleanup: () => Promise<void>;
let range: { from: Date; to: Date };

beforeAll(async () => {
  ({ analyst, range, cleanup } = await seededAnalyst('dashboard_page'));
});

afterAll(async () => cleanup?.());

function grafanaContext(brand: string, minInterval: string | undefined): InterpolationContext {
  const all = (options: string[]) => ({ options, values: ['$__all'] });
  return {
    ...range,
    // The page's resolution: 120 points per chart.
    intervalMs: grafanaIntervalMs(range.from, range.to, 120, minInterval ?? '1m'),
    variables: { brand: { options: BRANDS, values: [brand] }, platform: all(PLATFORMS), language: all(LANGUAGES) },
  };
}

// Columns computed from now() (seconds) move between two queries a few ms apart, and may cross a
// second boundary: they must agree within 2 s, every other column exactly.
const moving = new Set(['oldest', 'waiting_s']);
const MOVING_TOLERANCE_S = 2;
const blankMoving = (rows: Record<string, unknown>[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, moving.has(k) ? 'moves with now()' : v])));

function expectSameRows(key: string, page: Record<string, unknown>[], grafana: Record<string, unknown>[]): void {
  expect(blankMoving(page), key).toEqual(blankMoving(grafana));
  page.forEach((row, i) => {
    for (const column of moving) {
      if (!(column in row)) continue;
      const drift = Math.abs(Number(row[column]) - Number(grafana[i]![column]));
      expect(drift, `${key}.${column} row ${i}`).toBeLessThanOrEqual(MOVING_TOLERANCE_S);
    }
  });
}

describe.each(BRANDS)('the page and Grafana agree for brand %s', (brand) => {
  it('every page panel returns the rows Grafana gets from the same SQL', async () => {
    const compared: string[] = [];
    for (const key of Object.keys(PAGE_PANELS) as PanelKey[]) {
      const query: PanelSql = PAGE_PANELS[key].query;
      const page = await runPanel(analyst, key, { brand, from: range.from.getTime(), to: range.to.getTime() });
      expect(page.error, key).toBeUndefined();
      const rs = await analyst.query({
        query: interpolate(query.sql, grafanaContext(brand, query.minInterval)),
        format: 'JSONEachRow',
        clickhouse_settings: { output_format_json_quote_64bit_integers: 0, date_time_output_format: 'iso' },
      });
      const grafana = await rs.json<Record<string, unknown>>();
      expectSameRows(key, page.rows!, grafana);
      if (grafana.length > 0) compared.push(key);
    }
    // The seed gives every panel rows for acme; globex has no alerts.
    const expected = Object.keys(PAGE_PANELS).filter((k) => brand === 'acme' || k !== 'spikeAlerts');
    expect(compared.sort()).toEqual(expected.sort());
  });
});
