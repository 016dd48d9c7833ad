import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Analyzer } from '../nlp/index.ts';
import type { AvroCodec } from '../shared/avro.ts';
import type { Logger } from '../shared/logger.ts';
import { withRetry } from '../shared/retry.ts';
import { committedOffsets, RecordCrash, type CrashJournal } from '../shared/crash-journal.ts';
import { noObserver, type PipelineObserver } from '../shared/observe.ts';
import { processRecords, type Output } from '../domain/enrich-records.ts';
import type { AuthorKeyLog } from '../shared/author-key-log.ts';
export { processRecords, type Output } from '../domain/enrich-records.ts';
import { ChunkedSend, consumeBatches, durableProducer, groupConsumer } from '../shared/kafka.ts';

export interface EnricherOptions {
  sourceTopic: string;
  targetTopic: string;
  deadLetterTopic: string;
  groupId: string;
  fromBeginning?: boolean;
}

/**
 * The enricher service: raw conversation events -> enriched events. At-least-once: offsets are
 * committed after the enriched events (and dead letters) were acknowledged by every in-sync
 * replica; a crash re-enriches the uncommitted tail, and the sink drops the duplicates by event_id.
 */
export class Enricher {
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private stopping = false;
  readonly stats = { records: 0, deadLetters: 0 };

  constructor(
    private readonly deps: {
      kafka: Kafka;
      codec: AvroCodec;
      analyzer: Analyzer;
      logger: Logger;
      observer?: PipelineObserver;
      /** Records that crashed this group before; absent = no quarantine. */
      journal?: CrashJournal;
      /** How the process ends after a programmer error (default process.exit). */
      exit?: (code: number) => void;
      /** The author keys: synced before each batch, texts opened with them for the models. */
      keys?: AuthorKeyLog;
    },
    private readonly options: EnricherOptions,
  ) {}

  async start(): Promise<void> {
    const { kafka, codec, analyzer, logger, journal } = this.deps;
    const observer = this.deps.observer ?? noObserver;
    this.producer = durableProducer(kafka);
    await this.producer.connect();
    if (journal) {
      await journal.load();
      await journal.prune(this.producer, await committedOffsets(kafka, this.options.groupId, this.options.sourceTopic));
    }
    await this.deps.keys?.start();
    this.consumer = groupConsumer(kafka, this.options.groupId);
    await this.consumer.connect();
    await consumeBatches(
      this.consumer,
      { topic: this.options.sourceTopic, fromBeginning: this.options.fromBeginning ?? true },
      async (records, heartbeat) => {
        const started = performance.now();
        let out: Output;
        const keys = this.deps.keys;
        if (keys) await withRetry(() => keys.sync(), { stopped: () => this.stopping });
        try {
          out = processRecords(records, codec, analyzer, Date.now(), journal, keys?.store);
        } catch (err) {
          await this.crash(err);
          throw err;
        }
        const publish = new ChunkedSend(this.producer!, [
          { topic: this.options.targetTopic, messages: out.enriched },
          { topic: this.options.deadLetterTopic, messages: out.deadLetters },
        ]);
        await withRetry(() => publish.run(), {
          stopped: () => this.stopping,
          onRetry: (err, attempt, waitMs, reason) => {
            observer.retry('enricher', reason);
            logger.warn({ err: (err as Error).message, reason, attempt, waitMs }, 'publishing failed, retrying');
          },
        });
        for (const d of out.deadLetters) logger.warn({ headers: d.headers }, 'dead-lettered');
        for (const reason of out.reasons) observer.deadLetter('enricher', reason);
        observer.rowsWritten(this.options.targetTopic, out.enriched.length);
        observer.batch('enricher', (performance.now() - started) / 1000, records.length);
        observer.wrote('enricher');
        await heartbeat();
        this.stats.records += records.length;
        this.stats.deadLetters += out.deadLetters.length;
      },
    );
    logger.info(
      { from: this.options.sourceTopic, to: this.options.targetTopic, model: analyzer.modelVersion },
      'enricher started',
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.deps.keys?.stop();
  }

  /** A programmer error on a record: count the crash in the journal, then end the process without committing. */
  private async crash(err: unknown): Promise<void> {
    const records = err instanceof RecordCrash ? err.records : [];
    this.deps.logger.fatal(
      { err, coordinates: records.map((c) => `${c.topic}/${c.partition}@${c.offset}`) },
      'programmer error on a record: exiting without commit',
    );
    if (this.deps.journal && records.length > 0 && this.producer) {
      await Promise.race([
        this.deps.journal.recordCrash(this.producer, records, err instanceof RecordCrash ? err.error : err),
        new Promise((r) => setTimeout(r, 5_000)),
      ]).catch((e: unknown) => this.deps.logger.error({ err: e }, 'crash journal not written'));
    }
    (this.deps.exit ?? ((code: number) => process.exit(code)))(1);
  }
}
