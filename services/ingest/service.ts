import type { FastifyInstance } from 'fastify';
import { AvroCodec } from '../shared/avro.ts';
import { createKafka, durableProducer } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { buildApp } from './app.ts';
import { ApiKeys } from './auth.ts';
import type { IngestConfig } from './config.ts';
import { InflightBudget, Intake } from './intake.ts';
import { IngestMetrics } from './metrics.ts';
import { hmacPseudonymizer } from './pseudonym.ts';
import { KafkaPublisher } from './publisher.ts';
import { AuthorKeyLog, AuthorSealer } from '../shared/author-key-log.ts';
import { loadMasterKeys } from '../shared/author-key-config.ts';
import { recordErasure, type ErasureInput, type ErasureRecord } from '../shared/erasure-log.ts';

export interface IngestService {
  app: FastifyInstance;
  publisher: KafkaPublisher;
  intake: Intake;
  /** Stops taking requests, waits for the ones in flight, then disconnects from Kafka. */
  close: () => Promise<void>;
}

export interface KafkaIntake {
  intake: Intake;
  /** Records an author's erasure (DELETE /v1/authors/…). */
  erase: (input: ErasureInput) => Promise<ErasureRecord>;
  publisher: KafkaPublisher;
  metrics: IngestMetrics;
  close: () => Promise<void>;
}

/** The ingestion core on real Kafka: shared by the HTTP service and `brandpulse import --direct`. */
export function createKafkaIntake(
  config: IngestConfig,
  logger: Logger,
  opts: { defaultMetrics?: boolean } = {},
): KafkaIntake {
  const { kafka, topics } = createKafka(config, logger, 'ingest');
  const topic = topics.name('conversationEvents');
  const producer = durableProducer(kafka);
  const admin = kafka.admin();
  let adminConnected: Promise<void> | null = null;
  const probe = async () => {
    const attempt = (async () => {
      adminConnected ??= admin.connect().catch((err: unknown) => {
        adminConnected = null;
        throw err;
      });
      await adminConnected;
      await admin.fetchTopicMetadata({ topics: [topic] });
    })();
    attempt.catch(() => undefined);
    await withTimeout(attempt, 2_000, 'kafka metadata probe timed out');
  };
  const publisher = new KafkaPublisher({ producer, topic, codec: new AvroCodec(), logger, probe });
  const metrics = new IngestMetrics({ defaultMetrics: opts.defaultMetrics ?? false });
  // Crypto-shredding (docs/security.md, "Erasure"): each author's texts and ids sealed with its key.
  const master = loadMasterKeys();
  const keysTopic = topics.name('authorKeys');
  const keyLog = new AuthorKeyLog({ kafka, topic: keysTopic, master, logger });
  const keyProducer = durableProducer(kafka);
  const sealer = new AuthorSealer({
    log: keyLog,
    producer: keyProducer,
    topic: keysTopic,
    master,
    pseudonymKey: config.PSEUDONYM_KEY,
  });
  const pseudonymize = hmacPseudonymizer(config.PSEUDONYM_KEY);
  const erase = async (input: ErasureInput) => {
    await sealer.ready();
    return recordErasure(
      {
        keys: keyLog,
        producer: keyProducer,
        keysTopic,
        erasuresTopic: topics.name('authorErasures'),
        master,
        pseudonymize,
        pseudonymKey: config.PSEUDONYM_KEY,
      },
      input,
    );
  };
  const intake = new Intake({
    sealer,
    publisher,
    budget: new InflightBudget(config.INGEST_MAX_INFLIGHT_EVENTS, config.INGEST_MAX_INFLIGHT_BYTES),
    pseudonymize,
    sendTimeoutMs: config.INGEST_SEND_TIMEOUT_MS,
    metrics,
  });
  // Load the keys now rather than on the first request (which waits for them otherwise).
  sealer
    .ready()
    .catch((err: unknown) =>
      logger.warn({ err: (err as Error).message }, 'author keys not loaded yet (retried on the first request)'),
    );
  return {
    intake,
    erase,
    publisher,
    metrics,
    close: async () => {
      await publisher.close().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await keyLog.stop();
      await keyProducer.disconnect().catch(() => undefined);
    },
  };
}

/** Wires the service to real Kafka. main.ts, the integration tests and the benchmark share this. */
export function createIngestService(
  config: IngestConfig,
  logger: Logger,
  opts: { defaultMetrics?: boolean } = {},
): IngestService {
  const { intake, publisher, metrics, close, erase } = createKafkaIntake(config, logger, opts);
  const app = buildApp({
    intake,
    erase,
    publisher,
    apiKeys: new ApiKeys(config.INGEST_API_KEYS),
    metrics,
    logger,
    maxBodyBytes: config.INGEST_MAX_BODY_BYTES,
    maxBatchEvents: config.INGEST_MAX_BATCH_EVENTS,
    retryAfterSeconds: config.INGEST_RETRY_AFTER_SECONDS,
    timeWindow: { now: () => Date.now(), maxFutureSkewMs: config.INGEST_MAX_FUTURE_SKEW_MS },
    meta: { appSecret: config.META_APP_SECRET, verifyToken: config.META_VERIFY_TOKEN, accounts: config.META_ACCOUNTS },
  });
  return {
    app,
    publisher,
    intake,
    close: async () => {
      await app.close();
      await close();
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}
