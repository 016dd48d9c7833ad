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

/** The halves of the last hashPoint(): module state, so comparing needs no BigInt per point. */
let fpHi = 0;
let fpLo = 0;

function hashPoint(p: ThreadPoint): void {
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
  // Last and only when set (reply points of agents' replies): the fingerprint of every other point
  // stays what it was before the column existed (0703), so a deploy rewrites only those points.
  if (p.agent_id !== '') str(p.agent_id);
  fpHi = fmix(h1);
  fpLo = fmix(h2);
}

const joined = (hi: number, lo: number) => (BigInt(hi) << 32n) | BigInt(lo);

/** A stable 64-bit hash of the point's values (not its key): thread_points' UInt64 point_fingerprint. */
export function pointFingerprint(p: ThreadPoint): bigint {
  hashPoint(p);
  return joined(fpHi, fpLo);
}

/**
 * The points of a thread's last write, as thread_facts stores them (points_revision and the
 * point_* arrays, in the same order).
 */
export class PointState {
  /** Key → position, built on first use for threads with many points (a long backlog). */
  private byKey: Map<string, number> | null = null;
  private fingerprints: bigint[] | null = null;

  constructor(
    /** points_revision of the last write; 0 = none yet. */
    readonly revision: number,
    readonly metric: readonly string[],
    readonly t: readonly number[],
    readonly idx: readonly number[],
    /** Each point's fingerprint as its two unsigned 32-bit halves. */
    readonly hi: readonly number[],
    readonly lo: readonly number[],
  ) {}

  static readonly NONE = new PointState(0, [], [], [], [], []);

  /** From thread_facts' point_* columns (fingerprints as UInt64). */
  static of(revision: number, metric: string[], t: number[], idx: number[], fingerprint: bigint[]): PointState {
    const hi = fingerprint.map((f) => Number(f >> 32n));
    const lo = fingerprint.map((f) => Number(f & 0xffff_ffffn));
    return new PointState(revision, metric, t, idx, hi, lo);
  }

  /** point_fingerprint's values (made once per state: thread_facts is written with every batch). */
  get fingerprint(): readonly bigint[] {
    if (!this.fingerprints) {
      this.fingerprints = new Array<bigint>(this.hi.length);
      for (let i = 0; i < this.hi.length; i++) this.fingerprints[i] = joined(this.hi[i]!, this.lo[i]!);
    }
    return this.fingerprints;
  }

  get size(): number {
    return this.metric.length;
  }

  /**
   * Where the point with this key is, or -1. threadPoints lists a thread's points in a fixed order,
   * so the point at the same position usually is the one (`hint`); else a scan, or for many
   * points a lookup by key (no key text built per point otherwise).
   */
  positionOf(metric: string, t: number, idx: number, hint: number): number {
    // No closure for the comparison: tsx (which runs the services) wraps each one in a naming helper call.
    const n = this.metric.length;
    if (hint < n && this.metric[hint] === metric && this.t[hint] === t && this.idx[hint] === idx) return hint;
    if (n <= SCAN_MAX) {
      for (let j = 0; j < n; j++) if (this.metric[j] === metric && this.t[j] === t && this.idx[j] === idx) return j;
      return -1;
    }
    if (!this.byKey) {
      this.byKey = new Map();
      for (let j = 0; j < n; j++)
        this.byKey.set(pointKey({ metric: this.metric[j] as PointMetric, t: this.t[j]!, idx: this.idx[j]! }), j);
    }
    return this.byKey.get(pointKey({ metric: metric as PointMetric, t, idx })) ?? -1;
  }

  /** Estimated heap (approx-bytes.ts conventions): five array slots (two doubles), the bigint made for thread_facts. */
  get bytes(): number {
    return 128 + this.metric.length * (6 * 8 + 2 * 16 + 24);
  }
}

/** Up to this many points a linear scan beats building a key per point. */
const SCAN_MAX = 32;

/** A thread_points row: the point with the write's version. */
export type PointRow = ThreadPoint & { version: number; is_deleted: 0 | 1 };

/**
 * The row of a point, field by field: `{ ...p, version }` builds a dictionary-mode object, which
 * measured 7 us per point, 20 times the cost of computing the point.
 */
function pointRow(p: ThreadPoint, version: number, isDeleted: 0 | 1): PointRow {
  return {
    brand: p.brand,
    metric: p.metric,
    t: p.t,
    platform: p.platform,
    account_id: p.account_id,
    thread_id: p.thread_id,
    idx: p.idx,
    version,
    is_deleted: isDeleted,
    language: p.language,
    priority: p.priority,
    message_id: p.message_id,
    sla_metric: p.sla_metric,
    started_at: p.started_at,
    end_at: p.end_at,
    end_reason: p.end_reason,
    calendar_s: p.calendar_s,
    business_s: p.business_s,
    sla_clock: p.sla_clock,
    sla_target_s: p.sla_target_s,
    deadline_at: p.deadline_at,
    breached: p.breached,
    due_at: p.due_at,
    due_breached: p.due_breached,
    needs_reply: p.needs_reply,
    responded: p.responded,
    handled_by_moderation: p.handled_by_moderation,
    within_sla: p.within_sla,
    recovered: p.recovered,
    sentiment_change: p.sentiment_change,
    agent_id: p.agent_id,
  };
}

export interface PointsWrite {
  /** The thread's points after the write (remember it; thread_facts stores it). */
  state: PointState;
  /** The rows to insert into thread_points: changed or new points, then tombstones. */
  rows: PointRow[];
}

/** The write that takes thread_points from `stored` to `points` (all the thread's points, unique keys). */
export function diffPoints(thread: ThreadKey, points: readonly ThreadPoint[], stored: PointState): PointsWrite {
  const n = points.length;
  const hi = new Array<number>(n);
  const lo = new Array<number>(n);
  const was = new Array<number>(n); // position in `stored`, -1 = new key
  let same = n === stored.size;
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    hashPoint(p);
    hi[i] = fpHi;
    lo[i] = fpLo;
    const j = stored.positionOf(p.metric, p.t, p.idx, i);
    was[i] = j;
    // Same count, unique keys and each one found with its fingerprint: the same set.
    if (j < 0 || stored.hi[j] !== fpHi || stored.lo[j] !== fpLo) same = false;
  }
  if (same) return { state: stored, rows: [] };

  const revision = stored.revision + 1;
  const rows: PointRow[] = [];
  const kept = new Array<boolean>(stored.size).fill(false);
  for (let i = 0; i < n; i++) {
    const j = was[i]!;
    if (j >= 0) kept[j] = true;
    if (j < 0 || stored.hi[j] !== hi[i] || stored.lo[j] !== lo[i]) rows.push(pointRow(points[i]!, revision, 0));
  }
  for (let j = 0; j < stored.size; j++) {
    if (kept[j]) continue;
    // The key is all a tombstone needs; its other columns keep their defaults.
    const gone = base(
      { ...thread, language: '', priority: '' },
      stored.metric[j] as PointMetric,
      stored.t[j]!,
      stored.idx[j]!,
    );
    rows.push(pointRow(gone, revision, 1));
  }
  const metric = new Array<string>(n);
  const t = new Array<number>(n);
  const idx = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    metric[i] = points[i]!.metric;
    t[i] = points[i]!.t;
    idx[i] = points[i]!.idx;
  }
  return { state: new PointState(revision, metric, t, idx, hi, lo), rows };
}
