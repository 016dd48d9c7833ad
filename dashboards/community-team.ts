import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { betterAbove, column, neutral, statPanel, tablePanel, timeseriesPanel, worseAbove } from './lib/panels.ts';
import { dashboardFilters } from './lib/variables.ts';
import { brandpulseDashboard } from './lib/dashboard.ts';

/** Community managers: how fast and how well the team answers. */
// Thread views carry the language the customer opened the thread in (migration 0203), so the
// language filter narrows every panel here.
const f = dashboardFilters({ brand: 'brand', platform: 'platform', language: 'language' });

/** p50 and p90 on both clocks of a duration, for a timeseries grouped by `time`. */
const quantiles = (business: string, calendar: string) =>
  `quantile(0.5)(${business}) AS "p50 business", quantile(0.9)(${business}) AS "p90 business",
  quantile(0.5)(${calendar}) AS "p50 calendar", quantile(0.9)(${calendar}) AS "p90 calendar"`;

export function communityTeam() {
  return brandpulseDashboard({ title: 'Community team', slug: 'community-team', description: 'Response times on business and calendar clocks, SLA breaches, response rate, agents and sentiment recovery.', from: 'now-7d', refresh: '5m' })
    .withRow(new RowBuilder('Response times'))
    .withPanel(
      timeseriesPanel({
        title: 'First response time',
        description: 'First customer message → first human brand reply (bots never count), p50 and p90, in business hours (only seconds inside each brand\'s business hours) and calendar time. Threads handled by moderation only are excluded. Bucketed by when the thread started.',
        sql: `SELECT $__timeInterval(frt_start_at) AS time, ${quantiles('frt_business_s', 'frt_calendar_s')}
FROM v_thread_response
WHERE $__timeFilter(frt_start_at) AND frt_end_at IS NOT NULL AND handled_by_moderation = 0 AND ${f}
GROUP BY time ORDER BY time`,
        unit: 's',
        thresholds: worseAbove(3600, 4 * 3600),
        minInterval: '1h',
        w: 8,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Reply time (next response)',
        description: 'Length of every waiting period after the first one in a thread (customer follow-up → next human brand reply), p50 and p90, business and calendar clocks. Bucketed by when the wait started.',
        sql: `SELECT $__timeInterval(start_at) AS time, ${quantiles('business_s', 'calendar_s')}
FROM v_waiting_periods
WHERE $__timeFilter(start_at) AND kind = 'next' AND end_reason = 'reply' AND ${f}
GROUP BY time ORDER BY time`,
        unit: 's',
        thresholds: worseAbove(3600, 4 * 3600),
        minInterval: '1h',
        w: 8,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Resolution time',
        description: 'First customer message → first resolve action (a reopen starts a new cycle; this is the first resolution), p50 and p90, business and calendar clocks. Bucketed by when the thread was resolved.',
        sql: `SELECT $__timeInterval(first_resolution_at) AS time, ${quantiles('first_resolution_business_s', 'first_resolution_calendar_s')}
FROM v_thread_response
WHERE $__timeFilter(first_resolution_at) AND first_resolution_at IS NOT NULL AND ${f}
GROUP BY time ORDER BY time`,
        unit: 's',
        thresholds: worseAbove(86400, 3 * 86400),
        minInterval: '1h',
        w: 8,
      }),
    )
    .withRow(new RowBuilder('SLA and response rate'))
    .withPanel(
      timeseriesPanel({
        title: 'SLA breaches',
        description: 'Threads that breached an SLA target, by metric (first response, next response, resolution) and by when the breach happened. A thread still waiting breaches as soon as its wait exceeds the target.',
        sql: `SELECT $__timeInterval(deadline_at) AS time, metric, count() AS breaches
FROM v_sla_breaches
WHERE $__timeFilter(deadline_at) AND ${f}
GROUP BY time, metric ORDER BY time`,
        unit: 'short',
        thresholds: worseAbove(1, 10),
        bars: true,
        stacked: true,
        minInterval: '1h',
        w: 12,
      }),
    )
    .withPanel(
      statPanel({
        title: 'Response rate',
        description: 'Share of threads needing a reply (started in the range) that got a human brand reply or were handled by moderation. Red below 80 %, green from 95 %.',
        sql: `SELECT sum(threads_responded) / nullIf(sum(threads_needing_reply), 0) AS response_rate
FROM v_response_rate
WHERE $__dateFilter(day) AND ${f}`,
        unit: 'percentunit',
        thresholds: betterAbove(0.8, 0.95),
        decimals: 1,
        w: 6,
        h: 8,
      }),
    )
    .withPanel(
      statPanel({
        title: 'Response rate within SLA',
        description: 'Share of threads needing a reply that got their first response within the SLA target. Red below 70 %, green from 90 %.',
        sql: `SELECT sum(threads_responded_within_sla) / nullIf(sum(threads_needing_reply), 0) AS within_sla
FROM v_response_rate
WHERE $__dateFilter(day) AND ${f}`,
        unit: 'percentunit',
        thresholds: betterAbove(0.7, 0.9),
        decimals: 1,
        w: 6,
        h: 8,
      }),
    )
    .withRow(new RowBuilder('Agents and recovery'))
    .withPanel(
      tablePanel({
        title: 'Per-agent performance',
        description: 'Per agent whose reply ended a waiting period (the brand reply posted at the end of the wait): replies, median and p90 of the waits they ended (business hours), and the share of those waits that met their SLA.',
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
        unit: 'short',
        thresholds: neutral(),
        w: 12,
        columns: {
          median_wait: [column.unit('s'), column.thresholds(worseAbove(3600, 4 * 3600)), column.colored()],
          p90_wait: [column.unit('s'), column.thresholds(worseAbove(3600, 4 * 3600)), column.colored()],
          within_sla: [column.unit('percentunit'), column.thresholds(betterAbove(0.7, 0.9)), column.colored()],
        },
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Sentiment recovery of angry threads',
        description: 'Threads whose first customer message was negative: share whose last customer message after the first brand reply is neutral or positive (recovered), and the mean change in sentiment score. Bucketed by the first brand reply.',
        sql: `SELECT $__timeInterval(first_human_reply_at) AS time, avg(recovered) AS recovered_share, avg(sentiment_change) AS mean_score_change
FROM v_sentiment_recovery
WHERE $__timeFilter(first_human_reply_at) AND first_human_reply_at IS NOT NULL AND ${f}
GROUP BY time ORDER BY time`,
        unit: 'percentunit',
        thresholds: betterAbove(0.3, 0.5),
        minInterval: '1h',
        w: 12,
      }).overrideByName('mean_score_change', [{ id: 'unit', value: 'none' }, { id: 'custom.axisPlacement', value: 'right' }]),
    );
}
