/**
 * The reads of bench:queries: every ClickHouse panel of every dashboard, expanded as Grafana and the
 * ClickHouse plugin send them (dashboards/lib/interpolate.ts) for the 24 h, 7 d and 30 d ranges, the
 * dashboards' variable and annotation queries, the alert rule, and the report's queries
 * (services/report/queries.ts, timed one by one through a client that records each query).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { SPIKE_RULE_SQL } from '../../dashboards/alerting.ts';
import { buildDashboards } from '../../dashboards/index.ts';
import { ALERTS_SQL } from '../../dashboards/lib/annotations.ts';
import { queryPanels } from '../../dashboards/lib/inspect.ts';
import { grafanaIntervalMs, interpolate, type InterpolationContext } from '../../dashboards/lib/interpolate.ts';
import { FILTER_VARIABLES } from '../../dashboards/lib/variables.ts';
import { bucketFor } from '../../services/report/model.ts';
import { fetchReport } from '../../services/report/queries.ts';

export const RANGES = [
  { name: '24h', ms: 86_400_000 },
  { name: '7d', ms: 7 * 86_400_000 },
  { name: '30d', ms: 30 * 86_400_000 },
] as const;

export interface Timing {
  name: string;
  range: string;
  ms: number[];
  rows: number;
  /** The engine refused the query (limits of the analyst: 30 s, 2 GiB): no timings. */
  error?: string;
}

export interface Selection {
  brand: string;
  options: Record<(typeof FILTER_VARIABLES)[number], string[]>;
}

function context(sel: Selection, from: Date, to: Date, minInterval?: string): InterpolationContext {
  const variables = Object.fromEntries(
    FILTER_VARIABLES.map((v) => [v, { options: sel.options[v], values: v === 'brand' ? [sel.brand] : ['$__all'] }]),
  );
  return { from, to, intervalMs: grafanaIntervalMs(from, to, 1000, minInterval), variables };
}

/** Every SQL statement a dashboard load sends for one range, named "dashboard / panel / ref". */
export function dashboardQueries(sel: Selection, from: Date, to: Date): { name: string; sql: string }[] {
  const dashboards = buildDashboards();
  const out: { name: string; sql: string }[] = [];
  for (const { dashboard, panel, targets } of queryPanels(dashboards)) {
    for (const t of targets) {
      out.push({
        name: `${dashboard} / ${panel.title}${targets.length > 1 ? ` / ${t.refId}` : ''}`,
        sql: interpolate(t.rawSql, context(sel, from, to, panel.interval)),
      });
    }
  }
  const variables = dashboards['brand-health.json']!.templating.list!;
  for (const v of variables)
    out.push({ name: `variable ${v.name}`, sql: interpolate(v.query as string, context(sel, from, to)) });
  out.push({ name: 'annotations: alerts', sql: interpolate(ALERTS_SQL, context(sel, from, to)) });
  out.push({ name: 'alert rule: negative spike', sql: SPIKE_RULE_SQL });
  return out;
}

async function timed(run: () => Promise<number>, runs: number): Promise<{ ms: number[]; rows: number }> {
  let rows = await run(); // warm-up: marks loaded, plan cached
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    rows = await run();
    ms.push(performance.now() - t0);
  }
  return { ms, rows };
}

export async function timeDashboards(
  client: ClickHouseClient,
  sel: Selection,
  to: Date,
  runs: number,
  only: (name: string) => boolean = () => true,
): Promise<Timing[]> {
  const out: Timing[] = [];
  for (const range of RANGES) {
    const from = new Date(to.getTime() - range.ms);
    for (const q of dashboardQueries(sel, from, to).filter((d) => only(d.name))) {
      try {
        const t = await timed(async () => {
          const rs = await client.query({ query: q.sql, format: 'JSONCompact' });
          return ((await rs.json()) as { rows: number }).rows;
        }, runs);
        out.push({ name: q.name, range: range.name, ...t });
      } catch (err) {
        out.push({
          name: q.name,
          range: range.name,
          ms: [],
          rows: 0,
          error: (err as Error).message.split('\n')[0]!.slice(0, 160),
        });
      }
      const last = out.at(-1)!;
      console.log(
        `  ${range.name} ${q.name}: ${last.error ? `error ${last.error}` : `${Math.max(...last.ms).toFixed(0)} ms max`}`,
      );
    }
  }
  return out;
}

/**
 * The report's queries, each timed: fetchReport runs against a client whose query() records how
 * long each statement took to its parsed result. Every pass sends the same statements in the same
 * order, so the n-th statement of a pass is the same query (named by its place and first FROM).
 */
export async function timeReport(client: ClickHouseClient, brand: string, to: Date, runs: number): Promise<Timing[]> {
  const out: Timing[] = [];
  for (const range of RANGES) {
    const from = to.getTime() - range.ms;
    const seen: Timing[] = [];
    let index = 0;
    let warm = true;
    const recording = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop !== 'query') return Reflect.get(target, prop, receiver) as unknown;
        return async (params: Parameters<ClickHouseClient['query']>[0]) => {
          const t0 = performance.now();
          const i = index++;
          const rs = await target.query(params);
          const json = rs.json.bind(rs);
          return Object.assign(rs, {
            json: async () => {
              const rows = (await json()) as unknown[];
              const table = /FROM\s+([a-z_]+)/i.exec(params.query)?.[1] ?? '?';
              seen[i] ??= { name: `report #${i + 1}: ${table}`, range: range.name, ms: [], rows: 0 };
              if (!warm) seen[i].ms.push(performance.now() - t0);
              seen[i].rows = rows.length;
              return rows;
            },
          });
        };
      },
    });
    try {
      for (let pass = 0; pass <= runs; pass++) {
        index = 0;
        warm = pass === 0;
        await fetchReport(recording, brand, from, to.getTime(), bucketFor(range.ms));
      }
    } catch (err) {
      out.push({
        name: `report #${index}`,
        range: range.name,
        ms: [],
        rows: 0,
        error: (err as Error).message.split('\n')[0]!.slice(0, 160),
      });
    }
    out.push(...seen.filter(Boolean));
  }
  return out;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
