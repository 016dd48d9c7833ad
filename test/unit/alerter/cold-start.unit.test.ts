import { describe, expect, it } from 'vitest';
import type { AlertEvent, Observation } from '../../../services/alerter/alert.ts';
import {
  coldExpectation,
  foldSlot,
  newColdState,
  PLATFORM_NEGATIVE_SHARE,
  priorShare,
} from '../../../services/alerter/cold-start.ts';
import { SpikeDetector } from '../../../services/alerter/detector.ts';
import { evaluateColdStart } from '../../../services/alerter/eval/cold-start.ts';
import { DEFAULT_PARAMS } from '../../../services/alerter/params.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 0, 6, 2); // Monday 02:00 UTC: a brand onboarded at night
let seq = 0;

function obs(t: number, negative: boolean, platform = 'instagram'): Observation {
  seq++;
  const text = negative ? 'checkout broken again, refund please' : 'nice';
  return {
    eventId: `e${seq}`,
    time: Math.floor(t),
    brand: 'newco',
    platform,
    negative,
    score: negative ? -0.8 : 0.6,
    messageId: `m${seq}`,
    text,
    language: 'en',
    url: null,
  };
}

/** Evenly spaced messages, every `1/share`-th one negative. */
function steady(from: number, to: number, perHour: number, share: number, platform = 'instagram'): Observation[] {
  const out: Observation[] = [];
  for (let t = from, i = 0; t < to; t += HOUR / perHour, i++)
    out.push(obs(t, Math.floor((i + 1) * share) > Math.floor(i * share), platform));
  return out;
}

function run(events: Observation[]): AlertEvent[] {
  const detector = new SpikeDetector(DEFAULT_PARAMS);
  return [...events].sort((a, b) => a.time - b.time).flatMap((o) => detector.observe(o));
}

const spike = (at: number, count: number, overMs: number) =>
  Array.from({ length: count }, (_, i) => obs(at + (i * overMs) / count, true));

describe('cold start (a brand with less than warmupHours of history)', () => {
  it('takes its prior share from the platform, or from the brand-wide platform mix', () => {
    expect(priorShare('trustpilot', {}, 0.2)).toBe(PLATFORM_NEGATIVE_SHARE.trustpilot);
    expect(priorShare('some-new-site', {}, 0.2)).toBe(0.2);
    expect(priorShare('', { instagram: 3, trustpilot: 1 }, 0.2)).toBeCloseTo((3 * 0.12 + 0.35) / 4, 10);
    expect(priorShare('', {}, 0.2)).toBe(0.2);
  });

  it('judges nothing before coldStartMinMs of history, then the observed rate and a share never below the prior', () => {
    const c = newColdState();
    c.fromSlot = 0;
    for (let slot = 0; slot < 12; slot++) foldSlot(c, slot, 5_000, 10, 1, false);
    expect(coldExpectation(c, 'instagram', DEFAULT_PARAMS)).toBeNull();
    for (let slot = 12; slot < 420; slot++) foldSlot(c, slot, 5_000, 10, 1, slot >= 360); // the last 5 min alerting: left out
    const e = coldExpectation(c, 'instagram', DEFAULT_PARAMS)!;
    expect(c.spanMs).toBe(30 * MIN);
    expect(e.source).toBe('cold');
    expect(e.negPerHour).toBeCloseTo(720, 6); // 1 negative per 5 s slot
    expect(e.share).toBe(PLATFORM_NEGATIVE_SHARE.instagram); // observed 0.1: the prior (0.12) is never lowered
    // A brand more negative than its prior: its own share, shrunk towards the prior.
    const angry = newColdState();
    angry.fromSlot = 0;
    for (let slot = 0; slot < 360; slot++) foldSlot(angry, slot, 5_000, 10, 3, false);
    expect(coldExpectation(angry, 'instagram', DEFAULT_PARAMS)!.share).toBeCloseTo(
      (1080 + 50 * 0.12) / (3600 + 50),
      10,
    );
  });

  it('alerts on a spike 45 minutes after onboarding (no 6-hour wait), and not during the first 30 minutes', () => {
    const early = run([...steady(T0, T0 + HOUR, 120, 0.1), ...spike(T0 + 20 * MIN, 60, 2 * MIN)]).filter(
      (a) => a.kind === 'start',
    );
    expect(early).toEqual([]);
    const alerts = run([...steady(T0, T0 + 2 * HOUR, 120, 0.1), ...spike(T0 + 45 * MIN, 60, 2 * MIN)]);
    const starts = alerts.filter((a) => a.kind === 'start');
    expect(starts.map((a) => a.platform).sort()).toEqual(['', 'instagram']);
    for (const s of starts) {
      expect(s.detected_at - (T0 + 45 * MIN)).toBeLessThanOrEqual(60_000);
      expect(s.baseline_share).toBeGreaterThanOrEqual(PLATFORM_NEGATIVE_SHARE.instagram!);
    }
    expect(
      alerts
        .filter((a) => a.kind === 'end')
        .map((a) => a.platform)
        .sort(),
    ).toEqual(['', 'instagram']);
  });

  it('does not take a morning ramp after a night-time onboarding for a spike (volume x6, same share)', () => {
    const alerts = run([...steady(T0, T0 + HOUR, 60, 0.12), ...steady(T0 + HOUR, T0 + 3 * HOUR, 360, 0.12)]);
    expect(alerts).toEqual([]);
  });

  it('keeps its precision on onboardings at different hours of the week (fixed seed, a sample of the evaluation)', () => {
    const r = evaluateColdStart({ seed: 7, onboardings: 4, everyHours: 11 });
    expect(r.onboardings).toBe(12);
    expect(r.spikes).toBe(6);
    expect(r.precision).toBeGreaterThanOrEqual(0.9);
    expect(r.recall).toBeGreaterThanOrEqual(0.8);
  }, 60_000);
});
