import type { Observation } from './alert.ts';

/**
 * Per-key counts in fixed event-time slots (stepMs wide) over the recent past, in a ring so that
 * summing a window is a few array reads. A slot position is reused once its slot is too old for
 * any window still to be evaluated.
 */
export interface SlotRingState {
  tags: number[];
  total: number[];
  neg: number[];
}

export class SlotRing {
  readonly s: SlotRingState;

  constructor(
    readonly size: number,
    state?: SlotRingState,
  ) {
    this.s = state ?? {
      tags: new Array<number>(size).fill(-1),
      total: new Array<number>(size).fill(0),
      neg: new Array<number>(size).fill(0),
    };
  }

  add(slot: number, negative: boolean): void {
    const i = ((slot % this.size) + this.size) % this.size;
    if (this.s.tags[i] !== slot) {
      this.s.tags[i] = slot;
      this.s.total[i] = 0;
      this.s.neg[i] = 0;
    }
    this.s.total[i]!++;
    if (negative) this.s.neg[i]!++;
  }

  negAt(slot: number): number {
    const i = ((slot % this.size) + this.size) % this.size;
    return this.s.tags[i] === slot ? this.s.neg[i]! : 0;
  }

  /** Counts of one slot (zeros once its position was reused). */
  at(slot: number): { total: number; neg: number } {
    const i = ((slot % this.size) + this.size) % this.size;
    return this.s.tags[i] === slot ? { total: this.s.total[i]!, neg: this.s.neg[i]! } : { total: 0, neg: 0 };
  }

  /** Sums of slots [from, to). */
  sum(from: number, to: number): { total: number; neg: number } {
    let total = 0;
    let neg = 0;
    for (let slot = from; slot < to; slot++) {
      const i = ((slot % this.size) + this.size) % this.size;
      if (this.s.tags[i] === slot) {
        total += this.s.total[i]!;
        neg += this.s.neg[i]!;
      }
    }
    return { total, neg };
  }
}

/** Recent negative messages of a key (for sample messages and top terms), bounded. */
export type RecentNegative = Pick<Observation, 'time' | 'messageId' | 'text' | 'language' | 'url' | 'score'>;

export function pruneNegatives(list: RecentNegative[], minTime: number, cap: number): RecentNegative[] {
  let start = 0;
  while (start < list.length && list[start]!.time < minTime) start++;
  if (list.length - start > cap) start = list.length - cap;
  return start === 0 ? list : list.slice(start);
}
