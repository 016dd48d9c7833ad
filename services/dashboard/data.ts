import type { ClickHouseClient } from '../shared/clickhouse.ts';
import { BRAND_HEALTH } from '../../dashboards/queries/brand-health.ts';
import { COMMUNITY_TEAM } from '../../dashboards/queries/community-team.ts';
import type { PanelSql } from '../../dashboards/queries/types.ts';
import { pageParams, pageSql, type PageRange } from './sql.ts';

/**
 * The page's panels: which Grafana panel query each one runs (the same text, dashboards/queries/),
 * and the rows it got. A panel that fails shows its error; the others still render.
 */
export const PAGE_PANELS = {
  netSentiment: { title: 'Net sentiment', query: BRAND_HEALTH.netSentiment },
  negativeShare: { title: 'Negative share', query: BRAND_HEALTH.negativeShare },
  volumeByPlatform: { title: 'Volume by platform', query: BRAND_HEALTH.volumeByPlatform },
  sentimentByLanguage: { title: 'Sentiment by language', query: BRAND_HEALTH.sentimentByLanguage },
  firstResponse: { title: 'First response time p50 / p90 vs SLA', query: BRAND_HEALTH.firstResponseVsSla },
  backlog: { title: 'Unanswered backlog', query: BRAND_HEALTH.unansweredBacklog },
  oldest: { title: 'Oldest unanswered message', query: BRAND_HEALTH.oldestUnanswered },
  longestWaits: { title: 'Longest waits', query: BRAND_HEALTH.longestWaits },
  slaBreaches: { title: 'SLA breaches', query: COMMUNITY_TEAM.slaBreaches },
  responseRate: { title: 'Response rate', query: COMMUNITY_TEAM.responseRate },
  spikeAlerts: { title: 'Spike alerts', query: BRAND_HEALTH.spikeAlerts },
} satisfies Record<string, { title: string; query: PanelSql }>;

export type PanelKey = keyof typeof PAGE_PANELS;
export type Row = Record<string, unknown>;

export type PanelResult =
  { rows: Row[]; intervalMs: number; error?: never } | { error: string; rows?: never; intervalMs: number };

export interface DashboardData extends PageRange {
  timeZone: string;
  panels: Record<PanelKey, PanelResult>;
}

// Built once: the text ClickHouse sees is the same on every refresh, only the parameters change.
const PAGE_SQL = Object.fromEntries(Object.entries(PAGE_PANELS).map(([k, p]) => [k, pageSql(p.query.sql)])) as Record<
  PanelKey,
  string
>;

export async function runPanel(client: ClickHouseClient, key: PanelKey, range: PageRange): Promise<PanelResult> {
  const { params, intervalMs } = pageParams(PAGE_PANELS[key].query, range);
  try {
    const rs = await client.query({
      query: PAGE_SQL[key],
      query_params: params,
      format: 'JSONEachRow',
      // ISO instants with their "Z": the page converts them to the brand's zone, whatever the server's is.
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0, date_time_output_format: 'iso' },
    });
    return { rows: await rs.json<Row>(), intervalMs };
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0]!.slice(0, 300), intervalMs };
  }
}

/** Every panel of the page, one query after another (the local engine answers one at a time anyway). */
export async function fetchDashboard(
  client: ClickHouseClient,
  range: PageRange,
  timeZone: string,
): Promise<DashboardData> {
  const panels = {} as Record<PanelKey, PanelResult>;
  for (const key of Object.keys(PAGE_PANELS) as PanelKey[]) panels[key] = await runPanel(client, key, range);
  return { ...range, timeZone, panels };
}

/** The brands the selector offers: the brand variable's own query over the range (same SQL as Grafana's). */
export async function brandsSeen(client: ClickHouseClient, optionsSql: string, range: PageRange): Promise<string[]> {
  const { params } = pageParams({ sql: optionsSql }, range);
  const rs = await client.query({ query: pageSql(optionsSql), query_params: params, format: 'JSONEachRow' });
  return (await rs.json<{ brand: string }>()).map((r) => r.brand);
}
