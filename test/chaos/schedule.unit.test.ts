import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, planFaults, WINDOW, type FaultKind } from './schedule.ts';

const counts: Record<FaultKind, number> = {
  'kill-sink': 10,
  'kill-enricher': 10,
  'kill-ingest': 3,
  'restart-kafka': 3,
  'clickhouse-outage': 1,
  'api-poison': 8,
  'kafka-poison': 8,
};
const options = { seed: 7, loadMs: 360_000, counts, outageMs: 60_000, restartMs: 30_000 };

describe('planFaults', () => {
  it('plans exactly the counts asked, inside the window, in time order', () => {
    const plan = planFaults(options);
    for (const kind of FAULT_KINDS) expect(plan.filter((f) => f.kind === kind)).toHaveLength(counts[kind]);
    for (const f of plan) {
      expect(f.at).toBeGreaterThanOrEqual(options.loadMs * WINDOW.from);
      expect(f.at).toBeLessThanOrEqual(options.loadMs * WINDOW.to);
    }
    expect(plan.map((f) => f.at)).toEqual([...plan.map((f) => f.at)].sort((a, b) => a - b));
  });

  it('is the same for the same seed and differs for another', () => {
    expect(planFaults(options)).toEqual(planFaults(options));
    expect(planFaults({ ...options, seed: 8 })).not.toEqual(planFaults(options));
  });

  it('never lets broker restarts and ClickHouse outages overlap', () => {
    for (let seed = 0; seed < 50; seed++) {
      const long = planFaults({ ...options, seed })
        .filter((f) => f.kind === 'restart-kafka' || f.kind === 'clickhouse-outage')
        .map((f) => ({
          from: f.at,
          to: f.at + (f.kind === 'clickhouse-outage' ? options.outageMs : options.restartMs),
        }));
      for (let i = 1; i < long.length; i++) expect(long[i]!.from).toBeGreaterThanOrEqual(long[i - 1]!.to);
    }
  });

  it('plans nothing when every count is zero', () => {
    const zero = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
    expect(planFaults({ ...options, counts: zero })).toEqual([]);
  });
});
