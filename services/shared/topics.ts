/**
 * The topic catalogue: every Kafka topic brandpulse uses, in one place, with its partitions,
 * replication and retention. Names carry an optional prefix (KAFKA_TOPIC_PREFIX) so that test runs
 * and side-by-side environments can share one cluster without colliding.
 */
export interface TopicSpec {
  /** Logical name, used in code. */
  readonly key: TopicKey;
  /** Name on the cluster, before the prefix. */
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: Readonly<Record<string, string>>;
  readonly description: string;
}

export type TopicKey =
  | 'conversationEvents'
  | 'enrichedEvents'
  | 'deadLetters'
  | 'alerts'
  | 'recordCrashes'
  | 'authorKeys'
  | 'authorErasures';

const DAY_MS = 24 * 60 * 60 * 1000;

const catalogue: readonly TopicSpec[] = [
  {
    key: 'conversationEvents',
    name: 'brandpulse.conversation-events.v1',
    partitions: 6,
    replicationFactor: 1,
    // The raw log is the source of truth: everything downstream is rebuilt by replaying it,
    // so it is kept forever (retention by time and size both off).
    config: { 'retention.ms': '-1', 'retention.bytes': '-1', 'cleanup.policy': 'delete', 'min.insync.replicas': '1' },
    description: 'Every comment, reply, private message, edit, delete and moderation action (Avro, keyed by thread).',
  },
  {
    key: 'enrichedEvents',
    name: 'brandpulse.enriched-events.v1',
    partitions: 6,
    replicationFactor: 1,
    // Derived data: can be regenerated from the raw log, so a bounded retention is enough.
    config: { 'retention.ms': String(30 * DAY_MS), 'cleanup.policy': 'delete' },
    description: 'Conversation events with language, sentiment and intent (Avro, keyed by thread).',
  },
  {
    key: 'deadLetters',
    name: 'brandpulse.dead-letters.v1',
    partitions: 1,
    replicationFactor: 1,
    config: { 'retention.ms': String(90 * DAY_MS), 'cleanup.policy': 'delete' },
    description: 'Records that could not be decoded or processed, with the reason and the original bytes.',
  },
  {
    key: 'alerts',
    name: 'brandpulse.alerts.v1',
    partitions: 1,
    replicationFactor: 1,
    config: { 'retention.ms': String(365 * DAY_MS), 'cleanup.policy': 'delete' },
    description: 'Negative-sentiment spike alerts: start and end events (Avro, keyed by brand).',
  },
  {
    key: 'recordCrashes',
    name: 'brandpulse.record-crashes.v1',
    partitions: 1,
    replicationFactor: 1,
    // One entry per record that crashed a stage (latest count per key), tombstoned once the record
    // is quarantined: compaction keeps it as small as the number of records in trouble.
    config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0', 'segment.ms': String(DAY_MS) },
    description:
      'Crash journal: how often a record crashed a processor (JSON, keyed by group/topic/partition/offset); 3 crashes quarantine it.',
  },
  {
    key: 'authorKeys',
    name: 'brandpulse.author-keys.v1',
    partitions: 1,
    replicationFactor: 1,
    // Crypto-shredding (docs/security.md, "Erasure"): the per-author data keys, wrapped with the master
    // key, and the erasure markers. Compacted, so a tombstoned key leaves the log; but Kafka compacts
    // only closed segments, so segments roll hourly and a tombstone is dropped after an hour: a deleted
    // key is physically gone from the broker's disk within about segment.ms + delete.retention.ms +
    // the cleaner's lag (~2-3 h), not at once. One partition: every stage reads it whole, in order.
    config: {
      'cleanup.policy': 'compact',
      'min.compaction.lag.ms': '0',
      'segment.ms': String(60 * 60 * 1000),
      'delete.retention.ms': String(60 * 60 * 1000),
      'min.cleanable.dirty.ratio': '0.01',
      'min.insync.replicas': '1',
    },
    description:
      'Per-author data keys (wrapped) and erasure markers (JSON, keyed by key/<author ref>/<key id> and erased/<author ref>).',
  },
  {
    key: 'authorErasures',
    name: 'brandpulse.author-erasures.v1',
    partitions: 1,
    replicationFactor: 1,
    // The erasure log: who asked to erase which author ref, when, and when it was applied. Compacted by
    // request id: the "done" record replaces the request, which carried the pseudonym (sealed with the
    // master key) the sink needed to find the ClickHouse rows.
    config: {
      'cleanup.policy': 'compact',
      'min.compaction.lag.ms': '0',
      'segment.ms': String(60 * 60 * 1000),
      'min.insync.replicas': '1',
    },
    description:
      'Erasure requests and their completion (JSON, keyed by request id): brand, author ref, requested_by, requested_at, done_at.',
  },
];

/** Replicas per partition on a cluster of 3 brokers or more: one broker can be lost, then another. */
export const CLUSTER_REPLICATION = 3;
/**
 * In-sync replicas an acks=all write needs on such a cluster: with 3 replicas, a write survives the
 * loss of any one broker, and while one broker is down writes still succeed on the other two; with a
 * second one down the producers get NOT_ENOUGH_REPLICAS and the API answers 503 rather than accept
 * what only one disk holds.
 */
export const CLUSTER_MIN_INSYNC = 2;

/**
 * A topic's spec sized for a cluster of `brokers` brokers (the catalogue above is written for one):
 * replication min(3, brokers) and, from 3 brokers on, min.insync.replicas=2 on every topic. Below 3
 * brokers min.insync.replicas stays 1: with 2 replicas, 2 in sync would stop writes on any broker loss.
 */
export function sizedFor(spec: TopicSpec, brokers: number): TopicSpec {
  if (brokers <= 1) return spec;
  const replicationFactor = Math.min(CLUSTER_REPLICATION, brokers);
  const minInsync = brokers >= CLUSTER_REPLICATION ? CLUSTER_MIN_INSYNC : 1;
  return { ...spec, replicationFactor, config: { ...spec.config, 'min.insync.replicas': String(minInsync) } };
}

export class Topics {
  constructor(readonly prefix = '') {}

  get all(): readonly TopicSpec[] {
    return catalogue;
  }

  spec(key: TopicKey): TopicSpec {
    const spec = catalogue.find((t) => t.key === key);
    if (!spec) throw new Error(`unknown topic key ${key}`);
    return spec;
  }

  /** The name on the cluster, prefix included. */
  name(key: TopicKey): string {
    return `${this.prefix}${this.spec(key).name}`;
  }
}
