import { clamp, ewmaAlpha, median, robustSd } from './stats.ts';
import type { DetectorParams } from './params.ts';

export const HOUR_MS = 3_600_000;

/** 0 = Monday 00:00–01:00 UTC … 167 = Sunday 23:00 UTC (epoch day 0 was a Thursday). */
export function hourOfWeek(hourIndex: number): number {
  const day = Math.floor(hourIndex / 24);
  return ((((day + 3) % 7) + 7) % 7) * 24 + (((hourIndex % 24) + 24) % 24);
}

/** One closed hour of one key: customer messages and negative ones. */
interface WeekSample {
  week: number;
  total: number;
  neg: number;
}

export interface BaselineState {
  seasonal: WeekSample[][];
  recentNeg: number;
  recentTotal: number;
  trendObserved: number;
  trendSeasonal: number;
  closedHours: number;
}

export interface Expectation {
  /** Expected negative messages per hour at this instant. */
  negPerHour: number;
  /** Relative uncertainty of that expectation (robust spread across weeks, or the cold-start value). */
  cv: number;
  /** The usual negative share. */
  share: number;
  /** cold: before warmupHours of history (services/alerter/cold-start.ts). */
  source: 'seasonal' | 'recent' | 'cold';
}

/**
 * The "normal" of one brand or brand/platform: for each hour of the week, the negative count of the
 * same hour in each of the last weeks (median and MAD over weeks, robust to a past spike), scaled by
 * a recent-history trend (EWMA of observed / EWMA of seasonal expectation over the last hours), so
 * that a brand that is simply busier this week is not "spiking". The usual negative share is an
 * EWMA over the last hours (share is far less seasonal than volume).
 */
export class Baseline {
  private readonly s: BaselineState;
  /** Medians per hour index, recomputed only when an hour closes (expect() runs at every step). */
  private readonly memo = new Map<number, number>();

  constructor(
    private readonly p: DetectorParams,
    state?: BaselineState,
  ) {
    this.s = state ?? {
      seasonal: Array.from({ length: 168 }, () => []),
      recentNeg: 0,
      recentTotal: 0,
      trendObserved: 0,
      trendSeasonal: 0,
      closedHours: 0,
    };
  }

  get state(): BaselineState {
    return this.s;
  }

  get warm(): boolean {
    return this.s.closedHours >= this.p.warmupHours;
  }

  /**
   * Records a finished hour. `recentNeg` is the count the recent-history EWMAs see: the detector caps
   * it for hours with an alert, so a spike does not become the next hours' normal. The same-hour-of-week
   * samples keep the true count: their median over weeks already ignores a one-off spike, and a
   * recurring weekly rush must become normal.
   */
  closeHour(hourIndex: number, total: number, neg: number, recentNeg = neg): void {
    const a = ewmaAlpha(this.p.recentHalfLifeHours);
    const seasonalNeg = this.seasonalMedian(hourIndex);
    if (!Number.isNaN(seasonalNeg)) {
      this.s.trendObserved += a * (recentNeg - this.s.trendObserved);
      this.s.trendSeasonal += a * (seasonalNeg - this.s.trendSeasonal);
    }
    const recentTotal = total - (neg - recentNeg);
    this.s.recentNeg = this.s.closedHours === 0 ? recentNeg : this.s.recentNeg + a * (recentNeg - this.s.recentNeg);
    this.s.recentTotal =
      this.s.closedHours === 0 ? recentTotal : this.s.recentTotal + a * (recentTotal - this.s.recentTotal);
    const slot = this.s.seasonal[hourOfWeek(hourIndex)]!;
    slot.push({ week: Math.floor(hourIndex / 168), total, neg });
    if (slot.length > this.p.seasonalWeeks) slot.splice(0, slot.length - this.p.seasonalWeeks);
    this.s.closedHours++;
    this.memo.clear();
  }

  /** Median over past weeks of the negative count of this hour of the week; NaN if too few weeks. */
  seasonalMedian(hourIndex: number): number {
    const cached = this.memo.get(hourIndex);
    if (cached !== undefined) return cached;
    const value = this.computeMedian(hourIndex);
    this.memo.set(hourIndex, value);
    return value;
  }

  private computeMedian(hourIndex: number): number {
    const slot = this.s.seasonal[hourOfWeek(hourIndex)]!;
    if (slot.length < this.p.seasonalMinWeeks) return Number.NaN;
    return median(slot.map((w) => w.neg));
  }

  /** What is normal at event time `t`. */
  expect(t: number): Expectation {
    const share = this.usualShare(t);
    // Interpolate between the centres of neighbouring hours so that a morning ramp is not a step …
    const pos = t / HOUR_MS - 0.5;
    const h0 = Math.floor(pos);
    const frac = pos - h0;
    const m0 = this.seasonalMedian(h0);
    const m1 = this.seasonalMedian(h0 + 1);
    const here = Math.floor(t / HOUR_MS);
    const mHere = this.seasonalMedian(here);
    if (!Number.isNaN(mHere)) {
      // Never below the hour's own median: a weekly step (a billing run at 10:00) is normal from its first minute.
      const seasonal = !Number.isNaN(m0) && !Number.isNaN(m1) ? Math.max(mHere, (1 - frac) * m0 + frac * m1) : mHere;
      const trend = clamp((this.s.trendObserved + 1) / (this.s.trendSeasonal + 1), 0.5, 2);
      const cv = this.spread(here, mHere);
      return { negPerHour: seasonal * trend, cv, share, source: 'seasonal' };
    }
    return { negPerHour: this.s.recentNeg, cv: this.p.coldStartCv, share, source: 'recent' };
  }

  private spread(hourIndex: number, med: number): number {
    const key = -1 - hourIndex;
    let cv = this.memo.get(key);
    if (cv === undefined) {
      const samples = this.s.seasonal[hourOfWeek(hourIndex)]!.map((w) => w.neg);
      cv = clamp(robustSd(samples) / Math.max(med, 1), 0.1, 1);
      this.memo.set(key, cv);
    }
    return cv;
  }

  private usualShare(t: number): number {
    if (this.s.recentTotal >= 5) return this.s.recentNeg / this.s.recentTotal;
    const slot = this.s.seasonal[hourOfWeek(Math.floor(t / HOUR_MS))]!;
    const total = slot.reduce((acc, w) => acc + w.total, 0);
    if (total >= 20) return slot.reduce((acc, w) => acc + w.neg, 0) / total;
    return this.p.priorShare;
  }
}
