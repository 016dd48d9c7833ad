import { loadBaseConfig } from '../shared/config.ts';
import { createKafka, ensureTopics } from '../shared/kafka.ts';
import { createLogger } from '../shared/logger.ts';
import { parseCommandLine } from '../shared/usage.ts';

export const TOPICS_USAGE = `usage: brandpulse topics
  Creates every Kafka topic of the catalogue that is missing (idempotent) and prints each one.
  Brokers and topic prefix from the environment: KAFKA_BROKERS, KAFKA_TOPIC_PREFIX.`;

/** `brandpulse topics`: creates every topic of the catalogue that is missing. */
export async function run(argv: string[]): Promise<void> {
  parseCommandLine(argv, TOPICS_USAGE, {});
  const config = loadBaseConfig();
  const logger = createLogger('topics', config.LOG_LEVEL);
  const { kafka, topics } = createKafka(config, logger, 'admin');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created = await ensureTopics(admin, topics);
    for (const t of topics.all) {
      const state = created.includes(topics.name(t.key)) ? 'created' : 'exists ';
      console.log(
        `${state}  ${topics.name(t.key)}  partitions=${t.partitions}  retention.ms=${t.config['retention.ms']}`,
      );
    }
  } finally {
    await admin.disconnect();
  }
}
