/** `brandpulse sink`: enriched events -> ClickHouse (and the thread projection), see sink.ts. */
import { AvroCodec } from '../shared/avro.ts';
import { createClickHouse } from '../shared/clickhouse.ts';
import { createKafka } from '../shared/kafka.ts';
import { CrashJournal } from '../shared/crash-journal.ts';
import { stopOnSignals } from '../shared/lifecycle.ts';
import { createLogger } from '../shared/logger.ts';
import { ServiceMonitor } from '../shared/service-monitor.ts';
import { loadSinkConfig } from './config.ts';
import { DeadLetterRecorder } from './dead-letter-recorder.ts';
import { Sink } from './sink.ts';
import { ThreadProjector } from '../threads/projector.ts';
import { ClickHouseWriter, ProjectorStep, type BatchStep } from './steps.ts';
import { AuthorKeyLog } from '../shared/author-key-log.ts';
import { loadMasterKeys } from '../shared/author-key-config.ts';
import { ErasureExecutor } from './erasure-executor.ts';
import { SerialGate } from '../shared/serial-gate.ts';
import { durableProducer } from '../shared/kafka.ts';
import { parseCommandLine } from '../shared/usage.ts';

export const SINK_USAGE = `usage: brandpulse sink
  Writes the enriched events to ClickHouse (messages, thread facts, dead letters), offsets after insert;
  /metrics /healthz /readyz on SINK_METRICS_PORT (default 9465). Configured by the environment:
  KAFKA_*, CLICKHOUSE_*, SINK_* (docs/processors.md).`;

export async function run(argv: string[]): Promise<void> {
  parseCommandLine(argv, SINK_USAGE, {});
  const config = loadSinkConfig();
  const logger = createLogger('sink', config.LOG_LEVEL);
  const clickhouse = createClickHouse(config);
  const { kafka, topics } = createKafka(config, logger, 'sink');
  const recorderGroup = `${config.SINK_GROUP_ID}.dead-letters`;
  // /metrics /healthz /readyz; the sink and the recorder are built with monitor.kafka so that /readyz follows their consumers.
  const monitor = new ServiceMonitor({
    kafka,
    logger,
    clickhouse,
    host: config.METRICS_HOST,
    port: config.SINK_METRICS_PORT,
    stages: ['sink'],
    lag: [
      { group: config.SINK_GROUP_ID, topic: topics.name('enrichedEvents') },
      { group: recorderGroup, topic: topics.name('deadLetters') },
    ],
    topics: [topics.name('enrichedEvents'), topics.name('deadLetters')],
  });
  const { observer } = monitor;
  // Per batch: our inserts and the thread projection side by side, then (in Sink) the offset commit.
  const cacheBytes = (config.SINK_CACHE_MB * 1024 * 1024) / 2;
  const steps: BatchStep[] = [
    new ClickHouseWriter(clickhouse, { cacheBytes, observer }),
    new ProjectorStep(new ThreadProjector({ clickhouse, logger, cacheBytes })),
  ];
  // Records that crashed this group before: quarantined after three crashes (shared/crash-journal.ts).
  const journal = new CrashJournal({
    kafka,
    logger,
    topic: topics.name('recordCrashes'),
    groupId: config.SINK_GROUP_ID,
  });
  // Crypto-shredding (docs/security.md): texts and author ids arrive sealed; the sink opens them with
  // the author keys, and applies erasures between two batches (the gate).
  const master = loadMasterKeys();
  const keys = new AuthorKeyLog({ kafka, topic: topics.name('authorKeys'), master, logger });
  const gate = new SerialGate();
  const erasureProducer = durableProducer(kafka);
  const eraser = new ErasureExecutor({
    kafka,
    clickhouse,
    keys,
    master,
    logger,
    topic: topics.name('authorErasures'),
    gate,
    producer: erasureProducer,
    databases: [config.CLICKHOUSE_DATABASE, `${config.CLICKHOUSE_DATABASE}_replay`],
    // What the steps remember of stored messages may hold the erased texts: read them again.
    onErased: () => steps.forEach((s) => s.reset?.()),
  });
  const sink = new Sink(
    { kafka: monitor.kafka, codec: new AvroCodec(), logger, steps, journal, observer, keys, gate },
    {
      sourceTopic: topics.name('enrichedEvents'),
      deadLetterTopic: topics.name('deadLetters'),
      groupId: config.SINK_GROUP_ID,
      maxRows: config.SINK_MAX_ROWS,
      maxWaitMs: config.SINK_MAX_WAIT_MS,
    },
  );
  // Every stage's dead letters (the enricher's too) into the dead_letters table, in its own group.
  const recorder = new DeadLetterRecorder(
    { kafka: monitor.kafka, clickhouse, logger, observer },
    { topic: topics.name('deadLetters'), groupId: recorderGroup },
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, ...sink.stats }, 'stopping');
    await Promise.all([sink.stop(), recorder.stop(), eraser.stop()]);
    await Promise.all([keys.stop(), erasureProducer.disconnect().catch(() => undefined)]);
    await clickhouse.close();
    process.exit(0);
  };
  stopOnSignals(shutdown, { logger });
  await monitor.start();
  await keys.start();
  await erasureProducer.connect();
  await eraser.start();
  await sink.start();
  await recorder.start();
}
