import { dashboardFilters } from './filters.ts';
import type { PanelSql } from './types.ts';

/**
 * The Community team dashboard's panel queries: built into Grafana JSON by
 * dashboards/community-team.ts and run by the live page (services/dashboard) with the same text.
 */
// Thread views carry the language the customer opened the thread in (migration 0203), so the
// language filter narrows every panel here.
const f = dashboardFilters({ brand: 'brand', platform: 'platform', language: 'language' });

/** p50 and p90 on both clocks of a duration, for a timeseries grouped by `time`. */
const quantiles = (business: string, calendar: string) =>
  `quantile(0.5)(${business}) AS "p50 business", quantile(0.9)(${business}) AS "p90 business",
  quantile(0.5)(${calendar}) AS "p50 calendar", quantile(0.9)(${calendar}) AS "p90 calendar"`;

export const COMMUNITY_TEAM = {
  firstResponse: {
    sql: `SELECT $__timeInterval(frt_start_at) AS time, ${quantiles('frt_business_s', 'frt_calendar_s')}
FROM v_thread_response
WHERE $__timeFilter(frt_start_at) AND frt_end_at IS NOT NULL AND handled_by_moderation = 0 AND ${f}
GROUP BY time ORDER BY time`,
    minInterval: '1h',
  },
  replyTime: {
    sql: `SELECT $__timeInterval(start_at) AS time, ${quantiles('business_s', 'calendar_s')}
FROM v_waiting_periods
WHERE $__timeFilter(start_at) AND kind = 'next' AND end_reason = 'reply' AND ${f}
GROUP BY time ORDER BY time`,
    minInterval: '1h',
  },
  resolutionTime: {
    sql: `SELECT $__timeInterval(first_resolution_at) AS time, ${quantiles('first_resolution_business_s', 'first_resolution_calendar_s')}
FROM v_thread_response
WHERE $__timeFilter(first_resolution_at) AND first_resolution_at IS NOT NULL AND ${f}
GROUP BY time ORDER BY time`,
    minInterval: '1h',
  },
  slaBreaches: {
    sql: `SELECT $__timeInterval(deadline_at) AS time, metric, count() AS breaches
FROM v_sla_breaches
WHERE $__timeFilter(deadline_at) AND ${f}
GROUP BY time, metric ORDER BY time`,
    minInterval: '1h',
  },
  responseRate: {
    sql: `SELECT sum(threads_responded) / nullIf(sum(threads_needing_reply), 0) AS response_rate
FROM v_response_rate
WHERE $__dateFilter(day) AND ${f}`,
  },
  responseRateWithinSla: {
    sql: `SELECT sum(threads_responded_within_sla) / nullIf(sum(threads_needing_reply), 0) AS within_sla
FROM v_response_rate
WHERE $__dateFilter(day) AND ${f}`,
  },
  agents: {
    sql: `SELECT r.agent_id AS agent, count() AS replies,
  quantile(0.5)(w.business_s) AS median_wait, quantile(0.9)(w.business_s) AS p90_wait,
  countIf(w.breached = 0) / nullIf(countIf(w.breached IS NOT NULL), 0) AS within_sla
FROM v_waiting_periods AS w
INNER JOIN (
  SELECT thread_id, posted_time, assumeNotNull(agent_id) AS agent_id
  FROM v_messages
  WHERE author_role = 'brand' AND agent_id IS NOT NULL AND $__timeFilter(posted_time) AND ${dashboardFilters({ brand: 'brand', platform: 'platform' })}
) AS r ON r.thread_id = w.thread_id AND r.posted_time = w.end_at
WHERE $__timeFilter(w.end_at) AND w.end_reason = 'reply' AND ${dashboardFilters({ language: 'w.language' })}
GROUP BY agent ORDER BY replies DESC
LIMIT 50`,
  },
  sentimentRecovery: {
    sql: `SELECT $__timeInterval(first_human_reply_at) AS time, avg(recovered) AS recovered_share, avg(sentiment_change) AS mean_score_change
FROM v_sentiment_recovery
WHERE $__timeFilter(first_human_reply_at) AND first_human_reply_at IS NOT NULL AND ${f}
GROUP BY time ORDER BY time`,
    minInterval: '1h',
  },
} satisfies Record<string, PanelSql>;
