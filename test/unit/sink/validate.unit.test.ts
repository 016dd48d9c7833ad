import { describe, expect, it } from 'vitest';
import { validateEnriched } from '../../../services/sink/batch.ts';
import { MAX_FUTURE_SKEW_LIMIT_MS } from '../../../services/shared/limits.ts';
import type { EnrichedEvent } from '../../../services/shared/events.ts';
import { enrichment, posted } from './fixtures.ts';

const good = () => posted('e1', 0, 'm-1', 'hello', enrichment('neutral', 0));
const withEvent = (patch: Partial<EnrichedEvent['event']>, top: Partial<EnrichedEvent> = {}): EnrichedEvent => {
  const e = good();
  return { ...e, ...top, event: { ...e.event, ...patch } };
};

describe('validateEnriched: only rows every column can hold reach ClickHouse', () => {
  it('accepts an ordinary event', () => {
    expect(validateEnriched(good())).toBeNull();
  });

  it('refuses times outside 2000-01-01 .. 2106 in every time field, whatever producer wrote them', () => {
    const cases: Array<[string, EnrichedEvent]> = [
      ['event_time', withEvent({ event_time: -8.64e15 })],
      ['event_time', withEvent({ event_time: Date.UTC(9999, 11, 31, 23, 59, 59) })],
      ['event_time', withEvent({ event_time: Date.UTC(1899, 11, 31, 9, 59, 59) })],
      ['event_time', withEvent({ event_time: Number.NaN })],
      ['ingest_time', withEvent({ ingest_time: 0 })],
      ['enriched_time', withEvent({}, { enriched_time: Number.POSITIVE_INFINITY })],
    ];
    for (const [field, e] of cases) expect(validateEnriched(e)).toMatch(new RegExp(`^${field} `));
  });

  it('refuses an event dated further after its ingestion than any API skew setting allows (deterministic on replay)', () => {
    const e = good();
    expect(validateEnriched(withEvent({ event_time: e.event.ingest_time + MAX_FUTURE_SKEW_LIMIT_MS }))).toBeNull();
    expect(validateEnriched(withEvent({ event_time: e.event.ingest_time + MAX_FUTURE_SKEW_LIMIT_MS + 1 }))).toMatch(
      /after ingest_time/,
    );
  });

  it('refuses sentiment outside its scale', () => {
    const e = good();
    expect(validateEnriched({ ...e, enrichment: { ...e.enrichment!, sentiment_score: 3 } })).toMatch(/sentiment_score/);
    expect(validateEnriched({ ...e, enrichment: { ...e.enrichment!, sentiment_score: Number.NaN } })).toMatch(
      /sentiment_score/,
    );
    expect(validateEnriched({ ...e, enrichment: { ...e.enrichment!, sentiment_confidence: -1 } })).toMatch(
      /sentiment_confidence/,
    );
  });
});
