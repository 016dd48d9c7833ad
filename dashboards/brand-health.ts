import { AnnotationQueryBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { betterAbove, column, neutral, statPanel, tablePanel, timeseriesPanel, worseAbove } from './lib/panels.ts';
import { brandpulseDashboard } from './lib/dashboard.ts';
import { BRAND_HEALTH as Q } from './queries/brand-health.ts';

/** Marketing leads: how is the brand doing, and how fast does the team answer? (SQL: queries/brand-health.ts) */
export function brandHealth() {
  return brandpulseDashboard({
    title: 'Brand health',
    slug: 'brand-health',
    description: 'How customers feel about the brand and how fast the team answers them.',
    from: 'now-24h',
    refresh: '1m',
  })
    .annotation(
      new AnnotationQueryBuilder()
        .name('Annotations & Alerts')
        .builtIn(1)
        .enable(true)
        .hide(true)
        .iconColor('rgba(0, 211, 255, 1)')
        .datasource({ type: 'grafana', uid: '-- Grafana --' })
        .type('dashboard'),
    )
    .withRow(new RowBuilder('Sentiment'))
    .withPanel(
      timeseriesPanel({
        title: 'Net sentiment',
        description:
          'Customer messages only: (positive − negative) / (positive + negative), from −1 (all negative) to +1 (all positive). Neutral messages do not count. Red below −0.2, amber below 0.',
        sql: Q.netSentiment.sql,
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
        description:
          'Share of customer messages labelled negative (negative / all, neutral included). Amber from 25 %, red from 40 %.',
        sql: Q.negativeShare.sql,
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
        sql: Q.volumeByPlatform.sql,
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
        sql: Q.sentimentByLanguage.sql,
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
        description:
          'Threads with the most negative customer messages in the range. Click the opening message to open the thread on its platform.',
        sql: Q.topNegativeThreads.sql,
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
        description:
          'First customer message → first human brand reply, by the hour the thread started, on the SLA clock of each thread (business hours unless the brand says otherwise). The SLA target line is the largest target among the threads in the bucket. Threads handled by moderation only are excluded.',
        sql: Q.firstResponseVsSla.sql,
        unit: 's',
        thresholds: worseAbove(3600, 4 * 3600),
        minInterval: Q.firstResponseVsSla.minInterval,
      }),
    )
    .withPanel(
      statPanel({
        title: 'Unanswered backlog',
        description:
          'Customer messages that need a reply, are waiting now and were not handled by moderation. Amber from 20, red from 50.',
        sql: Q.unansweredBacklog.sql,
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
        sql: Q.oldestUnanswered.sql,
        unit: 's',
        thresholds: worseAbove(3600, 4 * 3600),
        w: 6,
        h: 8,
      }),
    )
    .withPanel(
      tablePanel({
        title: 'Longest waits',
        description:
          'The threads waiting longest for a reply: since when their oldest unanswered customer message waits, how many wait, and whether the wait is past its SLA.',
        sql: Q.longestWaits.sql,
        unit: 'short',
        thresholds: neutral(),
        w: 12,
        h: 8,
        columns: {
          waiting_since: [column.unit('dateTimeFromNow')],
          waiting_s: [column.unit('s'), column.thresholds(worseAbove(3600, 4 * 3600)), column.colored()],
          past_sla: [column.thresholds(worseAbove(1, 1)), column.colored()],
        },
      }),
    )
    .withRow(new RowBuilder('Alerts'))
    .withPanel(
      tablePanel({
        title: 'Spike alerts',
        description:
          'Negative-sentiment spike alerts of the detector (services/alerter) overlapping the range, newest first: when it started and ended (empty: still open), where, the summary, the peak against normal and the sample messages it kept.',
        sql: Q.spikeAlerts.sql,
        unit: 'short',
        thresholds: neutral(),
        w: 24,
        h: 8,
        columns: {
          started_at: [column.unit('dateTimeAsIso')],
          ended_at: [column.unit('dateTimeAsIso')],
          peak_ratio: [column.unit('none'), column.thresholds(worseAbove(2, 5)), column.colored()],
        },
      }),
    );
}
