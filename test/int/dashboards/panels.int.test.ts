import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { SPIKE_RULE_SQL } from '../../../dashboards/alerting.ts';
import { ALERTS_SQL } from '../../../dashboards/lib/annotations.ts';
import { buildDashboards } from '../../../dashboards/index.ts';
import { queryPanels, structureProblems } from '../../../dashboards/lib/inspect.ts';
import { grafanaIntervalMs, interpolate, type InterpolationContext } from '../../../dashboards/lib/interpolate.ts';
import { FILTER_VARIABLES } from '../../../dashboards/lib/variables.ts';
import type { ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import { BRANDS, LANGUAGES, PLATFORMS, SPIKE_AT } from './seed.ts';
import { seededAnalyst } from './seeded.ts';

/**
 * Every panel query of every dashboard, expanded exactly as Grafana + the ClickHouse plugin
 * would (dashboards/lib/interpolate.ts), run as the read-only analyst against the real engine
 * on seeded conversations, once with every filter on "All" and once with one value each.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const dashboards = buildDashboards();

interface Result {
  meta: { name: string; type: string }[];
  data: Record<string, unknown>[];
  rows: number;
}

const NUMERIC = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/;
const TIME = /^(Nullable\()?DateTime/;

let analyst: ClickHouseClient;
let cleanup: () => Promise<void>;
let range: { from: Date; to: Date };

async function run(sql: string): Promise<Result> {
  const rs = await analyst.query({ query: sql, format: 'JSON' });
  return (await rs.json()) as unknown as Result;
}

type Selection = 'all' | 'single';
function context(selection: Selection, minInterval?: string): InterpolationContext {
  const options = { brand: BRANDS, platform: PLATFORMS, language: LANGUAGES };
  const variables = Object.fromEntries(
    FILTER_VARIABLES.map((v) => [
      v,
      { options: options[v], values: selection === 'all' ? ['$__all'] : [options[v][0]!] },
    ]),
  );
  return { ...range, intervalMs: grafanaIntervalMs(range.from, range.to, 1000, minInterval), variables };
}

/** What each panel type needs from the frame. */
function shapeProblems(panel: Panel, meta: Result['meta']): string[] {
  const numeric = meta.filter((c) => NUMERIC.test(c.type));
  switch (panel.type) {
    case 'timeseries': {
      const problems: string[] = [];
      if (meta[0]?.name !== 'time' || !TIME.test(meta[0].type))
        problems.push(`first column must be a DateTime named time, got ${JSON.stringify(meta[0])}`);
      if (numeric.length === 0) problems.push('no numeric column');
      return problems;
    }
    case 'stat':
      return numeric.length === 0 ? ['no numeric column'] : [];
    case 'table':
      return meta.length === 0 ? ['no columns'] : [];
    default:
      return [`no shape rule for panel type ${panel.type}`];
  }
}

beforeAll(async () => {
  ({ analyst, range, cleanup } = await seededAnalyst('dashboards'));
});

afterAll(async () => cleanup?.());

describe('dashboard structure', () => {
  it('has unique uids, datasources that resolve to a provisioned one, and no empty panel', () => {
    const dir = join(ROOT, 'infra/grafana/provisioning/datasources');
    const provisioned = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => parse(readFileSync(join(dir, f), 'utf8')).datasources);
    const uids = new Set<string>(provisioned.map((d: { uid: string }) => d.uid));
    expect(structureProblems(dashboards, uids)).toEqual([]);
  });
});

describe.each(['all', 'single'] as const)('panel queries with filters = %s', (selection) => {
  it('every panel query succeeds as the analyst, has the columns its panel needs, and returns rows', async () => {
    const failures: string[] = [];
    const panels = queryPanels(dashboards);
    expect(panels.length).toBeGreaterThanOrEqual(20);
    for (const { dashboard, panel, targets } of panels) {
      for (const target of targets) {
        const where = `${dashboard} / ${panel.title} / ${target.refId}`;
        let sql = '';
        try {
          sql = interpolate(target.rawSql, context(selection, panel.interval));
          const result = await run(sql);
          for (const p of shapeProblems(panel, result.meta)) failures.push(`${where}: ${p}`);
          if (result.rows === 0) failures.push(`${where}: no rows on seeded data`);
        } catch (err) {
          failures.push(
            `${where}: ${(err as Error).message.split('\n')[0]}\n    ${sql.replace(/\s+/g, ' ').slice(0, 300)}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('the brand, platform and language variables list the seeded values', async () => {
    const d = dashboards['brand-health.json']!;
    for (const v of d.templating.list!) {
      const res = await run(interpolate(v.query as string, context(selection)));
      const expected = { brand: BRANDS, platform: PLATFORMS, language: LANGUAGES }[v.name as 'brand'];
      const values = res.data.map((r) => Object.values(r)[0]);
      // Narrowed by the brand selection, every seeded value still appears (each brand has all).
      expect(values.sort()).toEqual([...expected].sort());
    }
  });
});

describe('alerting', () => {
  it('the alerts annotation query returns the ended and the open alert as regions', async () => {
    const res = await run(interpolate(ALERTS_SQL, context('all')));
    expect(res.meta.map((c) => c.name)).toEqual(['time', 'timeEnd', 'title', 'text', 'tags']);
    expect(res.meta[0]!.type).toMatch(TIME);
    expect(res.data.map((r) => r.title)).toEqual(['Negative spike: acme', 'Negative spike: acme on x']);
    // The open alert runs to the end of the dashboard's range ($__toTime has second resolution).
    expect(Date.parse(`${String(res.data[1]!.timeEnd)}Z`)).toBe(Math.floor(range.to.getTime() / 1000) * 1000);
  });

  it('the negative-spike rule query runs as the analyst and returns one numeric value per brand and brand/platform', async () => {
    const res = await run(SPIKE_RULE_SQL);
    expect(res.meta.map((c) => c.name)).toEqual(['brand', 'platform', 'spike_ratio']);
    expect(res.meta[2]!.type).toMatch(NUMERIC);
    // Only the seeded burst is in the 5-minute window: the brand and its platform fire, nothing else.
    const firing = res.data.filter((r) => Number(r.spike_ratio) > 0).map((r) => `${r.brand}/${r.platform}`);
    expect(firing.sort()).toEqual([`${SPIKE_AT.brand}/`, `${SPIKE_AT.brand}/${SPIKE_AT.platform}`]);
  });
});
