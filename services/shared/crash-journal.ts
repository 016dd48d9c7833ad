import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from './logger.ts';
import { withRetry } from './retry.ts';
import { GROUP_SESSION_TIMEOUT_MS } from './kafka.ts';

/** Where a record lives: enough to find it again after a restart. */
export interface RecordCoordinates {
  topic: string;
  partition: number;
  offset: string;
}

/** A stage crashed (a programmer error) while these records were being processed. */
export class RecordCrash extends Error {
  readonly records: readonly RecordCoordinates[];

  constructor(
    records: readonly RecordCoordinates[],
    readonly error: unknown,
  ) {
    super(
      `${(error as Error)?.name ?? 'Error'} while processing ${records.length} record(s): ${(error as Error)?.message ?? String(error)}`,
      { cause: error },
    );
    // Coordinates only: the records' bytes stay out of the logs.
    this.records = records.map(({ topic, partition, offset }) => ({ topic, partition, offset }));
    this.name = 'RecordCrash';
  }
}

/** Crashes after which a record is quarantined to the dead-letter topic instead of processed again. */
export const QUARANTINE_AFTER_CRASHES = 3;

interface Entry {
  crashes: number;
  error: string;
}

/**
 * The crash journal: how many times a record crashed a consumer group, kept on a compacted Kafka
 * topic so it survives the crash it records. A programmer error must never be retried in place
 * (it would loop the partition), so the process records the crash and exits without committing;
 * the restarted process reads the journal first and, once a record has crashed the stage
 * QUARANTINE_AFTER_CRASHES times, dead-letters it instead of processing it. A bug therefore costs at
 * most three restarts per record, never a stuck partition.
 *
 * Keys are `<group>|<topic>|<partition>|<offset>`; a quarantined record's key is tombstoned.
 */
export class CrashJournal {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly deps: { kafka: Kafka; logger: Logger; topic: string; groupId: string }) {}

  private key(c: RecordCoordinates): string {
    return `${this.deps.groupId}|${c.topic}|${c.partition}|${c.offset}`;
  }

  /** Reads the whole journal (it is small: compacted, and only records in trouble have entries). */
  async load(): Promise<void> {
    const { kafka, topic, groupId } = this.deps;
    const admin = kafka.admin();
    await admin.connect();
    let ends: Map<number, bigint>;
    try {
      // Right after the topic was created its leader may not be known yet: a dependency error, retried.
      ends = new Map(
        (
          await withRetry(() => admin.fetchTopicOffsets(topic), {
            onRetry: (err) =>
              this.deps.logger.warn({ err: (err as Error).message }, 'crash journal: Kafka not ready, retrying'),
          })
        )
          .filter((p) => BigInt(p.high) > BigInt(p.low))
          .map((p) => [p.partition, BigInt(p.high)]),
      );
    } finally {
      await admin.disconnect();
    }
    if (ends.size === 0) return;
    // A group that never commits: every start reads the journal from its beginning.
    const consumer = kafka.consumer({
      sessionTimeout: GROUP_SESSION_TIMEOUT_MS,
      groupId: `${groupId}.crash-journal`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 200,
    });
    const prefix = `${groupId}|`;
    const remaining = new Set(ends.keys());
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`crash journal ${topic} not read within 60 s`)), 60_000);
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              for (const m of batch.messages) {
                const key = m.key?.toString() ?? '';
                if (key.startsWith(prefix)) {
                  if (!m.value) this.entries.delete(key);
                  else {
                    try {
                      const v = JSON.parse(m.value.toString()) as Partial<Entry>;
                      if (typeof v.crashes === 'number')
                        this.entries.set(key, { crashes: v.crashes, error: String(v.error ?? '') });
                    } catch {
                      // Not ours to judge: a hand-written or foreign entry is skipped.
                    }
                  }
                }
                if (BigInt(m.offset) + 1n >= ends.get(batch.partition)!) remaining.delete(batch.partition);
              }
              // Control records of transactions and compaction gaps leave no message at the end.
              if (BigInt(batch.highWatermark) <= BigInt(batch.lastOffset()) + 1n) remaining.delete(batch.partition);
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
    if (this.entries.size > 0)
      this.deps.logger.warn({ records: this.entries.size }, 'crash journal: records that crashed this stage before');
  }

  crashes(c: RecordCoordinates): number {
    return this.entries.get(this.key(c))?.crashes ?? 0;
  }

  /** The error the record last crashed with. */
  lastError(c: RecordCoordinates): string {
    return this.entries.get(this.key(c))?.error ?? '';
  }

  shouldQuarantine(c: RecordCoordinates): boolean {
    return this.crashes(c) >= QUARANTINE_AFTER_CRASHES;
  }

  /** Counts one more crash for each record (acks=all) before the process exits. */
  async recordCrash(producer: Producer, records: readonly RecordCoordinates[], err: unknown): Promise<void> {
    const error = `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`.slice(0, 500);
    const messages = records.map((c) => {
      const key = this.key(c);
      const entry = { crashes: (this.entries.get(key)?.crashes ?? 0) + 1, error };
      this.entries.set(key, entry);
      return { key, value: JSON.stringify({ ...entry, group: this.deps.groupId, ...c, at: new Date().toISOString() }) };
    });
    if (messages.length > 0) await producer.send({ topic: this.deps.topic, acks: -1, messages });
  }

  /**
   * Tombstones the entries of records the group has committed past: they will not be read again by
   * this group, so the journal stays as small as the trouble still ahead. Called after load().
   */
  async prune(producer: Producer, committed: ReadonlyMap<string, bigint>): Promise<number> {
    const stale: string[] = [];
    for (const key of this.entries.keys()) {
      // From the right: a group id may hold '|', a topic name may not.
      const parts = key.split('|');
      const offset = parts.pop()!;
      const partition = parts.pop()!;
      const topic = parts.pop()!;
      const next = committed.get(`${topic}|${partition}`);
      if (next !== undefined && BigInt(offset) < next) stale.push(key);
    }
    if (stale.length === 0) return 0;
    await producer.send({ topic: this.deps.topic, acks: -1, messages: stale.map((key) => ({ key, value: null })) });
    for (const k of stale) this.entries.delete(k);
    return stale.length;
  }
}

/** The group's committed offsets on a topic, as `<topic>|<partition>` -> next offset to read. */
export async function committedOffsets(kafka: Kafka, groupId: string, topic: string): Promise<Map<string, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out = new Map<string, bigint>();
    for (const t of await withRetry(() => admin.fetchOffsets({ groupId, topics: [topic] }))) {
      for (const p of t.partitions) if (/^\d+$/.test(p.offset)) out.set(`${t.topic}|${p.partition}`, BigInt(p.offset));
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}
