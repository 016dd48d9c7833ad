import { describe, expect, it } from 'vitest';
import { AvroCodec } from '../../../services/shared/avro.ts';
import type { ConversationEvent, EnrichedEvent } from '../../../services/shared/events.ts';
import { sampleEvents } from '../../support/events.ts';
import { confluentFramed } from '../../support/confluent.ts';

/** encodeEnriched reuses the raw record's bytes for the event (services/shared/avro.ts). */
describe('Avro codec: enriched events from raw bytes', () => {
  const codec = new AvroCodec();
  const enrichment: EnrichedEvent['enrichment'] = {
    language: 'de',
    language_supported: true,
    sentiment_score: -0.25,
    sentiment_label: 'negative',
    sentiment_confidence: 0.8,
    intent: 'complaint',
    needs_reply: true,
    model_version: 'unit',
    human_override: false,
  };
  const enrichedOf = (event: ConversationEvent, withEnrichment: boolean): EnrichedEvent => ({
    event,
    enrichment: withEnrichment ? enrichment : null,
    enriched_time: 1_714_557_600_123,
  });

  const samples = () => sampleEvents() as unknown as ConversationEvent[];

  it('writes byte for byte what encode writes, for every payload type, with and without enrichment', () => {
    for (const event of samples()) {
      const raw = codec.encode('conversation-event', event);
      const decoded = codec.decode<ConversationEvent>('conversation-event', raw);
      for (const withEnrichment of [true, false]) {
        const value = enrichedOf(decoded, withEnrichment);
        const spliced = codec.encodeEnriched(value, raw);
        expect(spliced.equals(codec.encode('enriched-event', value))).toBe(true);
        expect(codec.decode('enriched-event', spliced)).toEqual(value);
      }
    }
  });

  it('falls back to a full encode for records in another framing, or without bytes', () => {
    const [event] = samples();
    const value = enrichedOf(event!, true);
    const expected = codec.encode('enriched-event', value);
    expect(codec.encodeEnriched(value, confluentFramed(codec, 'conversation-event', event)).equals(expected)).toBe(
      true,
    );
    expect(codec.encodeEnriched(value, null).equals(expected)).toBe(true);
  });

  it('encodes records larger than its scratch buffer', () => {
    const [event] = samples();
    const big: ConversationEvent = { ...event!, metadata: { blob: 'x'.repeat(200_000) } };
    const raw = codec.encode('conversation-event', big);
    expect(codec.decode('conversation-event', raw)).toEqual(big);
    const value = enrichedOf(big, true);
    const spliced = codec.encodeEnriched(value, raw);
    expect(codec.decode('enriched-event', spliced)).toEqual(value);
    // Smaller records after the large one still come out at their own size.
    const small = codec.encode('conversation-event', event);
    expect(codec.decode('conversation-event', small)).toEqual(event);
  });
});
