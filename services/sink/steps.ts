import { LRUCache } from 'lru-cache';
import { DEFAULT_CACHE_BYTES } from '../threads/projector.ts';
import { approxRecordBytes, ENTRY_BYTES } from '../shared/approx-bytes.ts';
import type { EnrichedEvent } from '../shared/events.ts';
import { insertRowBinary, type ClickHouseClient } from '../shared/clickhouse.ts';
import {
  buildRows,
  dedupToken,
  messageIdentity,
  stateFromRow,
  stateSelectList,
  type Accepted,
  type OffsetRange,
} from './batch.ts';
import { messageKey, type MessageState } from './message-state.ts';
import { noObserver, type PipelineObserver } from '../shared/observe.ts';

/** One flush of the sink: the decoded events and the offset ranges they came from (dead letters went to their topic before). */
export interface BatchContext {
  accepted: Accepted[];
  ranges: OffsetRange[];
  /** Names the subset of the batch being written while a bad record is isolated (isolate.ts); '' = the whole batch. Part of every dedup token. */
  part?: string;
}

/** The dedup token of one table's insert for this batch (or subset of it). */
export function batchToken(ctx: BatchContext, table: string): string {
  return dedupToken(ctx.ranges, table) + (ctx.part ?? '');
}

/**
 * A step the sink runs for every batch, after dead letters were sent and before offsets are
 * committed. The steps of a batch run side by side (runConcurrently below), so a step must not
 * depend on another's writes. Steps must be idempotent: after a crash or a failed sibling the same
 * events come again (possibly cut into different batches).
 */
export interface BatchStep {
  readonly name: string;
  run(ctx: BatchContext): Promise<void>;
  /** Forget what the step remembers of stored data (the sink calls it when partitions move). */
  reset?(): void;
  /**
   * The step's pure per-record work for one record alone, without I/O: throws what the step would
   * throw on it. After a programmer error the sink runs it on every record of the batch to find the
   * record(s) at fault (services/shared/crash-journal.ts).
   */
  check?(record: Accepted): void;
}

/**
 * Runs the batch's steps side by side: they write different tables and each is idempotent, so
 * their order does not matter, and while ClickHouse works on one step's insert the sink builds the
 * other's rows (the sink's CPU and the engine's overlap instead of taking turns). Waits for every
 * step to settle before failing, so a retry never runs alongside a step still in flight.
 */
export async function runConcurrently(steps: readonly BatchStep[], ctx: BatchContext): Promise<void> {
  await settleAll(steps.map((step) => step.run(ctx)));
}

