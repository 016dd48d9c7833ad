import type { Expectation } from './baseline.ts';
import type { DetectorParams } from './params.ts';

/**
 * Cold start: what is normal for a key (a brand, or a brand on one platform) before it has
 * `warmupHours` closed hours of history, e.g. a brand onboarded today. Without it such a brand
 * gets no alert for 6 hours. The cold-start baseline is deliberately conservative
 * (docs/alerter.md, "Cold start"):
 * - the rate of negatives observed since the key's first message (its windows' slots, folded in as
 *   they leave the longest window; slots of an open alert or its cooldown are left out, so a spike
 *   does not become the normal it is judged against), after at least `coldStartMinMs` of it;
 * - a usual negative share that is the larger of a prior and the observed share shrunk towards
 *   that prior: the prior is the typical share of the platform, or for the brand-wide key the
 *   average over the platforms the brand's messages came from so far (its platform mix);
 * - the expected negatives in a window are never below the window's volume × that share, so a
 *   morning ramp after a night-time onboarding (volume ×5, share unchanged) is not a spike.
 */
export interface ColdState {
  /** First slot holding a message of this key (null: none yet). */
  fromSlot: number | null;
  /** Event time folded in so far, and its customer messages and negative ones. */
  spanMs: number;
  total: number;
  neg: number;
  /** Brand-wide key: customer messages per platform (the platform mix of the prior). */
  mix: Record<string, number>;
}

/**
 * Typical negative share of customer messages by platform, before a brand has history of its own:
 * review sites and X collect complaints, Instagram and YouTube comments are friendlier. These
 * are priors (orders of magnitude from the simulated brands and the evaluation), not measurements of
 * a real brand; a brand's own share replaces them as its messages come in, but never lowers them.
 */
export const PLATFORM_NEGATIVE_SHARE: Readonly<Record<string, number>> = {
  trustpilot: 0.35,
  google_reviews: 0.3,
  x: 0.25,
  forum: 0.22,
  messenger: 0.2,
  whatsapp: 0.2,
  instagram_dm: 0.2,
  facebook: 0.18,
  youtube: 0.15,
  instagram: 0.12,
  tiktok: 0.12,
};

export function newColdState(): ColdState {
  return { fromSlot: null, spanMs: 0, total: 0, neg: 0, mix: {} };
}

/** The prior negative share of a key: its platform's, or the brand's platform mix's. */
export function priorShare(platform: string, mix: Readonly<Record<string, number>>, fallback: number): number {
  const of = (p: string) => PLATFORM_NEGATIVE_SHARE[p] ?? fallback;
  if (platform !== '') return of(platform);
  let n = 0;
  let sum = 0;
  for (const [p, count] of Object.entries(mix)) {
    n += count;
    sum += count * of(p);
  }
  return n > 0 ? sum / n : fallback;
}

/** Adds one slot that left the longest window (unless the key was alerting then). */
export function foldSlot(
  c: ColdState,
  slot: number,
  stepMs: number,
  total: number,
  neg: number,
  alerting: boolean,
): void {
  if (c.fromSlot === null || slot < c.fromSlot || alerting) return;
  c.spanMs += stepMs;
  c.total += total;
  c.neg += neg;
}

/** The cold-start expectation of a key, or null while it has seen less than `coldStartMinMs`. */
export function coldExpectation(c: ColdState, platform: string, p: DetectorParams): Expectation | null {
  if (c.spanMs < p.coldStartMinMs) return null;
  const prior = priorShare(platform, c.mix, p.priorShare);
  const shrunk = (c.neg + p.coldStartPriorWeight * prior) / (c.total + p.coldStartPriorWeight);
  return {
    negPerHour: (c.neg * 3_600_000) / c.spanMs,
    cv: p.coldStartCv,
    share: Math.max(prior, shrunk),
    source: 'cold',
  };
}
