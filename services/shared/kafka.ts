import {
  Kafka,
  Partitioners,
  logLevel as KafkaLogLevel,
  type ICustomPartitioner,
  type LogEntry,
  type Admin,
  type Consumer,
  type ConsumerConfig,
  type IHeaders,
  type Message,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';
import type { Logger } from './logger.ts';
import type { BaseConfig } from './config.ts';
import { freshProducer } from './fresh-producer.ts';
import { sizedFor, Topics } from './topics.ts';
import { withRetry } from './retry.ts';

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
  // A new producer id after any failed send: kafkajs would reuse sequence numbers (fresh-producer.ts).
  return freshProducer(kafka, {
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: rememberingPartitioner,
    ...extra,
  });
}

/** String keys whose partition a producer remembers; past this many it starts over. */
const REMEMBERED_KEYS = 100_000;

/**
 * kafkajs' default partitioner (murmur2 of the key, Java-compatible: the same partition for the same
 * key and partition count), remembering the partition of each string key: a thread's key comes back
 * with every event of the thread, and kafkajs' murmur2 copies a string key into a new Buffer each
 * time (~2 µs a record). Records with a partition, a Buffer key or no key go to the default as they are.
 */
export const rememberingPartitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  const known = new Map<string, { partitions: number; partition: number }>();
  return (args) => {
    const { message, partitionMetadata } = args;
    const key = message.key;
    if (typeof key !== 'string' || (message.partition !== null && message.partition !== undefined)) {
      return fallback(args);
    }
    const seen = known.get(key);
    if (seen !== undefined && seen.partitions === partitionMetadata.length) return seen.partition;
    const partition = fallback(args);
    if (known.size >= REMEMBERED_KEYS) known.clear();
    known.set(key, { partitions: partitionMetadata.length, partition });
    return partition;
  };
};

/**
 * The consumer every service uses: a group member that never creates topics. An idle fetch waits at
 * most a second for data (kafkajs waits 5 s by default): a stopping consumer waits for its fetch in
 * flight before it leaves the group, so Ctrl-C on `npm start` took ~4 s per consumer. A fetch still
 * returns as soon as data arrives, so this costs one empty fetch a second when idle and nothing else.
 */
export function groupConsumer(kafka: Kafka, groupId: string, extra: Partial<ConsumerConfig> = {}): Consumer {
  return kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 1_000,
    sessionTimeout: GROUP_SESSION_TIMEOUT_MS,
    heartbeatInterval: 3_000,
    ...extra,
  });
}

/**
 * How long the group coordinator waits for a member that stopped heart-beating before it gives its
 * partitions to the others (kafkajs: 30 s). A SIGKILLed sink's partitions sat idle for all of it
 * in the chaos suite, and its restarted self waited for it too; 15 s halves that. Members heartbeat
 * every 3 s, also while a batch waits for ClickHouse (the sink beats from a timer), so 5 beats fit.
 */
export const GROUP_SESSION_TIMEOUT_MS = 15_000;

/**
 * Fetch size per partition for the consumers that write ClickHouse in large batches (the sink, the
 * replay): kafkajs fetches 1 MiB per partition by default, a fraction of one full sink batch.
 */
export const BULK_FETCH_BYTES_PER_PARTITION = 4 * 1024 * 1024;

/**
 * The most bytes of messages one produce request carries. The broker refuses a record batch over
 * message.max.bytes (1 MiB by default) and kafkajs puts all of a request's messages for one
 * partition into one batch, so a large send fails as a whole with MESSAGE_TOO_LARGE (non-retriable:
 * it crashed the enricher when a backlog made its fetches large). Below the limit with room for
 * record overhead.
 */
export const MAX_SEND_BYTES = 768 * 1024;

/**
 * The largest single record a processor produces: under the broker's default max.message.bytes
 * (1 MiB + 12) with room for headers and batch overhead. A record that would be larger is
 * dead-lettered by the stage that would have produced it instead of failing its whole request.
 */
