import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { AvroCodec } from '../shared/avro.ts';
import type { Logger } from '../shared/logger.ts';
import { offsetRanges, routeRecord, type Accepted, type SourceRecord } from './batch.ts';
import { Batcher } from './batcher.ts';
import { deadLetterMessage, type DeadLetter } from '../shared/dead-letters.ts';
import { withRetry } from '../shared/retry.ts';
import { classify, errorReason } from '../shared/errors.ts';
import { committedOffsets, RecordCrash, type CrashJournal, type RecordCoordinates } from '../shared/crash-journal.ts';
import { noObserver, type PipelineObserver } from '../shared/observe.ts';
import { writeIsolating } from './isolate.ts';
import { runConcurrently, type BatchStep } from './steps.ts';
import type { AuthorKeyLog } from '../shared/author-key-log.ts';
import type { SerialGate } from '../shared/serial-gate.ts';
import {
  ChunkedSend,
  consumeBatches,
  durableProducer,
  groupConsumer,
  BULK_FETCH_BYTES_PER_PARTITION,
} from '../shared/kafka.ts';

/**
 * A fetch the broker answers at once: ~1k enriched events, a batch worth an insert. Smaller fetches
 * wait up to maxWaitMs for more records (bench:e2e at half load: freshness p99 2.2 s with the
 * batcher holding each fetch for 250 ms, see README "The peer, CPU and memory").
 */
export const FETCH_MIN_BYTES = 1024 * 1024;
/** How long the batcher waits for the other partitions of a fetch (kafkajs hands them over one by one). */
export const FETCH_GATHER_MS = 20;
/** kafkajs re-fetches at once on a 0 ms wait: an idle sink would spin. */
const MIN_FETCH_WAIT_MS = 10;

export interface SinkOptions {
  sourceTopic: string;
  deadLetterTopic: string;
  groupId: string;
  maxRows: number;
  /** How long a record may wait for more to share its insert: the broker's fetch wait (start()). */
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
  observer?: PipelineObserver;
  /** Records that crashed this group before (loaded at start); absent = no quarantine (tests of other parts). */
  journal?: CrashJournal;
  /** How the process ends after a programmer error (default process.exit); tests pass their own. */
  exit?: (code: number) => void;
  /** The author keys (crypto-shredding): synced before each batch, sealed fields opened with them. Absent = fields stored as they come. */
  keys?: AuthorKeyLog;
  /** Shared with the erasure worker: a batch and an erasure never run at the same time. */
  gate?: SerialGate;
}

/**
 * The ClickHouse sink: consumes enriched events with kafkajs eachBatch (auto-commit off), batches
 * them across partitions, and for every batch: steps (ClickHouse inserts, thread projection) ->
 * dead letters -> offsets committed. Offsets are committed only after every step succeeded, so a
 * crash replays the batch; the steps are idempotent, so the replay counts nothing twice.
 * No record can stop the others (docs/processors.md, "Errors"): a dependency failure pauses
 * consumption and retries with backoff, a record ClickHouse refuses is isolated and dead-lettered,
 * and a record that keeps crashing the sink is quarantined after three crashes.
 */
export class Sink {
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private readonly batcher: Batcher<SourceRecord>;
  private paused = false;
  private stopping = false;
  /** Counters for logs, tests and benchmarks. */
  readonly stats = { flushes: 0, records: 0, deadLetters: 0, retries: 0 };

  constructor(
    private readonly deps: SinkDeps,
    private readonly options: SinkOptions,
  ) {
    // The broker does the waiting (start()): a fetch returns once FETCH_MIN_BYTES are there or after
    // maxWaitMs, and kafkajs fetches again only when every batch of the last fetch was handled. So
    // the batcher only gathers the partitions of one fetch (they arrive within a few ms of each
    // other, from each broker's fetcher) instead of holding a fetched batch for maxWaitMs while
    // newer records wait in Kafka behind it.
    this.batcher = new Batcher(
      { maxRows: options.maxRows, maxWaitMs: Math.min(options.maxWaitMs, FETCH_GATHER_MS) },
      (records) => this.flush(records),
    );
  }

