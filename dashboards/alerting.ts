import { stringify } from 'yaml';
import { DEFAULT_PARAMS } from '../services/alerter/params.ts';
import { CLICKHOUSE_DATASOURCE, tableQuery } from './lib/clickhouse.ts';

/**
 * The Grafana-managed negative-spike rule, generated into
 * infra/grafana/provisioning/alerting/negative-spike.yaml by `npm run dashboards`.
 *
 * It mirrors the start condition of the spike detector (services/alerter, DEFAULT_PARAMS in
 * services/alerter/params.ts) in one ClickHouse query over v_sentiment_minute, per brand and per
 * brand/platform, on the detector's longer window:
 *   n = negative customer messages in the last 5 closed minutes, v = all customer messages;
 *   expected = negatives per hour × 5/60, where negatives per hour is the median of the same
 *     hour of the week over the last 8 weeks (when ≥ 2 weeks exist), else the mean of the
 *     last 3 hours (recent history);
 *   base share = negative share of the 3 hours before the window (prior 0.2 without history);
 *   spike ⇔ n ≥ 8 ∧ v ≥ 10 ∧ n ≥ 2·expected ∧ 2(√(n+3/8) − √(expected+3/8)) ≥ 4.5
 *           ∧ share ≥ base share + 0.1 ∧ share ≥ 1.5 · base share.
 * Grafana evaluates every minute on whole minutes, so it is coarser than the detector (10 s steps,
 * a 1-minute window too, cooldown and end hold); the detector stays the paging source of truth.
 */
export const SPIKE = {
  // The thresholds are the detector's own, so the rule cannot drift from it.
  windowMinutes: DEFAULT_PARAMS.endWindowMs / 60_000,
  minNegatives: DEFAULT_PARAMS.minNegatives,
  minVolume: DEFAULT_PARAMS.minVolume,
  ratioMin: DEFAULT_PARAMS.ratioMin,
  scoreMin: DEFAULT_PARAMS.scoreMin,
  shareLiftMin: DEFAULT_PARAMS.shareLiftMin,
  shareRatioMin: DEFAULT_PARAMS.shareRatioMin,
  seasonalWeeks: DEFAULT_PARAMS.seasonalWeeks,
  seasonalMinWeeks: DEFAULT_PARAMS.seasonalMinWeeks,
  recentHours: DEFAULT_PARAMS.recentHalfLifeHours,
  priorShare: DEFAULT_PARAMS.priorShare,
} as const;

const S = SPIKE;
const END = `toStartOfMinute(toTimeZone(now(), 'UTC'))`;
const START = `${END} - INTERVAL ${S.windowMinutes} MINUTE`;
const KEYS = 'GROUPING SETS ((brand), (brand, platform))';

/** One row per brand ('' platform) and brand/platform; `spike_ratio` > 0 only during a spike. */
export const SPIKE_RULE_SQL = `SELECT brand, platform, if(spike, ratio, 0) AS spike_ratio
FROM (
  SELECT cur.brand AS brand, cur.platform AS platform, cur.n AS n, cur.v AS v,
    if(seasonal.weeks >= ${S.seasonalMinWeeks}, seasonal.neg_per_hour, ifNull(recent.neg_per_hour, 0)) * ${S.windowMinutes} / 60 AS expected,
    ifNull(recent.share, ${S.priorShare}) AS base_share,
    n / greatest(expected, 0.1) AS ratio,
    2 * (sqrt(n + 0.375) - sqrt(expected + 0.375)) AS score,
    n / v AS share,
    n >= ${S.minNegatives} AND v >= ${S.minVolume} AND ratio >= ${S.ratioMin} AND score >= ${S.scoreMin}
      AND share >= base_share + ${S.shareLiftMin} AND share >= ${S.shareRatioMin} * base_share AS spike
  FROM (
    SELECT brand, platform, sum(negative) AS n, sum(messages) AS v
    FROM v_sentiment_minute
    WHERE author_role = 'customer' AND minute >= ${START} AND minute < ${END}
    GROUP BY ${KEYS}
  ) AS cur
  LEFT JOIN (
    SELECT brand, platform, median(neg) AS neg_per_hour, count() AS weeks
    FROM (
      SELECT brand, platform, toStartOfHour(minute) AS hour, sum(negative) AS neg
      FROM v_sentiment_minute
      WHERE author_role = 'customer'
        AND minute >= ${START} - INTERVAL ${S.seasonalWeeks} WEEK AND minute < toStartOfHour(${START})
        AND toDayOfWeek(minute) = toDayOfWeek(${START}) AND toHour(minute) = toHour(${START})
      GROUP BY GROUPING SETS ((brand, hour), (brand, platform, hour))
    )
    GROUP BY brand, platform
  ) AS seasonal ON seasonal.brand = cur.brand AND seasonal.platform = cur.platform
  LEFT JOIN (
    SELECT brand, platform, sum(negative) / ${S.recentHours} AS neg_per_hour, sum(negative) / nullIf(sum(messages), 0) AS share
    FROM v_sentiment_minute
    WHERE author_role = 'customer' AND minute >= ${START} - INTERVAL ${S.recentHours} HOUR AND minute < ${START}
    GROUP BY ${KEYS}
  ) AS recent ON recent.brand = cur.brand AND recent.platform = cur.platform
)
ORDER BY brand, platform`;

export function spikeRuleProvisioning() {
  const query = { ...tableQuery(SPIKE_RULE_SQL).build(), intervalMs: 60_000, maxDataPoints: 43200 };
  delete (query as Partial<typeof query>)._implementsDataqueryVariant;
  return {
    apiVersion: 1,
    groups: [
      {
        orgId: 1,
        name: 'negative-sentiment',
        folder: 'brandpulse',
        interval: '1m',
        rules: [
          {
            uid: 'brandpulse-negative-spike',
            title: 'Negative sentiment spike',
            condition: 'C',
            data: [
              {
                refId: 'A',
                relativeTimeRange: { from: 600, to: 0 },
                datasourceUid: CLICKHOUSE_DATASOURCE.uid,
                model: query,
              },
              {
                refId: 'C',
                relativeTimeRange: { from: 0, to: 0 },
                datasourceUid: '__expr__',
                model: {
                  refId: 'C',
                  type: 'threshold',
                  expression: 'A',
                  datasource: { type: '__expr__', uid: '__expr__' },
                  conditions: [{ evaluator: { type: 'gt', params: [0] } }],
                },
              },
            ],
            // A quiet brand returns no row: that is "no spike", not a broken rule.
            noDataState: 'OK',
            execErrState: 'Error',
            for: '0s',
            annotations: {
              // Dot syntax, no "$": Grafana expands $VARS from its environment in provisioning files.
              summary:
                'Negative sentiment spike for {{ .Labels.brand }}{{ if .Labels.platform }} on {{ .Labels.platform }}{{ end }}',
              description:
                'Negative customer messages in the last 5 minutes are {{ humanize (index .Values "A").Value }}× what is normal for this hour of the week, and their share rose too.',
              __dashboardUid__: 'brandpulse-brand-health',
            },
            labels: { severity: 'page', team: 'community', source: 'grafana' },
            isPaused: false,
          },
        ],
      },
    ],
  };
}

export function renderAlerting(): Record<string, string> {
  return {
    'negative-spike.yaml': `# Generated by \`npm run dashboards\` from dashboards/alerting.ts: edit the TypeScript.\n${stringify(spikeRuleProvisioning(), { lineWidth: 0 })}`,
  };
}
