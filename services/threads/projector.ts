import { LRUCache } from 'lru-cache';
import { approxRecordBytes, ENTRY_BYTES } from '../shared/approx-bytes.ts';
import { insertRowBinary, type ClickHouseClient } from '../shared/clickhouse.ts';
import { BrandpulseError, classify } from '../shared/errors.ts';
import type { EnrichedEvent } from '../shared/events.ts';
import type { Logger } from '../shared/logger.ts';
import { factsFromHistory } from './facts.ts';
import { dedupeEvents } from './messages.ts';
import { diffPoints, PointState } from './point-diff.ts';
import { POINT_STATE_SELECT, pointStateFromRow, type PointStateRow } from './point-rows.ts';
import { threadPoints } from './points.ts';
import { routePointRows, type RoutedRows } from './waiting-points.ts';
import {
  asEpochMs,
  THREAD_EVENT_SELECT,
  threadEventFromRow,
  threadEventRow,
  threadFactsRow,
  type ThreadEventRow,
} from './rows.ts';
import { BrandSettings } from '../domain/brand-settings.ts';
import { threadKeyString, toThreadEvent, type ThreadEvent, type ThreadKey } from './thread-event.ts';

/**
 * Says what the caller may do, like the ClickHouse error it wraps (services/shared/errors.ts): an
 * outage is retried, a row ClickHouse refuses is isolated and dead-lettered, a missing column (code
 * deployed before its migration) stops the sink with the cause.
 */
export class ThreadProjectionError extends BrandpulseError {
  constructor(message: string, options: { cause: unknown }) {
    super(classify(options.cause), message, options);
    this.name = 'ThreadProjectionError';
  }
}

/**
 * Heap each of the sink's two steps may use to remember stored threads (SINK_CACHE_MB is the sum
 * of both), by default: sized by estimated bytes (shared/approx-bytes.ts), not by thread count, as
 * one long thread weighs as much as a thousand short ones. 96 MB each keeps the sink under 512 MB
 * resident at the default batch size (bench:e2e prints its peak).
 */
export const DEFAULT_CACHE_BYTES = 96 * 1024 * 1024;

/** Threads per load query; above it a batch is loaded in chunks (their ids go in the URL, 1 MiB at most). */
const MAX_KEYS_PER_QUERY = 5_000;

/** A remembered thread: its stored events, and the points last written for it (point-diff.ts). */
interface Remembered {
  events: ThreadEvent[];
  points: PointState;
}

/**
 * Keeps response-time facts current as enriched events flow through the sink. For each batch:
 * 1. store the batch's events in thread_events (compact rows, deduplicated by event_id), and at the
 *    same time get the full event set of every thread the batch touches and the points last written
 *    for it: from memory, or in one query each (thread_events, thread_facts) for the threads not
 *    remembered;
 * 2. recompute each thread's facts and points from that set; insert the points that changed (and
 *    tombstones of those that left) into thread_points, the backlog's `waiting` points as signed
 *    rows into waiting_points instead (waiting-points.ts), then the facts, which name the points
 *    written (points_revision, point_*), into thread_facts. In that order, so facts never name
 *    points that were not written; a crash between them replays to the same thread_points rows
 *    (waiting_points: see docs/response-metrics.md for what a differently cut replay can leave).
 * Facts depend only on the set of events, so late, duplicated or reordered events and retried
 * batches all converge on the same rows; inserts carry dedup tokens derived from the sink's
 * partition+offset token, so a retried batch does not even write twice.
 *
 * The remembered event sets are exactly what is stored: a thread lives in one partition, so one sink
 * writes it at a time; they are updated only after the batch was written and dropped by reset()
 * when partitions move. Bounded: least recently used threads are forgotten and read again.
 */
export class ThreadProjector {
  private readonly clickhouse: ClickHouseClient;
  private readonly logger: Logger;
  private readonly settings: BrandSettings;
  /** Stored events of recently touched threads, deduplicated and in time order, with their points. */
  private readonly stored: LRUCache<string, Remembered> | null;

