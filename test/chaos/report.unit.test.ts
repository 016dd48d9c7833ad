import { describe, expect, it } from 'vitest';
import { checks, renderTable, shortList, type ChaosFigures } from './report.ts';

const clean: ChaosFigures = {
  seed: 1,
  durationS: 500,
  acknowledged: 100,
  requests: { total: 10, retried503: 2, retriedNetwork: 1, other5xx: 0, refused: 0 },
  comparisons: [
    {
      name: 'events FINAL (event_id)',
      expected: 100,
      stored: 100,
      lost: 0,
      duplicated: 0,
      lostSample: [],
      duplicatedSample: [],
    },
  ],
  sentiment: { counted: 40, inMinuteView: 40 },
  deadLetters: { records: 2, distinct: 2, twice: [], byReason: [{ stage: 'sink', reason: 'invalid', records: 2 }] },
  table: { rows: 2, distinct: 2 },
  poison: [{ label: 'absurd-avro-raw at raw/0@5', deadLetters: 1, origins: ['enriched/1@7'], stored: false }],
  apiPoison: [{ kind: 'far-future-iso', status: 400, namesField: true }],
  longestStall: { key: 'g|t|0', seconds: 31 },
  worstBlockedAfterFault: { key: 'g|t|0', seconds: 4 },
  faults: [{ label: 'SIGKILL sink #1', at: 12, lasted: 0.1, recovery: 31.5, overlapping: [] }],
  unexpectedExits: { ingest: 0, enricher: 0, sink: 0 },
  blockedLimitS: 60,
  loadAverage: [2, 2, 2],
};

const failed = (f: ChaosFigures) =>
  checks(f)
    .filter((c) => !c.ok)
    .map((c) => c.name);

describe('chaos verdict', () => {
  it('passes a clean run', () => {
    expect(failed(clean)).toEqual([]);
  });

  it('fails on a lost or duplicated event, a double count in the sentiment view, a long block, a double dead letter', () => {
    expect(failed({ ...clean, comparisons: [{ ...clean.comparisons[0]!, lost: 1 }] })).toEqual([
      'nothing acknowledged lost',
    ]);
    expect(failed({ ...clean, comparisons: [{ ...clean.comparisons[0]!, duplicated: 1 }] })).toEqual([
      'nothing duplicated',
    ]);
    expect(failed({ ...clean, sentiment: { counted: 40, inMinuteView: 41 } })).toEqual(['nothing duplicated']);
    expect(failed({ ...clean, worstBlockedAfterFault: { key: 'g|t|0', seconds: 61 } })).toEqual([
      'no partition blocked > 60 s after its fault ended',
    ]);
    expect(
      failed({ ...clean, deadLetters: { ...clean.deadLetters, twice: [{ origin: 'enriched/1@7', copies: 2 }] } }),
    ).toEqual(['no record dead-lettered twice']);
  });

  it('fails when poison vanished or the API accepted it, not when it was stored', () => {
    expect(failed({ ...clean, poison: [{ ...clean.poison[0]!, deadLetters: 0 }] })).toEqual([
      'every poison record in Kafka dead-lettered (or stored)',
    ]);
    expect(failed({ ...clean, poison: [{ ...clean.poison[0]!, deadLetters: 0, stored: true }] })).toEqual([]);
    expect(failed({ ...clean, apiPoison: [{ kind: 'far-past-iso', status: 202, namesField: false }] })).toEqual([
      'API poison refused at the door (4xx)',
    ]);
    expect(failed({ ...clean, apiPoison: [{ kind: 'far-past-iso', status: 'network', namesField: false }] })).toEqual([
      'API poison refused at the door (4xx)',
    ]);
  });

  it('a run that acknowledged nothing proves nothing', () => {
    expect(failed({ ...clean, acknowledged: 0 })).toContain('nothing acknowledged lost');
  });
});

describe('renderTable', () => {
  it('keeps the overlap column short', () => {
    expect(shortList([])).toBe('–');
    expect(shortList(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c +2');
  });

  it('prints the figures, every fault with its recovery, and every check', () => {
    const text = renderTable({
      ...clean,
      faults: [
        ...clean.faults,
        { label: 'Kafka broker restart #1', at: 40, lasted: 14.2, recovery: null, overlapping: ['SIGKILL sink #1'] },
      ],
    });
    expect(text).toContain('| acknowledged events (2xx) | 100 |');
    expect(text).toContain('| dead letters sink · invalid | 2 |');
    expect(text).toContain('| SIGKILL sink #1 | 12 s | 0.1 s | 31.5 s | – |');
    expect(text).toContain('| Kafka broker restart #1 | 40 s | 14.2 s | never | SIGKILL sink #1 |');
    expect(text).toContain('| nothing acknowledged lost | ok: 0 lost across 1 reads |');
    expect(text).toContain('| longest stall of any partition with lag | 31.0 s (g on t/0) |');
  });
});