  async start(): Promise<void> {
    const { kafka, logger } = this.deps;
    this.producer = durableProducer(kafka);
    await this.producer.connect();
    await this.deps.keys?.start();
    if (this.deps.journal) {
      await this.deps.journal.load();
      await this.deps.journal.prune(
        this.producer,
        await committedOffsets(kafka, this.options.groupId, this.options.sourceTopic),
      );
    }
    this.consumer = groupConsumer(kafka, this.options.groupId, {
      maxBytesPerPartition: BULK_FETCH_BYTES_PER_PARTITION,
      minBytes: FETCH_MIN_BYTES,
      maxWaitTimeInMs: Math.max(MIN_FETCH_WAIT_MS, this.options.maxWaitMs),
    });
    // Partitions may have moved: what the steps remember of stored threads may be stale now.
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      for (const step of this.deps.steps) step.reset?.();
    });
    await this.consumer.connect();
    await consumeBatches(
      this.consumer,
      { topic: this.options.sourceTopic, fromBeginning: this.options.fromBeginning ?? true },
      async (records, heartbeat) => {
        // Keep the group membership alive while the batch waits for a flush (or for ClickHouse).
        const beat = setInterval(() => void heartbeat().catch(() => undefined), 3_000);
        try {
          await this.batcher.add(records);
        } finally {
          clearInterval(beat);
        }
      },
    );
    logger.info(
      {
        topic: this.options.sourceTopic,
        group: this.options.groupId,
        maxRows: this.options.maxRows,
        maxWaitMs: this.options.maxWaitMs,
      },
      'sink started',
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.deps.keys?.stop();
  }

  /**
   * One batch: route (decode, validate, quarantine), write with the steps, dead-letter what could
   * not be written, then (in consumeBatches) commit. Dependency errors pause consumption and retry
   * with backoff; a record ClickHouse refuses as data is isolated (writeIsolating) and dead-lettered
   * once, after the rest of its batch was written; a programmer error ends the process (crash()).
   */
  async flush(records: SourceRecord[]): Promise<void> {
    return this.deps.gate ? this.deps.gate.run(() => this.flushNow(records)) : this.flushNow(records);
  }

  private async flushNow(records: SourceRecord[]): Promise<void> {
    const { codec, steps, journal, keys } = this.deps;
    // Every key of every record fetched so far is in the key topic already (written before the
    // events): after this, a key the store does not know is an erased one.
    if (keys) await this.retrying('author-keys', () => keys.sync());
    const observer = this.deps.observer ?? noObserver;
    const stage = this.options.stage ?? 'sink';
    const started = performance.now();
    const accepted: Accepted[] = [];
    const rejected: DeadLetter[] = [];
    for (const r of records) {
      if (journal?.shouldQuarantine(r)) {
        rejected.push({
          record: r,
          stage,
          reason: 'quarantined',
          detail: `crashed the ${stage} ${journal.crashes(r)} times: ${journal.lastError(r)}`,
        });
        continue;
      }
      const routed = routeRecord(codec, r, keys?.store);
      if (routed.ok) accepted.push(routed.accepted);
      else rejected.push({ ...routed.rejected, stage });
    }
    const ranges = offsetRanges(records);
    let isolated;
    try {
      isolated = await writeIsolating(accepted, (part, name) =>
        this.retrying('batch', () => runConcurrently(steps, { accepted: part, ranges, part: name })),
      );
    } catch (err) {
      if (classify(err) === 'fatal' && !this.stopping) await this.crash(err, accepted);
      throw err;
    }
    for (const i of isolated) {
      rejected.push({
        record: i.accepted.record,
        stage,
        reason: errorReason(i.error),
        detail: (i.error as Error).message ?? String(i.error),
      });
    }
    if (rejected.length > 0) {
      // After the writes, right before the commit: a retried batch never sends them twice, and only
      // a crash between this send and the commit can (the dead_letters table folds that copy).
      const send = new ChunkedSend(this.producer!, [
        { topic: this.options.deadLetterTopic, messages: rejected.map((d) => deadLetterMessage(d)) },
      ]);
      await this.retrying('dead-letters', () => send.run());
      for (const d of rejected) {
        observer.deadLetter(stage, d.reason);
        this.deps.logger.warn(
          {
            reason: d.reason,
            detail: d.detail.slice(0, 300),
            topic: d.record.topic,
            partition: d.record.partition,
            offset: d.record.offset,
          },
          'dead-lettered',
        );
      }
    }
    this.resume();
    this.stats.flushes++;
    this.stats.records += records.length;
    this.stats.deadLetters += rejected.length;
    observer.batch(stage, (performance.now() - started) / 1000, records.length);
    observer.wrote(stage);
    this.deps.logger.debug({ records: records.length, deadLetters: rejected.length, ranges }, 'batch written');
  }

  /** Runs `fn` until it succeeds; dependency errors pause consumption and back off, the rest are thrown. */
  private retrying(what: string, fn: () => Promise<void>): Promise<void> {
    const observer = this.deps.observer ?? noObserver;
    return withRetry(fn, {
      stopped: () => this.stopping,
      onRetry: (err, attempt, waitMs, reason) => {
        this.stats.retries++;
        observer.retry(this.options.stage ?? 'sink', reason);
        this.deps.logger.warn(
          { err: (err as Error).message, reason, attempt, waitMs, what },
          'dependency failed, retrying (consumption paused)',
        );
        this.pause();
      },
    });
  }

  /**
   * A programmer error: never retried in place. Find the record(s) at fault (the error names them, or
   * each step's pure per-record check reproduces it), count the crash in the journal, and end the
   * process without committing. After QUARANTINE_AFTER_CRASHES crashes a record is dead-lettered
   * instead of processed. An error no record reproduces alone is a bug of the code or the deployment:
   * nothing is quarantined for it (that would empty the stream into the dead-letter topic).
   */
  private async crash(err: unknown, accepted: Accepted[]): Promise<void> {
    const culprits: RecordCoordinates[] = err instanceof RecordCrash ? [...err.records] : [];
    if (culprits.length === 0) {
      for (const a of accepted) {
        for (const step of this.deps.steps) {
          try {
            step.check?.(a);
          } catch (e) {
            if (classify(e) === 'fatal') {
              culprits.push(a.record);
              break;
            }
          }
        }
      }
    }
    const coordinates = culprits.slice(0, 20).map((c) => `${c.topic}/${c.partition}@${c.offset}`);
    this.deps.logger.fatal(
      { err, records: culprits.length, coordinates, batch: offsetRanges(accepted.map((a) => a.record)) },
      culprits.length > 0
        ? 'programmer error on these records: exiting without commit'
        : 'programmer error no single record reproduces: exiting without commit',
    );
    if (this.deps.journal && culprits.length > 0 && this.producer) {
      await Promise.race([
        this.deps.journal.recordCrash(this.producer, culprits, err instanceof RecordCrash ? err.error : err),
        new Promise((r) => setTimeout(r, 5_000)),
      ]).catch((e: unknown) => this.deps.logger.error({ err: e }, 'crash journal not written'));
    }
    (this.deps.exit ?? ((code: number) => process.exit(code)))(1);
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
