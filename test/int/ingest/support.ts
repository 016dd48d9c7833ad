import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { AvroCodec } from '../../../services/shared/avro.ts';
import type { BaseConfig } from '../../../services/shared/config.ts';
import type { ConversationEvent } from '../../../services/shared/events.ts';
import { loadIngestConfig, type IngestConfig } from '../../../services/ingest/config.ts';
import type { CanonicalEvent } from '../../../services/ingest/canonical.ts';

export const API_KEY = 'int-key-acme-0001';

/** The ingest config for a test run: its isolated topics, a fixed key, the given overrides. */
export function ingestConfigFor(base: BaseConfig, overrides: Record<string, string> = {}): IngestConfig {
  return loadIngestConfig({
    KAFKA_BROKERS: base.KAFKA_BROKERS.join(','),
    KAFKA_TOPIC_PREFIX: base.KAFKA_TOPIC_PREFIX,
    LOG_LEVEL: 'warn',
    INGEST_API_KEYS: `acme:${API_KEY}`,
    PSEUDONYM_KEY: 'int-test-pseudonym-key',
    ...overrides,
  });
}

export interface Consumed {
  key: string;
  partition: number;
  offset: string;
  event: ConversationEvent;
}

/** Reads the topic from the beginning until `until` holds (or the timeout passes), decoding every record. */
export async function consumeUntil(
  kafka: Kafka,
  topic: string,
  until: (records: Consumed[]) => boolean,
  timeoutMs = 60_000,
): Promise<Consumed[]> {
  const codec = new AvroCodec();
  const consumer = kafka.consumer({
    groupId: `int-ingest-${randomBytes(4).toString('hex')}`,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
  });
  const records: Consumed[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`consumed ${records.length} records; condition not met within ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ message, partition }) => {
            records.push({
              key: message.key!.toString(),
              partition,
              offset: message.offset,
              event: codec.decode<ConversationEvent>('conversation-event', message.value),
            });
            if (until(records)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

export function event(thread: string, n: number, overrides: Partial<Record<string, unknown>> = {}): CanonicalEvent {
  return {
    type: 'message_posted',
    event_time: Date.UTC(2024, 4, 1, 10, 0, n),
    brand: 'acme',
    platform: 'instagram',
    account_id: 'acct-1',
    post_id: 'post-1',
    thread_id: thread,
    message_id: `${thread}-m${n}`,
    parent_id: n === 0 ? null : `${thread}-m0`,
    author_platform_id: `raw-user-${thread}`,
    text: `message ${n} in ${thread}`,
    ...overrides,
  };
}

export async function post(
  base: string,
  body: unknown,
  contentType = 'application/json',
): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json(), headers: res.headers };
}
