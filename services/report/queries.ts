import type { ClickHouseClient } from '../shared/clickhouse.ts';
import { POINT_AGE_S, POINT_BREACHED, POINT_ENDED_AT, POINT_PAST_SLA } from '../domain/thread-points-sql.ts';
import { brandTimeZone } from './zone.ts';
import { fillSeries, type AlertRow, type Breakdown, type ReportData, type SeriesPoint } from './model.ts';

/**
 * Reads a report's numbers from the analyst views and thread_points (as the read-only analyst user).
 * Few queries, each aggregated in ClickHouse: the local engine answers one query at a time. The
 * thread numbers read thread_points, sorted by time, so a report's range reads only its granules.
 */
const ms = (col: string) => `toUnixTimestamp64Milli(toDateTime64(${col}, 3))`;
const RANGE = (col: string) =>
  `${col} >= fromUnixTimestamp64Milli({from:Int64}) AND ${col} < fromUnixTimestamp64Milli({to:Int64})`;

/**
 * The thread numbers (report #2-#4), from thread_points (migration 0700): each reads only the points
 * of its range (the backlog: every live waiting point, from waiting_points, 0701). They return what v_thread_response,
 * v_unanswered_backlog and v_sla_breaches gave (test/int/dashboards/thread-points-panels.int.test.ts).
 */
export const REPORT_THREAD_SQL = {
  // thread points: t = the thread's first customer message; calendar_s/business_s its first response time.
  response: `SELECT countIf(needs_reply = 1) AS needing, countIf(calendar_s IS NOT NULL) AS answered,
            countIf(handled_by_moderation = 1) AS moderated, countIf(needs_reply = 1 AND responded = 1) AS responded,
            quantiles(0.5, 0.9)(calendar_s) AS cal, quantiles(0.5, 0.9)(business_s) AS bus
     FROM thread_points FINAL
     WHERE brand = {brand:String} AND metric = 'thread' AND ${RANGE('t')}`,
  backlog: `SELECT count() AS waiting, max(${POINT_AGE_S}) AS oldest, countIf(${POINT_PAST_SLA} = 1) AS breached
     FROM waiting_points FINAL WHERE brand = {brand:String} AND sign = 1`,
  // sla_start points: the breachable deadlines keyed by when the wait started; now() decides the open ones.
  breaches: `SELECT sla_metric AS metric, countIf(ended_at IS NULL) AS open, countIf(ended_at IS NOT NULL) AS closed
     FROM (
       SELECT sla_metric, ${POINT_ENDED_AT} AS ended_at, ${POINT_BREACHED} AS breach
       FROM thread_points FINAL WHERE brand = {brand:String} AND metric = 'sla_start' AND ${RANGE('t')}
     )
     WHERE breach = 1 GROUP BY metric ORDER BY metric`,
};

async function rows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown>): Promise<T[]> {
  const rs = await client.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return rs.json<T>();
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));
const numOrNull = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

function add(
  map: Map<string, Breakdown>,
  key: string,
  r: { messages: number; negative: number; neutral: number; positive: number },
) {
  const b = map.get(key) ?? { key, messages: 0, negative: 0, neutral: 0, positive: 0 };
  b.messages += r.messages;
  b.negative += r.negative;
  b.neutral += r.neutral;
  b.positive += r.positive;
  map.set(key, b);
}

