import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { AnnotationQueryBuilder, type AnnotationTarget } from '@grafana/grafana-foundation-sdk/dashboard';
import { CLICKHOUSE_DATASOURCE, tableQuery } from './clickhouse.ts';
import { dashboardFilters } from './variables.ts';

/**
 * Negative-sentiment spike alerts (written by services/alerter into the `alerts` table, read through its `alert_annotations` view) as
 * region annotations: Grafana reads the frame's `time`, `timeEnd`, `title`, `text` and
 * `tags` fields. An alert still open runs to the end of the range.
 */
export const ALERTS_SQL = `SELECT time, ifNull(ended_at, $__toTime) AS timeEnd,
  concat('Negative spike: ', brand, if(platform = '', '', concat(' on ', platform))) AS title,
  text, [brand, if(platform = '', 'all platforms', platform), 'negative-spike'] AS tags
FROM alert_annotations
WHERE time <= $__toTime AND ifNull(ended_at, $__toTime) >= $__fromTime
  AND ${dashboardFilters({ brand: 'brand' })} AND (platform = '' OR ${dashboardFilters({ platform: 'platform' })})
ORDER BY time`;

/** The annotation target is a ClickHouse query; the SDK types it as the built-in target. */
function clickhouseTarget(sql: string): cog.Builder<AnnotationTarget> {
  return { build: () => tableQuery(sql, 'Alerts').build() as unknown as AnnotationTarget };
}

export function alertAnnotation() {
  return new AnnotationQueryBuilder()
    .name('Negative spikes')
    .datasource(CLICKHOUSE_DATASOURCE)
    .enable(true)
    .iconColor('red')
    .target(clickhouseTarget(ALERTS_SQL));
}
