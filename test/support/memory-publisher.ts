import type { ConversationEvent } from '../../services/shared/events.ts';
import type { EventPublisher } from '../../services/ingest/publisher.ts';
import { PublishError } from '../../services/ingest/publisher.ts';

/**
 * An in-memory EventPublisher: the ingestion core driven without I/O in unit tests (the int and
 * e2e tiers use KafkaPublisher on real Kafka). It can be told to fail (Kafka down) or to hang
 * (Kafka slow) until released.
 */
export class MemoryPublisher implements EventPublisher {
  readonly published: ConversationEvent[] = [];
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  private readonly hanging: Array<() => void> = [];

  async publish(events: readonly ConversationEvent[]): Promise<void> {
    if (this.mode === 'fail') throw new PublishError('broker unavailable (memory publisher set to fail)');
    if (this.mode === 'hang') await new Promise<void>((resolve) => this.hanging.push(resolve));
    this.published.push(...events);
  }

  /** Lets every hanging publish complete (Kafka became fast again). */
  release(): void {
    for (const resolve of this.hanging.splice(0)) resolve();
  }

  get pending(): number {
    return this.hanging.length;
  }

  async ready(): Promise<boolean> {
    return this.mode === 'ok';
  }

  async close(): Promise<void> {
    this.release();
  }
}
