import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Enricher } from '../../../services/enricher/enricher.ts';
import { createAnalyzer } from '../../../services/nlp/index.ts';
import { AvroCodec } from '../../../services/shared/avro.ts';
import { ChunkedSend, durableProducer, MAX_SEND_BYTES } from '../../../services/shared/kafka.ts';
import { posted, enrichment } from '../../unit/sink/fixtures.ts';
import { isolatedConfig, isolatedKafka, logger } from '../../support/stack.ts';

/**
 * The broker refuses a record batch over message.max.bytes (1 MiB by default), and kafkajs puts a
 * request's messages for one partition into one batch. A backlog makes the enricher's fetches
 * large; it used to forward a whole fetch in one request and crash with MESSAGE_TOO_LARGE.
 */
const codec = new AvroCodec();

async function countRecords(
  kafka: Kafka,
  topic: string,
  expected: number,
  timeoutMs = 60_000,
): Promise<{ count: number; ordered: boolean }> {
  const consumer = kafka.consumer({ groupId: `int-large-${randomBytes(4).toString('hex')}` });
  let count = 0;
  let ordered = true;
  let last = -1;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${count}/${expected} records within ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const n = Number(message.headers?.n?.toString() ?? count);
            if (n < last) ordered = false;
            last = n;
            if (++count >= expected) {
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
  return { count, ordered };
}

describe('sends larger than the broker takes in one request', () => {
  let kafka: Awaited<ReturnType<typeof isolatedKafka>>;
  beforeAll(async () => {
    kafka = await isolatedKafka(isolatedConfig('large-sends'));
  });
  afterAll(async () => kafka?.cleanup());

  it('ChunkedSend delivers 3 MiB for one partition, in order, where a single send is refused', async () => {
    const topic = kafka.topics.name('deadLetters'); // one partition
    const messages = Array.from({ length: 384 }, (_, n) => ({
      key: 'one-thread',
      value: randomBytes(8 * 1024),
      headers: { n: String(n) },
    }));
    const producer = durableProducer(kafka.kafka, { retry: { retries: 1 } });
    await producer.connect();
    try {
      await expect(producer.send({ topic, acks: -1, messages })).rejects.toThrow(/larger than the max message size/);
      await new ChunkedSend(producer, [{ topic, messages }]).run();
    } finally {
      await producer.disconnect();
    }
    expect(messages.length * 8 * 1024).toBeGreaterThan(3 * MAX_SEND_BYTES);
    expect(await countRecords(kafka.kafka, topic, messages.length)).toEqual({ count: messages.length, ordered: true });
  });

  it('the enricher forwards a backlog whose enriched fetch exceeds the broker limit', async () => {
    const raw = kafka.topics.name('conversationEvents');
    const target = kafka.topics.name('enrichedEvents');
    // 6000 short posts in one thread (one partition), ~1.5 MB waiting when the enricher starts: a
    // 1 MiB fetch of them grows by the enrichment (~+50% for short posts) past the broker limit.
    const events = Array.from(
      { length: 6000 },
      (_, n) => posted(`big-${n}`, n, `m-${n}`, `Where is my order ${n}?`, enrichment('neutral', 0)).event,
    );
    const producer = durableProducer(kafka.kafka);
    await producer.connect();
    await new ChunkedSend(producer, [
      { topic: raw, messages: events.map((e) => ({ key: e.thread_id, value: codec.encode('conversation-event', e) })) },
    ]).run();
    await producer.disconnect();

    const enricher = new Enricher(
      { kafka: kafka.kafka, codec, analyzer: await createAnalyzer(), logger },
      {
        sourceTopic: raw,
        targetTopic: target,
        deadLetterTopic: kafka.topics.name('deadLetters'),
        groupId: 'int-large-enricher',
      },
    );
    await enricher.start();
    try {
      expect((await countRecords(kafka.kafka, target, events.length)).count).toBe(events.length);
    } finally {
      await enricher.stop();
    }
    expect(enricher.stats).toEqual({ records: events.length, deadLetters: 0 });
  });
});
