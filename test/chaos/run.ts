/**
 * `npm run chaos`: the chaos and poison suite (issue 13). On its own Kafka and ClickHouse
 * (loopback, other ports, .stack/chaos), it runs ingest, enricher and sink as child processes,
 * loads them through the API with known event ids, and meanwhile, at seeded moments, SIGKILLs the
 * processors, restarts the broker, takes ClickHouse down and sends poison through the API and
 * straight into Kafka. After a drain it prints what was acknowledged against what was stored,
 * the dead letters, the longest stall of any partition and the recovery after every fault, and
 * exits 1 when a check fails. Settings: test/chaos/config.ts (CHAOS_SEED, counts, durations).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AvroCodec } from '../../services/shared/avro.ts';
import { createClickHouse } from '../../services/shared/clickhouse.ts';
import { loadBaseConfig } from '../../services/shared/config.ts';
import { createKafka, durableProducer } from '../../services/shared/kafka.ts';
import { createLogger } from '../../services/shared/logger.ts';
import { faultCounts, loadChaosConfig, logDirOf } from './config.ts';
import { FaultRunner } from './faults.ts';
import { AckingClient, batchesOf, paced } from './load.ts';
import { OffsetMonitor } from './monitor.ts';
import { OwnStack } from './own-stack.ts';
import { Pipeline } from './pipeline.ts';
import { until } from './processes.ts';
import { checks, renderTable } from './report.ts';
import { planFaults } from './schedule.ts';
import { CHAOS_BRANDS, chaosEvents } from './traffic.ts';
import { summarize } from './summary.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cfg = loadChaosConfig(ROOT);
const logDir = logDirOf(cfg);
const started = Date.now();
const log = (line: string) =>
  console.log(`[chaos ${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${line}`);

async function main(): Promise<number> {
  const stack = new OwnStack({
    root: ROOT,
    dir: cfg.stackDir,
    kafkaPort: cfg.CHAOS_KAFKA_PORT,
    controllerPort: cfg.CHAOS_KAFKA_CONTROLLER_PORT,
    clickhousePort: cfg.CHAOS_CLICKHOUSE_PORT,
  });
  log(
    `seed ${cfg.CHAOS_SEED}: own stack in ${cfg.stackDir} (Kafka ${stack.kafkaBrokers}, ClickHouse ${stack.clickhouseUrl})`,
  );
  await stack.prepare();
  await stack.up();
  const base = loadBaseConfig({
    KAFKA_BROKERS: stack.kafkaBrokers,
    CLICKHOUSE_URL: stack.clickhouseUrl,
    KAFKA_TOPIC_PREFIX: '',
    CLICKHOUSE_DATABASE: 'brandpulse',
    LOG_LEVEL: 'warn',
  });
  const pipeline = await Pipeline.create({
    root: ROOT,
    kafkaBrokers: stack.kafkaBrokers,
    clickhouseUrl: stack.clickhouseUrl,
    clickhouseUser: base.CLICKHOUSE_USER,
    clickhousePassword: base.CLICKHOUSE_PASSWORD,
    topicPrefix: '',
    database: base.CLICKHOUSE_DATABASE,
    groupPrefix: 'chaos-',
    logDir,
    onUnexpectedExit: (name, code, signal) =>
      log(`${name} exited by itself (code ${code}, signal ${signal}): restarting it`),
  });
  // The harness's own Kafka clients see every broker restart: their connection errors are expected.
  const logger = createLogger('chaos', 'silent');
  const { kafka, topics } = createKafka(base, logger, 'chaos');
  const producer = durableProducer(kafka);
  const ch = createClickHouse(base);
  const codec = new AvroCodec();
  const monitor = new OffsetMonitor(
    kafka,
    [
      { groupId: pipeline.groups.enricher, topic: topics.name('conversationEvents') },
      { groupId: pipeline.groups.sink, topic: topics.name('enrichedEvents') },
    ],
    topics.all.map((t) => topics.name(t.key)),
  );
  try {
    await pipeline.init();
    pipeline.start();
    await pipeline.waitReady();
    await producer.connect();
    log(`pipeline up (ingest ${pipeline.url}); generating ${cfg.CHAOS_EVENTS} events`);

    const events = chaosEvents(cfg.CHAOS_EVENTS, cfg.CHAOS_SEED, String(cfg.CHAOS_SEED));
    const batches = batchesOf(events, cfg.CHAOS_BATCH_EVENTS);
    const loadMs = cfg.CHAOS_LOAD_SECONDS * 1000;
    const sendDeadline = Date.now() + loadMs + cfg.CHAOS_DRAIN_SECONDS * 1000;
    const client = new AckingClient({
      url: pipeline.url,
      keys: new Map(CHAOS_BRANDS.map((b) => [b, `dev-key-${b}`])),
      deadline: sendDeadline,
    });
    const plan = planFaults({
      seed: cfg.CHAOS_SEED,
      loadMs,
      counts: faultCounts(cfg),
      outageMs: cfg.CHAOS_CLICKHOUSE_DOWN_SECONDS * 1000,
      restartMs: 60_000,
    });
    const faults = new FaultRunner({
      pipeline,
      stack,
      client,
      producer,
      codec,
      topics,
      seed: cfg.CHAOS_SEED,
      threads: [...new Set(events.map((e) => e.thread_id))],
      outageMs: cfg.CHAOS_CLICKHOUSE_DOWN_SECONDS * 1000,
      log,
    });

    monitor.start();
    const t0 = Date.now();
    log(
      `load: ${events.length} events in ${batches.length} batches over ${cfg.CHAOS_LOAD_SECONDS} s; ${plan.length} faults planned`,
    );
    await Promise.all([
      paced(client, batches, events.length / cfg.CHAOS_LOAD_SECONDS, cfg.CHAOS_CONCURRENCY),
      faults.run(plan, t0),
    ]);
    const loadEnd = Date.now();
    log(
      `load done: ${client.acked.size} of ${events.length} acknowledged; draining (at most ${cfg.CHAOS_DRAIN_SECONDS} s)`,
    );

    let idleRounds = 0;
    const drained = await until(
      'the pipeline to drain',
      async () => {
        idleRounds = (await monitor.tick()) && monitor.lagging().length === 0 ? idleRounds + 1 : 0;
        return idleRounds >= 3;
      },
      cfg.CHAOS_DRAIN_SECONDS * 1000,
      1_000,
    ).then(
      () => true,
      () => false,
    );
    log(
      drained
        ? `drained in ${((Date.now() - loadEnd) / 1000).toFixed(1)} s`
        : `NOT drained after ${cfg.CHAOS_DRAIN_SECONDS} s: still lagging ${monitor.lagging().join(', ')}`,
    );
    await monitor.stop();

    const figures = await summarize({
      ch,
      kafka,
      topics,
      codec,
      events,
      client,
      faults,
      monitor,
      t0,
      seed: cfg.CHAOS_SEED,
      blockedLimitS: cfg.CHAOS_BLOCKED_LIMIT_SECONDS,
      started,
      unexpectedExits: pipeline.unexpectedExits(),
    });
    const table = renderTable(figures);
    console.log(`\n${table}\n`);
    writeFileSync(join(cfg.stackDir, 'report.md'), `${table}\n`);
    const failed = checks(figures).filter((c) => !c.ok);
    log(
      failed.length === 0 ? 'all checks passed' : `FAILED: ${failed.map((c) => c.name).join('; ')} (logs in ${logDir})`,
    );
    return failed.length === 0 ? 0 : 1;
  } finally {
    await monitor.stop();
    await producer.disconnect().catch(() => undefined);
    await ch.close().catch(() => undefined);
    await pipeline.stop();
    if (cfg.CHAOS_KEEP_STACK === '1')
      log(
        `stack left running (BRANDPULSE_STACK_DIR=${cfg.stackDir} KAFKA_PORT=${cfg.CHAOS_KAFKA_PORT} CLICKHOUSE_PORT=${cfg.CHAOS_CLICKHOUSE_PORT})`,
      );
    else await stack.down().catch((err: unknown) => log(`stopping the chaos stack failed: ${(err as Error).message}`));
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
