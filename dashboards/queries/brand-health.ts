import { netSentimentSql } from '../../services/domain/sentiment.ts';
import { POINT_AGE_S, POINT_PAST_SLA } from '../../services/domain/thread-points-sql.ts';
import { dashboardFilters } from './filters.ts';
import type { PanelSql } from './types.ts';

/**
 * The Brand health dashboard's panel queries: built into Grafana JSON by dashboards/brand-health.ts
 * and run by the live page (services/dashboard) with the same text.
 */
const f = dashboardFilters({ brand: 'brand', platform: 'platform', language: 'language' });
// Thread panels read thread_points (migration 0700), sorted by the instant each panel filters on, so
// a range reads only its granules (docs/dashboards-at-scale.md); they return the rows the views of
// 0203 gave (test/int/dashboards/thread-points-panels.int.test.ts). language is the one the customer
// opened the thread in.
const threads = dashboardFilters({ brand: 'brand', platform: 'platform', language: 'language' });

// Net sentiment = (positive - negative) / (positive + negative); NULL when there are no
// opinions in the bucket, so the line has a gap instead of a misleading zero.
const NET = netSentimentSql('sum(positive)', 'sum(negative)');

/**
 * Top negative threads: the 20 threads with the most negative customer messages in the range (then
 * the lowest mean score, then thread_id, so the 20 are the same on every refresh), with the opening
 * message. Returns the rows of one GROUP BY over the range's messages
 * (test/int/dashboards/message-panels.int.test.ts), by one of two plans the range picks (a constant:
 * the plan not taken reads no granule, its WHERE folds to false):
 * - up to SINGLE_PASS_MAX_DAYS: that GROUP BY itself over v_messages_by_time. On 12M messages it took
 *   48 ms over 24 h and 75-95 ms over 3-4 d, where the day plan took 134 and 157-180: its four steps
 *   cost ~55 ms to plan and run even on no rows (which the single pass then pays too: 102-120 over
 *   24 h). Over 7 d the single pass took 138 ms alone, so the day plan wins from about 5 days;
 * - longer ranges, where grouping ~1M rows with their texts took 360-490 ms over 30 d:
 *   - whole UTC days of the range come from thread_sentiment_day (migration 0720, one row per thread,
 *     day and language), the partial days at its edges from v_messages_by_time (`edge_messages`,
 *     read once), so the counts are those of the messages in the range to the second;
 *   - `candidates`: the threads whose negative count reaches the 20th highest (LIMIT 20 WITH TIES),
 *     from the rows that carry a negative message only, grouped by the 128-bit thread_key; every
 *     thread of the answer is among them;
 *   - `top`: their full counts and mean score, ordered, 20 kept;
 *   - the answer: their opening message and last message time from v_messages, sorted by thread, so
 *     the IN reads their granules only, each row joined to its `top` entry. This was a fourth scalar
 *     step joined in a last SELECT until 2026-12-02: one planning round less (same rows).
 *   Each step is a scalar, which ClickHouse computes once, where a subquery named twice would run twice.
 */
const SINGLE_PASS_MAX_DAYS = 4;

