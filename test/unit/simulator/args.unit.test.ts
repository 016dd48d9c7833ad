import { describe, expect, it } from 'vitest';
import { crisisSpecs, parseSeconds, parseSimulatorArgs } from '../../../services/simulator/args.ts';

describe('simulator arguments', () => {
  it('has defaults', () => {
    const a = parseSimulatorArgs([]);
    expect(a).toMatchObject({
      rate: 20,
      seed: 1,
      brands: null,
      duration: null,
      backfillHours: 0,
      batch: 500,
      flat: false,
      stdout: false,
    });
  });

  it('parses every option', () => {
    const a = parseSimulatorArgs([
      '--rate',
      '50',
      '--seed',
      '9',
      '--brands',
      'acme, globex',
      '--duration',
      '2m',
      '--backfill',
      '3',
      '--url',
      'http://127.0.0.1:9000',
      '--crisis',
      'acme@5',
      '--crisis',
      'globex@-10:45',
      '--flat',
    ]);
    expect(a).toMatchObject({
      rate: 50,
      seed: 9,
      brands: ['acme', 'globex'],
      duration: 120,
      backfillHours: 3,
      url: 'http://127.0.0.1:9000',
      flat: true,
    });
    expect(crisisSpecs(a, 1_000_000)).toEqual([
      { brand: 'acme', start: 1_000_000 + 5 * 60_000, durationMs: 30 * 60_000, multiplier: 6 },
      { brand: 'globex', start: 1_000_000 - 10 * 60_000, durationMs: 45 * 60_000, multiplier: 6 },
    ]);
    expect(parseSimulatorArgs(['--backfill', '30m']).backfillHours).toBe(0.5);
  });

  it('says what is wrong', () => {
    expect(() => parseSimulatorArgs(['--rate', 'fast'])).toThrow(/--rate must be a number/);
    expect(() => parseSimulatorArgs(['--crisis', 'acme'])).toThrow(/--crisis must look like/);
    expect(() => parseSimulatorArgs(['--bogus'])).toThrow(/bogus/);
    expect(parseSeconds('duration', '1d')).toBe(86_400); // one duration parser (services/domain/durations.ts): 1d is a day everywhere
    expect(() => parseSeconds('duration', '1w')).toThrow(/90s, 15m, 2h or 1d/);
  });
});
