import type { Producer } from 'kafkajs';
import type { AvroCodec } from '../shared/avro.ts';
import type { ConversationEvent } from '../shared/events.ts';
import type { Logger } from '../shared/logger.ts';
import { ChunkedSend, MAX_SEND_BYTES, messageBytes } from '../shared/kafka.ts';

/**
 * The port between the ingestion core and Kafka: `publish` resolves only once every event is
 * acknowledged by all in-sync replicas, and rejects otherwise. Unit tests drive the core with the
 * in-memory implementation (test/support/memory-publisher.ts); the service uses KafkaPublisher.
 */
export interface EventPublisher {
  publish(events: readonly ConversationEvent[]): Promise<void>;
  /** Whether Kafka answers now (for /readyz). */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/** Kafka did not acknowledge: the client may retry the same events (their ids make that safe). */
export class PublishError extends Error {
  readonly retriable = true;
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'PublishError';
  }
}

interface Pending {
  messages: { key: string; value: Buffer }[];
  /** Their size as a produce request counts it (messageBytes), taken once at publish. */
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface KafkaPublisherOptions {
  producer: Producer;
  topic: string;
  codec: AvroCodec;
  logger: Logger;
  /** Probe used by ready(): resolves if the cluster answers. */
  probe: () => Promise<void>;
}

/**
 * Publishes with the durable producer (idempotent, acks=-1, one request in flight). Requests that
 * arrive while a send is in flight are coalesced into the next send (group commit): a stream of
 * single-event requests costs one Kafka round trip per batch of them, not one each, and no extra
 * latency is added when the producer is idle. Events keep their arrival order, and each thread's
 * events go to one partition (key = thread_id), so a thread stays ordered.
 */
export class KafkaPublisher implements EventPublisher {
  private queue: Pending[] = [];
  private sending = false;
  private connected: Promise<void> | null = null;

  constructor(private readonly opts: KafkaPublisherOptions) {}

  publish(events: readonly ConversationEvent[]): Promise<void> {
    // Encoding first: a record the contract cannot hold is a bug here, not a Kafka problem.
    const messages = events.map((e) => ({ key: e.thread_id, value: this.opts.codec.encode('conversation-event', e) }));
    const bytes = messages.reduce((n, m) => n + messageBytes(m), 0);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ messages, bytes, resolve, reject });
      void this.drain();
    });
  }

  private async connect(): Promise<void> {
    this.connected ??= this.opts.producer.connect().catch((err: unknown) => {
      this.connected = null;
      throw err;
    });
    return this.connected;
  }

  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        // Whole requests, up to MAX_SEND_BYTES (the broker refuses larger record batches); a
        // request over that on its own goes in several sends and is answered after the last.
        let bytes = 0;
        let take = 0;
        while (take < this.queue.length && (take === 0 || bytes + this.queue[take]!.bytes <= MAX_SEND_BYTES)) {
          bytes += this.queue[take]!.bytes;
          take++;
        }
        const batch = this.queue.splice(0, take);
        try {
          await this.connect();
          await new ChunkedSend(this.opts.producer, [
            { topic: this.opts.topic, messages: batch.flatMap((p) => p.messages) },
          ]).run();
          for (const p of batch) p.resolve();
        } catch (err) {
          this.opts.logger.warn(
            { err, events: batch.reduce((n, p) => n + p.messages.length, 0) },
            'kafka did not acknowledge a send',
          );
          const failure = new PublishError(`kafka did not acknowledge: ${(err as Error).message}`, err);
          for (const p of batch) p.reject(failure);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  async ready(): Promise<boolean> {
    try {
      await this.opts.probe();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.opts.producer.disconnect();
  }
}