function topNegativeThreadsSql(): string {
  const wholeDays = `day >= whole_from AND day < whole_to AND NOT single_pass AND ${f}`;
  const edge = '(SELECT arrayJoin(edge_messages) AS m)';
  return `WITH toDate($__fromTime + INTERVAL 86399 SECOND, 'UTC') AS whole_from, toDate($__toTime, 'UTC') AS whole_to,
  dateDiff('second', $__fromTime, $__toTime) <= ${SINGLE_PASS_MAX_DAYS * 86_400} AS single_pass,
(SELECT groupArray((reinterpretAsUInt128(sipHash128(brand, thread_id)), thread_id, brand, platform,
    toInt64(sentiment_label = 'negative'), toInt64(isNotNull(sentiment_score)), ifNull(sentiment_score, 0)))
  FROM v_messages_by_time
  WHERE $__timeFilter(posted_time) AND (posted_time < toDateTime(whole_from, 'UTC') OR posted_time >= toDateTime(whole_to, 'UTC'))
    AND NOT single_pass AND author_role = 'customer' AND counts_in_sentiment AND ${f}) AS edge_messages,
(SELECT groupArray(thread_key) FROM (
  SELECT thread_key, sum(negative) AS negative_messages
  FROM (
    SELECT thread_key, negative FROM thread_sentiment_day WHERE negative != 0 AND ${wholeDays}
    UNION ALL
    SELECT m.1, m.5 FROM ${edge} WHERE m.5 != 0
  )
  GROUP BY thread_key
  HAVING negative_messages > 0
  ORDER BY negative_messages DESC
  LIMIT 20 WITH TIES)) AS candidates,
(SELECT groupArray((thread_id, brand, platform, negative_messages, messages, mean_score)) FROM (
  SELECT thread_id, brand, platform, toUInt64(sum(negative)) AS negative_messages, toUInt64(sum(messages)) AS messages,
    round(sum(score_sum) / nullIf(sum(scored), 0), 2) AS mean_score
  FROM (
    SELECT thread_id, toString(brand) AS brand, toString(platform) AS platform, negative, messages, scored, score_sum
    FROM thread_sentiment_day
    WHERE thread_key IN (SELECT arrayJoin(candidates)) AND ${wholeDays}
    UNION ALL
    SELECT m.2, m.3, m.4, m.5, toInt64(1), m.6, m.7 FROM ${edge} WHERE m.1 IN (SELECT arrayJoin(candidates))
  )
  GROUP BY thread_id, brand, platform
  HAVING negative_messages > 0
  ORDER BY negative_messages DESC, mean_score ASC, thread_id
  LIMIT 20)) AS top
SELECT * FROM (
  SELECT thread_id, brand, platform,
    countIf(sentiment_label = 'negative') AS negative_messages, count() AS messages,
    round(avg(sentiment_score), 2) AS mean_score, max(posted_time) AS last_message_at,
    argMin(text, posted_time) AS opening_message, argMin(url, posted_time) AS url
  FROM v_messages_by_time
  WHERE single_pass AND $__timeFilter(posted_time) AND author_role = 'customer' AND counts_in_sentiment AND ${f}
  GROUP BY thread_id, brand, platform
  HAVING negative_messages > 0
  ORDER BY negative_messages DESC, mean_score ASC, thread_id
  LIMIT 20
  UNION ALL
  SELECT thread_id, brand, toLowCardinality(t.3) AS platform,
    t.4 AS negative_messages, t.5 AS messages, t.6 AS mean_score,
    last_message_at, opening_message, url
  FROM (
    SELECT thread_id, brand, max(posted_time) AS last_message_at,
      argMin(text, posted_time) AS opening_message, argMin(url, posted_time) AS url,
      top[indexOf(arrayMap(x -> (x.1, x.2), top), (thread_id, toString(brand)))] AS t
    FROM v_messages
    WHERE thread_id IN (SELECT arrayJoin(top).1) AND $__timeFilter(posted_time)
      AND NOT single_pass AND author_role = 'customer' AND counts_in_sentiment AND ${f}
    GROUP BY thread_id, brand)
)
ORDER BY negative_messages DESC, mean_score ASC, thread_id`;
}

