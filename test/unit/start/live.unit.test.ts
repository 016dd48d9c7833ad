import { describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_CRISIS, demoCrisis, withDemoCrisis } from '../../../services/start/demo.ts';
import { describeStoredAlert, liveLine, metricSum, type StoredAlert } from '../../../services/start/live.ts';
import { parseStartArgs, servicePlan } from '../../../services/start/plan.ts';

const METRICS = `# HELP brandpulse_ingest_events_total Events by source and outcome.
# TYPE brandpulse_ingest_events_total counter
brandpulse_ingest_events_total{source="api",outcome="accepted"} 1200
brandpulse_ingest_events_total{source="import",outcome="accepted"} 30
brandpulse_ingest_events_total{source="api",outcome="invalid"} 7
brandpulse_ingest_events_total_extra 99
brandpulse_consumer_lag{group="g",topic="t",partition="0"} 3
brandpulse_consumer_lag{group="g",topic="t",partition="1"} 9
`;

const start: StoredAlert = {
  alert_id: 'a1',
  kind: 'start',
  brand: 'acme',
  platform: '',
  started_at: Date.UTC(2026, 11, 1, 22, 40, 5),
  detected_at: Date.UTC(2026, 11, 1, 22, 40, 40),
  ended_at: null,
  window_s: 60,
  observed: 212,
  baseline: 14.8,
  ratio: 14.32,
  peak_ratio: 14.32,
  negative_share: 0.81,
  baseline_share: 0.2,
  sample_messages: ['Ordine mai arrivato,\n rimborso subito', '', 'app down again'],
  top_terms: ['ordine', 'rimborso', 'app'],
};

describe('npm start live output', () => {
  it('sums the samples of a metric whose labels match, and tells a missing metric from zero', () => {
    expect(metricSum(METRICS, 'brandpulse_ingest_events_total', { outcome: 'accepted' })).toBe(1230);
    expect(metricSum(METRICS, 'brandpulse_ingest_events_total')).toBe(1237);
    expect(metricSum(METRICS, 'brandpulse_consumer_lag')).toBe(12);
    expect(metricSum(METRICS, 'brandpulse_rows_written_total')).toBeNull();
    expect(metricSum('', 'brandpulse_consumer_lag')).toBeNull();
  });

  it('prints one compact line: events/s in and stored, lag per consumer, the open alerts', () => {
    const before = { at: 0, accepted: 1000, stored: 900, lag: { enricher: 0, sink: 40, alerter: 0 } };
    const now = { at: 5_000, accepted: 1026, stored: 925, lag: { enricher: 2, sink: 12, alerter: null } };
    expect(
      liveLine(now, before, [
        { brand: 'acme', platform: '' },
        { brand: 'acme', platform: 'x' },
      ]),
    ).toBe(
      'live  in 5.2 ev/s  stored 5.0 ev/s  lag enricher 2 · sink 12 · alerter –  alerts open 2: acme (all platforms), acme (x)',
    );
    // The first reading has no rate yet.
    expect(liveLine(now, null, [])).toBe(
      'live  in – ev/s  stored – ev/s  lag enricher 2 · sink 12 · alerter –  alerts open 0',
    );
  });

  it('writes a spike alert for a person: where, how far above normal, since when in the brand zone, terms, samples', () => {
    const text = describeStoredAlert(start, 'Europe/Rome');
    expect(text.split('\n')).toEqual([
      'ALERT  negative spike for acme, all platforms: 212 negative messages in 1 min, 14.3× normal (14.8 expected), ' +
        'negative share 81% vs 20% usually, since 23:40:05 (Europe/Rome)',
      '  top terms: ordine, rimborso, app',
      '  > Ordine mai arrivato, rimborso subito',
      '  > app down again',
    ]);
    expect(describeStoredAlert(start, 'UTC', true)).toContain('acme, all platforms (in the backfilled history): 212');
    const end = {
      ...start,
      kind: 'end' as const,
      platform: 'x',
      ended_at: Date.UTC(2026, 11, 1, 22, 47, 0),
      peak_ratio: 20.04,
    };
    expect(describeStoredAlert(end, 'Europe/Rome')).toBe(
      'ALERT OVER  negative spike for acme, x: 23:40:05 → 23:47:00 (Europe/Rome), peak 20.0× normal',
    );
  });

  it('gives the simulator a demo crisis unless it is turned off', () => {
    expect(demoCrisis({})).toBe(DEFAULT_DEMO_CRISIS);
    expect(demoCrisis({ BRANDPULSE_DEMO_CRISIS: 'globex@5:10' })).toBe('globex@5:10');
    expect(demoCrisis({ BRANDPULSE_DEMO_CRISIS: 'off' })).toBeNull();
    const plan = servicePlan(parseStartArgs([]), 8080);
    const simulator = withDemoCrisis(plan, 'acme@2:4').find((s) => s.name === 'simulator')!;
    expect(simulator.command.slice(-2)).toEqual(['--crisis', 'acme@2:4']);
    expect(withDemoCrisis(plan, null)).toEqual(plan);
    expect(plan.find((s) => s.name === 'simulator')!.command).not.toContain('--crisis'); // the plan itself is left as it was
  });
});
