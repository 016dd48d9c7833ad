import type { Kafka } from 'kafkajs';
import { processRecords } from '../domain/enrich-records.ts';
import type { Analyzer } from '../nlp/index.ts';
import type { AvroCodec } from '../shared/avro.ts';
import type { ClickHouseClient } from '../shared/clickhouse.ts';
import type { Logger } from '../shared/logger.ts';
import { BULK_FETCH_BYTES_PER_PARTITION, groupConsumer } from '../shared/kafka.ts';
import { offsetRanges, routeRecord, type Accepted, type SourceRecord } from './batch.ts';
import { Batcher } from './batcher.ts';
import { withRetry } from '../shared/retry.ts';
import { runConcurrently, type BatchStep } from './steps.ts';
import { writeIsolating } from './isolate.ts';
import type { AuthorKeyLog } from '../shared/author-key-log.ts';

export type Offsets = Map<number, bigint>;

export interface ReplayProgress {
  done: bigint;
  total: bigint;
  perSecond: number;
}

/** The partition end offsets of a topic now (what a replay must reach). */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Offsets> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Re-enriches the raw topic with the current analyzer, from `from` (earliest when absent) up to
 * `to`, and runs the sink steps on it (same code as the live sink, other ClickHouse database).
 * Resolves when every partition reached its end offset.
 */
