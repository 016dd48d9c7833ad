import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyEvent, copyTables, Fold, PIPELINE_TABLES } from '../../../bench/queries/bulk-load.ts';
import { rawEvent } from '../../../bench/lib/simulated.ts';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import { createAnalyzer, type Analyzer } from '../../../services/nlp/index.ts';
import { AvroCodec } from '../../../services/shared/avro.ts';
import type { ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import type { ConversationEvent } from '../../../services/shared/events.ts';
import { Simulation } from '../../../services/simulator/simulation.ts';
import { isolatedClickHouse, isolatedConfig, logger } from '../../support/stack.ts';

/**
 * bench:queries loads months of history by folding simulated events with the pipeline's code and
 * then copying the rows inside ClickHouse with prefixed ids. The copies must be exactly what the
 * fold writes for the prefixed events: here one database gets fold + SQL copies, the other folds
 * every copy's events itself, and every pipeline table, the time-keyed messages_by_time and the
 * sentiment aggregate must match.
 */
const COPIES = 3;
/** When each row was written or computed: differs between any two runs of the pipeline. */
const PROCESSING_TIME = ['inserted_at', 'updated_at', 'computed_at', 'enriched_time'];

let copied: { client: ClickHouseClient; cleanup: () => Promise<void> };
let folded: { client: ClickHouseClient; cleanup: () => Promise<void> };
let analyzer: Analyzer;
const codec = new AvroCodec();

function simulated(): ConversationEvent[] {
  const start = Date.now() - 2 * 86_400_000;
  const sim = new Simulation({ seed: 5, brands: ['acme', 'globex'], start, rate: 0.03, crisisEveryHours: 12 });
  const out: ConversationEvent[] = [];
  for (let t = start; t < start + 86_400_000; t += 60_000)
    for (const d of sim.advance(t)) out.push(rawEvent(d.event, d.deliverAt));
  return out;
}

/** Rows as sorted JSON; `digits` rounds fractions (sums of floats depend on the order they were added in). */
async function rows(client: ClickHouseClient, table: string, final: boolean, digits?: number): Promise<string[]> {
  const rs = await client.query({ query: `SELECT * FROM ${table} ${final ? 'FINAL' : ''}`, format: 'JSONEachRow' });
  return (await rs.json<Record<string, unknown>>())
    .map((r) => {
      for (const k of PROCESSING_TIME) delete r[k];
      // A waiting point's fingerprint hashes its message_id, which a copy prefixes (bulk-load.ts PIPELINE_TABLES).
      if (Array.isArray(r.point_fingerprint))
        r.point_fingerprint = r.point_fingerprint.map((fp, i) =>
          (r.point_metric as string[])[i] === 'waiting' ? '' : fp,
        );
      return JSON.stringify(r, (_k, v: unknown) =>
        digits !== undefined && typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(digits)) : v,
      );
    })
    .sort();
}

beforeAll(async () => {
  analyzer = await createAnalyzer();
  const a = isolatedConfig('bulk_copied');
  const b = isolatedConfig('bulk_folded');
  copied = await isolatedClickHouse(a);
  folded = await isolatedClickHouse(b);
  await applyMigrations(copied.client, { database: a.CLICKHOUSE_DATABASE });
  await applyMigrations(folded.client, { database: b.CLICKHOUSE_DATABASE });
}, 120_000);

afterAll(async () => {
  await copied?.cleanup();
  await folded?.cleanup();
});

describe('bench:queries bulk path', () => {
  it('SQL copies of folded rows equal the fold of the prefixed events, table by table', async () => {
    const events = simulated();
    expect(events.length).toBeGreaterThan(500);
    await new Fold({ clickhouse: copied.client, codec, analyzer, logger }).write(events);
    await copyTables(copied.client, COPIES);
    await new Fold({ clickhouse: folded.client, codec, analyzer, logger }).write(events);
    for (let j = 1; j < COPIES; j++) {
      // Its own made-up topic (the dedup tokens name it), the same offsets as the original.
      await new Fold({ clickhouse: folded.client, codec, analyzer, logger }, `bulk-copy-${j}`).write(
        events.map((e) => copyEvent(e, j)),
      );
    }
    // Merge everything first: a merge applies the retention TTLs (a message never posted has a 1970
    // posted_time), and which rows a merge has reached yet differs between two databases.
    for (const c of [copied.client, folded.client])
      for (const table of PIPELINE_TABLES) await c.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
    for (const table of PIPELINE_TABLES) {
      const final = table !== 'events' && table !== 'moderation_actions';
      const [mine, theirs] = await Promise.all([rows(copied.client, table, final), rows(folded.client, table, final)]);
      expect(mine.length, table).toBeGreaterThan(0);
      expect(mine.filter((r) => r.includes('"c2~')).length, `${table} has copy 2`).toBeGreaterThan(0);
      expect(mine, table).toEqual(theirs);
    }
    // The MV on messages fires on the copies as on the fold's inserts: the time-keyed copy matches too.
    for (const c of [copied.client, folded.client]) await c.command({ query: 'OPTIMIZE TABLE messages_by_time FINAL' });
    const [mineByTime, theirsByTime] = await Promise.all([
      rows(copied.client, 'messages_by_time', true),
      rows(folded.client, 'messages_by_time', true),
    ]);
    expect(mineByTime.filter((r) => r.includes('"c2~')).length, 'messages_by_time has copy 2').toBeGreaterThan(0);
    expect(mineByTime, 'messages_by_time').toEqual(theirsByTime);
    const sentiment = (c: ClickHouseClient) => rows(c, '(SELECT * FROM v_sentiment_minute)', false, 9);
    const [mine, theirs] = await Promise.all([sentiment(copied.client), sentiment(folded.client)]);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine).toEqual(theirs);
    // And the per-thread sentiment of Top negative threads (0720), summed per key as the panel reads it.
    const perThread = (c: ClickHouseClient) =>
      rows(
        c,
        `(SELECT brand, day, thread_id, platform, language, sum(messages) AS messages, sum(negative) AS negative,
           sum(scored) AS scored, sum(score_sum) AS score_sum FROM thread_sentiment_day
          GROUP BY brand, day, thread_id, platform, language HAVING messages != 0 OR negative != 0 OR scored != 0)`,
        false,
        9,
      );
    const [mineByThread, theirsByThread] = await Promise.all([perThread(copied.client), perThread(folded.client)]);
    expect(mineByThread.filter((r) => r.includes('"c2~')).length, 'thread_sentiment_day has copy 2').toBeGreaterThan(0);
    expect(mineByThread, 'thread_sentiment_day').toEqual(theirsByThread);
  }, 300_000);
});