export const MAX_RECORD_BYTES = 1_000_000;

/** Rough encoded size of a message: key, value, headers and per-record overhead. */
export function messageBytes(m: Message): number {
  let n = 32;
  if (m.key) n += m.key.length;
  if (m.value) n += m.value.length;
  if (m.headers)
    for (const [k, v] of Object.entries(m.headers))
      n += k.length + (typeof v === 'string' || Buffer.isBuffer(v) ? v.length : 16);
  return n;
}

/** Splits messages, in order, into consecutive runs of at most maxBytes (a larger message goes alone). */
export function chunkMessages<T extends Message>(messages: readonly T[], maxBytes = MAX_SEND_BYTES): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = messageBytes(m);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Messages for one or more topics, sent with acks=all in requests of at most MAX_SEND_BYTES, one
 * after the other (the durable producer has one request in flight, so order is kept). It remembers
 * how far it got: calling run() again after a failure resends only what was not acknowledged.
 */
export class ChunkedSend {
  private readonly requests: Array<{ topic: string; messages: Message[] }>;
  private sent = 0;

  constructor(
    private readonly producer: Producer,
    parts: Array<{ topic: string; messages: readonly Message[] }>,
  ) {
    this.requests = parts.flatMap((p) => chunkMessages(p.messages).map((messages) => ({ topic: p.topic, messages })));
  }

  async run(): Promise<void> {
    while (this.sent < this.requests.length) {
      const { topic, messages } = this.requests[this.sent]!;
      await this.producer.send({ topic, acks: -1, messages });
      this.sent++;
    }
  }
}

/** A Kafka record as a consumer received it. */
export interface SourceRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

/**
 * Runs a consumer at least once with offsets committed by hand: each partition batch goes to
 * `handle`, and only when it resolved is the batch's last offset resolved and committed, so a crash
 * replays what was not fully handled. `handle` gets a heartbeat for long waits.
 */
export async function consumeBatches(
  consumer: Consumer,
  options: { topic: string; fromBeginning: boolean },
  handle: (records: SourceRecord[], heartbeat: () => Promise<void>) => Promise<void>,
): Promise<void> {
  await consumer.subscribe({ topics: [options.topic], fromBeginning: options.fromBeginning });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 16,
    eachBatch: async ({ batch, heartbeat, resolveOffset, commitOffsetsIfNecessary }) => {
      if (batch.messages.length === 0) return;
      const records = batch.messages.map((m) => ({
        topic: batch.topic,
        partition: batch.partition,
        offset: m.offset,
        key: m.key,
        value: m.value,
        headers: m.headers,
      }));
      await handle(records, heartbeat);
      const last = batch.messages[batch.messages.length - 1]!.offset;
      resolveOffset(last);
      await commitOffsetsIfNecessary({
        topics: [
          { topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }] },
        ],
      });
    },
  });
}

/**
 * Creates every catalogue topic that does not exist yet. Safe to run any number of times. The
 * broker can answer a fresh topic's metadata with UNKNOWN_TOPIC_OR_PARTITION while its leaders are
 * being elected (seen under load); that is retried, and a retry creates only what is still missing.
 */
export async function ensureTopics(admin: Admin, topics: Topics): Promise<string[]> {
  const created: string[] = [];
  await withRetry(
    async () => {
      const existing = new Set(await admin.listTopics());
      // Replication follows the cluster's size (topics.ts sizedFor): 3 replicas, 2 in sync from 3 brokers on.
      const brokers = (await admin.describeCluster()).brokers.length;
      const missing = topics.all.filter((t) => !existing.has(topics.name(t.key))).map((t) => sizedFor(t, brokers));
      if (missing.length > 0) {
        created.push(...missing.map((t) => topics.name(t.key)));
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
    },
    { maxElapsedMs: 60_000 },
  );
  return [...new Set(created)];
}
