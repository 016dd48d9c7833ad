/** Small robust statistics used by the baseline. Pure, allocation-light. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median absolute deviation, scaled (×1.4826) to estimate a standard deviation. */
export function robustSd(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = median(values);
  return 1.4826 * median(values.map((v) => Math.abs(v - m)));
}

/**
 * Anscombe-transformed Poisson score: 2(√(n+3/8) − √(μ+3/8)). Behaves like a z-score for Poisson
 * counts even at the tiny expectations of night hours (where (n−μ)/√μ explodes), and is plain
 * arithmetic, so a SQL alert rule can compute the same number.
 */
export function anscombeScore(observed: number, expected: number): number {
  return 2 * (Math.sqrt(observed + 0.375) - Math.sqrt(expected + 0.375));
}

/** Exponentially weighted moving average with a half-life in steps. */
export function ewmaAlpha(halfLifeSteps: number): number {
  return 1 - Math.pow(0.5, 1 / halfLifeSteps);
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
