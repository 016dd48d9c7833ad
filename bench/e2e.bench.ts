/**
 * End-to-end pipeline benchmark: API → Kafka → enricher → sink → ClickHouse, on the local stack
 * (loopback only; its own topic prefix and database, removed afterwards; bounded in count and time).
 *
 *   A. max throughput: N simulated events POSTed in batches of 500 (4 in flight); events/s from the
 *      first request to the last event queryable in ClickHouse;
 *   B. freshness at half of A's rate: events paced for BENCH_PACED_SECONDS; accepted (ingest_time,
 *      set by the API) → stored (thread_events.inserted_at, p50/p99). That is the projector's first
 *      insert of a flush: thread_facts (projector) and messages (writer) follow in the same flush, so
 *      the event is on every dashboard one flush's remaining inserts later (the sink's batch timings);
 *   baseline (same run): the naive client, one event per request (16 in flight), end to end;
 *   peer (same run): the same hops doing no work (bench/peer/hops.ts), same events and client; the
 *      ratio pipeline/peer is the figure to steer by (noise moves both sides together).
 * CPU per process (s, share, µs per event) and peak RSS per process are printed for A and the peer.
 *
 *   npm run bench:e2e      BENCH_EVENTS=30000 BENCH_PACED_SECONDS=20 BENCH_PROFILE=1 (node --cpu-prof
 *                          of ingest/enricher/sink, top functions printed; profiles kept in .stack/profiles)
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations } from '../services/migrate/apply.ts';
import { MIGRATIONS_DIR } from '../services/migrate/migrations.ts';
import { createClickHouse } from '../services/shared/clickhouse.ts';
import { loadBaseConfig } from '../services/shared/config.ts';
import { createKafka, ensureTopics } from '../services/shared/kafka.ts';
import { createLogger } from '../services/shared/logger.ts';
import { DEFAULT_SINK_MAX_ROWS } from '../services/sink/config.ts';
import { IngestSender } from '../services/simulator/sender.ts';
import { ensureStack } from '../services/start/stack.ts';
import { Supervisor } from '../services/start/supervisor.ts';
import { simulatedEvents as events } from './lib/simulated.ts';
import { cpuSnapshot, freePort, pidFrom, printCpu, printPeakMemory, summarizeProfiles } from './lib/proc.ts';
import { peerTableSql } from './peer/hops.ts';
import { startPeer, type PeerProcesses } from './peer/processes.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_EVENTS ?? 30_000);
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 20);
const SINGLE_EVENTS = Number(process.env.BENCH_SINGLE_EVENTS ?? 1_500);
const PROFILE = process.env.BENCH_PROFILE === '1';
const DRAIN_TIMEOUT_MS = 240_000;

const run = `${Date.now().toString(36)}`;
const config = loadBaseConfig({
  ...process.env,
  KAFKA_TOPIC_PREFIX: `bench.e2e.${run}.`,
  CLICKHOUSE_DATABASE: `bench_e2e_${run}`,
  LOG_LEVEL: 'error',
});
const logger = createLogger('bench-e2e', 'warn');
const profileDir = join(ROOT, '.stack', 'profiles', run);

const ch = createClickHouse(config);
async function scalar(sql: string): Promise<number> {
  const rs = await ch.query({ query: sql, format: 'JSONEachRow' });
  const [row] = await rs.json<Record<string, unknown>>();
  return Number(Object.values(row ?? {})[0] ?? 0);
}

async function visible(source: string, table: string): Promise<number> {
  return scalar(`SELECT count() FROM ${table} WHERE source = '${source}'`);
}

async function waitVisible(source: string, n: number, table = 'events'): Promise<number> {
  const until = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const seen = await visible(source, table);
    if (seen >= n) return Date.now();
    if (Date.now() > until)
      throw new Error(`only ${seen}/${n} ${source} events reached ClickHouse within ${DRAIN_TIMEOUT_MS / 1000}s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function freshness(source: string): Promise<{ p50: number; p99: number; n: number }> {
  const rs = await ch.query({
    query: `SELECT count() AS n, quantilesExact(0.5, 0.99)(dateDiff('millisecond', e.ingest_time, t.inserted_at)) AS q
            FROM events AS e INNER JOIN thread_events AS t ON t.event_id = e.event_id WHERE e.source = '${source}'`,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: number | string; q: number[] }>();
  return { n: Number(row?.n ?? 0), p50: row?.q[0] ?? NaN, p99: row?.q[1] ?? NaN };
}

/** The peer's freshness: accepted by its API (ingest_time) → inserted into its table. */
async function peerFreshness(source: string): Promise<{ p50: number; p99: number }> {
  const rs = await ch.query({
    query: `SELECT quantilesExact(0.5, 0.99)(dateDiff('millisecond', ingest_time, inserted_at)) AS q FROM peer_events WHERE source = '${source}'`,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ q: number[] }>();
  return { p50: row?.q[0] ?? NaN, p99: row?.q[1] ?? NaN };
}

interface Row {
  scenario: string;
  events: number;
  seconds: number;
  rate: number;
  p50?: number;
  p99?: number;
}

function table(rows: Row[], baseline: Row): void {
  console.log('\n| scenario | events | seconds | events/s end to end | freshness p50 / p99 ms | vs baseline |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const fresh = r.p50 === undefined ? '–' : `${Math.round(r.p50)} / ${Math.round(r.p99!)}`;
    console.log(
      `| ${r.scenario} | ${r.events} | ${r.seconds.toFixed(1)} | ${Math.round(r.rate)} | ${fresh} | ${(r.rate / baseline.rate).toFixed(2)}x |`,
    );
  }
}

async function main(): Promise<void> {
  await ensureStack(ROOT, config, logger);
  const { kafka, topics } = createKafka(config, logger, 'bench');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topics);
  await applyMigrations(createClickHouse(config, { noDatabase: true }), {
    dir: MIGRATIONS_DIR,
    database: config.CLICKHOUSE_DATABASE,
  });

  const port = await freePort();
  if (PROFILE) mkdirSync(profileDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
    KAFKA_TOPIC_PREFIX: config.KAFKA_TOPIC_PREFIX,
    CLICKHOUSE_DATABASE: config.CLICKHOUSE_DATABASE,
    INGEST_PORT: String(port),
    LOG_LEVEL: 'warn',
  };
  const supervisor = new Supervisor({
    root: ROOT,
    runDir: join(ROOT, '.stack', 'bench-run', run),
    logDir: join(ROOT, '.stack', 'bench-logs', run),
    env,
    logger,
    nodeArgs: PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  const rows: Row[] = [];
  const cpuPerEvent: Record<string, Record<string, number>> = {};
  const peerTopics: string[] = [];
  let peer: PeerProcesses | null = null;
  try {
    for (const name of ['ingest', 'enricher', 'sink']) supervisor.start({ name, command: [name] });
    for (const until = Date.now() + 60_000; ;) {
      if (
        await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (Date.now() > until) throw new Error('ingest did not become ready');
      await new Promise((r) => setTimeout(r, 300));
    }
    const url = `http://127.0.0.1:${port}`;
    const stackDir = process.env.BRANDPULSE_STACK_DIR ?? join(ROOT, '.stack');
    const pids: Record<string, number | undefined> = {
      ...Object.fromEntries(supervisor.running.map((r) => [r.spec.name, r.child.pid])),
      kafka: pidFrom(join(stackDir, 'kafka', 'kafka.pid')),
      clickhouse: pidFrom(join(stackDir, 'chdb', 'server.pid')),
      'bench client': process.pid,
    };
    const keys = new Map([
      ['acme', 'dev-key-acme'],
      ['globex', 'dev-key-globex'],
    ]);
    console.log(
      `generating ${N + SINGLE_EVENTS} events… (sink batches of at most ${env.SINK_MAX_ROWS ?? DEFAULT_SINK_MAX_ROWS} rows)`,
    );
    const maxEvents = events(N, 1, 'bench-max');
    const singleEvents = events(SINGLE_EVENTS, 2, 'bench-single');

    // Warm-up: consumers joined, JIT warm.
    const warm = events(2_000, 9, 'bench-warm');
    await new IngestSender({ url, keys, logger }).send(warm);
    await waitVisible('bench-warm', warm.length);

    // Baseline: one event per request.
    {
      const sender = new IngestSender({ url, keys, logger, batchSize: 1, concurrency: 16 });
      const t0 = Date.now();
      await sender.send(singleEvents);
      const accepted = Date.now();
      const done = await waitVisible('bench-single', singleEvents.length);
      const f = await freshness('bench-single');
      rows.push({
        scenario: 'baseline: 1 event/request, 16 in flight',
        events: singleEvents.length,
        seconds: (done - t0) / 1000,
        rate: singleEvents.length / ((done - t0) / 1000),
        p50: f.p50,
        p99: f.p99,
      });
      console.log(
        `baseline: API accepted in ${((accepted - t0) / 1000).toFixed(1)} s, queryable after ${((done - t0) / 1000).toFixed(1)} s`,
      );
    }

    // P. The peer: the same hops doing no work, same events, same client (bench/peer/hops.ts).
    let peerRate: number;
    {
      const raw = `${config.KAFKA_TOPIC_PREFIX}peer.raw`;
      const relayed = `${config.KAFKA_TOPIC_PREFIX}peer.relayed`;
      peerTopics.push(raw, relayed);
      await admin.createTopics({
        waitForLeaders: true,
        topics: [raw, relayed].map((topic) => ({ topic, numPartitions: 6, replicationFactor: 1 })),
      });
      await ch.command({ query: peerTableSql('peer_events') });
      const peerPort = await freePort();
      peer = await startPeer({
        root: ROOT,
        env,
        port: peerPort,
        topics: { raw, relayed },
        table: 'peer_events',
        groupPrefix: `bench-peer-${run}`,
        nodeArgs: PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      });
      const peerUrl = `http://127.0.0.1:${peerPort}`;
      await new IngestSender({ url: peerUrl, keys, logger }).send(events(2_000, 9, 'peer-warm'));
      await waitVisible('peer-warm', 2_000, 'peer_events');
      const peerPids = { ...peer.pids, kafka: pids.kafka, clickhouse: pids.clickhouse, 'bench client': process.pid };
      const sender = new IngestSender({ url: peerUrl, keys, logger, batchSize: 500, concurrency: 4 });
      const peerEvents = maxEvents.map((e) => ({ ...e, source: 'peer-max' }));
      const cpu0 = cpuSnapshot(peerPids);
      const t0 = Date.now();
      await sender.send(peerEvents);
      const done = await waitVisible('peer-max', peerEvents.length, 'peer_events');
      cpuPerEvent.peer = printCpu('the peer', cpu0, cpuSnapshot(peerPids), (done - t0) / 1000, peerEvents.length);
      printPeakMemory(peer.pids, 'of the peer');
      peerRate = peerEvents.length / ((done - t0) / 1000);
      const f = await peerFreshness('peer-max');
      rows.push({
        scenario: 'peer: same hops, no work (batches of 500, 4 in flight)',
        events: peerEvents.length,
        seconds: (done - t0) / 1000,
        rate: peerRate,
        p50: f.p50,
        p99: f.p99,
      });
      await peer.stop();
      peer = null;
    }

    // A. Max throughput.
    let maxRate: number;
    {
      const sender = new IngestSender({ url, keys, logger, batchSize: 500, concurrency: 4 });
      const cpu0 = cpuSnapshot(pids);
      const t0 = Date.now();
      await sender.send(maxEvents);
      const accepted = Date.now();
      const done = await waitVisible('bench-max', maxEvents.length);
      cpuPerEvent.pipeline = printCpu('A', cpu0, cpuSnapshot(pids), (done - t0) / 1000, maxEvents.length);
      printPeakMemory(pids);
      maxRate = maxEvents.length / ((done - t0) / 1000);
      const f = await freshness('bench-max');
      rows.push({
        scenario: 'A. batches of 500, 4 in flight (max load)',
        events: maxEvents.length,
        seconds: (done - t0) / 1000,
        rate: maxRate,
        p50: f.p50,
        p99: f.p99,
      });
      console.log(
        `A: API accepted ${Math.round(maxEvents.length / ((accepted - t0) / 1000))} events/s; end to end ${Math.round(maxRate)} events/s`,
      );
    }

    // B. Freshness at half the max rate, paced in 100 ms slices.
    {
      const target = maxRate / 2;
      const paced = events(Math.ceil(target * PACED_SECONDS), 3, 'bench-paced');
      const sender = new IngestSender({ url, keys, logger, batchSize: 500, concurrency: 4 });
      const t0 = Date.now();
      let sent = 0;
      while (sent < paced.length) {
        const due = Math.min(paced.length, Math.floor(((Date.now() - t0) / 1000) * target) + 1);
        if (due > sent) {
          await sender.send(paced.slice(sent, due));
          sent = due;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const done = await waitVisible('bench-paced', paced.length);
      const f = await freshness('bench-paced');
      rows.push({
        scenario: `B. paced at half of A (${Math.round(target)}/s)`,
        events: paced.length,
        seconds: (done - t0) / 1000,
        rate: paced.length / ((done - t0) / 1000),
        p50: f.p50,
        p99: f.p99,
      });
    }
    table(rows, rows[0]!);
    console.log(
      `\npipeline / peer (same run): ${Math.round(maxRate)} / ${Math.round(peerRate)} events/s = ${((maxRate / peerRate) * 100).toFixed(1)}% (target ≥ 25%)`,
    );
    console.log(
      `targets: ≥20000 events/s end to end (goal 50000): ${maxRate >= 20_000 ? 'met' : 'NOT met'}; p99 freshness ≤2000 ms at half load: ${rows.at(-1)!.p99! <= 2000 ? 'met' : 'NOT met'}`,
    );
  } finally {
    await peer?.stop();
    await supervisor.stopAll(PROFILE ? 60_000 : 15_000);
    if (PROFILE) summarizeProfiles(profileDir, ROOT);
    await admin
      .deleteTopics({ topics: [...topics.all.map((t) => topics.name(t.key)), ...peerTopics] })
      .catch(() => undefined);
    await admin.disconnect();
    await ch.command({ query: `DROP DATABASE IF EXISTS ${config.CLICKHOUSE_DATABASE}` }).catch(() => undefined);
    await ch.close();
    rmSync(join(ROOT, '.stack', 'bench-run', run), { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
