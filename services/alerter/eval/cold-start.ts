import type { AlertEvent } from '../alert.ts';
import { SpikeDetector } from '../detector.ts';
import { DEFAULT_PARAMS, type DetectorParams } from '../params.ts';
import { DEFAULT_SIM, simulate, type InjectedSpike, type SimOptions } from './simulator.ts';

/**
 * The cold start measured: many brands onboarded at different hours of the week (night lulls,
 * morning ramps, weekends), each fed to a fresh detector for its first `warmupHours`, i.e. while
 * only the cold-start baseline can alert. Half of them get one injected negative spike after the
 * first `coldStartMinMs`; every one gets a viral positive burst (volume ×4–10, mostly praise),
 * the usual trap. A start matching the spike is true, any other start is false.
 */
export interface ColdStartOptions {
  seed: number;
  /** Onboardings per brand; the i-th starts i × `everyHours` after the simulation's start. */
  onboardings: number;
  everyHours: number;
}

export const DEFAULT_COLD_START: ColdStartOptions = { seed: 42, onboardings: 28, everyHours: 7 };

export interface ColdStartReport {
  onboardings: number;
  spikes: number;
  detected: number;
  starts: number;
  trueStarts: number;
  falseStarts: { alert: AlertEvent; onboardedAt: number }[];
  precision: number;
  recall: number;
  latencyP50Ms: number;
  latencyMaxMs: number;
}

const HOUR = 3_600_000;
const WEEK = 168 * HOUR;

function matches(a: AlertEvent, s: InjectedSpike, params: DetectorParams): boolean {
  if (a.brand !== s.brand) return false;
  if (a.platform !== '' && s.platform !== '' && a.platform !== s.platform) return false;
  return a.detected_at >= s.onset && a.detected_at <= s.end + Math.max(...params.windowsMs);
}

export function evaluateColdStart(
  o: ColdStartOptions = DEFAULT_COLD_START,
  sim: SimOptions = DEFAULT_SIM,
  params: DetectorParams = DEFAULT_PARAMS,
): ColdStartReport {
  const coldMs = params.warmupHours * HOUR;
  let onboardings = 0;
  let starts = 0;
  const falseStarts: ColdStartReport['falseStarts'] = [];
  const latencies: number[] = [];
  let spikes = 0;
  for (const brand of sim.brands) {
    for (let i = 0; i < o.onboardings; i++) {
      onboardings++;
      const start = sim.start + i * o.everyHours * HOUR;
      const withSpike = i % 2 === 0;
      // One spike (or none) between coldStartMinMs and the end of the cold phase, one positive burst.
      const spikesFrom = start + params.coldStartMinMs + 5 * 60_000;
      const weeks = coldMs / WEEK;
      const run = simulate({
        ...sim,
        seed: o.seed * 1_000 + onboardings,
        start,
        weeks,
        brands: [brand],
        spikesFrom,
        spikesPerBrandWeek: withSpike ? WEEK / (start + coldMs - spikesFrom) : 0,
        burstsPerBrandWeek: 1 / weeks,
      });
      const detector = new SpikeDetector(params);
      const decided: { alert: AlertEvent; at: number }[] = [];
      for (const obs of run.observations) {
        for (const alert of detector.observe(obs))
          decided.push({ alert, at: detector.watermark + params.allowedLatenessMs });
      }
      const begun = decided.filter((d) => d.alert.kind === 'start');
      starts += begun.length;
      for (const d of begun)
        if (!run.spikes.some((s) => matches(d.alert, s, params)))
          falseStarts.push({ alert: d.alert, onboardedAt: start });
      for (const s of run.spikes) {
        spikes++;
        const first = begun
          .filter((d) => matches(d.alert, s, params))
          .reduce<number | null>((m, d) => (m === null || d.at < m ? d.at : m), null);
        if (first !== null) latencies.push(first - s.onset);
      }
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    onboardings,
    spikes,
    detected: latencies.length,
    starts,
    trueStarts: starts - falseStarts.length,
    falseStarts,
    precision: starts === 0 ? 1 : (starts - falseStarts.length) / starts,
    recall: spikes === 0 ? 1 : latencies.length / spikes,
    latencyP50Ms: latencies.length ? latencies[Math.floor((latencies.length - 1) / 2)]! : Number.NaN,
    latencyMaxMs: latencies.length ? latencies[latencies.length - 1]! : Number.NaN,
  };
}
