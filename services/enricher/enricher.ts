import type { Consumer, Kafka, Message, Producer } from 'kafkajs';
import type { Analyzer } from '../nlp/index.ts';
import { DecodeError, type AvroCodec } from '../shared/avro.ts';
import type { ConversationEvent } from '../shared/events.ts';
import type { Logger } from '../shared/logger.ts';
import { deadLetterMessage, type DeadLetter } from '../sink/dead-letters.ts';
import { withRetry } from '../shared/retry.ts';
import { enrichEvent } from './enrich.ts';
import { ChunkedSend, consumeBatches, durableProducer, groupConsumer, type SourceRecord } from '../shared/kafka.ts';

export interface EnricherOptions {
  sourceTopic: string;
  targetTopic: string;
  deadLetterTopic: string;
  groupId: string;
  fromBeginning?: boolean;
}

export interface Output {
  enriched: Message[];
  deadLetters: Message[];
}

/**
 * Pure part of a batch: decode, enrich, encode. Undecodable or unprocessable records become dead
 * letters (original bytes + reason), so one bad record never holds up its partition.
 */
export function processRecords(records: SourceRecord[], codec: AvroCodec, analyzer: Analyzer, now = Date.now()): Output {
  const enriched: Message[] = [];
  const deadLetters: Message[] = [];
  const reject = (record: SourceRecord, reason: string, detail: string) => {
    const d: DeadLetter = { record, stage: 'enricher', reason, detail };
    deadLetters.push(deadLetterMessage(d, now));
  };
  for (const record of records) {
    let event: ConversationEvent;
    try {
      event = codec.decode<ConversationEvent>('conversation-event', record.value);
    } catch (err) {
      reject(record, err instanceof DecodeError ? `decode:${err.reason}` : 'decode:error', (err as Error).message);
      continue;
    }
    try {
      const out = enrichEvent(event, analyzer, now);
      // Keyed by thread, like the raw topic: a thread's events stay in one partition, in order.
      enriched.push({ key: event.thread_id, value: codec.encode('enriched-event', out) });
    } catch (err) {
      reject(record, 'invalid', (err as Error).message);
    }
  }
  return { enriched, deadLetters };
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

  constructor(private readonly deps: { kafka: Kafka; codec: AvroCodec; analyzer: Analyzer; logger: Logger }, private readonly options: EnricherOptions) {}

  async start(): Promise<void> {
    const { kafka, codec, analyzer, logger } = this.deps;
    this.producer = durableProducer(kafka);
    await this.producer.connect();
    this.consumer = groupConsumer(kafka, this.options.groupId);
    await this.consumer.connect();
    await consumeBatches(this.consumer, { topic: this.options.sourceTopic, fromBeginning: this.options.fromBeginning ?? true }, async (records, heartbeat) => {
      const out = processRecords(records, codec, analyzer);
      const publish = new ChunkedSend(this.producer!, [
        { topic: this.options.targetTopic, messages: out.enriched },
        { topic: this.options.deadLetterTopic, messages: out.deadLetters },
      ]);
      await withRetry(() => publish.run(), {
        stopped: () => this.stopping,
        onRetry: (err, attempt) => logger.warn({ err: (err as Error).message, attempt }, 'publishing failed, retrying'),
      });
      for (const d of out.deadLetters) logger.warn({ headers: d.headers }, 'dead-lettered');
      await heartbeat();
      this.stats.records += records.length;
      this.stats.deadLetters += out.deadLetters.length;
    });
    logger.info({ from: this.options.sourceTopic, to: this.options.targetTopic, model: analyzer.modelVersion }, 'enricher started');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }
}