export async function fetchReport(
  client: ClickHouseClient,
  brand: string,
  from: number,
  to: number,
  bucketMs: number,
): Promise<ReportData> {
  const p = { brand, from, to, bucket: Math.round(bucketMs / 1000) };

  // Customer sentiment by bucket, platform and language, in one pass.
  const sentiment = await rows<Record<string, unknown>>(
    client,
    `SELECT ${ms('toStartOfInterval(minute, toIntervalSecond({bucket:UInt32}))')} AS t, platform, language,
            sum(messages) AS messages, sum(negative) AS negative, sum(neutral) AS neutral, sum(positive) AS positive
     FROM v_sentiment_minute
     WHERE brand = {brand:String} AND author_role = 'customer' AND ${RANGE('minute')}
     GROUP BY t, platform, language`,
    p,
  );
  const buckets = new Map<number, SeriesPoint>();
  const platforms = new Map<string, Breakdown>();
  const languages = new Map<string, Breakdown>();
  const totals = { messages: 0, negative: 0, neutral: 0, positive: 0 };
  for (const r of sentiment) {
    const c = {
      messages: num(r.messages),
      negative: num(r.negative),
      neutral: num(r.neutral),
      positive: num(r.positive),
    };
    const t = num(r.t);
    const b = buckets.get(t) ?? { t, messages: 0, negative: 0, neutral: 0, positive: 0 };
    b.messages += c.messages;
    b.negative += c.negative;
    b.neutral += c.neutral;
    b.positive += c.positive;
    buckets.set(t, b);
    add(platforms, String(r.platform), c);
    add(languages, String((r.language as string | null) || 'unknown'), c);
    totals.messages += c.messages;
    totals.negative += c.negative;
    totals.neutral += c.neutral;
    totals.positive += c.positive;
  }

  const [response] = await rows<Record<string, unknown>>(client, REPORT_THREAD_SQL.response, p);
  const [backlog] = await rows<Record<string, unknown>>(client, REPORT_THREAD_SQL.backlog, p);
  const breaches = await rows<Record<string, unknown>>(client, REPORT_THREAD_SQL.breaches, p);
  let alerts: AlertRow[] | null;
  try {
    // The alerter's view (migration 0300): one row per alert, `time` = start, `text` = summary.
    const a = await rows<Record<string, unknown>>(
      client,
      `SELECT ${ms('time')} AS started, if(ended_at IS NULL, NULL, ${ms('assumeNotNull(ended_at)')}) AS ended, platform, text AS summary
       FROM alert_annotations WHERE brand = {brand:String} AND time < fromUnixTimestamp64Milli({to:Int64})
         AND (ended_at IS NULL OR ended_at >= fromUnixTimestamp64Milli({from:Int64}))
       ORDER BY time DESC LIMIT 20`,
      p,
    );
    alerts = a.map((r) => ({
      startedAt: num(r.started),
      endedAt: numOrNull(r.ended),
      platform: String((r.platform as string | null) ?? ''),
      summary: String((r.summary as string | null) ?? ''),
    }));
  } catch (err) {
    // The alerter's table may not exist yet: the report still renders, and says so.
    if (!/UNKNOWN_TABLE|Unknown table|doesn't exist|does not exist/i.test((err as Error).message)) throw err;
    alerts = null;
  }
  // The time-keyed copy of v_messages (migration 0710): the range reads only its own rows.
  const samples = await rows<Record<string, unknown>>(
    client,
    `SELECT ${ms('posted_time')} AS posted, platform, language, text, sentiment_score AS score
     FROM v_messages_by_time
     WHERE brand = {brand:String} AND author_role = 'customer' AND sentiment_label = 'negative' AND NOT removed AND NOT hidden AND NOT spam
       AND ${RANGE('posted_time')}
     ORDER BY posted_time DESC LIMIT 6`,
    p,
  );

  const q = (v: unknown, i: number) => numOrNull(Array.isArray(v) ? v[i] : null);
  const needing = num(response?.needing);
  return {
    brand,
    timeZone: brandTimeZone(brand),
    from,
    to,
    bucketMs,
    totals,
    series: fillSeries([...buckets.values()], from, to, bucketMs),
    platforms: [...platforms.values()],
    languages: [...languages.values()],
    response: {
      threadsNeedingReply: needing,
      answered: num(response?.answered),
      handledByModeration: num(response?.moderated),
      frtCalendarP50: q(response?.cal, 0),
      frtCalendarP90: q(response?.cal, 1),
      frtBusinessP50: q(response?.bus, 0),
      frtBusinessP90: q(response?.bus, 1),
      responseRate: needing > 0 ? num(response?.responded) / needing : null,
    },
    backlog: {
      waiting: num(backlog?.waiting),
      oldestAgeS: num(backlog?.waiting) > 0 ? numOrNull(backlog?.oldest) : null,
      breached: num(backlog?.breached),
    },
    breaches: breaches.map((b) => ({ metric: String(b.metric), open: num(b.open), closed: num(b.closed) })),
    alerts,
    negativeSamples: samples.map((s) => ({
      postedAt: num(s.posted),
      platform: String(s.platform),
      language: String(s.language),
      text: String(s.text),
      score: numOrNull(s.score),
    })),
  };
}
