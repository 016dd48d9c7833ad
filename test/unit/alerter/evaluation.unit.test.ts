import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../services/alerter/eval/evaluate.ts';
import { DEFAULT_SIM } from '../../../services/alerter/eval/simulator.ts';

// Issue 6, section 6: a correctness test on SIMULATED event time (no wall clock involved):
// weeks of seasonal traffic with night/weekend lulls and viral positive bursts, injected negative spikes.
describe('spike detector evaluation (fixed seed)', () => {
  const report = evaluate({ ...DEFAULT_SIM, seed: 42 });

  it('injects spikes and noise on every brand', () => {
    expect(report.spikes.length).toBe(24);
    expect(new Set(report.spikes.map((s) => s.spike.brand)).size).toBe(3);
  });

  it('catches every injected spike within 60 s of its onset', () => {
    const late = report.spikes.filter((s) => s.latencyMs === null || s.latencyMs > 60_000);
    expect(late.map((s) => ({ ...s.spike, latencyMs: s.latencyMs }))).toEqual([]);
    expect(report.recall).toBe(1);
  });

  it('raises at most one false alert per simulated week', () => {
    expect(report.maxFalseAlertsInAWeek).toBeLessThanOrEqual(1);
    expect(report.falseAlerts.length).toBeLessThanOrEqual(report.weeksScored);
  });

  it('ends every alert it starts once the spike is over', () => {
    expect(report.ends).toBeGreaterThan(0);
    expect(report.unended).toBe(0);
  });
});
