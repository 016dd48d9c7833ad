import { POINT_BREACHED, POINT_DUE } from '../../services/domain/thread-points-sql.ts';
import { dashboardFilters } from './filters.ts';
import type { PanelSql } from './types.ts';

/**
 * The Community team dashboard's panel queries: built into Grafana JSON by
 * dashboards/community-team.ts and run by the live page (services/dashboard) with the same text.
 */
// The panels read thread_points (migration 0700): one row per point, sorted and partitioned by the
// instant the panel filters on (t), so a range reads only its own granules; thread_facts is sorted by
// thread and FINAL there reads all of a brand's threads whatever the range (docs/dashboards-at-scale.md).
// Each query returns the rows its predecessor on the views of 0203/0204 returned (the int test
// test/int/dashboards/thread-points-panels.int.test.ts keeps those as the definition). A point carries
// the language the customer opened the thread in, so the language filter narrows every panel here.
const f = dashboardFilters({ brand: 'brand', platform: 'platform', language: 'language' });

/** p50 and p90 on both clocks of a duration, for a timeseries grouped by `time`. */
const quantiles = (business: string, calendar: string) =>
  `quantile(0.5)(${business}) AS "p50 business", quantile(0.9)(${business}) AS "p90 business",
  quantile(0.5)(${calendar}) AS "p50 calendar", quantile(0.9)(${calendar}) AS "p90 calendar"`;

export const COMMUNITY_TEAM = {
  firstResponse: {
    // first_response: t = the first wait's start; answered ones have end_at.
    sql: `SELECT $__timeInterval(t) AS time, ${quantiles('business_s', 'calendar_s')}
FROM thread_points FINAL
WHERE metric = 'first_response' AND $__timeFilter(t) AND end_at IS NOT NULL AND handled_by_moderation = 0 AND ${f}
GROUP BY time ORDER BY time`,
    minInterval: '1h',
  },
  replyTime: {
    // next_response: t = the period's start.
    sql: `SELECT $__timeInterval(t) AS time, ${quantiles('business_s', 'calendar_s')}
FROM thread_points FINAL
WHERE metric = 'next_response' AND $__timeFilter(t) AND end_reason = 'reply' AND ${f}
GROUP BY time ORDER BY time`,
    minInterval: '1h',
  },
  resolutionTime: {
    // resolution: t = the first resolution; a pending inactivity one counts from its due instant on.
    sql: `SELECT $__timeInterval(t) AS time, ${quantiles('business_s', 'calendar_s')}
FROM thread_points FINAL
WHERE metric = 'resolution' AND $__timeFilter(t) AND (${POINT_DUE}) AND ${f}
GROUP BY time ORDER BY time`,
    minInterval: '1h',
  },
  slaBreaches: {
    // sla: t = the deadline; open waits and pending resolutions are decided against now().
    sql: `SELECT $__timeInterval(deadline) AS time, sla_metric AS metric, count() AS breaches
FROM (
  SELECT t AS deadline, sla_metric, ${POINT_BREACHED} AS breach
  FROM thread_points FINAL
  WHERE metric = 'sla' AND $__timeFilter(t) AND ${f}
)
WHERE breach = 1
GROUP BY time, metric ORDER BY time`,
    minInterval: '1h',
  },
  responseRate: {
    // response_day: one point per thread needing a reply, at UTC midnight of its local day.
    sql: `SELECT countIf(responded = 1) / nullIf(count(), 0) AS response_rate
FROM thread_points FINAL
WHERE metric = 'response_day' AND $__dateFilter(toDate(t)) AND ${f}`,
  },
  responseRateWithinSla: {
    sql: `SELECT countIf(within_sla = 1) / nullIf(count(), 0) AS within_sla
FROM thread_points FINAL
WHERE metric = 'response_day' AND $__dateFilter(toDate(t)) AND ${f}`,
  },
  agents: {
    // reply: t = the period's end, the instant of the brand reply that ended it; agent_id = who sent
    // it (migration 0703; '' = the reply names no agent, as the old join with the messages gave it). No
    // join with the messages: the range reads only its own reply points.
    sql: `SELECT agent_id AS agent, count() AS replies,
  quantile(0.5)(business_s) AS median_wait, quantile(0.9)(business_s) AS p90_wait,
  countIf(breached = 0) / nullIf(countIf(breached IS NOT NULL), 0) AS within_sla
FROM thread_points FINAL
WHERE metric = 'reply' AND $__timeFilter(t) AND ${f}
GROUP BY agent ORDER BY replies DESC
LIMIT 50`,
  },
  sentimentRecovery: {
    // recovery: t = the first human reply of a thread that started negative.
    sql: `SELECT $__timeInterval(t) AS time, avg(recovered) AS recovered_share, avg(sentiment_change) AS mean_score_change
FROM thread_points FINAL
WHERE metric = 'recovery' AND $__timeFilter(t) AND ${f}
GROUP BY time ORDER BY time`,
    minInterval: '1h',
  },
} satisfies Record<string, PanelSql>;
