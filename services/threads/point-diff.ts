import { base, type PointMetric, type ThreadPoint } from './point-types.ts';
import type { ThreadKey } from './thread-event.ts';

/**
 * What changes in thread_points when a thread's facts change (pure). The projector remembers, per
 * thread, the key and a fingerprint of every point it last wrote (and thread_facts stores the same,
 * for threads it no longer remembers); a new point set is written as the points whose key is new or
 * whose values changed, plus a tombstone for each key that left, all with the next points_revision
 * as version (ReplacingMergeTree(version, is_deleted) keeps the latest per key, FINAL drops
 * tombstones). Nothing changed: no rows and the same revision, so a replayed batch writes nothing.
 */

/** A point's identity within its thread (the table's sort key after brand and thread). */
export function pointKey(p: Pick<ThreadPoint, 'metric' | 't' | 'idx'>): string {
  return `${p.metric}|${p.t}|${p.idx}`;
}

// Fingerprint: two 32-bit hashes, each of MurmurHash3's word round with its own constants and seed,
// fed the point's values word by word (no text built per point; the sink computes these for every
// point of every touched thread). Numbers go as their float64 bits, null as its own tag, strings
// with their length first, so no two different value lists feed the same words. A collision (odds
// about 2^-64 per changed point; the inputs are not chosen by an adversary: times, durations,
// enums, message ids) would leave that point's previous values in thread_points until it changes
// again; it can never drop or duplicate a point, as keys are compared exactly.
let h1 = 0;
let h2 = 0;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function word(k: number): void {
  let a = Math.imul(k, 0xcc9e2d51);
  a = Math.imul((a << 15) | (a >>> 17), 0x1b873593);
  h1 ^= a;
  h1 = (Math.imul((h1 << 13) | (h1 >>> 19), 5) + 0xe6546b64) | 0;
  let b = Math.imul(k, 0x85ebca77);
  b = Math.imul((b << 13) | (b >>> 19), 0xc2b2ae3d);
  h2 ^= b;
  h2 = (Math.imul((h2 << 17) | (h2 >>> 15), 5) + 0x27d4eb2f) | 0;
}

function num(v: number | null): void {
  if (v === null) return word(0x7ff8_dead); // not the high word of any float64 the points hold (a NaN)
  f64[0] = v;
  word(u32[1]!);
  word(u32[0]!);
}

/** 0 | 1 | null. */
function tri(v: number | null): void {
  word(v === null ? 2 : v);
}

function str(s: string): void {
  const n = s.length;
  word(n);
  // Two UTF-16 units per word; past the end charCodeAt is NaN, which `<<` and `|` turn into 0.
  for (let i = 0; i < n; i += 2) word(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A stable 64-bit hash of the point's values (not its key): thread_points' UInt64 point_fingerprint. */
export function pointFingerprint(p: ThreadPoint): bigint {
  h1 = 0x9747b28c;
  h2 = 0x5bd1e995;
  str(p.language);
  str(p.priority);
  str(p.message_id);
  str(p.sla_metric);
  num(p.started_at);
  num(p.end_at);
  str(p.end_reason);
  num(p.calendar_s);
  num(p.business_s);
  str(p.sla_clock);
  num(p.sla_target_s);
  num(p.deadline_at);
  tri(p.breached);
  num(p.due_at);
  tri(p.due_breached);
  word(p.needs_reply | (p.responded << 1) | (p.handled_by_moderation << 2) | (p.within_sla << 3));
  tri(p.recovered);
  num(p.sentiment_change);
  return (BigInt(fmix(h1)) << 32n) | BigInt(fmix(h2));
}

/**
 * The points of a thread's last write, as thread_facts stores them (points_revision and the
 * point_* arrays, in the same order), with a lookup by key built on first use.
 */
export class PointState {
  private byKey: Map<string, bigint> | null = null;

  constructor(
    /** points_revision of the last write; 0 = none yet. */
    readonly revision: number,
    readonly metric: readonly string[],
    readonly t: readonly number[],
    readonly idx: readonly number[],
    readonly fingerprint: readonly bigint[],
  ) {}

  static readonly NONE = new PointState(0, [], [], [], []);

  get size(): number {
    return this.metric.length;
  }

  fingerprintOf(key: string): bigint | undefined {
    if (!this.byKey) {
      this.byKey = new Map();
      for (let i = 0; i < this.metric.length; i++)
        this.byKey.set(
          pointKey({ metric: this.metric[i] as PointMetric, t: this.t[i]!, idx: this.idx[i]! }),
          this.fingerprint[i]!,
        );
    }
    return this.byKey.get(key);
  }

  /** Estimated heap (approx-bytes.ts conventions): four array slots, a bigint and a lookup entry with its key. */
  get bytes(): number {
    return 96 + this.metric.length * (4 * 8 + 24 + 32 + 16 + 2 * 24);
  }
}

/** A thread_points row: the point with the write's version. */
export type PointRow = ThreadPoint & { version: number; is_deleted: 0 | 1 };

export interface PointsWrite {
  /** The thread's points after the write (remember it; thread_facts stores it). */
  state: PointState;
  /** The rows to insert into thread_points: changed or new points, then tombstones. */
  rows: PointRow[];
}

/** The write that takes thread_points from `stored` to `points` (all the thread's points, unique keys). */
export function diffPoints(thread: ThreadKey, points: readonly ThreadPoint[], stored: PointState): PointsWrite {
  const n = points.length;
  const keys = new Array<string>(n);
  const fps = new Array<bigint>(n);
  let same = n === stored.size;
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    keys[i] = pointKey(p);
    fps[i] = pointFingerprint(p);
    // Same count, unique keys and each one found with its fingerprint: the same set.
    if (same && stored.fingerprintOf(keys[i]!) !== fps[i]) same = false;
  }
  if (same) return { state: stored, rows: [] };

  const revision = stored.revision + 1;
  const rows: PointRow[] = [];
  const present = new Set<string>();
  for (let i = 0; i < n; i++) {
    present.add(keys[i]!);
    if (stored.fingerprintOf(keys[i]!) !== fps[i]) rows.push({ ...points[i]!, version: revision, is_deleted: 0 });
  }
  for (let j = 0; j < stored.size; j++) {
    const metric = stored.metric[j] as PointMetric;
    const t = stored.t[j]!;
    const idx = stored.idx[j]!;
    if (present.has(pointKey({ metric, t, idx }))) continue;
    // The key is all a tombstone needs; its other columns keep their defaults.
    const gone = base({ ...thread, language: '', priority: '' }, metric, t, idx);
    rows.push({ ...gone, version: revision, is_deleted: 1 });
  }
  const state = new PointState(
    revision,
    points.map((p) => p.metric),
    points.map((p) => p.t),
    points.map((p) => p.idx),
    fps,
  );
  return { state, rows };
}
