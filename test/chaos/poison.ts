import type { AvroCodec } from '../../services/shared/avro.ts';
import { wrapPayload, type ConversationEvent, type EnrichedEvent } from '../../services/shared/events.ts';
import { Random } from '../../services/simulator/random.ts';

/**
 * Poison, the kinds issue 13 found stopping everyone's analytics (pure: built here, sent by the
 * runner). Through the API: dates no client should be able to send and fields too large for a
 * Kafka record; the door should answer 400. Straight into Kafka, as another producer or an older
 * schema version could: garbage bytes, and valid Avro with values no ClickHouse column holds. Every
 * poison record has its own event id (`chaos-poison-…`) so its dead letter can be found again.
 */
export const POISON_ID_PREFIX = 'chaos-poison-';

export type ApiPoisonKind = 'far-future-iso' | 'far-past-iso' | 'oversize-metadata' | 'oversize-text';
export const API_POISON_KINDS: readonly ApiPoisonKind[] = [
  'far-future-iso',
  'far-past-iso',
  'oversize-metadata',
  'oversize-text',
];

export type KafkaPoisonKind = 'garbage-raw' | 'absurd-avro-raw' | 'garbage-enriched' | 'absurd-avro-enriched';
export const KAFKA_POISON_KINDS: readonly KafkaPoisonKind[] = [
  'absurd-avro-raw',
  'garbage-enriched',
  'absurd-avro-enriched',
  'garbage-raw',
];

/** The field a 400 should name for each API poison. */
export const API_POISON_FIELD: Readonly<Record<ApiPoisonKind, string>> = {
  'far-future-iso': 'event_time',
  'far-past-iso': 'event_time',
  'oversize-metadata': 'metadata',
  'oversize-text': 'text',
};

/**
 * Event times no DateTime64 column holds, both valid Avro longs: about year -140 600, and the
 * largest instant a JS Date holds (8.64e15, year 275 760). Not -8.64e15: avsc's long is a JS
 * number and zigzag-encodes a negative n as 2|n| - 1, which above 2^53 rounds to the even 2|n|,
 * so -8.64e15 arrives as +8.64e15 (a unit test shows it).
 */
export const ABSURD_EVENT_TIMES = [-4.5e15, 8.64e15] as const;

export interface ApiPoison {
  kind: ApiPoisonKind;
  eventId: string;
  brand: string;
  /** The canonical JSON event, as a client would POST it. */
  body: Record<string, unknown>;
}

export function apiPoison(
  kind: ApiPoisonKind,
  n: number,
  brand = 'acme',
  eventTime = '2024-05-01T10:00:00Z',
): ApiPoison {
  const eventId = `${POISON_ID_PREFIX}api-${n}-${kind}`;
  const body: Record<string, unknown> = {
    type: 'message_posted',
    event_id: eventId,
    event_time: eventTime,
    brand,
    platform: 'instagram',
    account_id: `${brand}_ig`,
    post_id: 'chaos-poison-post',
    thread_id: `chaos-poison-thread-${n}`,
    message_id: eventId,
    author_platform_id: `poisoner-${n}`,
    text: 'poison',
    source: 'chaos-poison',
  };
  switch (kind) {
    case 'far-future-iso':
      body.event_time = '9999-12-31T23:59:59Z';
      break;
    case 'far-past-iso':
      body.event_time = '1899-12-31T23:59:59+14:00';
      break;
    case 'oversize-metadata':
      // Every key and value within today's per-entry limits, 2.4 MB in all: over a Kafka record (1 MiB).
      body.metadata = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`k${i}`, 'x'.repeat(4000)]));
      break;
    case 'oversize-text':
      // Larger than one Kafka record (1 MiB) could ever hold, whatever the text bound is.
      body.text = 'y'.repeat(1_100_000);
      break;
  }
  return { kind, eventId, brand, body };
}

export interface KafkaPoison {
  kind: KafkaPoisonKind;
  topic: 'conversationEvents' | 'enrichedEvents';
  /** The event id inside, for the decodable kinds. */
  eventId: string | null;
  key: string;
  value: Buffer;
}

function absurdEvent(eventId: string, thread: string, eventTime: number, brand: string): ConversationEvent {
  return {
    event_id: eventId,
    event_time: eventTime,
    ingest_time: Date.now(),
    brand,
    platform: 'instagram',
    account_id: `${brand}_ig`,
    post_id: null,
    thread_id: thread,
    source: 'chaos-poison',
    metadata: {},
    payload: wrapPayload({
      type: 'message_posted',
      value: {
        message_id: eventId,
        parent_id: null,
        kind: 'comment',
        author_id: 'poisoner',
        author_role: 'customer',
        agent_id: null,
        text: 'poison',
        language_hint: 'en',
        url: null,
        priority: null,
      },
    }),
  };
}

/**
 * A poison record for a topic. `thread` is a real thread's key, so the poison shares a partition
 * with ordinary traffic (the case that stalled every brand). Garbage alternates between bytes with
 * no known framing and a single-object header whose fingerprint no schema has.
 */
export function kafkaPoison(
  kind: KafkaPoisonKind,
  n: number,
  codec: AvroCodec,
  seed: number,
  thread: string,
  brand = 'acme',
): KafkaPoison {
  const eventId = `${POISON_ID_PREFIX}kafka-${n}-${kind}`;
  const topic = kind.endsWith('-raw') ? 'conversationEvents' : 'enrichedEvents';
  if (kind.startsWith('garbage')) {
    const rnd = new Random(seed * 7919 + n);
    const bytes = Buffer.from(Array.from({ length: 16 + rnd.int(0, 200) }, () => rnd.int(0, 255)));
    if (n % 2 === 0)
      bytes[0] = 0x7b; // '{': JSON sent by mistake, no Avro framing
    else bytes.set([0xc3, 0x01], 0); // single-object magic, unknown fingerprint
    return { kind, topic, eventId: null, key: thread, value: bytes };
  }
  const event = absurdEvent(eventId, thread, ABSURD_EVENT_TIMES[n % 2]!, brand);
  if (topic === 'conversationEvents')
    return { kind, topic, eventId, key: thread, value: codec.encode('conversation-event', event) };
  const enriched: EnrichedEvent = {
    event,
    enrichment: {
      language: 'en',
      language_supported: true,
      sentiment_score: -0.5,
      sentiment_label: 'negative',
      sentiment_confidence: 0.9,
      intent: 'complaint',
      needs_reply: true,
      model_version: 'chaos',
      human_override: false,
    },
    enriched_time: Date.now(),
  };
  return { kind, topic, eventId, key: thread, value: codec.encode('enriched-event', enriched) };
}

/** The event id inside a dead letter's original bytes, if they decode as either subject. */
export function eventIdInside(codec: AvroCodec, bytes: Buffer | null): string | null {
  for (const subject of ['conversation-event', 'enriched-event'] as const) {
    try {
      const v = codec.decode<ConversationEvent | EnrichedEvent>(subject, bytes);
      return 'event' in v ? v.event.event_id : v.event_id;
    } catch {
      // not this subject
    }
  }
  return null;
}
