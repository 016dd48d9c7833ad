import { dashboardFilters } from '../../../dashboards/queries/filters.ts';

/**
 * The thread panels' and the report's SQL as they read the views of migrations 0203/0204 before
 * they switched to thread_points (issue 17): the definition the new SQL must reproduce row for row
 * (thread-points-panels.int.test.ts). Verbatim copies of dashboards/queries/{brand-health,
 * community-team}.ts and services/report/queries.ts at a82bde6; do not "fix" them.
 */
const f = dashboardFilters({ brand: 'brand', platform: 'platform', language: 'language' });
const threads = f;

const quantiles = (business: string, calendar: string) =>
  `quantile(0.5)(${business}) AS "p50 business", quantile(0.9)(${business}) AS "p90 business",
  quantile(0.5)(${calendar}) AS "p50 calendar", quantile(0.9)(${calendar}) AS "p90 calendar"`;

export const BRAND_HEALTH_BEFORE = {
  firstResponseVsSla: `SELECT $__timeInterval(frt_start_at) AS time,
  quantile(0.5)(if(frt_sla_clock = 'calendar', frt_calendar_s, frt_business_s)) AS p50,
  quantile(0.9)(if(frt_sla_clock = 'calendar', frt_calendar_s, frt_business_s)) AS p90,
  max(frt_sla_target_s) AS sla_target
FROM v_thread_response
WHERE $__timeFilter(frt_start_at) AND frt_end_at IS NOT NULL AND handled_by_moderation = 0 AND ${threads}
GROUP BY time ORDER BY time`,
  unansweredBacklog: `SELECT count() AS waiting FROM v_unanswered_backlog WHERE ${threads}`,
  oldestUnanswered: `SELECT max(age_s) AS oldest FROM v_unanswered_backlog WHERE ${threads}`,
  longestWaits: `SELECT thread_id, platform, language, min(posted_at) AS waiting_since, max(age_s) AS waiting_s,
  count() AS waiting_messages, max(sla_breached) AS past_sla
FROM v_unanswered_backlog
WHERE ${threads}
GROUP BY thread_id, platform, language
ORDER BY waiting_s DESC
LIMIT 10`,
};

export const COMMUNITY_TEAM_BEFORE = {
  firstResponse: `SELECT $__timeInterval(frt_start_at) AS time, ${quantiles('frt_business_s', 'frt_calendar_s')}
FROM v_thread_response
WHERE $__timeFilter(frt_start_at) AND frt_end_at IS NOT NULL AND handled_by_moderation = 0 AND ${f}
GROUP BY time ORDER BY time`,
  replyTime: `SELECT $__timeInterval(start_at) AS time, ${quantiles('business_s', 'calendar_s')}
FROM v_waiting_periods
WHERE $__timeFilter(start_at) AND kind = 'next' AND end_reason = 'reply' AND ${f}
GROUP BY time ORDER BY time`,
  resolutionTime: `SELECT $__timeInterval(first_resolution_at) AS time, ${quantiles('first_resolution_business_s', 'first_resolution_calendar_s')}
FROM v_thread_response
WHERE $__timeFilter(first_resolution_at) AND first_resolution_at IS NOT NULL AND ${f}
GROUP BY time ORDER BY time`,
  slaBreaches: `SELECT $__timeInterval(deadline_at) AS time, metric, count() AS breaches
FROM v_sla_breaches
WHERE $__timeFilter(deadline_at) AND ${f}
GROUP BY time, metric ORDER BY time`,
  responseRate: `SELECT sum(threads_responded) / nullIf(sum(threads_needing_reply), 0) AS response_rate
FROM v_response_rate
WHERE $__dateFilter(day) AND ${f}`,
  responseRateWithinSla: `SELECT sum(threads_responded_within_sla) / nullIf(sum(threads_needing_reply), 0) AS within_sla
FROM v_response_rate
WHERE $__dateFilter(day) AND ${f}`,
  agents: `SELECT r.agent_id AS agent, count() AS replies,
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
  sentimentRecovery: `SELECT $__timeInterval(first_human_reply_at) AS time, avg(recovered) AS recovered_share, avg(sentiment_change) AS mean_score_change
FROM v_sentiment_recovery
WHERE $__timeFilter(first_human_reply_at) AND first_human_reply_at IS NOT NULL AND ${f}
GROUP BY time ORDER BY time`,
};

const RANGE = (col: string) =>
  `${col} >= fromUnixTimestamp64Milli({from:Int64}) AND ${col} < fromUnixTimestamp64Milli({to:Int64})`;

/** services/report/queries.ts: the thread summary (#2), the backlog (#3) and the SLA breaches (#4). */
export const REPORT_BEFORE = {
  response: `SELECT countIf(needs_reply = 1) AS needing, countIf(frt_calendar_s IS NOT NULL) AS answered,
            countIf(handled_by_moderation = 1) AS moderated, countIf(needs_reply = 1 AND responded = 1) AS responded,
            quantiles(0.5, 0.9)(frt_calendar_s) AS cal, quantiles(0.5, 0.9)(frt_business_s) AS bus
     FROM v_thread_response
     WHERE brand = {brand:String} AND ${RANGE('first_customer_message_at')}`,
  backlog: `SELECT count() AS waiting, max(age_s) AS oldest, countIf(sla_breached = 1) AS breached FROM v_unanswered_backlog WHERE brand = {brand:String}`,
  breaches: `SELECT metric, countIf(still_open = 1) AS open, countIf(still_open = 0) AS closed
     FROM v_sla_breaches WHERE brand = {brand:String} AND ${RANGE('started_at')} GROUP BY metric ORDER BY metric`,
};
