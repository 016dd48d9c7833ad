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
  topNegativeThreads: {
    // v_messages_by_time (migration 0710): sorted by posted_time, so the range reads only its rows
    // (v_messages is sorted by thread: FINAL read every message of the brand). thread_id breaks ties,
    // so the 20 threads are the same on every refresh.
    sql: `SELECT thread_id, brand, platform,
  countIf(sentiment_label = 'negative') AS negative_messages, count() AS messages,
  round(avg(sentiment_score), 2) AS mean_score, max(posted_time) AS last_message_at,
  argMin(text, posted_time) AS opening_message, argMin(url, posted_time) AS url
FROM v_messages_by_time
WHERE $__timeFilter(posted_time) AND author_role = 'customer' AND counts_in_sentiment AND ${f}
GROUP BY thread_id, brand, platform
HAVING negative_messages > 0
ORDER BY negative_messages DESC, mean_score ASC, thread_id
LIMIT 20`,
  },
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
    // One row per waiting thread: since when its oldest unanswered message waits.
    sql: `SELECT thread_id, platform, language, min(t) AS waiting_since, max(${POINT_AGE_S}) AS waiting_s,
  count() AS waiting_messages, max(${POINT_PAST_SLA}) AS past_sla
FROM waiting_points FINAL
WHERE sign = 1 AND ${threads}
GROUP BY thread_id, platform, language
ORDER BY waiting_s DESC
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
