/**
 * Every tunable of the spike detector, with the defaults the evaluation (services/alerter/eval)
 * was run with. docs/alerter.md states the alert condition in terms of these names; the Grafana
 * rule mirrors them.
 */
export interface DetectorParams {
  /** Evaluation step and slot size (event time): windows slide by this much. */
  stepMs: number;
  /** Short windows evaluated at every step; a start fires when any of them meets the condition. */
  windowsMs: readonly number[];
  /** Window used for the end condition (the longest one is the natural choice). */
  endWindowMs: number;
  /** Watermark = max event time seen − allowedLateness: a step is evaluated once the watermark passes it. */
  allowedLatenessMs: number;
  /** Minimum negative customer messages in the window (so three angry comments at night page nobody). */
  minNegatives: number;
  /** Minimum customer messages (any sentiment) in the window. */
  minVolume: number;
  /** observed ≥ ratioMin × baseline. */
  ratioMin: number;
  /** Anscombe Poisson score 2(√(n+3/8) − √(baseline+3/8)) ≥ scoreMin. */
  scoreMin: number;
  /** Negative share must rise above the usual share: share ≥ baselineShare + shareLiftMin … */
  shareLiftMin: number;
  /** … and share ≥ shareRatioMin × baselineShare (a viral positive burst raises volume, not share). */
  shareRatioMin: number;
  /** The spike is over when, on the end window, ratio < endRatio or score < endScore … */
  endRatio: number;
  endScore: number;
  /** … continuously for endHoldMs. */
  endHoldMs: number;
  /** No new start for the same brand/platform for this long after an end. */
  cooldownMs: number;
  /** Weeks of same-hour-of-week history kept (median/MAD over them). */
  seasonalWeeks: number;
  /** Same-hour-of-week samples needed before the seasonal baseline is used (else recent history). */
  seasonalMinWeeks: number;
  /** Half-life, in hours, of the recent-history EWMAs (level trend, negative share). */
  recentHalfLifeHours: number;
  /** No alert for a key before this many hours of its history were closed. */
  warmupHours: number;
  /** Relative uncertainty added to the baseline when only recent history is known (and in cold start). */
  coldStartCv: number;
  /** Cold start (before warmupHours, services/alerter/cold-start.ts): event time a key must have seen first. */
  coldStartMinMs: number;
  /** Cold start: pseudo-messages of the platform prior the observed negative share is shrunk towards. */
  coldStartPriorWeight: number;
  /** Cold start: the score a start needs instead of scoreMin (less history, more caution). */
  coldStartScoreMin: number;
  /** Cold start: the baseline is at least this × the window's volume × the usual share. */
  coldStartVolumeFloor: number;
  /** Negative share assumed before any history. */
  priorShare: number;
  /** Sample messages and top terms carried by a start event. */
  samples: number;
  topTerms: number;
}

export const DEFAULT_PARAMS: DetectorParams = {
  stepMs: 5_000,
  windowsMs: [60_000, 300_000],
  endWindowMs: 300_000,
  allowedLatenessMs: 5_000,
  minNegatives: 8,
  minVolume: 10,
  ratioMin: 2,
  scoreMin: 4.5,
  shareLiftMin: 0.1,
  shareRatioMin: 1.5,
  endRatio: 1.5,
  endScore: 2,
  endHoldMs: 120_000,
  cooldownMs: 15 * 60_000,
  seasonalWeeks: 8,
  seasonalMinWeeks: 2,
  recentHalfLifeHours: 3,
  warmupHours: 6,
  coldStartCv: 0.5,
  coldStartMinMs: 30 * 60_000,
  coldStartPriorWeight: 50,
  coldStartScoreMin: 5,
  coldStartVolumeFloor: 0.75,
  priorShare: 0.2,
  samples: 3,
  topTerms: 8,
};

export const DETECTOR_VERSION = 'spike-v1';