/** Waits for every promise to settle, then throws the first failure (nothing is left in flight behind a retry). */
export async function settleAll(work: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Writes events, moderation actions and message states (-> sentiment MV). Dead letters reach their
 * table through the dead-letter topic (DeadLetterRecorder), whichever stage rejected them.
 *
 * Every batch needs the stored state of each message it touches. They are read from ClickHouse once
 * per conversation (brand + thread_id) and then kept in memory, updated with what this step writes:
 * a thread is written by one sink at a time (events are keyed by thread_id, so a thread lives in one
 * partition), so the copy stays exact until partitions move, when the sink calls reset(). The cache
 * is bounded (least recently used conversations go first); a conversation not in it is read again.
 */
export class ClickHouseWriter implements BatchStep {
  readonly name = 'clickhouse';
  /** Per conversation: every stored message state of it, by message key. */
  private readonly stored: LRUCache<string, Map<string, MessageState>> | null;

  private readonly observer: PipelineObserver;

  /** `cacheBytes`: heap the remembered conversations may take (estimated, approx-bytes.ts); 0 = remember none. */
  constructor(
    private readonly clickhouse: ClickHouseClient,
    options: { cacheBytes?: number; observer?: PipelineObserver } = {},
  ) {
    const maxSize = options.cacheBytes ?? DEFAULT_CACHE_BYTES;
    this.stored = maxSize > 0 ? new LRUCache({ maxSize, sizeCalculation: conversationBytes }) : null;
    this.observer = options.observer ?? noObserver;
  }

  check(record: Accepted): void {
    const id = messageIdentity(record.event);
    const prior = new Map<string, MessageState>();
    const known = id ? this.conversation(id.brand, id.thread_id)?.get(id.key) : undefined;
    if (id && known) prior.set(id.key, known);
    buildRows([record], prior);
  }

  reset(): void {
    this.stored?.clear();
  }

  async run(ctx: BatchContext): Promise<void> {
    const prior = await this.readStates(ctx.accepted);
    const rows = buildRows(ctx.accepted, prior);
    const insert = async (table: string, values: Record<string, unknown>[]) => {
      await insertRowBinary(this.clickhouse, table, values, { insert_deduplication_token: batchToken(ctx, table) });
      this.observer.rowsWritten(table, values.length);
    };
    // Side by side: one encodes while the engine reads the other.
    await settleAll([insert('events', rows.events), insert('moderation_actions', rows.moderation)]);
    // Last, so a record ClickHouse refuses in the tables above never reaches the analysts' views. Its
    // rows carry the retracted contributions, so they must be written exactly once per state change
    // (the token covers a retry of this same insert; a replay after a crash finds the states
    // already stored and writes nothing).
    await insert('messages', rows.messages);
    // Only now are the new states stored: remember them (a failed batch leaves the cache as it was).
    if (this.stored) {
      const touched = new Set<string>();
      for (const [key, state] of rows.states) {
        const k = conversationKey(state.brand, state.thread_id);
        const states = this.stored.get(k);
        if (!states) continue;
        states.set(key, state);
        touched.add(k);
      }
      // Set again so the cache measures the conversations' new size (and evicts if over).
      for (const k of touched) this.stored.set(k, this.stored.get(k));
    }
  }

  /** Stored states of the messages a batch touches: from memory, the rest in one query. */
  async readStates(batch: Accepted[]): Promise<Map<string, MessageState>> {
    const keys = new Map<string, [string, string, string]>();
    for (const a of batch) {
      const id = messageIdentity(a.event);
      if (id) keys.set(id.key, [id.brand, id.thread_id, id.message_id]);
    }
    const out = new Map<string, MessageState>();
    const missing = new Map<string, [string, string]>();
    for (const [key, [brand, thread]] of keys) {
      const known = this.conversation(brand, thread);
      if (!known) missing.set(conversationKey(brand, thread), [brand, thread]);
      else {
        const s = known.get(key);
        if (s) out.set(key, s);
      }
    }
    if (missing.size === 0) return out;
    const loaded = new Map<string, Map<string, MessageState>>();
    for (const k of missing.keys()) loaded.set(k, new Map());
    // Filter on the sort key prefix (brand, thread_id) in SQL and on the exact conversation here.
    const result = await this.clickhouse.query({
      // PREWHERE: FINAL keeps ClickHouse from moving the key filter there itself, and without it every
      // column of every granule is read before the filter (measured ~1.5x slower on bench tables).
      query: `SELECT ${stateSelectList()} FROM messages FINAL
              PREWHERE brand IN {brands:Array(String)} AND thread_id IN {threads:Array(String)}`,
      query_params: {
        brands: [...new Set([...missing.values()].map((k) => k[0]))],
        threads: [...new Set([...missing.values()].map((k) => k[1]))],
      },
      format: 'JSONEachRow',
    });
    for (const row of await result.json<Record<string, unknown>>()) {
      const s = stateFromRow(row);
      const states = loaded.get(conversationKey(s.brand, s.thread_id));
      if (!states) continue;
      const key = messageKey(s.brand, s.thread_id, s.message_id);
      states.set(key, s);
      if (keys.has(key)) out.set(key, s);
    }
    for (const [k, states] of loaded) this.stored?.set(k, states);
    return out;
  }

  private conversation(brand: string, thread: string): Map<string, MessageState> | undefined {
    return this.stored?.get(conversationKey(brand, thread));
  }
}

const conversationKey = (brand: string, thread: string) => `${brand}\u0000${thread}`;

/** Estimated heap of one remembered conversation (its message states, by key); at least 1 for the cache. */
function conversationBytes(states: Map<string, MessageState>, key: string): number {
  let n = 64 + 2 * key.length;
  for (const [k, s] of states) n += ENTRY_BYTES + 2 * k.length + approxRecordBytes(s);
  return Math.max(1, n);
}

/** What the sink needs of the threads engineer's ThreadProjector (services/threads/projector.ts). */
export interface Projector {
  project(batch: EnrichedEvent[], dedupToken: string): Promise<void>;
  reset?(): void;
  /** Projects one event alone without I/O, throwing what project() would throw on it. */
  check?(event: EnrichedEvent): void;
}

/** Runs the thread projector on the batch's events, with a token derived from the offset ranges. */
export class ProjectorStep implements BatchStep {
  readonly name = 'threads';
  constructor(private readonly projector: Projector) {}

  reset(): void {
    this.projector.reset?.();
  }

  check(record: Accepted): void {
    this.projector.check?.(record.event);
  }

  async run(ctx: BatchContext): Promise<void> {
    if (ctx.accepted.length === 0) return;
    await this.projector.project(
      ctx.accepted.map((a) => a.event),
      batchToken(ctx, 'threads'),
    );
  }
}
