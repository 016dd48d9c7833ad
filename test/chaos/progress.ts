/**
 * Partition progress, from samples of a consumer group's committed offset and the partition's end
 * offset taken every second (pure: the sampler lives in monitor.ts). A partition makes progress when
 * its committed offset moves, or has nothing to do when it has no lag; a stall is the time between
 * two such moments while it had lag and its committed offset stood still. Faults explain stalls
 * while they last and a little after; what is left after the last fault ended is "blocked".
 */
export interface OffsetSample {
  /** ms since epoch */
  t: number;
  /** `group|topic|partition` */
  key: string;
  committed: bigint;
  end: bigint;
}

export interface Stall {
  key: string;
  /** Last moment the partition was fine (progress or no lag). */
  from: number;
  /** First moment it was fine again, or the end of the observation (open). */
  to: number;
  open: boolean;
}

export interface FaultWindow {
  kind: string;
  label: string;
  start: number;
  end: number;
  /** Consumer groups it can hold up (a name also covers `name.<suffix>` groups); undefined = every group. */
  groups?: readonly string[];
}

export function sampleKey(group: string, topic: string, partition: number): string {
  return `${group}|${topic}|${partition}`;
}

export function groupOf(key: string): string {
  return key.slice(0, key.indexOf('|'));
}

interface PartitionState {
  committed: bigint;
  okAt: number;
  stuckSince: number | null;
}

export class ProgressTracker {
  private readonly partitions = new Map<string, PartitionState>();
  private readonly closed: Stall[] = [];
  readonly history = new Map<string, OffsetSample[]>();
  private lastT = 0;

  observe(s: OffsetSample): void {
    this.lastT = Math.max(this.lastT, s.t);
    let list = this.history.get(s.key);
    if (!list) this.history.set(s.key, (list = []));
    list.push(s);
    const state = this.partitions.get(s.key);
    if (!state) {
      // A first sight says nothing about progress yet: it is the baseline.
      this.partitions.set(s.key, { committed: s.committed, okAt: s.t, stuckSince: null });
      return;
    }
    const fine = s.end <= s.committed || s.committed !== state.committed;
    if (fine) {
      if (state.stuckSince !== null) this.closed.push({ key: s.key, from: state.okAt, to: s.t, open: false });
      state.okAt = s.t;
      state.stuckSince = null;
    } else if (state.stuckSince === null) {
      state.stuckSince = s.t;
    }
    state.committed = s.committed;
  }

  /** Every stall so far; the ones still going are open and end at `now`. */
  stalls(now = this.lastT): Stall[] {
    const open: Stall[] = [];
    for (const [key, st] of this.partitions)
      if (st.stuckSince !== null) open.push({ key, from: st.okAt, to: now, open: true });
    return [...this.closed, ...open];
  }

  /** Partitions with lag in the latest sample of each. */
  lagging(): string[] {
    const out: string[] = [];
    for (const [key, list] of this.history) {
      const last = list[list.length - 1]!;
      if (last.end > last.committed) out.push(key);
    }
    return out;
  }
}

function concerns(f: FaultWindow, key: string): boolean {
  const group = groupOf(key);
  return f.groups === undefined || f.groups.some((g) => group === g || group.startsWith(`${g}.`));
}

/**
 * How long a stall lasted after the last fault that could explain it had ended: 0 when a fault
 * covered it to the end. Faults that started after the stall ended explain nothing.
 */
export function blockedAfterFaults(stall: Stall, faults: readonly FaultWindow[]): number {
  let explainedUntil = -Infinity;
  for (const f of faults)
    if (f.start <= stall.to && concerns(f, stall.key)) explainedUntil = Math.max(explainedUntil, f.end);
  if (explainedUntil >= stall.to) return 0;
  return stall.to - Math.max(stall.from, explainedUntil);
}

/**
 * Time from a fault's end until every partition it concerns had moved on: its committed offset
 * passed the one of the first sample after the fault (a commit made just before a kill is not
 * recovery), or it had no lag. Null when some partition never did.
 */
export function recoveryMs(fault: FaultWindow, history: ReadonlyMap<string, readonly OffsetSample[]>): number | null {
  let worst = 0;
  for (const [key, samples] of history) {
    if (!concerns(fault, key)) continue;
    const after = samples.filter((s) => s.t >= fault.end);
    // Never sampled after the fault: nothing to say about this partition.
    if (after.length === 0) continue;
    const base = after[0]!.committed;
    const moved = after.find((s) => s.end <= s.committed || s.committed > base);
    if (!moved) return null;
    worst = Math.max(worst, moved.t - fault.end);
  }
  return worst;
}

/** When the group's committed offset on a partition first passed `offset` (a poison record), or null. */
export function passedAt(
  history: ReadonlyMap<string, readonly OffsetSample[]>,
  key: string,
  offset: bigint,
  after = 0,
): number | null {
  for (const s of history.get(key) ?? []) if (s.t >= after && s.committed > offset) return s.t;
  return null;
}