export async function replayRange(deps: {
  kafka: Kafka;
  codec: AvroCodec;
  analyzer: Analyzer;
  logger: Logger;
  steps: BatchStep[];
  topic: string;
  from?: Offsets;
  to: Offsets;
  maxRows?: number;
  onProgress?: (p: ReplayProgress) => void;
  /** The author keys, started: an erased author's texts and ids come back blank, never in clear. */
  keys?: AuthorKeyLog;
}): Promise<{ records: number; deadLetters: number }> {
  const { kafka, codec, analyzer, logger, steps, topic, to } = deps;
  const from = deps.from ?? new Map<number, bigint>();
  const remaining = new Map<number, bigint>();
  let total = 0n;
  for (const [p, end] of to) {
    const start = from.get(p) ?? 0n;
    if (end > start) {
      remaining.set(p, end);
      total += end - start;
    }
  }
  const stats = { records: 0, deadLetters: 0 };
  if (remaining.size === 0) return stats;
  // Every key of an event up to `to` was written before it: one sync covers the whole range.
  await deps.keys?.sync();
  const store = deps.keys?.store;
  const batcher = new Batcher<SourceRecord>({ maxRows: deps.maxRows ?? 5000, maxWaitMs: 200 }, async (records) => {
    const accepted: Accepted[] = [];
    for (const r of records) {
      const routed = routeRecord(codec, r, store);
      if (routed.ok) accepted.push(routed.accepted);
    }
    const ranges = offsetRanges(records);
    // The same isolation as the live sink: a row ClickHouse refuses is skipped, the rest is written
    // (the live stages dead-lettered it already; the replay only counts it).
    const isolated = await writeIsolating(accepted, (part, name) =>
      withRetry(() => runConcurrently(steps, { accepted: part, ranges, part: name }), {
        onRetry: (err, attempt, _w, reason) =>
          logger.warn({ err: (err as Error).message, reason, attempt }, 'replay batch failed, retrying'),
      }),
    );
    for (const i of isolated)
      logger.warn(
        { err: (i.error as Error).message, partition: i.accepted.record.partition, offset: i.accepted.record.offset },
        'replay skipped a record ClickHouse refused',
      );
    stats.deadLetters += isolated.length + records.length - accepted.length;
  });
  const consumer = groupConsumer(kafka, `brandpulse-replay-${Date.now()}-${process.pid}`, {
    maxBytesPerPartition: BULK_FETCH_BYTES_PER_PARTITION,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const started = Date.now();
  let done = 0n;
  let finish!: () => void;
  let fail!: (err: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const timer = setInterval(
    () => deps.onProgress?.({ done, total, perSecond: Number(done) / ((Date.now() - started) / 1000) }),
    2_000,
  );
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 16,
    eachBatch: async ({ batch, heartbeat }) => {
      const end = remaining.get(batch.partition);
      if (end === undefined) return;
      const start = from.get(batch.partition) ?? 0n;
      const raw = batch.messages
        .filter((m) => BigInt(m.offset) >= start && BigInt(m.offset) < end)
        .map((m) => ({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value }));
      const out = processRecords(raw, codec, analyzer, Date.now(), undefined, store);
      stats.deadLetters += out.deadLetters.length;
      // processRecords keeps input order; dead letters are dropped (the live enricher already sent them).
      const enrichedRecords: SourceRecord[] = [];
      let i = 0;
      for (const r of raw) {
        const dl = out.deadLetters.some((d) => String(d.headers?.['dlq.source.offset']) === r.offset);
        if (dl) continue;
        enrichedRecords.push({
          topic: `replay:${r.topic}`,
          partition: r.partition,
          offset: r.offset,
          key: r.key,
          value: out.enriched[i++]!.value as Buffer,
        });
      }
      try {
        await batcher.add(enrichedRecords);
      } catch (err) {
        fail(err);
        throw err;
      }
      await heartbeat();
      stats.records += raw.length;
      const lastSeen = BigInt(batch.messages[batch.messages.length - 1]!.offset);
      if (raw.length > 0) done += BigInt(raw.length);
      if (lastSeen + 1n >= end) {
        remaining.delete(batch.partition);
        if (remaining.size === 0) finish();
      }
    },
  });
  for (const [p] of remaining) {
    const start = from.get(p);
    if (start !== undefined && start > 0n) consumer.seek({ topic, partition: p, offset: start.toString() });
  }
  try {
    await finished;
    await batcher.drain();
  } finally {
    clearInterval(timer);
    await consumer.disconnect();
  }
  deps.onProgress?.({ done, total, perSecond: Number(done) / ((Date.now() - started) / 1000) });
  return stats;
}

/**
 * Tables a replay does not rebuild, because the raw topic is not where they come from: the dead-letter
 * recorder's (from the dead-letter topic) and the alerter's history. A swap leaves them in place;
 * swapping in the shadow's empty copies would erase that history.
 */
export const KEPT_ON_SWAP = ['dead_letters', 'alerts', 'schema_migrations'] as const;

/** Tables (not views) that a database's migrations created and a replay rebuilds. */
export async function projectionTables(client: ClickHouseClient, database: string): Promise<string[]> {
  const rows = await (
    await client.query({
      query: `SELECT name FROM system.tables WHERE database = {db:String} AND engine NOT IN ('View', 'MaterializedView')
            AND name NOT IN {kept:Array(String)} AND NOT is_temporary ORDER BY name`,
      query_params: { db: database, kept: [...KEPT_ON_SWAP] },
      format: 'JSONEachRow',
    })
  ).json<{ name: string }>();
  return rows.map((r) => r.name);
}

/**
 * Swaps every projection table of `live` with its rebuilt twin in `shadow`, in ONE statement
 * (EXCHANGE TABLES a AND b, c AND d, ...: Atomic databases, chDB included). Views and materialized
 * views stay in place and follow the tables by name, so dashboards keep querying the same names.
 */
export async function swapIn(client: ClickHouseClient, live: string, shadow: string): Promise<string[]> {
  const [a, b] = await Promise.all([projectionTables(client, live), projectionTables(client, shadow)]);
  const missing = a.filter((t) => !b.includes(t)).concat(b.filter((t) => !a.includes(t)));
  if (missing.length > 0)
    throw new Error(`live and shadow schemas differ (${missing.join(', ')}): run brandpulse migrate first`);
  await client.command({ query: `EXCHANGE TABLES ${a.map((t) => `${live}.${t} AND ${shadow}.${t}`).join(', ')}` });
  return a;
}
