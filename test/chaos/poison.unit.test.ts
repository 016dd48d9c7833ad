import { describe, expect, it } from 'vitest';
import { AvroCodec, DecodeError } from '../../services/shared/avro.ts';
import type { EnrichedEvent, ConversationEvent } from '../../services/shared/events.ts';
import { apiPoison, ABSURD_EVENT_TIMES, eventIdInside, kafkaPoison, KAFKA_POISON_KINDS } from './poison.ts';

const codec = new AvroCodec();

describe('Kafka poison', () => {
  it('absurd-valued records are valid Avro a consumer decodes, with event times no DateTime64 column holds', () => {
    const raw = kafkaPoison('absurd-avro-raw', 0, codec, 1, 'thread-9');
    const decoded = codec.decode<ConversationEvent>('conversation-event', raw.value);
    expect(decoded).toMatchObject({ event_id: raw.eventId, thread_id: 'thread-9', event_time: ABSURD_EVENT_TIMES[0] });
    const enriched = kafkaPoison('absurd-avro-enriched', 1, codec, 1, 'thread-9');
    expect(codec.decode<EnrichedEvent>('enriched-event', enriched.value).event.event_time).toBe(ABSURD_EVENT_TIMES[1]);
    expect(raw.topic).toBe('conversationEvents');
    expect(enriched.topic).toBe('enrichedEvents');
  });

  it('-8.64e15 would not survive avsc: it arrives as +8.64e15, hence the smaller negative time', () => {
    const event = codec.decode<ConversationEvent>(
      'conversation-event',
      kafkaPoison('absurd-avro-raw', 0, codec, 1, 't').value,
    );
    const wire = codec.decode<ConversationEvent>(
      'conversation-event',
      codec.encode('conversation-event', { ...event, event_time: -8.64e15 }),
    );
    expect(wire.event_time).toBe(8.64e15);
  });

  it('garbage does not decode, and the same seed gives the same bytes', () => {
    for (const n of [0, 1]) {
      const g = kafkaPoison('garbage-raw', n, codec, 3, 't');
      expect(() => codec.decode('conversation-event', g.value)).toThrow(DecodeError);
      expect(kafkaPoison('garbage-raw', n, codec, 3, 't').value.equals(g.value)).toBe(true);
    }
    expect(KAFKA_POISON_KINDS).toHaveLength(4);
  });

  it('finds the event id inside dead-lettered bytes of either subject', () => {
    expect(eventIdInside(codec, kafkaPoison('absurd-avro-raw', 4, codec, 1, 't').value)).toBe(
      'chaos-poison-kafka-4-absurd-avro-raw',
    );
    expect(eventIdInside(codec, kafkaPoison('absurd-avro-enriched', 5, codec, 1, 't').value)).toBe(
      'chaos-poison-kafka-5-absurd-avro-enriched',
    );
    expect(eventIdInside(codec, Buffer.from('{"x":1}'))).toBeNull();
  });
});

describe('API poison', () => {
  it('carries the dates of issue 13 and fields too large for a Kafka record', () => {
    expect(apiPoison('far-future-iso', 0).body.event_time).toBe('9999-12-31T23:59:59Z');
    expect(apiPoison('far-past-iso', 1).body.event_time).toBe('1899-12-31T23:59:59+14:00');
    expect(JSON.stringify(apiPoison('oversize-metadata', 2).body).length).toBeGreaterThan(1024 * 1024);
    expect(JSON.stringify(apiPoison('oversize-text', 3).body).length).toBeGreaterThan(1024 * 1024);
    expect(apiPoison('oversize-text', 3).eventId).toBe('chaos-poison-api-3-oversize-text');
  });
});
