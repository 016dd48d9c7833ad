import { describe, expect, it } from 'vitest';
import { blockedAfterFaults, passedAt, ProgressTracker, recoveryMs, sampleKey, type FaultWindow } from './progress.ts';

const KEY = sampleKey('chaos-sink', 'enriched', 0);
const OTHER = sampleKey('chaos-enricher', 'raw', 0);

function feed(t: ProgressTracker, key: string, points: Array<[number, number, number]>): void {
  for (const [at, committed, end] of points) t.observe({ t: at, key, committed: BigInt(committed), end: BigInt(end) });
}

describe('ProgressTracker', () => {
  it('finds a stall from the last good moment to the next, and only while there is lag', () => {
    const t = new ProgressTracker();
    feed(t, KEY, [
      [0, 0, 10],
      [1000, 5, 10],
      [2000, 5, 12],
      [3000, 5, 15],
      [4000, 9, 15],
      [5000, 15, 15],
      [6000, 15, 15],
    ]);
    expect(t.stalls()).toEqual([{ key: KEY, from: 1000, to: 4000, open: false }]);
  });

  it('an idle partition (no lag) is never stalled, however long its offset stands still', () => {
    const t = new ProgressTracker();
    feed(t, KEY, [
      [0, 7, 7],
      [60_000, 7, 7],
      [120_000, 7, 7],
    ]);
    expect(t.stalls()).toEqual([]);
    expect(t.lagging()).toEqual([]);
  });

  it('a stall still going at the end is open and lasts until the last sample', () => {
    const t = new ProgressTracker();
    feed(t, KEY, [
      [0, 3, 3],
      [1000, 3, 4],
      [2000, 3, 4],
    ]);
    feed(t, OTHER, [[9000, 1, 1]]);
    expect(t.stalls()).toEqual([{ key: KEY, from: 0, to: 9000, open: true }]);
    expect(t.lagging()).toEqual([KEY]);
  });
});

describe('blockedAfterFaults', () => {
  const fault = (start: number, end: number, groups?: string[]): FaultWindow => ({
    kind: 'k',
    label: 'l',
    start,
    end,
    groups,
  });

  it('is 0 when a fault lasted to the end of the stall, the rest of it otherwise', () => {
    const stall = { key: KEY, from: 10_000, to: 50_000, open: false };
    expect(blockedAfterFaults(stall, [fault(5_000, 60_000)])).toBe(0);
    expect(blockedAfterFaults(stall, [fault(5_000, 20_000)])).toBe(30_000);
    expect(blockedAfterFaults(stall, [])).toBe(40_000);
  });

  it('ignores faults that began after the stall ended and faults of other groups; a group covers its .suffix groups', () => {
    const stall = { key: sampleKey('chaos-sink.dead-letters', 'dlq', 0), from: 10_000, to: 50_000, open: false };
    expect(blockedAfterFaults(stall, [fault(55_000, 90_000)])).toBe(40_000);
    expect(blockedAfterFaults(stall, [fault(5_000, 60_000, ['chaos-enricher'])])).toBe(40_000);
    expect(blockedAfterFaults(stall, [fault(5_000, 60_000, ['chaos-sink'])])).toBe(0);
  });
});

describe('recoveryMs and passedAt', () => {
  it('waits for every concerned partition to move past where it was when the fault ended', () => {
    const t = new ProgressTracker();
    feed(t, KEY, [
      [0, 0, 10],
      [1000, 0, 10],
      [2000, 0, 10],
      [3000, 4, 10],
      [4000, 10, 10],
    ]);
    feed(t, OTHER, [
      [0, 2, 10],
      [1000, 2, 10],
      [5000, 3, 10],
    ]);
    expect(recoveryMs({ kind: 'kill-sink', label: '', start: 500, end: 1000, groups: ['chaos-sink'] }, t.history)).toBe(
      2000,
    );
    expect(recoveryMs({ kind: 'restart-kafka', label: '', start: 500, end: 1000 }, t.history)).toBe(4000);
    expect(passedAt(t.history, KEY, 3n)).toBe(3000);
    expect(passedAt(t.history, KEY, 10n)).toBeNull();
  });

  it('a commit made just before the fault ended is not recovery', () => {
    const t = new ProgressTracker();
    feed(t, KEY, [
      [0, 0, 10],
      [1100, 5, 12],
      [2000, 5, 14],
      [9000, 6, 14],
    ]);
    expect(recoveryMs({ kind: 'kill-sink', label: '', start: 1000, end: 1050 }, t.history)).toBe(7950);
  });

  it('is null when a lagging partition never moved again', () => {
    const t = new ProgressTracker();
    feed(t, KEY, [
      [0, 0, 10],
      [1000, 0, 10],
      [9000, 0, 10],
    ]);
    expect(recoveryMs({ kind: 'kill-sink', label: '', start: 0, end: 1000 }, t.history)).toBeNull();
  });
});