  /** `cacheBytes`: heap the remembered threads may take (estimated); 0 = read every thread each batch. */
  constructor(deps: { clickhouse: ClickHouseClient; logger: Logger; settings?: BrandSettings; cacheBytes?: number }) {
    this.clickhouse = deps.clickhouse;
    this.logger = deps.logger.child({ component: 'thread-projector' });
    this.settings = deps.settings ?? BrandSettings.load();
    const maxSize = deps.cacheBytes ?? DEFAULT_CACHE_BYTES;
    this.stored = maxSize > 0 ? new LRUCache({ maxSize, sizeCalculation: threadBytes }) : null;
  }

  reset(): void {
    this.stored?.clear();
  }

  /** The pure part of project() for one event alone (no I/O): throws what projecting it would throw. */
  check(enriched: EnrichedEvent): void {
    const e = toThreadEvent(enriched);
    const key: ThreadKey = { brand: e.brand, platform: e.platform, account_id: e.account_id, thread_id: e.thread_id };
    const known = this.stored?.get(threadKeyString(e));
    const facts = factsFromHistory(key, dedupeEvents([...(known?.events ?? []), e]), this.settings.forThread(key));
    const { state } = diffPoints(key, threadPoints(facts), known?.points ?? PointState.NONE);
    threadFactsRow(facts, Date.now(), asEpochMs, state);
  }

  async project(batch: EnrichedEvent[], dedupToken: string): Promise<void> {
    const events: ThreadEvent[] = [];
    for (const enriched of batch) {
      try {
        events.push(toThreadEvent(enriched));
      } catch (err) {
        // The sink validated the event; an unknown payload here is a contract bug, not a reason to stall the partition.
        this.logger.error({ err, event_id: enriched.event?.event_id }, 'event skipped by thread projection');
      }
    }
    if (events.length === 0) return;

    const keys = new Map<string, ThreadKey>();
    const fresh = new Map<string, ThreadEvent[]>();
    for (const e of events) {
      const k = threadKeyString(e);
      keys.set(k, { brand: e.brand, platform: e.platform, account_id: e.account_id, thread_id: e.thread_id });
      const list = fresh.get(k);
      if (list) list.push(e);
      else fresh.set(k, [e]);
    }
    const remembered = new Map<string, Remembered>();
    const missing: ThreadKey[] = [];
    for (const [k, key] of keys) {
      const known = this.stored?.get(k);
      if (known) remembered.set(k, known);
      else missing.push(key);
    }
    // The batch's events are stored while the threads not remembered are read: the read may or may
    // not see them, and either way they are merged in from `fresh` (the set is the same).
    const none = Promise.resolve(new Map());
    const [stored, read, marks] = await Promise.allSettled([
      this.insert(
        'thread_events',
        events.map((e) => threadEventRow(e, asEpochMs)),
        `${dedupToken}:thread_events`,
      ),
      missing.length > 0 ? this.loadThreads(missing) : (none as Promise<Map<string, ThreadEvent[]>>),
      missing.length > 0 ? this.loadPoints(missing) : (none as Promise<Map<string, PointState>>),
    ]);
    if (stored.status === 'rejected') throw stored.reason;
    if (read.status === 'rejected') throw read.reason;
    if (marks.status === 'rejected') throw marks.reason;
    const loaded = read.value;
    const loadedPoints = marks.value;

    const computedAt = Date.now();
    const next = new Map<string, Remembered>();
    const routed: RoutedRows = { points: [], waiting: [] };
    const rows = [...keys.entries()].map(([k, key]) => {
      const known = remembered.get(k);
      const threadEvents = dedupeEvents(
        known ? [...known.events, ...fresh.get(k)!] : [...(loaded.get(k) ?? []), ...fresh.get(k)!],
      );
      const facts = factsFromHistory(key, threadEvents, this.settings.forThread(key));
      const before = known?.points ?? loadedPoints.get(k) ?? PointState.NONE;
      const write = diffPoints(key, threadPoints(facts), before);
      if (write.rows.length > 0) routePointRows(write.rows, before, routed);
      next.set(k, { events: threadEvents, points: write.state });
      return threadFactsRow(facts, computedAt, asEpochMs, write.state);
    });
    // Both points tables before the facts (side by side: neither depends on the other). A retry of
    // the batch repeats the tokens, so a signed row is never written twice by it.
    const points = await Promise.allSettled([
      routed.points.length > 0 ? this.insert('thread_points', routed.points, `${dedupToken}:thread_points`) : null,
      routed.waiting.length > 0 ? this.insert('waiting_points', routed.waiting, `${dedupToken}:waiting_points`) : null,
    ]);
    for (const p of points) if (p.status === 'rejected') throw p.reason;
    await this.insert('thread_facts', rows, `${dedupToken}:thread_facts`);
    if (this.stored) for (const [k, entry] of next) this.stored.set(k, entry);
    this.logger.debug(
      {
        events: events.length,
        threads: rows.length,
        points: routed.points.length,
        waiting: routed.waiting.length,
        loaded: missing.length,
      },
      'thread facts projected',
    );
  }

