/** `brandpulse enricher`: raw conversation events -> enriched events (language, sentiment, intent). */
import { z } from 'zod';
import { createAnalyzer } from '../nlp/index.ts';
import { AvroCodec } from '../shared/avro.ts';
import { baseShape, parseEnv } from '../shared/config.ts';
import { createKafka } from '../shared/kafka.ts';
import { CrashJournal } from '../shared/crash-journal.ts';
import { stopOnSignals } from '../shared/lifecycle.ts';
import { createLogger } from '../shared/logger.ts';
import { metricsHostShape, metricsPort } from '../shared/health-server.ts';
import { ServiceMonitor } from '../shared/service-monitor.ts';
import { Enricher } from './enricher.ts';
import { AuthorKeyLog } from '../shared/author-key-log.ts';
import { loadMasterKeys } from '../shared/author-key-config.ts';
import { parseCommandLine } from '../shared/usage.ts';

export const ENRICHER_USAGE = `usage: brandpulse enricher
  Reads the raw conversation events, adds language, sentiment and intent, writes the enriched topic;
  /metrics /healthz /readyz on ENRICHER_METRICS_PORT (default 9464). Configured by the environment:
  KAFKA_*, ENRICHER_GROUP_ID, AUTHOR_KEYS_MASTER_KEYS (docs/processors.md).`;

export const enricherShape = {
  ...baseShape,
  ENRICHER_GROUP_ID: z.string().min(1).default('brandpulse-enricher'),
  /** /metrics /healthz /readyz (0 = any free port, logged). */
  ENRICHER_METRICS_PORT: metricsPort(9464),
  ...metricsHostShape,
} as const;

export async function run(argv: string[]): Promise<void> {
  parseCommandLine(argv, ENRICHER_USAGE, {});
  const config = parseEnv(enricherShape, process.env);
  const logger = createLogger('enricher', config.LOG_LEVEL);
  const { kafka, topics } = createKafka(config, logger, 'enricher');
  const source = topics.name('conversationEvents');
  // /metrics /healthz /readyz; the enricher is built with monitor.kafka so that /readyz follows its consumer.
  const monitor = new ServiceMonitor({
    kafka,
    logger,
    host: config.METRICS_HOST,
    port: config.ENRICHER_METRICS_PORT,
    stages: ['enricher'],
    lag: [{ group: config.ENRICHER_GROUP_ID, topic: source }],
    topics: [source, topics.name('enrichedEvents'), topics.name('deadLetters')],
  });
  // Up before the model loads (seconds): /healthz answers and /readyz says why not yet.
  await monitor.start();
  const enricher = new Enricher(
    {
      kafka: monitor.kafka,
      codec: new AvroCodec(),
      analyzer: await createAnalyzer(),
      logger,
      observer: monitor.observer,
      // Records that crashed this group before: quarantined after three crashes (shared/crash-journal.ts).
      journal: new CrashJournal({
        kafka,
        logger,
        topic: topics.name('recordCrashes'),
        groupId: config.ENRICHER_GROUP_ID,
      }),
      keys: new AuthorKeyLog({ kafka, topic: topics.name('authorKeys'), master: loadMasterKeys(), logger }),
    },
    {
      sourceTopic: source,
      targetTopic: topics.name('enrichedEvents'),
      deadLetterTopic: topics.name('deadLetters'),
      groupId: config.ENRICHER_GROUP_ID,
    },
  );
  const shutdown = async (signal: string) => {
    logger.info({ signal, ...enricher.stats }, 'stopping');
    await enricher.stop();
    process.exit(0);
  };
  stopOnSignals(shutdown, { logger });
  await enricher.start();
}
