/** `brandpulse sink`: enriched events -> ClickHouse (and the thread projection), see sink.ts. */
import { AvroCodec } from '../shared/avro.ts';
import { createClickHouse } from '../shared/clickhouse.ts';
import { createKafka } from '../shared/kafka.ts';
import { stopOnSignals } from '../shared/lifecycle.ts';
import { createLogger } from '../shared/logger.ts';
import { loadSinkConfig } from './config.ts';
import { DeadLetterRecorder } from './dead-letter-recorder.ts';
import { Sink } from './sink.ts';
import { ThreadProjector } from '../threads/projector.ts';
import { ClickHouseWriter, ProjectorStep, type BatchStep } from './steps.ts';

export async function run(_argv: string[]): Promise<void> {
  const config = loadSinkConfig();
  const logger = createLogger('sink', config.LOG_LEVEL);
  const clickhouse = createClickHouse(config);
  const { kafka, topics } = createKafka(config, logger, 'sink');
  // Per batch: our inserts and the thread projection side by side, then (in Sink) the offset commit.
  const cacheThreads = config.SINK_CACHE_THREADS;
  const steps: BatchStep[] = [new ClickHouseWriter(clickhouse, { cacheThreads }), new ProjectorStep(new ThreadProjector({ clickhouse, logger, cacheThreads }))];
  const sink = new Sink(
    { kafka, codec: new AvroCodec(), logger, steps },
    {
      sourceTopic: topics.name('enrichedEvents'), deadLetterTopic: topics.name('deadLetters'), groupId: config.SINK_GROUP_ID,
      maxRows: config.SINK_MAX_ROWS, maxWaitMs: config.SINK_MAX_WAIT_MS,
    },
  );
  // Every stage's dead letters (the enricher's too) into the dead_letters table, in its own group.
  const recorder = new DeadLetterRecorder({ kafka, clickhouse, logger }, { topic: topics.name('deadLetters'), groupId: `${config.SINK_GROUP_ID}.dead-letters` });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, ...sink.stats }, 'stopping');
    await Promise.all([sink.stop(), recorder.stop()]);
    await clickhouse.close();
    process.exit(0);
  };
  stopOnSignals(shutdown, { logger });
  await sink.start();
  await recorder.start();
}
