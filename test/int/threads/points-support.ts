import { expect } from 'vitest';
import { rawEvent } from '../../../bench/lib/simulated.ts';
import { processRecords } from '../../../services/domain/enrich-records.ts';
import type { Analyzer } from '../../../services/nlp/index.ts';
import type { AvroCodec } from '../../../services/shared/avro.ts';
import type { ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import type { EnrichedEvent } from '../../../services/shared/events.ts';
import type { SourceRecord } from '../../../services/shared/kafka.ts';
import { Simulation } from '../../../services/simulator/simulation.ts';
import { routeRecord } from '../../../services/sink/batch.ts';
import { POINT_FACTS_SELECT, POINT_STATE_SELECT, pointFactsFromRow } from '../../../services/threads/point-rows.ts';
import { pointFingerprint, pointKey, threadPoints, type ThreadPoint } from '../../../services/threads/points.ts';
import { threadKeyString } from '../../../services/threads/thread-event.ts';

/**
 * thread_points as a check reads it: each point's columns (times as epoch ms), per thread, to
 * compare with threadPoints() of the same thread's thread_facts row.
 */
const TIMES = ['t', 'started_at', 'end_at', 'deadline_at', 'due_at'];
const NUMBERS = [
  'idx',
  'calendar_s',
  'business_s',
  'sla_target_s',
  'breached',
  'due_breached',
  'needs_reply',
  'responded',
  'handled_by_moderation',
  'within_sla',
  'recovered',
  'sentiment_change',
];
const STRINGS = [
  'brand',
  'metric',
  'platform',
  'account_id',
  'thread_id',
  'language',
  'priority',
  'message_id',
  'sla_metric',
  'end_reason',
  'sla_clock',
  'agent_id',
];

const POINT_SELECT = [...STRINGS, ...NUMBERS, ...TIMES.map((c) => `toUnixTimestamp64Milli(${c}) AS ${c}`)].join(', ');

async function json<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  return (await client.query({ query, format: 'JSONEachRow' })).json<T>();
}

const num = (v: unknown) => (v === null ? null : Number(v));

/** A point as a comparable line: the thread, the key, then every column in the table's order. */
function line(p: Record<string, unknown>): string {
  const cols = [...STRINGS, ...NUMBERS, ...TIMES].sort();
  return `${threadKeyString(p as unknown as ThreadPoint)} ${pointKey(p as unknown as ThreadPoint)} ${JSON.stringify(cols.map((c) => p[c]))}`;
}

/** waiting_points' columns (migration 0701): a `waiting` point's key and the values it has. */
const WAITING_TIMES = ['t', 'started_at', 'deadline_at'];
const WAITING_COLUMNS = ['brand', 'platform', 'account_id', 'thread_id', 'idx', 'language', 'priority'];
const WAITING_SELECT = [
  ...WAITING_COLUMNS,
  'message_id',
  'sla_metric',
  ...WAITING_TIMES.map((c) => `toUnixTimestamp64Milli(${c}) AS ${c}`),
].join(', ');

/** A waiting point (from threadPoints or a waiting_points row) as a comparable line. */
function waitingLine(p: Record<string, unknown>): string {
  const cols = [...WAITING_COLUMNS, 'message_id', 'sla_metric', ...WAITING_TIMES].sort();
  return `${threadKeyString(p as unknown as ThreadPoint)} ${JSON.stringify(cols.map((c) => p[c]))}`;
}

export interface PointsCheck {
  threads: number;
  /** Live points: thread_points' and waiting_points'. */
  points: number;
  /** Live waiting points (waiting_points FINAL, sign = 1). */
  waiting: number;
  /** Rows stored in thread_points and waiting_points, tombstones, -1 rows and replaced versions included (before merges). */
  rawRows: number;
  revisions: Map<string, number>;
}

/**
 * thread_points FINAL holds exactly threadPoints() of every thread_facts FINAL row but the `waiting`
 * ones, waiting_points FINAL (sign = 1) exactly those, and each facts row names all of them (keys and
 * fingerprints).
 */
export async function expectPointsMatchFacts(client: ClickHouseClient): Promise<PointsCheck> {
  const facts = await json<Record<string, unknown>>(
    client,
    `SELECT ${POINT_FACTS_SELECT}, ${POINT_STATE_SELECT.replace(/^brand, platform, account_id, thread_id, /, '')}
     FROM thread_facts FINAL`,
  );
  const expected: string[] = [];
  const expectedWaiting: string[] = [];
  const revisions = new Map<string, number>();
  for (const r of facts) {
    const points = threadPoints(pointFactsFromRow(r));
    for (const p of points)
      if (p.metric === 'waiting') expectedWaiting.push(waitingLine(p as unknown as Record<string, unknown>));
      else expected.push(line(p as unknown as Record<string, unknown>));
    const named = (r.point_metric as string[]).map(
      (m, i) =>
        `${pointKey({ metric: m as ThreadPoint['metric'], t: Number((r.point_t_ms as string[])[i]), idx: Number((r.point_idx as number[])[i]) })} ${String((r.point_fingerprint as string[])[i])}`,
    );
    expect(named, `points named by thread_facts of ${String(r.thread_id)}`).toEqual(
      points.map((p) => `${pointKey(p)} ${pointFingerprint(p)}`),
    );
    revisions.set(threadKeyString(r as unknown as ThreadPoint), Number(r.points_revision));
  }
  const stored = await json<Record<string, unknown>>(client, `SELECT ${POINT_SELECT} FROM thread_points FINAL`);
  const got = stored.map((r) => {
    for (const c of [...NUMBERS, ...TIMES]) r[c] = num(r[c]);
    return line(r);
  });
  expect(got.sort()).toEqual(expected.sort());
  const waiting = (
    await json<Record<string, unknown>>(client, `SELECT ${WAITING_SELECT} FROM waiting_points FINAL WHERE sign = 1`)
  ).map((r) => {
    for (const c of ['idx', ...WAITING_TIMES]) r[c] = num(r[c]);
    return waitingLine(r);
  });
  expect(waiting.sort(), 'waiting_points').toEqual(expectedWaiting.sort());
  const [raw] = await json<{ n: string }>(
    client,
    'SELECT (SELECT count() FROM thread_points) + (SELECT count() FROM waiting_points) AS n',
  );
  return {
    threads: facts.length,
    points: got.length + waiting.length,
    waiting: waiting.length,
    rawRows: Number(raw!.n),
    revisions,
  };
}

/** A simulated day of two brands (one with the inactivity rule), enriched by the real enricher, in delivery order. */
export function simulatedDay(codec: AvroCodec, analyzer: Analyzer, seed: number): EnrichedEvent[] {
  const start = Date.now() - 2 * 86_400_000;
  const sim = new Simulation({ seed, brands: ['acme', 'globex'], start, rate: 0.03, crisisEveryHours: 12 });
  const raw: SourceRecord[] = [];
  for (let t = start; t < start + 86_400_000; t += 60_000)
    for (const d of sim.advance(t))
      raw.push({
        topic: 'points.raw',
        partition: 0,
        offset: String(raw.length),
        key: Buffer.from(d.event.thread_id),
        value: codec.encode('conversation-event', rawEvent(d.event, d.deliverAt)),
      });
  const out = processRecords(raw, codec, analyzer);
  return out.enriched.map((m, i) => {
    const routed = routeRecord(codec, {
      topic: 'points',
      partition: 0,
      offset: String(i),
      key: null,
      value: m.value as Buffer,
    });
    if (!routed.ok) throw new Error(`simulated event refused by the sink's routing`);
    return routed.accepted.event;
  });
}
