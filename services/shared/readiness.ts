import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import type { ClickHouseClient } from './clickhouse.ts';
import type { LazyAdmin } from './consumer-lag.ts';

/** A readiness check: resolves when the thing it checks is fine, throws (with why) when not. */
export type ReadinessCheck = () => Promise<void> | void;

type ConsumerState = 'connecting' | 'joined' | 'rebalancing' | 'crashed' | 'stopped';

/**
 * Follows every consumer group member a service creates through kafkajs' instrumentation events:
 * ready once it joined its group, not ready while it rebalances, after a crash (until kafkajs has
 * restarted it and it joined again) and once it stops or disconnects.
 */
export class ConsumerWatch {
  private readonly states = new Map<Consumer, { group: string; state: ConsumerState; why?: string }>();

  /**
   * The same client, except that every consumer it creates is watched. The processors create their
   * consumers inside start(); handing them this client is how a service watches them without the
   * processors knowing about health at all.
   */
  wrap(kafka: Kafka): Kafka {
    const watched = Object.create(kafka) as Kafka;
    watched.consumer = (config: ConsumerConfig) => this.watch(kafka.consumer(config), config.groupId);
    return watched;
  }

  watch(consumer: Consumer, group: string): Consumer {
    const entry: { group: string; state: ConsumerState; why?: string } = { group, state: 'connecting' };
    this.states.set(consumer, entry);
    const { GROUP_JOIN, REBALANCING, CRASH, STOP, DISCONNECT } = consumer.events;
    consumer.on(GROUP_JOIN, () => ((entry.state = 'joined'), delete entry.why));
    consumer.on(REBALANCING, () => (entry.state = 'rebalancing'));
    consumer.on(CRASH, (e) => ((entry.state = 'crashed'), (entry.why = e.payload.error.message)));
    consumer.on(STOP, () => (entry.state = 'stopped'));
    consumer.on(DISCONNECT, () => (entry.state = 'stopped'));
    return consumer;
  }

  /** Throws naming each group whose consumer is not a joined member (or when none started yet). */
  check(): void {
    if (this.states.size === 0) throw new Error('no consumer started yet');
    const bad = [...this.states.values()].filter((s) => s.state !== 'joined');
    if (bad.length > 0)
      throw new Error(bad.map((s) => `${s.group}: ${s.state}${s.why ? ` (${s.why})` : ''}`).join('; '));
  }
}

/** Kafka answers metadata for the topics the service reads and writes. */
export function kafkaCheck(admin: LazyAdmin, topics: string[]): ReadinessCheck {
  return async () => {
    await (await admin.get()).fetchTopicMetadata({ topics });
  };
}

/** ClickHouse answers a ping. */
export function clickhouseCheck(clickhouse: ClickHouseClient): ReadinessCheck {
  return async () => {
    const r = await clickhouse.ping();
    if (!r.success) throw r.error;
  };
}
