import type { AlertEvent } from '../alert.ts';
import { SpikeDetector } from '../detector.ts';
import { DEFAULT_PARAMS, type DetectorParams } from '../params.ts';
import { DEFAULT_SIM, simulate, type InjectedSpike, type SimOptions } from './simulator.ts';

/**
 * Runs the detector over simulated traffic in event time and scores it against the injected spikes.
 * Latency is measured in event time from the spike's onset to the event whose arrival made the
 * detector decide (i.e. including allowed lateness and step alignment), which is what a live system
 * adds to its processing delay.
 */
export interface SpikeResult {
  spike: InjectedSpike;
  detected: boolean;
  latencyMs: number | null;
  alerts: number;
}

export interface FalseAlert {
  alert: AlertEvent;
  week: number;
}

export interface EvaluationReport {
  weeksScored: number;
  spikes: SpikeResult[];
  starts: number;
  trueStarts: number;
  falseAlerts: FalseAlert[];
  /** False alerts during the unscored warm-up weeks (reported for honesty, not scored). */
  warmupFalseAlerts: number;
  ends: number;
  /** Starts with no end event by the end of the simulation. */
  unended: number;
  precision: number;
  recall: number;
  latencyP50Ms: number;
  latencyMaxMs: number;
  maxFalseAlertsInAWeek: number;
  observations: number;
}

const WEEK = 7 * 24 * 3_600_000;

function matches(a: AlertEvent, s: InjectedSpike, params: DetectorParams): boolean {
  if (a.brand !== s.brand) return false;
  if (a.platform !== '' && s.platform !== '' && a.platform !== s.platform) return false;
  return a.detected_at >= s.onset && a.detected_at <= s.end + Math.max(...params.windowsMs);
}

export function evaluate(sim: SimOptions = DEFAULT_SIM, params: DetectorParams = DEFAULT_PARAMS): EvaluationReport {
  const { observations, spikes } = simulate(sim);
  const detector = new SpikeDetector(params);
  const decided: { alert: AlertEvent; at: number }[] = [];
  for (const o of observations) {
    for (const alert of detector.observe(o)) decided.push({ alert, at: detector.watermark + params.allowedLatenessMs });
  }
  const results: SpikeResult[] = spikes.map((spike) => {
    const hits = decided.filter((d) => d.alert.kind === 'start' && matches(d.alert, spike, params));
    const first = hits.reduce<number | null>((m, d) => (m === null || d.at < m ? d.at : m), null);
    return {
      spike,
      detected: hits.length > 0,
      latencyMs: first === null ? null : first - spike.onset,
      alerts: hits.length,
    };
  });
  const starts = decided.filter((d) => d.alert.kind === 'start');
  const unmatched = starts.filter((d) => !spikes.some((s) => matches(d.alert, s, params)));
  const scored = unmatched.filter((d) => d.alert.detected_at >= sim.spikesFrom);
  const falseAlerts = scored.map((d) => ({
    alert: d.alert,
    week: Math.floor((d.alert.detected_at - sim.start) / WEEK),
  }));
  const perWeek = new Map<number, number>();
  for (const f of falseAlerts) perWeek.set(f.week, (perWeek.get(f.week) ?? 0) + 1);
  const scoredStarts = starts.filter((d) => d.alert.detected_at >= sim.spikesFrom);
  const latencies = results
    .filter((r) => r.latencyMs !== null)
    .map((r) => r.latencyMs!)
    .sort((a, b) => a - b);
  return {
    weeksScored: (sim.start + sim.weeks * WEEK - sim.spikesFrom) / WEEK,
    spikes: results,
    starts: scoredStarts.length,
    trueStarts: scoredStarts.length - falseAlerts.length,
    falseAlerts,
    warmupFalseAlerts: unmatched.length - scored.length,
    ends: decided.filter((d) => d.alert.kind === 'end').length,
    unended: starts.filter((d) => !decided.some((e) => e.alert.kind === 'end' && e.alert.alert_id === d.alert.alert_id))
      .length,
    precision: scoredStarts.length === 0 ? 1 : (scoredStarts.length - falseAlerts.length) / scoredStarts.length,
    recall: results.length === 0 ? 1 : results.filter((r) => r.detected).length / results.length,
    latencyP50Ms: latencies.length ? latencies[Math.floor((latencies.length - 1) / 2)]! : Number.NaN,
    latencyMaxMs: latencies.length ? latencies[latencies.length - 1]! : Number.NaN,
    maxFalseAlertsInAWeek: Math.max(0, ...perWeek.values()),
    observations: observations.length,
  };
}
