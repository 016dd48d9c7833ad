/** `brandpulse enricher`: raw conversation events -> enriched events (language, sentiment, intent). */
import { z } from 'zod';
import { createAnalyzer } from '../nlp/index.ts';
import { AvroCodec } from '../shared/avro.ts';
import { baseShape, parseEnv } from '../shared/config.ts';
import { createKafka } from '../shared/kafka.ts';
import { stopOnSignals } from '../shared/lifecycle.ts';
import { createLogger } from '../shared/logger.ts';
import { Enricher } from './enricher.ts';

export const enricherShape = { ...baseShape, ENRICHER_GROUP_ID: z.string().min(1).default('brandpulse-enricher') } as const;

export async function run(_argv: string[]): Promise<void> {
  const config = parseEnv(enricherShape, process.env);
  const logger = createLogger('enricher', config.LOG_LEVEL);
  const { kafka, topics } = createKafka(config, logger, 'enricher');
  const enricher = new Enricher(
    { kafka, codec: new AvroCodec(), analyzer: await createAnalyzer(), logger },
    { sourceTopic: topics.name('conversationEvents'), targetTopic: topics.name('enrichedEvents'), deadLetterTopic: topics.name('deadLetters'), groupId: config.ENRICHER_GROUP_ID },
  );
  const shutdown = async (signal: string) => {
    logger.info({ signal, ...enricher.stats }, 'stopping');
    await enricher.stop();
    process.exit(0);
  };
  stopOnSignals(shutdown, { logger });
  await enricher.start();
}
