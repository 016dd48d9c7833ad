import type { Consumer, Kafka } from 'kafkajs';
import { insertRows, type ClickHouseClient } from '../shared/clickhouse.ts';
import { consumeBatches, groupConsumer } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { dedupToken, offsetRanges } from './batch.ts';
import { deadLetterRowFromRecord } from '../shared/dead-letters.ts';
import { withRetry } from '../shared/retry.ts';
import { writeIsolating } from './isolate.ts';
import type { PipelineObserver } from '../shared/observe.ts';

/**
 * Projects the dead-letter topic into the dead_letters table, whatever stage wrote the record
 * (enricher, sink, or by hand), so dashboards count every rejected record in one place. The topic is
 * the source of truth (it keeps the bytes); this table keeps why and where from.
 *
 * At least once, exactly once in the table: a partition batch is inserted with a dedup token from its
 * offset range before its offsets are committed, and the table's key (stage, source topic, partition,
 * offset) folds a replayed record into the same row. ClickHouse outages are retried with backoff.
 */
export class DeadLetterRecorder {
  private consumer: Consumer | null = null;
  private stopping = false;
  readonly stats = { recorded: 0 };

  constructor(
    private readonly deps: { kafka: Kafka; clickhouse: ClickHouseClient; logger: Logger; observer?: PipelineObserver },
    private readonly options: { topic: string; groupId: string },
  ) {}

  async start(): Promise<void> {
    const { kafka, clickhouse, logger } = this.deps;
    this.consumer = groupConsumer(kafka, this.options.groupId);
    await this.consumer.connect();
    await consumeBatches(
      this.consumer,
      { topic: this.options.topic, fromBeginning: true },
      async (records, heartbeat) => {
        const rows = records.map(deadLetterRowFromRecord);
        const token = dedupToken(offsetRanges(records), 'dead_letters');
        // A row ClickHouse still refuses (a hand-made record on the topic) is skipped and logged: the
        // topic keeps it, and the recorder must not stall on it.
        const refused = await writeIsolating(rows, (part, name) =>
          withRetry(() => insertRows(clickhouse, 'dead_letters', part, { insert_deduplication_token: token + name }), {
            stopped: () => this.stopping,
            onRetry: (err, attempt, waitMs) => {
              logger.warn({ err: (err as Error).message, attempt, waitMs }, 'recording dead letters failed, retrying');
              void heartbeat().catch(() => undefined);
            },
          }),
        );
        for (const r of refused)
          logger.error(
            { err: (r.error as Error).message, source_offset: r.accepted.source_offset },
            'dead letter not recordable: skipped (still on the topic)',
          );
        this.stats.recorded += rows.length - refused.length;
        this.deps.observer?.rowsWritten('dead_letters', rows.length - refused.length);
        this.deps.observer?.wrote('dead-letter-recorder');
      },
    );
    logger.info({ topic: this.options.topic, group: this.options.groupId }, 'dead-letter recorder started');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
