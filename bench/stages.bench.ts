/**
 * CPU per event of ingest and of the enricher, each measured alone (issue 17): in bench:e2e every
 * process shares the two cores with the others, so a change of 10–20 µs in one of them drowns in
 * the run-to-run noise. Here, on the local stack (own topic prefix, topics deleted afterwards):
 *
 *   1. ingest alone: N simulated events POSTed in batches of 500, 4 in flight (as bench:e2e A),
 *      CPU of ingest from /proc until the last 202;
 *   2. the enricher alone on that backlog: started after 1, CPU until every event is enriched.
 *
 *   npm run bench -- stages      BENCH_EVENTS=30000 BENCH_PROFILE=1 (node --cpu-prof, as bench:e2e)
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Admin } from 'kafkajs';
import { loadBaseConfig } from '../services/shared/config.ts';
import { createKafka, ensureTopics } from '../services/shared/kafka.ts';
import { createLogger } from '../services/shared/logger.ts';
import { IngestSender } from '../services/simulator/sender.ts';
import { Supervisor } from '../services/start/supervisor.ts';
import { simulatedEvents as events } from './lib/simulated.ts';
import { cpuSnapshot, freePort, pidFrom, printCpu, printPeakMemory, summarizeProfiles } from './lib/proc.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_EVENTS ?? 30_000);
const PROFILE = process.env.BENCH_PROFILE === '1';
const WAIT_MS = 240_000;

const run = Date.now().toString(36);
const config = loadBaseConfig({ ...process.env, KAFKA_TOPIC_PREFIX: `bench.stages.${run}.`, LOG_LEVEL: 'error' });
const logger = createLogger('bench-stages', 'warn');
const profileDir = join(ROOT, '.stack', 'profiles', `stages-${run}`);

/** Records in the topic now (the sum of its partitions' end offsets: the topic is new). */
async function recordsIn(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
}

async function until(what: string, done: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + WAIT_MS; !(await done());) {
    if (Date.now() > deadline) throw new Error(`${what} within ${WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  const { kafka, topics } = createKafka(config, logger, 'bench-stages');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topics);
  const port = await freePort();
  if (PROFILE) mkdirSync(profileDir, { recursive: true });
  const supervisor = new Supervisor({
    root: ROOT,
    runDir: join(ROOT, '.stack', 'bench-run', `stages-${run}`),
    logDir: join(ROOT, '.stack', 'bench-logs', `stages-${run}`),
    env: {
      ...process.env,
      KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: config.KAFKA_TOPIC_PREFIX,
      INGEST_PORT: String(port),
      ENRICHER_METRICS_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    },
    logger,
    nodeArgs: PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  const enriched = topics.name('enrichedEvents');
  const pidOf = (name: string) => supervisor.running.find((r) => r.spec.name === name)?.child.pid;
  try {
    supervisor.start({ name: 'ingest', command: ['ingest'] });
    const url = `http://127.0.0.1:${port}`;
    await until('ingest did not become ready', () =>
      fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    );
    const stackDir = process.env.BRANDPULSE_STACK_DIR ?? join(ROOT, '.stack');
    const pids: Record<string, number | undefined> = {
      ingest: pidOf('ingest'),
      kafka: pidFrom(join(stackDir, 'kafka', 'kafka.pid')),
      'bench client': process.pid,
    };
    const keys = new Map([
      ['acme', 'dev-key-acme'],
      ['globex', 'dev-key-globex'],
    ]);
    // Warm-up (JIT, connections, the key log), not measured; the enricher's warm-up is these events too.
    const warm = events(3_000, 9, 'bench-warm');
    await new IngestSender({ url, keys, logger }).send(warm);
    const max = events(N, 1, 'bench-max');

    let cpu0 = cpuSnapshot(pids);
    let t0 = Date.now();
    await new IngestSender({ url, keys, logger, batchSize: 500, concurrency: 4 }).send(max);
    printCpu('1. ingest alone', cpu0, cpuSnapshot(pids), (Date.now() - t0) / 1000, N);
    console.log(`1. ingest accepted ${Math.round(N / ((Date.now() - t0) / 1000))} events/s`);

    supervisor.start({ name: 'enricher', command: ['enricher'] });
    pids.enricher = pidOf('enricher');
    await until(
      'the enricher did not enrich the warm-up events',
      async () => (await recordsIn(admin, enriched)) >= warm.length,
    );
    cpu0 = cpuSnapshot(pids);
    t0 = Date.now();
    await until(
      'the enricher did not enrich the backlog',
      async () => (await recordsIn(admin, enriched)) >= warm.length + N,
    );
    printCpu('2. the enricher alone, on the backlog', cpu0, cpuSnapshot(pids), (Date.now() - t0) / 1000, N);
    console.log(`2. the enricher enriched ${Math.round(N / ((Date.now() - t0) / 1000))} events/s`);
    printPeakMemory({ ingest: pids.ingest, enricher: pids.enricher });
  } finally {
    await supervisor.stopAll(PROFILE ? 60_000 : 15_000);
    if (PROFILE) summarizeProfiles(profileDir, ROOT);
    await admin.deleteTopics({ topics: topics.all.map((t) => topics.name(t.key)) }).catch(() => undefined);
    await admin.disconnect();
    rmSync(join(ROOT, '.stack', 'bench-run', `stages-${run}`), { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