  /** Every stored event of the given threads, grouped by thread key. */
  async loadThreads(keys: ThreadKey[]): Promise<Map<string, ThreadEvent[]>> {
    const wanted = new Set(keys.map(threadKeyString));
    const out = new Map<string, ThreadEvent[]>();
    for (let i = 0; i < keys.length; i += MAX_KEYS_PER_QUERY) {
      const chunk = keys.slice(i, i + MAX_KEYS_PER_QUERY);
      let rows: ThreadEventRow[];
      try {
        // Bound parameters on the sort key's brand and thread_id (the exact thread is picked below):
        // a literal list of (brand, platform, account, thread) tuples made ClickHouse parse the
        // whole list as SQL, which took twice as long as the read itself.
        const result = await this.clickhouse.query({
          query: `SELECT ${THREAD_EVENT_SELECT} FROM thread_events
                  PREWHERE brand IN {brands:Array(String)} AND thread_id IN {threads:Array(String)}`,
          query_params: {
            brands: [...new Set(chunk.map((k) => k.brand))],
            threads: [...new Set(chunk.map((k) => k.thread_id))],
          },
          format: 'JSONEachRow',
        });
        rows = await result.json<ThreadEventRow>();
      } catch (err) {
        throw new ThreadProjectionError(`loading thread events failed: ${(err as Error).message}`, { cause: err });
      }
      for (const r of rows) {
        const e = threadEventFromRow(r);
        const k = threadKeyString(e);
        if (!wanted.has(k)) continue; // same brand and thread id, other platform or account
        const list = out.get(k);
        if (list) list.push(e);
        else out.set(k, [e]);
      }
    }
    return out;
  }

  /** The points last written for the given threads (thread_facts FINAL), for those that have a row. */
  async loadPoints(keys: ThreadKey[]): Promise<Map<string, PointState>> {
    const wanted = new Set(keys.map(threadKeyString));
    const out = new Map<string, PointState>();
    for (let i = 0; i < keys.length; i += MAX_KEYS_PER_QUERY) {
      const chunk = keys.slice(i, i + MAX_KEYS_PER_QUERY);
      let rows: PointStateRow[];
      try {
        // As loadThreads: brand and thread_id narrow the read (FINAL merges only the granules they
        // select: every version of a row has the same sort key), the exact thread is picked below.
        const result = await this.clickhouse.query({
          query: `SELECT ${POINT_STATE_SELECT} FROM thread_facts FINAL
                  PREWHERE brand IN {brands:Array(String)} AND thread_id IN {threads:Array(String)}`,
          query_params: {
            brands: [...new Set(chunk.map((k) => k.brand))],
            threads: [...new Set(chunk.map((k) => k.thread_id))],
          },
          format: 'JSONEachRow',
        });
        rows = await result.json<PointStateRow>();
      } catch (err) {
        throw new ThreadProjectionError(`loading thread points failed: ${(err as Error).message}`, { cause: err });
      }
      for (const r of rows) {
        const k = threadKeyString(r);
        if (wanted.has(k)) out.set(k, pointStateFromRow(r));
      }
    }
    return out;
  }

  /** Rows are objects with one key per column (every row of a table the same keys). */
  private async insert(table: string, values: object[], token: string): Promise<void> {
    try {
      await insertRowBinary(this.clickhouse, table, values as Array<Record<string, unknown>>, {
        insert_deduplicate: 1,
        insert_deduplication_token: token,
      });
    } catch (err) {
      throw new ThreadProjectionError(`insert into ${table} failed: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** Estimated heap of one remembered thread (its events in order, its points); at least 1 for the cache. */
function threadBytes(entry: Remembered, key: string): number {
  let n = 64 + 2 * key.length + entry.points.bytes;
  for (const e of entry.events) n += ENTRY_BYTES + approxRecordBytes(e);
  return Math.max(1, n);
}