export const BRAND_HEALTH = {
  netSentiment: {
    sql: `SELECT $__timeInterval(minute) AS time, ${NET} AS net_sentiment
FROM v_sentiment_minute
WHERE $__timeFilter(minute) AND author_role = 'customer' AND ${f}
GROUP BY time ORDER BY time`,
  },
  negativeShare: {
    sql: `SELECT $__timeInterval(minute) AS time, sum(negative) / nullIf(sum(messages), 0) AS negative_share
FROM v_sentiment_minute
WHERE $__timeFilter(minute) AND author_role = 'customer' AND ${f}
GROUP BY time ORDER BY time`,
  },
  volumeByPlatform: {
    sql: `SELECT $__timeInterval(minute) AS time, platform, sum(messages) AS messages
FROM v_sentiment_minute
WHERE $__timeFilter(minute) AND author_role = 'customer' AND ${f}
GROUP BY time, platform ORDER BY time`,
  },
  sentimentByLanguage: {
    sql: `SELECT language, ${NET} AS net_sentiment, sum(negative) / nullIf(sum(messages), 0) AS negative_share, sum(messages) AS volume
FROM v_sentiment_minute
WHERE $__timeFilter(minute) AND author_role = 'customer' AND ${f}
GROUP BY language ORDER BY volume DESC`,
  },
  topNegativeThreads: { sql: topNegativeThreadsSql() },
  firstResponseVsSla: {
    // first_response: t = the first wait's start; answered ones have end_at.
    sql: `SELECT $__timeInterval(t) AS time,
  quantile(0.5)(if(sla_clock = 'calendar', calendar_s, business_s)) AS p50,
  quantile(0.9)(if(sla_clock = 'calendar', calendar_s, business_s)) AS p90,
  max(sla_target_s) AS sla_target
FROM thread_points FINAL
WHERE metric = 'first_response' AND $__timeFilter(t) AND end_at IS NOT NULL AND handled_by_moderation = 0 AND ${threads}
GROUP BY time ORDER BY time`,
    minInterval: '1h',
  },
  // The backlog has no time range: the live waiting points of every waiting thread (t = posted_at),
  // from waiting_points (migration 0701), whose answered messages collapse away in merges. FINAL
  // rather than sum(sign): it keeps a point right through a signed row written twice
  // (docs/dashboards-at-scale.md), and the list panels need the rows anyway.
  unansweredBacklog: {
    sql: `SELECT count() AS waiting FROM waiting_points FINAL WHERE sign = 1 AND ${threads}`,
  },
  oldestUnanswered: {
    sql: `SELECT max(${POINT_AGE_S}) AS oldest FROM waiting_points FINAL WHERE sign = 1 AND ${threads}`,
  },
  longestWaits: {
    // One row per waiting thread: since when its oldest unanswered message waits. The 10 threads come
    // first, from the points in t order (the sort key after brand) cut at the 10th thread, so only
    // their points are grouped, not every waiting thread's; thread_id breaks ties in the wait.
    sql: `WITH (SELECT groupArray((thread_id, platform, language)) FROM (
    SELECT thread_id, platform, language FROM waiting_points FINAL
    WHERE sign = 1 AND ${threads}
    ORDER BY t, thread_id
    LIMIT 1 BY thread_id, platform, language
    LIMIT 10)) AS longest
SELECT thread_id, platform, language, min(t) AS waiting_since, max(${POINT_AGE_S}) AS waiting_s,
  count() AS waiting_messages, max(${POINT_PAST_SLA}) AS past_sla
FROM waiting_points FINAL
WHERE sign = 1 AND ${threads} AND (thread_id, platform, language) IN (SELECT arrayJoin(longest))
GROUP BY thread_id, platform, language
ORDER BY waiting_s DESC, thread_id
LIMIT 10`,
  },
  spikeAlerts: {
    // The annotations' alerts (dashboards/queries/alerts.ts) as a list, with the sample messages the
    // detector kept (blanked ones, after an erasure, are dropped).
    sql: `SELECT a.time AS started_at, a.ended_at AS ended_at, if(a.platform = '', 'all platforms', a.platform) AS platform,
  a.text AS summary, round(a.peak_ratio, 1) AS peak_ratio, arrayFilter(m -> m != '', s.samples) AS sample_messages
FROM alert_annotations AS a
LEFT JOIN (
  SELECT alert_id, anyIf(sample_messages, kind = 'start') AS samples
  FROM alerts FINAL
  WHERE ${dashboardFilters({ brand: 'brand' })}
  GROUP BY alert_id
) AS s ON s.alert_id = a.alert_id
WHERE a.time <= $__toTime AND ifNull(a.ended_at, $__toTime) >= $__fromTime
  AND ${dashboardFilters({ brand: 'a.brand' })} AND (a.platform = '' OR ${dashboardFilters({ platform: 'a.platform' })})
ORDER BY a.time DESC
LIMIT 20`,
  },
} satisfies Record<string, PanelSql>;
