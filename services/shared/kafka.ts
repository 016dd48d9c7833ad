import { Kafka, logLevel as KafkaLogLevel, type LogEntry, type Admin, type Producer, type ProducerConfig } from 'kafkajs';
import type { Logger } from './logger.ts';
import type { BaseConfig } from './config.ts';
import { Topics } from './topics.ts';

// kafkajs prints a partitioner migration warning on every producer; the default partitioner
// (murmur2, Java-compatible) is the one we want.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

function pinoLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const child = { kafka: extra };
      if (level === KafkaLogLevel.ERROR) logger.error(child, message);
      else if (level === KafkaLogLevel.WARN) logger.warn(child, message);
      else if (level === KafkaLogLevel.INFO) logger.debug(child, message);
      else logger.trace(child, message);
    };
}

export interface KafkaContext {
  kafka: Kafka;
  topics: Topics;
}

/** A kafkajs client wired to the shared config and logger. */
export function createKafka(config: BaseConfig, logger: Logger, clientSuffix?: string): KafkaContext {
  const kafka = new Kafka({
    clientId: clientSuffix ? `${config.KAFKA_CLIENT_ID}-${clientSuffix}` : config.KAFKA_CLIENT_ID,
    brokers: config.KAFKA_BROKERS,
    logLevel: KafkaLogLevel.WARN,
    logCreator: pinoLogCreator(logger),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 10_000 },
  });
  return { kafka, topics: new Topics(config.KAFKA_TOPIC_PREFIX) };
}

/**
 * The producer every service uses for data it must not lose or reorder: acks=all (set per send),
 * idempotent, one in-flight request so that retries cannot reorder a thread's events.
 */
export function durableProducer(kafka: Kafka, extra: Partial<ProducerConfig> = {}): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, ...extra });
}

/** Creates every catalogue topic that does not exist yet. Safe to run any number of times. */
export async function ensureTopics(admin: Admin, topics: Topics): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.all.filter((t) => !existing.has(topics.name(t.key)));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: topics.name(t.key),
        numPartitions: t.partitions,
        replicationFactor: t.replicationFactor,
        configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  return missing.map((t) => topics.name(t.key));
}
