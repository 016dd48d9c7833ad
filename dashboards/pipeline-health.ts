import { neutral, statPanel, timeseriesPanel, worseAbove } from './lib/panels.ts';
import { dashboardFilters } from './lib/variables.ts';
import { brandpulseDashboard } from './lib/dashboard.ts';

/** Operators: is data flowing, how fresh is it, and what fails. */
const f = dashboardFilters({ brand: 'brand', platform: 'platform' });

export function pipelineHealth() {
  // Language is not known before enrichment; the variable stays for a uniform header.
  return brandpulseDashboard({ title: 'Pipeline health', slug: 'pipeline-health', description: 'Events ingested per minute, freshness of the analytics and dead letters.', from: 'now-6h', refresh: '30s', alerts: false })
    .withPanel(
      timeseriesPanel({
        title: 'Events ingested per minute',
        description: 'Conversation events written to ClickHouse per minute by the sink (every type: posts, edits, deletes, moderation), by platform and by minute of insertion.',
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
        description: 'Time since the newest minute that received events (minute resolution). Amber after 3 min, red after 10 min: the other dashboards are stale or the sources went quiet.',
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
        description: 'Accepted by ingest → written to ClickHouse, per minute of insertion: the worst minute\'s p50 and p99 in each interval. Amber from 30 s, red from 2 min.',
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
        description: 'Records the sink could not decode, enrich or store, per interval and stage/reason (the original bytes stay on the dead-letter topic for replay). Dead letters carry no brand or platform. Red from 10 per interval.',
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
    );
}
