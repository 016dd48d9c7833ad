/**
 * Pipeline benchmark: raw events -> enricher -> Kafka -> sink -> ClickHouse, against the local
 * stack (or KAFKA_BROKERS / CLICKHOUSE_URL). Measures throughput (events/s until every event is
 * queryable) and freshness (ingest_time -> inserted_at in ClickHouse, p50/p99) for:
 *   - batched: the real sink (SINK_MAX_ROWS rows per insert, bounded wait);
 *   - naive baseline: the same code with one event per flush (one insert per table per event).
 * Both run in this process, one after the other, on isolated topics and databases.
 *   npm run bench:pipeline   (BENCH_EVENTS=4000 BENCH_NAIVE_EVENTS=300 to change sizes)
 */
import { randomBytes } from 'node:crypto';
import { Enricher } from '../services/enricher/enricher.ts';
import { applyMigrations } from '../services/migrate/apply.ts';
import { createAnalyzer } from '../services/nlp/index.ts';
import { AvroCodec } from '../services/shared/avro.ts';
import { createClickHouse } from '../services/shared/clickhouse.ts';
import { loadBaseConfig } from '../services/shared/config.ts';
import { wrapPayload, type ConversationEvent } from '../services/shared/events.ts';
import { createKafka, ensureTopics } from '../services/shared/kafka.ts';
import { createLogger } from '../services/shared/logger.ts';
import { DEFAULT_SINK_MAX_ROWS, DEFAULT_SINK_MAX_WAIT_MS } from '../services/sink/config.ts';
import { Sink } from '../services/sink/sink.ts';
import { ClickHouseWriter } from '../services/sink/steps.ts';

const logger = createLogger('bench', 'error');
const codec = new AvroCodec();
const TEXTS = ['my order never arrived, this is terrible', 'thanks, great support!', 'how do I reset my password?', 'il prodotto è fantastico', 'el envío llegó tarde otra vez'];

function rawEvents(n: number, run: string): ConversationEvent[] {
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => ({
    event_id: `${run}-${i}`, event_time: now - 60_000 + i, ingest_time: now, brand: `brand-${i % 3}`, platform: ['x', 'facebook', 'instagram'][i % 3]!,
    account_id: 'acct', post_id: null, thread_id: `th-${i % 500}`, source: 'bench', metadata: {},
    payload: wrapPayload({ type: 'message_posted', value: { message_id: `m-${i}`, parent_id: null, kind: 'comment', author_id: `u${i % 97}`, author_role: 'customer', agent_id: null, text: TEXTS[i % TEXTS.length]!, language_hint: null, url: null, priority: null } }),
  }));
}

async function measure(label: string, n: number, maxRows: number, maxWaitMs: number) {
  const run = `bench_${label}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const config = loadBaseConfig({ ...process.env, KAFKA_TOPIC_PREFIX: `b.${run}.`, CLICKHOUSE_DATABASE: run, LOG_LEVEL: 'error' });
  const { kafka, topics } = createKafka(config, logger, 'bench');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topics);
  const root = createClickHouse(config, { noDatabase: true });
  await applyMigrations(root, { database: run });
  const clickhouse = createClickHouse(config);
  const enricher = new Enricher({ kafka, codec, analyzer: await createAnalyzer(), logger }, {
    sourceTopic: topics.name('conversationEvents'), targetTopic: topics.name('enrichedEvents'), deadLetterTopic: topics.name('deadLetters'), groupId: 'bench-enricher',
  });
  const sink = new Sink({ kafka, codec, logger, steps: [new ClickHouseWriter(clickhouse)] }, {
    sourceTopic: topics.name('enrichedEvents'), deadLetterTopic: topics.name('deadLetters'), groupId: 'bench-sink', maxRows, maxWaitMs,
  });
  await enricher.start();
  await sink.start();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const events = rawEvents(n, run);
  const started = Date.now();
  for (let i = 0; i < events.length; i += 500) {
    const now = Date.now();
    await producer.send({ topic: topics.name('conversationEvents'), acks: -1, messages: events.slice(i, i + 500).map((e) => ({ key: e.thread_id, value: codec.encode('conversation-event', { ...e, ingest_time: now }) })) });
  }
  // Wait on the sink's own counter (no polling queries competing with the inserts), then verify.
  while (sink.stats.records < n) await new Promise((r) => setTimeout(r, 100));
  const seconds = (Date.now() - started) / 1000;
  const [row] = await (await clickhouse.query({
    query: `SELECT count() AS n, quantiles(0.5, 0.99)(dateDiff('millisecond', ingest_time, inserted_at)) AS q FROM events FINAL`, format: 'JSONEachRow',
  })).json<{ n: string | number; q: number[] }>();
  await producer.disconnect();
  await sink.stop();
  await enricher.stop();
  await admin.deleteTopics({ topics: topics.all.map((t) => topics.name(t.key)) }).catch(() => undefined);
  await admin.disconnect();
  await root.command({ query: `DROP DATABASE IF EXISTS ${run}` });
  await Promise.all([root.close(), clickhouse.close()]);
  return { label, events: Number(row!.n), seconds, perSecond: Number(row!.n) / seconds, p50: row!.q[0]!, p99: row!.q[1]!, flushes: sink.stats.flushes };
}

const batched = await measure('batched', Number(process.env.BENCH_EVENTS ?? 4000), Number(process.env.SINK_MAX_ROWS ?? DEFAULT_SINK_MAX_ROWS), Number(process.env.SINK_MAX_WAIT_MS ?? DEFAULT_SINK_MAX_WAIT_MS));
const naive = await measure('naive', Number(process.env.BENCH_NAIVE_EVENTS ?? 300), 1, 0);
const fmt = (n: number, d = 0) => n.toFixed(d).padStart(10);
console.log('\npipeline: raw topic -> enricher -> enriched topic -> sink -> ClickHouse (events queryable)');
console.log(`${'variant'.padEnd(26)}${'events'.padStart(10)}${'seconds'.padStart(10)}${'events/s'.padStart(10)}${'inserts'.padStart(10)}${'fresh p50'.padStart(12)}${'fresh p99'.padStart(12)}`);
for (const r of [batched, naive]) {
  const name = r.label === 'batched' ? 'batched sink' : 'naive (1 event per insert)';
  console.log(`${name.padEnd(26)}${fmt(r.events)}${fmt(r.seconds, 1)}${fmt(r.perSecond, 1)}${fmt(r.flushes)}${`${fmt(r.p50)} ms`.padStart(12)}${`${fmt(r.p99)} ms`.padStart(12)}`);
}
console.log(`\nthroughput ratio batched/naive: ${(batched.perSecond / naive.perSecond).toFixed(1)}x; freshness p99 ratio naive/batched: ${(naive.p99 / Math.max(1, batched.p99)).toFixed(1)}x`);
console.log('(freshness = ingest_time -> inserted_at; "inserts" = sink flushes, each up to 3 INSERTs (events, moderation, messages) + 1 state read)');
process.exit(0);
