import type { ConversationEvent } from '../shared/events.ts';
import { toConversationEvent, type CanonicalEvent } from './canonical.ts';
import type { IngestMetrics } from './metrics.ts';
import type { Pseudonymizer } from './pseudonym.ts';
import type { EventPublisher } from './publisher.ts';

/**
 * Bounds the memory held by events that are accepted but not yet acknowledged by Kafka. When
 * Kafka is slow or down, sends pile up; past the cap new requests are turned away at once (503)
 * instead of queueing without limit. A lease is returned only when its send really settles — not
 * when the request times out — so the bound holds even for sends the client gave up on.
 */
export class InflightBudget {
  private events = 0;
  private bytes = 0;

  constructor(
    readonly maxEvents: number,
    readonly maxBytes: number,
  ) {}

  tryAcquire(events: number, bytes: number): (() => void) | null {
    if (this.events + events > this.maxEvents || this.bytes + bytes > this.maxBytes) return null;
    this.events += events;
    this.bytes += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.events -= events;
      this.bytes -= bytes;
    };
  }

  get usage(): { events: number; bytes: number } {
    return { events: this.events, bytes: this.bytes };
  }
}

export type IntakeOutcome =
  | { kind: 'accepted'; events: ConversationEvent[] }
  /** Too much in flight already: nothing was sent. */
  | { kind: 'overloaded' }
  /** Kafka failed or did not answer in time: the events may or may not be in Kafka; retry is safe. */
  | { kind: 'unavailable'; reason: string; events: ConversationEvent[] };

export interface IntakeOptions {
  publisher: EventPublisher;
  budget: InflightBudget;
  pseudonymize: Pseudonymizer;
  sendTimeoutMs: number;
  metrics?: IngestMetrics;
  now?: () => number;
  /** Seals each author's texts and ids with the author's key before Kafka (crypto-shredding); absent = published as they are. */
  sealer?: { seal(events: readonly ConversationEvent[]): Promise<ConversationEvent[]> };
}

/** Validated canonical events in, Kafka-acknowledged Avro events out: the core of the service. */
export class Intake {
  private readonly now: () => number;

  constructor(private readonly opts: IntakeOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The author pseudonymizer: adapters key private conversations with it too (meta/messaging.ts). */
  get pseudonymize(): Pseudonymizer {
    return this.opts.pseudonymize;
  }

  /** The clock that stamps ingest_time. */
  get clock(): () => number {
    return this.now;
  }

  async accept(canonical: readonly CanonicalEvent[], source: string, bytes: number): Promise<IntakeOutcome> {
    const { publisher, budget, metrics } = this.opts;
    const release = budget.tryAcquire(canonical.length, bytes);
    if (!release) {
      metrics?.events.inc({ source, outcome: 'overloaded' }, canonical.length);
      return { kind: 'overloaded' };
    }
    metrics?.setInflight(budget.usage);
    const ingestTime = this.now();
    const events = canonical.map((e) =>
      toConversationEvent(e, { pseudonymize: this.opts.pseudonymize, ingestTime, defaultSource: source }),
    );
    const stopTimer = metrics?.publishSeconds.startTimer();
    const sealer = this.opts.sealer;
    const sending = (
      sealer ? sealer.seal(events).then((sealed) => publisher.publish(sealed)) : publisher.publish(events)
    ).finally(() => {
      release();
      metrics?.setInflight(budget.usage);
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.opts.sendTimeoutMs);
    });
    try {
      const result = await Promise.race([sending.then(() => 'acked' as const), timeout]);
      if (result === 'timeout') {
        // The send goes on in the background and keeps its lease; it may still succeed, which is
        // why the client is told to retry with the same event ids rather than that nothing happened.
        sending.catch(() => undefined);
        metrics?.events.inc({ source, outcome: 'timeout' }, events.length);
        return {
          kind: 'unavailable',
          reason: `kafka did not acknowledge within ${this.opts.sendTimeoutMs} ms`,
          events,
        };
      }
      stopTimer?.();
      metrics?.events.inc({ source, outcome: 'accepted' }, events.length);
      return { kind: 'accepted', events };
    } catch (err) {
      metrics?.events.inc({ source, outcome: 'failed' }, events.length);
      return { kind: 'unavailable', reason: (err as Error).message, events };
    } finally {
      clearTimeout(timer);
    }
  }
}
