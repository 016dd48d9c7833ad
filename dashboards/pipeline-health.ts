import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { betterAbove, neutral, statPanel, timeseriesPanel, worseAbove } from './lib/panels.ts';
import { dashboardFilters } from './lib/variables.ts';
import { brandpulseDashboard } from './lib/dashboard.ts';

/** Operators: is data flowing, how fresh is it, and what fails. */
const f = dashboardFilters({ brand: 'brand', platform: 'platform' });

export function pipelineHealth() {
  // Language is not known before enrichment; the variable stays for a uniform header.
  return brandpulseDashboard({
    title: 'Pipeline health',
    slug: 'pipeline-health',
    description:
      'Events ingested per minute, freshness of the analytics and dead letters (ClickHouse); consumer lag, write age, dead letters, latency and retries of each service (Prometheus).',
    from: 'now-6h',
    refresh: '30s',
    alerts: false,
  })
    .withPanel(
      timeseriesPanel({
        title: 'Events ingested per minute',
        description:
          'Conversation events written to ClickHouse per minute by the sink (every type: posts, edits, deletes, moderation), by platform and by minute of insertion.',
        sql: `SELECT $__timeInterval(minute) AS time, platform, sum(events) / ($__interval_s / 60) AS events_per_minute
FROM v_pipeline_health
WHERE $__timeFilter(minute) AND ${f}
GROUP BY time, platform ORDER BY time`,
        unit: 'short',
        thresholds: neutral(),
        stacked: true,
        w: 24,
      }),
    )
    .withPanel(
      statPanel({
        title: 'Freshness',
        description:
          'Time since the newest minute that received events (minute resolution). Amber after 3 min, red after 10 min: the other dashboards are stale or the sources went quiet.',
        sql: `SELECT dateDiff('second', max(minute) + INTERVAL 1 MINUTE, now()) AS seconds_since_last_event FROM v_pipeline_health WHERE ${f}`,
        unit: 's',
        thresholds: worseAbove(180, 600),
        w: 6,
        h: 8,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Ingest lag',
        description:
          "Accepted by ingest → written to ClickHouse, per minute of insertion: the worst minute's p50 and p99 in each interval. Amber from 30 s, red from 2 min.",
        sql: `SELECT $__timeInterval(minute) AS time, max(lag_p50_ms) AS p50, max(lag_p99_ms) AS p99
FROM v_pipeline_health
WHERE $__timeFilter(minute) AND ${f}
GROUP BY time ORDER BY time`,
        unit: 'ms',
        thresholds: worseAbove(30_000, 120_000),
        showThresholds: true,
        w: 18,
        h: 8,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Dead letters',
        description:
          'Records the sink could not decode, enrich or store, per interval and stage/reason (the original bytes stay on the dead-letter topic for replay). Dead letters carry no brand or platform. Red from 10 per interval.',
        sql: `SELECT $__timeInterval(minute) AS time, concat(stage, ': ', reason) AS cause, sum(records) AS dead_letters
FROM v_dead_letters_minute
WHERE $__timeFilter(minute)
GROUP BY time, cause ORDER BY time`,
        unit: 'short',
        thresholds: worseAbove(1, 10),
        bars: true,
        stacked: true,
        w: 18,
      }),
    )
    .withPanel(
      statPanel({
        title: 'DLQ count',
        description: 'Dead letters in the selected range. Amber from 1, red from 100.',
        sql: `SELECT sum(records) AS dead_letters FROM v_dead_letters_minute WHERE $__timeFilter(minute)`,
        unit: 'short',
        thresholds: worseAbove(1, 100),
        w: 6,
        h: 8,
      }),
    )
    .withRow(new RowBuilder('Services (Prometheus)'))
    .withPanel(
      timeseriesPanel({
        title: 'Consumer lag',
        description:
          'Records each consumer group has not processed yet, summed over the partitions: end of the log minus the committed offset (the alerter: minus its snapshot position), read from Kafka at every scrape. A lag that keeps growing means the service is down, stuck or too slow. Amber from 10k, red from 100k (~15 s of the max throughput).',
        promql: [{ expr: 'sum by (group, topic) (brandpulse_consumer_lag)', legend: '{{group}} · {{topic}}' }],
        unit: 'short',
        thresholds: worseAbove(10_000, 100_000),
        showThresholds: true,
        minInterval: '15s',
        w: 18,
      }),
    )
    .withPanel(
      statPanel({
        title: 'Services up',
        description:
          'Whether Prometheus could scrape each service just now (1 = up). Red when a service does not answer: its other panels stop too.',
        promql: [{ expr: 'min by (job) (up{job=~"ingest|enricher|sink|alerter"})', legend: '{{job}}' }],
        unit: 'none',
        thresholds: betterAbove(1, 1),
        w: 6,
        h: 8,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Age of the last write',
        description:
          'Seconds since each stage last wrote durably (enricher: enriched events acknowledged; sink: a batch in ClickHouse; alerter: a snapshot or an alert), computed at scrape. It also grows when no traffic comes in: stuck is a growing age with a lag above zero. Amber after 1 min, red after 5 min.',
        promql: [{ expr: 'max by (stage) (brandpulse_last_write_age_seconds)', legend: '{{stage}}' }],
        unit: 's',
        thresholds: worseAbove(60, 300),
        showThresholds: true,
        minInterval: '15s',
        w: 12,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Dead letters by stage and reason',
        description:
          'Records dead-lettered per interval, counted by the service that rejected them as it happens (the ClickHouse panel above counts what reached the dead_letters table). Red from 10 per interval.',
        promql: [
          {
            expr: 'sum by (stage, reason) (increase(brandpulse_dead_letters_total[$__rate_interval]))',
            legend: '{{stage}}: {{reason}}',
          },
        ],
        unit: 'short',
        thresholds: worseAbove(1, 10),
        bars: true,
        stacked: true,
        minInterval: '15s',
        w: 12,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Batch and flush seconds',
        description:
          'p50 and p99 seconds per batch (enricher, alerter) and per flush (sink: every ClickHouse step, the dead letters and the retries until they succeed). Amber from 2 s, red from 10 s.',
        promql: [
          {
            expr: 'histogram_quantile(0.99, sum by (le, stage) (rate(brandpulse_batch_seconds_bucket[$__rate_interval])))',
            legend: '{{stage}} p99',
          },
          {
            expr: 'histogram_quantile(0.5, sum by (le, stage) (rate(brandpulse_batch_seconds_bucket[$__rate_interval])))',
            legend: '{{stage}} p50',
          },
        ],
        unit: 's',
        thresholds: worseAbove(2, 10),
        minInterval: '15s',
        w: 12,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Retries by reason',
        description:
          'Retries after a dependency failed (ClickHouse or Kafka down or overloaded, webhook receivers), per interval, by stage and reason. Consumption is paused while the sink retries. Amber from 1, red from 30 per interval.',
        promql: [
          {
            expr: 'sum by (stage, reason) (increase(brandpulse_retries_total[$__rate_interval]))',
            legend: '{{stage}}: {{reason}}',
          },
        ],
        unit: 'short',
        thresholds: worseAbove(1, 30),
        bars: true,
        stacked: true,
        minInterval: '15s',
        w: 12,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Rows written per second',
        description:
          'Rows written per second to each ClickHouse table, and records produced to each topic, by the enricher, the sink and the alerter.',
        promql: [
          { expr: 'sum by (table) (rate(brandpulse_rows_written_total[$__rate_interval]))', legend: '{{table}}' },
        ],
        unit: 'short',
        thresholds: neutral(),
        minInterval: '15s',
        w: 12,
      }),
    );
}
