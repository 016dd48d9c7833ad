import type { CanonicalEvent } from '../../../services/ingest/canonical.ts';
import type { ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import { AckingClient } from '../../chaos/load.ts';
import type { Comparison } from '../../chaos/ledger.ts';
import { expectedFrom } from '../../chaos/traffic.ts';
import { compareStored, sentimentCounts } from '../../chaos/verify.ts';

/**
 * What the scale runs check after a drain: every acknowledged event once in every table and view
 * (the chaos suite's reads), sentiment counted once, and for the rebalance run the projections
 * against a rebuild by one replayer (a thread whose partition moved between sinks mid-thread must
 * end with the same facts as one computed in one go).
 */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** The load client, also counting the 503s that came without Retry-After and when each answer came. */
export class CountingClient extends AckingClient {
  readonly answers: Array<{ at: number; status: number | 'network'; retryAfter: boolean }> = [];

  override async postOnce(
    brand: string,
    body: string,
  ): Promise<{ status: number | 'network'; text: string; retryAfter?: number }> {
    const r = await super.postOnce(brand, body);
    this.answers.push({ at: Date.now(), status: r.status, retryAfter: r.retryAfter !== undefined });
    return r;
  }
}

export async function storedOnce(
  ch: ClickHouseClient,
  events: readonly CanonicalEvent[],
  acked: ReadonlySet<string>,
): Promise<{ checks: Check[]; rows: Comparison[] }> {
  const rows = await compareStored(ch, expectedFrom(events, acked));
  const s = await sentimentCounts(ch);
  const checks: Check[] = rows.map((r) => ({
    name: `${r.name}: 0 lost, 0 duplicated`,
    ok: r.lost === 0 && r.duplicated === 0,
    detail: `${r.stored} stored of ${r.expected}, ${r.lost} lost, ${r.duplicated} duplicated${r.lost ? ` (e.g. ${r.lostSample.join(', ')})` : ''}`,
  }));
  checks.push({
    name: 'v_sentiment_minute counts each counted message once',
    ok: s.counted === s.inMinuteView,
    detail: `${s.counted} counted messages, ${s.inMinuteView} in v_sentiment_minute`,
  });
  return { checks, rows };
}

async function hashes(
  ch: ClickHouseClient,
  database: string,
  table: string,
  key: string,
  skip: string[],
  where: string,
): Promise<Map<string, string>> {
  const cols = await (
    await ch.query({
      query: 'SELECT name FROM system.columns WHERE database = {db:String} AND table = {t:String} ORDER BY position',
      query_params: { db: database, t: table },
      format: 'JSONEachRow',
    })
  ).json<{ name: string }>();
  const kept = cols.map((c) => c.name).filter((c) => !skip.includes(c));
  const rows = await (
    await ch.query({
      query: `SELECT ${key} AS k, toString(cityHash64(${kept.map((c) => `\`${c}\``).join(', ')})) AS h FROM ${database}.${table} FINAL${where ? ` WHERE ${where}` : ''}`,
      format: 'JSONCompactEachRow',
    })
  ).json<[string, string]>();
  return new Map(rows);
}

/** Rows of `table` (FINAL) that differ between the live and the rebuilt database, by key. */
export async function sameAsRebuild(
  ch: ClickHouseClient,
  live: string,
  rebuilt: string,
  table: string,
  key: string,
  skip: string[],
  /** Rows to compare (a CollapsingMergeTree's FINAL may keep a -1 row before its key's +1). */
  where = '',
): Promise<Check> {
  const a = await hashes(ch, live, table, key, skip, where);
  const b = await hashes(ch, rebuilt, table, key, skip, where);
  const differ = [...a].filter(([k, h]) => b.get(k) !== h).map(([k]) => k);
  const onlyRebuilt = [...b.keys()].filter((k) => !a.has(k));
  return {
    name: `${table}: live rows equal a one-pass rebuild (replay)`,
    ok: differ.length === 0 && onlyRebuilt.length === 0 && a.size > 0,
    detail: `${a.size} live, ${b.size} rebuilt, ${differ.length} differ${differ.length ? ` (e.g. ${differ.slice(0, 3).join(', ')})` : ''}, ${onlyRebuilt.length} only in the rebuild`,
  };
}

export function renderChecks(
  title: string,
  checks: readonly Check[],
  measures: ReadonlyArray<[string, string]>,
): string {
  return [
    `### ${title}`,
    '',
    '| Check | Result |',
    '| --- | --- |',
    ...checks.map((c) => `| ${c.name} | ${c.ok ? 'ok' : '**FAILED**'}: ${c.detail} |`),
    '',
    '| Measure | Value |',
    '| --- | ---: |',
    ...measures.map(([k, v]) => `| ${k} | ${v} |`),
    '',
  ].join('\n');
}
