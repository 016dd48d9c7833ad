import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { AvroCodec } from '../shared/avro.ts';
import type { Logger } from '../shared/logger.ts';
import { offsetRanges, routeRecord, type Accepted, type SourceRecord } from './batch.ts';
import { Batcher } from './batcher.ts';
import { deadLetterMessage, type DeadLetter } from './dead-letters.ts';
import { withRetry } from '../shared/retry.ts';
import { runConcurrently, type BatchStep } from './steps.ts';
import { ChunkedSend, consumeBatches, durableProducer, groupConsumer, BULK_FETCH_BYTES_PER_PARTITION } from '../shared/kafka.ts';

export interface SinkOptions {
  sourceTopic: string;
  deadLetterTopic: string;
  groupId: string;
  maxRows: number;
  maxWaitMs: number;
  /** Read the topic from the beginning when the group has no committed offsets (default true). */
  fromBeginning?: boolean;
  stage?: DeadLetter['stage'];
}

export interface SinkDeps {
  kafka: Kafka;
  codec: AvroCodec;
  logger: Logger;
  steps: BatchStep[];
}

/**
 * The ClickHouse sink: consumes enriched events with kafkajs eachBatch (auto-commit off), batches
 * them across partitions, and for every batch: dead letters -> steps (ClickHouse inserts, thread
 * projection) -> offsets committed. Offsets are committed only after every step succeeded, so a
 * crash replays the batch; the steps are idempotent, so the replay counts nothing twice.
 * When a step fails with a retriable error (ClickHouse down), the sink pauses consumption, backs
 * off and retries; it resumes by itself once the step succeeds.
 */
export class Sink {
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private readonly batcher: Batcher<SourceRecord>;
  private paused = false;
  private stopping = false;
  /** Counters for logs, tests and benchmarks. */
  readonly stats = { flushes: 0, records: 0, deadLetters: 0, retries: 0 };

  constructor(private readonly deps: SinkDeps, private readonly options: SinkOptions) {
    this.batcher = new Batcher({ maxRows: options.maxRows, maxWaitMs: options.maxWaitMs }, (records) => this.flush(records));
  }

  async start(): Promise<void> {
    const { kafka, logger } = this.deps;
    this.producer = durableProducer(kafka);
    await this.producer.connect();
    this.consumer = groupConsumer(kafka, this.options.groupId, { maxBytesPerPartition: BULK_FETCH_BYTES_PER_PARTITION });
    // Partitions may have moved: what the steps remember of stored threads may be stale now.
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      for (const step of this.deps.steps) step.reset?.();
    });
    await this.consumer.connect();
    await consumeBatches(this.consumer, { topic: this.options.sourceTopic, fromBeginning: this.options.fromBeginning ?? true }, async (records, heartbeat) => {
      // Keep the group membership alive while the batch waits for a flush (or for ClickHouse).
      const beat = setInterval(() => void heartbeat().catch(() => undefined), 3_000);
      try {
        await this.batcher.add(records);
      } finally {
        clearInterval(beat);
      }
    });
    logger.info({ topic: this.options.sourceTopic, group: this.options.groupId, maxRows: this.options.maxRows, maxWaitMs: this.options.maxWaitMs }, 'sink started');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }

  /** One batch: route, dead-letter, run the steps; retried with backoff while errors are retriable. */
  async flush(records: SourceRecord[]): Promise<void> {
    const { codec, logger, steps } = this.deps;
    const accepted: Accepted[] = [];
    const rejected: DeadLetter[] = [];
    for (const r of records) {
      const routed = routeRecord(codec, r);
      if (routed.ok) accepted.push(routed.accepted);
      else rejected.push({ ...routed.rejected, stage: this.options.stage ?? 'sink' });
    }
    const ctx = { accepted, ranges: offsetRanges(records) };
    const deadLetters = new ChunkedSend(this.producer!, [{ topic: this.options.deadLetterTopic, messages: rejected.map((d) => deadLetterMessage(d)) }]);
    let deadLettersSent = rejected.length === 0;
    await withRetry(
      async () => {
        if (!deadLettersSent) {
          await deadLetters.run();
          deadLettersSent = true;
          for (const d of rejected) logger.warn({ reason: d.reason, detail: d.detail, partition: d.record.partition, offset: d.record.offset }, 'dead-lettered');
        }
        await runConcurrently(steps, ctx);
      },
      {
        stopped: () => this.stopping,
        onRetry: (err, attempt, waitMs) => {
          this.stats.retries++;
          logger.warn({ err: (err as Error).message, attempt, waitMs }, 'batch failed, retrying (consumption paused)');
          this.pause();
        },
      },
    );
    this.resume();
    this.stats.flushes++;
    this.stats.records += records.length;
    this.stats.deadLetters += rejected.length;
    logger.debug({ records: records.length, deadLetters: rejected.length, ranges: ctx.ranges }, 'batch written');
  }

  private pause(): void {
    if (this.paused || !this.consumer) return;
    this.paused = true;
    this.consumer.pause([{ topic: this.options.sourceTopic }]);
  }

  private resume(): void {
    if (!this.paused || !this.consumer) return;
    this.paused = false;
    this.consumer.resume([{ topic: this.options.sourceTopic }]);
    this.deps.logger.info('dependency back: consumption resumed');
  }
}
