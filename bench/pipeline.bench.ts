/**
 * Pipeline benchmark: raw events -> enricher -> Kafka -> sink -> ClickHouse, against the local
 * stack (or KAFKA_BROKERS / CLICKHOUSE_URL). Measures throughput (events/s until every event is
 * queryable) and freshness (ingest_time -> inserted_at in ClickHouse, p50/p99) for:
 *   - batched: the real sink (SINK_MAX_ROWS rows per insert, bounded wait);
 *   - naive baseline: the same code with one event per flush (one insert per table per event);
 *   - peer: the same leg doing no work (bench/peer/hops.ts): raw topic -> pass-through consumer ->
 *     Kafka -> pass-through consumer -> one ClickHouse table; the ratio batched/peer is the figure.
 * All run in this process, one after the other (peer first, so its peak RSS is its own), on isolated
 * topics and databases. CPU per event of this process, ClickHouse and Kafka, and peak RSS, per variant.
 *   npm run bench:pipeline   (BENCH_EVENTS=4000 BENCH_NAIVE_EVENTS=300 to change sizes;
 *   BENCH_PROFILE=1 writes a V8 CPU profile of the batched variant to .stack/profiles and prints its top)
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Enricher } from '../services/enricher/enricher.ts';
import { applyMigrations } from '../services/migrate/apply.ts';
import { createAnalyzer } from '../services/nlp/index.ts';
import { AvroCodec } from '../services/shared/avro.ts';
import { createClickHouse } from '../services/shared/clickhouse.ts';
import { loadBaseConfig } from '../services/shared/config.ts';
import { createKafka, ensureTopics } from '../services/shared/kafka.ts';
import { createLogger } from '../services/shared/logger.ts';
import { DEFAULT_SINK_MAX_ROWS, DEFAULT_SINK_MAX_WAIT_MS } from '../services/sink/config.ts';
import { Sink } from '../services/sink/sink.ts';
import { ClickHouseWriter, ProjectorStep } from '../services/sink/steps.ts';
import { ThreadProjector } from '../services/threads/projector.ts';
import { rawEvents, simulatedEvents } from './lib/simulated.ts';
import { cpuSnapshot, pidFrom, printCpu, summarizeProfiles } from './lib/proc.ts';
import { peerTableSql, startRelay, startStore } from './peer/hops.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STACK_DIR = process.env.BRANDPULSE_STACK_DIR ?? join(ROOT, '.stack');
const PIDS = {
  bench: process.pid,
  clickhouse: pidFrom(join(STACK_DIR, 'chdb', 'server.pid')),
  kafka: pidFrom(join(STACK_DIR, 'kafka', 'kafka.pid')),
};
const PROFILE = process.env.BENCH_PROFILE === '1';
const WARM_EVENTS = 500;
const PROFILE_DIR = join(ROOT, '.stack', 'profiles', `pipeline-${Date.now().toString(36)}`);

const logger = createLogger('bench', 'error');
const codec = new AvroCodec();

type Variant = 'peer' | 'batched' | 'naive';
interface Result {
  label: Variant;
  events: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  flushes: number;
  cpu: Record<string, number>;
  rssMb: number;
}

async function waitFor(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 100));
}

async function measure(label: Variant, n: number, maxRows: number, maxWaitMs: number): Promise<Result> {
  const run = `bench_${label}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const config = loadBaseConfig({
    ...process.env,
    KAFKA_TOPIC_PREFIX: `b.${run}.`,
    CLICKHOUSE_DATABASE: run,
    LOG_LEVEL: 'error',
  });
  const { kafka, topics } = createKafka(config, logger, 'bench');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topics);
  const root = createClickHouse(config, { noDatabase: true });
  await applyMigrations(root, { database: run });
  const clickhouse = createClickHouse(config);
  const raw = topics.name('conversationEvents');
  const enriched = topics.name('enrichedEvents');
  let stored: () => number;
  let stop: () => Promise<void>;
  let flushes = () => 0;
  if (label === 'peer') {
    // The same leg with no work: raw -> relay -> Kafka -> store -> one table (bench/peer/hops.ts).
    await clickhouse.command({ query: peerTableSql('peer_events') });
    const store = await startStore(kafka, clickhouse, enriched, 'peer_events', 'bench-peer-store');
    const relay = await startRelay(kafka, raw, enriched, 'bench-peer-relay');
    stored = store.count;
    stop = async () => {
      await relay.stop();
      await store.stop();
    };
  } else {
    const enricher = new Enricher(
      { kafka, codec, analyzer: await createAnalyzer(), logger },
      {
        sourceTopic: raw,
        targetTopic: enriched,
        deadLetterTopic: topics.name('deadLetters'),
        groupId: 'bench-enricher',
      },
    );
    // The sink's two steps, as services/sink/main.ts wires them (no author key log in the bench).
    const steps = [new ClickHouseWriter(clickhouse), new ProjectorStep(new ThreadProjector({ clickhouse, logger }))];
    const sink = new Sink(
      { kafka, codec, logger, steps },
      {
        sourceTopic: enriched,
        deadLetterTopic: topics.name('deadLetters'),
        groupId: 'bench-sink',
        maxRows,
        maxWaitMs,
      },
    );
    await enricher.start();
    await sink.start();
    stored = () => sink.stats.records;
    flushes = () => sink.stats.flushes;
    stop = async () => {
      await sink.stop();
      await enricher.stop();
    };
  }
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const encode =
    label === 'peer'
      ? (e: object) => Buffer.from(JSON.stringify(e))
      : (e: object) => codec.encode('conversation-event', e);
  const send = async (list: ReturnType<typeof simulatedEvents>) => {
    for (let i = 0; i < list.length; i += 500) {
      const slice = rawEvents(list.slice(i, i + 500), Date.now());
      await producer.send({
        topic: raw,
        acks: -1,
        messages: slice.map((e) => ({ key: e.thread_id, value: encode(e) })),
      });
    }
  };
  // Warm-up: the consumer groups joined, code and models warm, before the clock starts.
  const warm = simulatedEvents(WARM_EVENTS, 9, 'bench-warm');
  await send(warm);
  await waitFor(() => stored() >= warm.length);
  const flushesBefore = flushes();
  const events = simulatedEvents(n, 1, 'bench');
  const session = PROFILE && label === 'batched' ? new Session() : null;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const cpu0 = cpuSnapshot(PIDS);
  const started = Date.now();
  await send(events);
  // Wait on the consumer's own counter (no polling queries competing with the inserts), then verify.
  await waitFor(() => stored() >= warm.length + n);
  const seconds = (Date.now() - started) / 1000;
  const cpu = printCpu(label, cpu0, cpuSnapshot(PIDS), seconds, n);
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(PROFILE_DIR, { recursive: true });
    writeFileSync(join(PROFILE_DIR, `${run}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
  const table = label === 'peer' ? 'peer_events' : 'events FINAL';
  const [row] = await (
    await clickhouse.query({
      query: `SELECT count() AS n, quantiles(0.5, 0.99)(dateDiff('millisecond', ingest_time, inserted_at)) AS q FROM ${table} WHERE source = 'bench'`,
      format: 'JSONEachRow',
    })
  ).json<{ n: string | number; q: number[] }>();
  const rssMb = process.resourceUsage().maxRSS / 1024;
  await producer.disconnect();
  await stop();
  await admin.deleteTopics({ topics: topics.all.map((t) => topics.name(t.key)) }).catch(() => undefined);
  await admin.disconnect();
  await root.command({ query: `DROP DATABASE IF EXISTS ${run}` });
  await Promise.all([root.close(), clickhouse.close()]);
  return {
    label,
    events: Number(row!.n),
    seconds,
    perSecond: Number(row!.n) / seconds,
    p50: row!.q[0]!,
    p99: row!.q[1]!,
    flushes: flushes() - flushesBefore,
    cpu,
    rssMb,
  };
}

const N = Number(process.env.BENCH_EVENTS ?? 4000);
const peer = await measure('peer', N, 0, 0);
const batched = await measure(
  'batched',
  N,
  Number(process.env.SINK_MAX_ROWS ?? DEFAULT_SINK_MAX_ROWS),
  Number(process.env.SINK_MAX_WAIT_MS ?? DEFAULT_SINK_MAX_WAIT_MS),
);
const naive = await measure('naive', Number(process.env.BENCH_NAIVE_EVENTS ?? 300), 1, 0);
const fmt = (n: number, d = 0) => n.toFixed(d).padStart(10);
const names: Record<Variant, string> = {
  peer: 'peer (no work)',
  batched: 'batched sink',
  naive: 'naive (1 event per insert)',
};
console.log('\npipeline: raw topic -> enricher -> enriched topic -> sink -> ClickHouse (events queryable)');
console.log(
  `${'variant'.padEnd(26)}${'events'.padStart(10)}${'seconds'.padStart(10)}${'events/s'.padStart(10)}${'inserts'.padStart(10)}${'fresh p50'.padStart(12)}${'fresh p99'.padStart(12)}${'µs/ev bench'.padStart(13)}${'µs/ev CH'.padStart(10)}${'peak RSS'.padStart(10)}`,
);
for (const r of [peer, batched, naive]) {
  const cpu = `${fmt(r.cpu.bench!).padStart(13)}${fmt(r.cpu.clickhouse!)}`;
  console.log(
    `${names[r.label].padEnd(26)}${fmt(r.events)}${fmt(r.seconds, 1)}${fmt(r.perSecond, 1)}${fmt(r.flushes)}${`${fmt(r.p50)} ms`.padStart(12)}${`${fmt(r.p99)} ms`.padStart(12)}${cpu}${`${Math.round(r.rssMb)} MB`.padStart(10)}`,
  );
}
console.log(
  `\nbatched / peer (same run): ${((batched.perSecond / peer.perSecond) * 100).toFixed(1)}% of the no-work leg's rate`,
);
console.log(
  `throughput ratio batched/naive: ${(batched.perSecond / naive.perSecond).toFixed(1)}x; freshness p99 ratio naive/batched: ${(naive.p99 / Math.max(1, batched.p99)).toFixed(1)}x`,
);
console.log(
  '(freshness = ingest_time -> inserted_at; "inserts" = sink flushes, each up to 3 INSERTs + thread_events/thread_facts + reads;',
);
console.log(' peak RSS = this process so far: the peer runs first, so its figure is its own)');
if (PROFILE) summarizeProfiles(PROFILE_DIR, ROOT, 25);
process.exit(0);
