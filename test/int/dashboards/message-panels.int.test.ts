import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../../dashboards/index.ts';
import { queryPanels } from '../../../dashboards/lib/inspect.ts';
import { grafanaIntervalMs, interpolate, type InterpolationContext } from '../../../dashboards/lib/interpolate.ts';
import { BRAND_HEALTH } from '../../../dashboards/queries/brand-health.ts';
import { FILTER_VARIABLES, optionsSql, type FilterVariable } from '../../../dashboards/queries/filters.ts';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import { createAnalyzer } from '../../../services/nlp/index.ts';
import { createClickHouse, type ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import { fetchReport } from '../../../services/report/queries.ts';
import { ClickHouseWriter } from '../../../services/sink/steps.ts';
import { isolatedClickHouse, isolatedConfig } from '../../support/stack.ts';
import { codec } from '../sink/support.ts';
import { movingPostBatches, simulatedBatches, writeBatches } from '../sink/messages-workload.ts';

/**
 * The message panels read v_messages_by_time (migration 0710) instead of v_messages, top negative
 * threads thread_sentiment_day (0720) for the whole days of its range: on a simulated
 * month (and the hand-made messages whose post moved), each returns the same rows as its old SQL,
 * kept here as the reference, for 24 h, 7 d, 30 d ending now and four past ranges, with every filter
 * on All and with one value each. The variables read sentiment_minute: their reference is the
 * definition they now follow (values with counted messages, by the minute of the post).
 */
const OLD = {
  // Top negative threads, with thread_id appended to ORDER BY as the new SQL does: the old order left
  // ties undefined, so either side could pick other threads at the LIMIT.
  topNegativeThreads: `SELECT thread_id, brand, platform,
  countIf(sentiment_label = 'negative') AS negative_messages, count() AS messages,
  round(avg(sentiment_score), 2) AS mean_score, max(posted_time) AS last_message_at,
  argMin(text, posted_time) AS opening_message, argMin(url, posted_time) AS url
FROM v_messages
WHERE $__timeFilter(posted_time) AND author_role = 'customer' AND counts_in_sentiment AND $__conditionalAll(brand IN (\${brand:singlequote}), $brand) AND $__conditionalAll(platform IN (\${platform:singlequote}), $platform) AND $__conditionalAll(language IN (\${language:singlequote}), $language)
GROUP BY thread_id, brand, platform
HAVING negative_messages > 0
ORDER BY negative_messages DESC, mean_score ASC, thread_id
LIMIT 20`,
  timeToModerate: `SELECT $__timeInterval(posted_time) AS time,
  quantile(0.5)(dateDiff('second', posted_time, first_moderation_time)) AS p50,
  quantile(0.9)(dateDiff('second', posted_time, first_moderation_time)) AS p90
FROM v_messages
WHERE $__timeFilter(posted_time) AND first_moderation_time IS NOT NULL AND $__conditionalAll(brand IN (\${brand:singlequote}), $brand) AND $__conditionalAll(platform IN (\${platform:singlequote}), $platform) AND $__conditionalAll(language IN (\${language:singlequote}), $language)
GROUP BY time ORDER BY time`,
  spamShare: `SELECT $__timeInterval(posted_time) AS time, countIf(spam OR intent = 'spam') / count() AS spam_share
FROM v_messages
WHERE $__timeFilter(posted_time) AND author_role = 'customer' AND $__conditionalAll(brand IN (\${brand:singlequote}), $brand) AND $__conditionalAll(platform IN (\${platform:singlequote}), $platform) AND $__conditionalAll(language IN (\${language:singlequote}), $language)
GROUP BY time ORDER BY time`,
  reportSamples: `SELECT toUnixTimestamp64Milli(toDateTime64(posted_time, 3)) AS posted, platform, language, text, sentiment_score AS score
     FROM v_messages
     WHERE brand = {brand:String} AND author_role = 'customer' AND sentiment_label = 'negative' AND NOT removed AND NOT hidden AND NOT spam
       AND posted_time >= fromUnixTimestamp64Milli({from:Int64}) AND posted_time < fromUnixTimestamp64Milli({to:Int64})
     ORDER BY posted_time DESC LIMIT 6`,
};

/** The variables' definition: values with a message counted in sentiment, by the minute of its post. */
const optionsReference = (v: FilterVariable) =>
  `SELECT DISTINCT ${v} FROM v_messages WHERE counts_in_sentiment AND $__timeFilter(toStartOfMinute(posted_time))${
    v === 'brand' ? '' : ' AND $__conditionalAll(brand IN (${brand:singlequote}), $brand)'
  } ORDER BY ${v}`;

const DAY = 86_400_000;
const NOW = Date.now();
const RANGES = {
  '24h': [NOW - DAY, NOW],
  '7d': [NOW - 7 * DAY, NOW],
  '30d': [NOW - 30 * DAY, NOW],
  'past week': [NOW - 20 * DAY, NOW - 13 * DAY],
  // Top negative threads takes its single pass up to 4 days, its day plan beyond: both sides of that.
  '4 d, past': [NOW - 9 * DAY - 3_600_000, NOW - 5 * DAY - 3_600_000],
  '4 d 1 s, past': [NOW - 9 * DAY - 3_601_000, NOW - 5 * DAY - 3_600_000],
  // The hand-made messages (October and November 2023), posts moved across the month.
  '2023': [Date.UTC(2023, 9, 25), Date.UTC(2023, 10, 20)],
} as const;
const SELECTIONS = {
  all: { brand: ['$__all'], platform: ['$__all'], language: ['$__all'] },
  single: { brand: ['acme'], platform: ['x'], language: ['en'] },
};

let writer: ClickHouseClient;
let analyst: ClickHouseClient;
let cleanup: () => Promise<void>;

function context(
  range: readonly [number, number],
  selection: keyof typeof SELECTIONS,
  minInterval?: string,
): InterpolationContext {
  const from = new Date(range[0]);
  const to = new Date(range[1]);
  const options = { brand: ['acme', 'globex'], platform: ['x', 'facebook'], language: ['en', 'it'] };
  const variables = Object.fromEntries(
    FILTER_VARIABLES.map((v) => [v, { options: options[v], values: SELECTIONS[selection][v] }]),
  );
  return { from, to, intervalMs: grafanaIntervalMs(from, to, 1000, minInterval), variables };
}

async function run(sql: string, params: Record<string, unknown> = {}): Promise<unknown[]> {
  const rs = await analyst.query({ query: sql, query_params: params, format: 'JSONCompactEachRowWithNamesAndTypes' });
  return rs.json();
}

const moderationSql = (title: string) => {
  const found = queryPanels(buildDashboards()).find(
    (p) => p.dashboard.endsWith('moderation') && p.panel.title === title,
  );
  return { sql: found!.targets[0]!.rawSql, minInterval: found!.panel.interval };
};

beforeAll(async () => {
  const config = isolatedConfig('message_panels');
  const db = await isolatedClickHouse(config);
  writer = db.client;
  await applyMigrations(writer, { database: config.CLICKHOUSE_DATABASE });
  const analyzer = await createAnalyzer();
  await writeBatches(new ClickHouseWriter(writer), [
    ...simulatedBatches(codec, analyzer, NOW, 35),
    ...movingPostBatches(),
  ]);
  analyst = createClickHouse(config, { readonly: true });
  cleanup = async () => {
    await analyst.close();
    await db.cleanup();
  };
}, 180_000);

afterAll(async () => cleanup?.());

describe('message panels on v_messages_by_time return the rows of their v_messages SQL', () => {
  const panels = () => ({
    topNegativeThreads: {
      now: BRAND_HEALTH.topNegativeThreads.sql,
      old: OLD.topNegativeThreads,
      minInterval: undefined,
    },
    timeToModerate: { now: moderationSql('Time to moderate').sql, old: OLD.timeToModerate, minInterval: '1h' },
    spamShare: { now: moderationSql('Spam share').sql, old: OLD.spamShare, minInterval: '1h' },
  });

  it('the switched panels read the time-keyed view, and v_messages only by thread', () => {
    for (const [name, p] of Object.entries(panels())) {
      expect(p.now, name).toContain('FROM v_messages_by_time');
      // Top negative threads fetches the opening message of the 20 threads it ranked by thread_id.
      const byThread = p.now.replace(/FROM v_messages\s+WHERE thread_id IN \(/g, '');
      expect(byThread, name).not.toMatch(/FROM v_messages\s/);
    }
    expect(BRAND_HEALTH.topNegativeThreads.sql).toContain('FROM thread_sentiment_day');
  });

  for (const [range, bounds] of Object.entries(RANGES))
    for (const selection of Object.keys(SELECTIONS) as (keyof typeof SELECTIONS)[])
      it(`${range}, filters ${selection}: panels, report samples and variable options`, async () => {
        let nonEmpty = 0;
        for (const [name, p] of Object.entries(panels())) {
          const ctx = context(bounds, selection, p.minInterval);
          const [now, old] = [await run(interpolate(p.now, ctx)), await run(interpolate(p.old, ctx))];
          expect(now, `${name} ${range} ${selection}`).toEqual(old);
          if (old.length > 2) nonEmpty++;
        }
        if (selection === 'all') expect(nonEmpty, 'panels with rows').toBeGreaterThan(0);
        let samples = 0;
        for (const brand of ['acme', 'globex']) {
          const report = await fetchReport(analyst, brand, bounds[0], bounds[1], 3_600_000);
          const rows = (await run(OLD.reportSamples, { brand, from: bounds[0], to: bounds[1] })).slice(
            2,
          ) as unknown[][];
          expect(report.negativeSamples, `report samples ${brand} ${range}`).toEqual(
            rows.map(([postedAt, platform, language, text, score]) => ({
              postedAt: Number(postedAt),
              platform,
              language,
              text,
              score,
            })),
          );
          samples += rows.length;
        }
        expect(samples, 'report samples').toBeGreaterThan(0);
        for (const v of FILTER_VARIABLES) {
          const ctx = context(bounds, selection);
          const [now, ref] = [
            await run(interpolate(optionsSql(v), ctx)),
            await run(interpolate(optionsReference(v), ctx)),
          ];
          expect(now.slice(2), `variable ${v} ${range} ${selection}`).toEqual(ref.slice(2));
        }
      });
});
