import { AnnotationQueryBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { betterAbove, column, neutral, statPanel, tablePanel, timeseriesPanel, worseAbove } from './lib/panels.ts';
import { dashboardFilters } from './lib/variables.ts';
import { brandpulseDashboard } from './lib/dashboard.ts';
import { netSentimentSql } from '../services/domain/sentiment.ts';

/** Marketing leads: how is the brand doing, and how fast does the team answer? */
const f = dashboardFilters({ brand: 'brand', platform: 'platform', language: 'language' });
// Thread views: language is the one the customer opened the thread in (migration 0203).
const threads = dashboardFilters({ brand: 'brand', platform: 'platform', language: 'language' });

// Net sentiment = (positive - negative) / (positive + negative); NULL when there are no
// opinions in the bucket, so the line has a gap instead of a misleading zero.
const NET = netSentimentSql('sum(positive)', 'sum(negative)');

export function brandHealth() {
  return brandpulseDashboard({ title: 'Brand health', slug: 'brand-health', description: 'How customers feel about the brand and how fast the team answers them.', from: 'now-24h', refresh: '1m' })
    .annotation(
      new AnnotationQueryBuilder().name('Annotations & Alerts').builtIn(1).enable(true).hide(true).iconColor('rgba(0, 211, 255, 1)')
        .datasource({ type: 'grafana', uid: '-- Grafana --' }).type('dashboard'),
    )
    .withRow(new RowBuilder('Sentiment'))
    .withPanel(
      timeseriesPanel({
        title: 'Net sentiment',
        description: 'Customer messages only: (positive − negative) / (positive + negative), from −1 (all negative) to +1 (all positive). Neutral messages do not count. Red below −0.2, amber below 0.',
        sql: `SELECT $__timeInterval(minute) AS time, ${NET} AS net_sentiment
FROM v_sentiment_minute
WHERE $__timeFilter(minute) AND author_role = 'customer' AND ${f}
GROUP BY time ORDER BY time`,
        unit: 'none',
        thresholds: betterAbove(-0.2, 0),
        showThresholds: true,
        min: -1,
        max: 1,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Negative share',
        description: 'Share of customer messages labelled negative (negative / all, neutral included). Amber from 25 %, red from 40 %.',
        sql: `SELECT $__timeInterval(minute) AS time, sum(negative) / nullIf(sum(messages), 0) AS negative_share
FROM v_sentiment_minute
WHERE $__timeFilter(minute) AND author_role = 'customer' AND ${f}
GROUP BY time ORDER BY time`,
        unit: 'percentunit',
        thresholds: worseAbove(0.25, 0.4),
        showThresholds: true,
        min: 0,
        max: 1,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Volume by platform',
        description: 'Customer messages per interval, stacked by platform.',
        sql: `SELECT $__timeInterval(minute) AS time, platform, sum(messages) AS messages
FROM v_sentiment_minute
WHERE $__timeFilter(minute) AND author_role = 'customer' AND ${f}
GROUP BY time, platform ORDER BY time`,
        unit: 'short',
        thresholds: neutral(),
        bars: true,
        stacked: true,
      }),
    )
    .withPanel(
      tablePanel({
        title: 'Sentiment by language',
        description: 'Net sentiment, negative share and volume per detected language over the selected range.',
        sql: `SELECT language, ${NET} AS net_sentiment, sum(negative) / nullIf(sum(messages), 0) AS negative_share, sum(messages) AS volume
FROM v_sentiment_minute
WHERE $__timeFilter(minute) AND author_role = 'customer' AND ${f}
GROUP BY language ORDER BY volume DESC`,
        unit: 'short',
        thresholds: neutral(),
        w: 12,
        h: 8,
        columns: {
          net_sentiment: [column.unit('none'), column.thresholds(betterAbove(-0.2, 0)), column.colored()],
          negative_share: [column.unit('percentunit'), column.thresholds(worseAbove(0.25, 0.4)), column.colored()],
        },
      }),
    )
    .withPanel(
      tablePanel({
        title: 'Top negative threads',
        description: 'Threads with the most negative customer messages in the range. Click the opening message to open the thread on its platform.',
        sql: `SELECT thread_id, brand, platform,
  countIf(sentiment_label = 'negative') AS negative_messages, count() AS messages,
  round(avg(sentiment_score), 2) AS mean_score, max(posted_time) AS last_message_at,
  argMin(text, posted_time) AS opening_message, argMin(url, posted_time) AS url
FROM v_messages
WHERE $__timeFilter(posted_time) AND author_role = 'customer' AND counts_in_sentiment AND ${f}
GROUP BY thread_id, brand, platform
HAVING negative_messages > 0
ORDER BY negative_messages DESC, mean_score ASC
LIMIT 20`,
        unit: 'short',
        thresholds: neutral(),
        w: 24,
        columns: {
          opening_message: [column.linkTo('Open the original thread', 'url')],
          url: [column.linkTo('Open the original thread', 'url')],
          mean_score: [column.unit('none'), column.thresholds(betterAbove(-0.5, 0)), column.colored()],
          negative_messages: [column.thresholds(worseAbove(3, 10)), column.colored()],
          last_message_at: [column.unit('dateTimeFromNow')],
        },
      }),
    )
    .withRow(new RowBuilder('Responsiveness'))
    .withPanel(
      timeseriesPanel({
        title: 'First response time p50 / p90 vs SLA',
        description: 'First customer message → first human brand reply, by the hour the thread started, on the SLA clock of each thread (business hours unless the brand says otherwise). The SLA target line is the largest target among the threads in the bucket. Threads handled by moderation only are excluded.',
        sql: `SELECT $__timeInterval(frt_start_at) AS time,
  quantile(0.5)(if(frt_sla_clock = 'calendar', frt_calendar_s, frt_business_s)) AS p50,
  quantile(0.9)(if(frt_sla_clock = 'calendar', frt_calendar_s, frt_business_s)) AS p90,
  max(frt_sla_target_s) AS sla_target
FROM v_thread_response
WHERE $__timeFilter(frt_start_at) AND frt_end_at IS NOT NULL AND handled_by_moderation = 0 AND ${threads}
GROUP BY time ORDER BY time`,
        unit: 's',
        thresholds: worseAbove(3600, 4 * 3600),
        minInterval: '1h',
      }),
    )
    .withPanel(
      statPanel({
        title: 'Unanswered backlog',
        description: 'Customer messages that need a reply, are waiting now and were not handled by moderation. Amber from 20, red from 50.',
        sql: `SELECT count() AS waiting FROM v_unanswered_backlog WHERE ${threads}`,
        unit: 'short',
        thresholds: worseAbove(20, 50),
        w: 6,
        h: 8,
      }),
    )
    .withPanel(
      statPanel({
        title: 'Oldest unanswered message',
        description: 'Age of the longest-waiting customer message in the backlog. Amber after 1 h, red after 4 h.',
        sql: `SELECT max(age_s) AS oldest FROM v_unanswered_backlog WHERE ${threads}`,
        unit: 's',
        thresholds: worseAbove(3600, 4 * 3600),
        w: 6,
        h: 8,
      }),
    );
}

