import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer } from 'kafkajs';
import { AvroCodec } from '../../services/shared/avro.ts';
import { durableProducer } from '../../services/shared/kafka.ts';
import { payloadOf, type ConversationEvent } from '../../services/shared/events.ts';
import { createClickHouse } from '../../services/shared/clickhouse.ts';
import { isolatedClickHouse, isolatedConfig, isolatedKafka } from '../support/stack.ts';
import { sampleEvents } from '../support/events.ts';

/**
 * Proves the plumbing every service stands on: Avro records produced with acks=all by an idempotent
 * producer, consumed in a consumer group, inserted into a MergeTree table with a parameterized
 * query, read back exactly; and the analyst user cannot write.
 */
describe('plumbing: Kafka → consumer group → ClickHouse', () => {
  const config = isolatedConfig('plumbing');
  const codec = new AvroCodec();
  let kafka: Awaited<ReturnType<typeof isolatedKafka>>;
  let ch: Awaited<ReturnType<typeof isolatedClickHouse>>;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    kafka = await isolatedKafka(config);
    ch = await isolatedClickHouse(config);
    await ch.client.command({
      query: `CREATE TABLE plumbing (
        event_id String, thread_id String, brand String, kind LowCardinality(String),
        event_time DateTime64(3, 'UTC'), kafka_partition UInt32, kafka_offset UInt64
      ) ENGINE = MergeTree ORDER BY (brand, thread_id, event_id)`,
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await kafka?.cleanup();
    await ch?.cleanup();
  });

  it('delivers every produced event exactly once into ClickHouse', async () => {
    const events = sampleEvents() as unknown as ConversationEvent[];
    const topic = kafka.topics.name('conversationEvents');
    const producer = durableProducer(kafka.kafka);
    await producer.connect();
    const acks = await producer.send({
      topic,
      acks: -1,
      messages: events.map((e) => ({ key: e.thread_id, value: codec.encode('conversation-event', e) })),
    });
    await producer.disconnect();
    expect(acks.every((a) => a.errorCode === 0)).toBe(true);

    consumer = kafka.kafka.consumer({ groupId: `${config.KAFKA_TOPIC_PREFIX}plumbing` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    const done = new Promise<void>((resolve, reject) => {
      void consumer!.run({
        eachMessage: async ({ partition, message }) => {
          try {
            const event = codec.decode<ConversationEvent>('conversation-event', message.value);
            expect(message.key?.toString()).toBe(event.thread_id);
            await ch.client.command({
              query: `INSERT INTO plumbing VALUES ({event_id:String}, {thread_id:String}, {brand:String}, {kind:String},
                        fromUnixTimestamp64Milli({event_time:Int64}, 'UTC'), {partition:UInt32}, {offset:UInt64})`,
              query_params: {
                event_id: event.event_id,
                thread_id: event.thread_id,
                brand: event.brand,
                kind: payloadOf(event).type,
                event_time: event.event_time,
                partition,
                offset: message.offset,
              },
            });
            if (++seen === events.length) resolve();
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        },
      });
    });
    await done;

    const rows = await (
      await ch.client.query({
        query:
          'SELECT event_id, thread_id, brand, kind, toUnixTimestamp64Milli(event_time) AS t FROM plumbing ORDER BY event_id',
        format: 'JSONEachRow',
      })
    ).json<{ event_id: string; thread_id: string; brand: string; kind: string; t: string | number }>();
    expect(rows.map((r) => ({ ...r, t: Number(r.t) }))).toEqual(
      events.map((e) => ({
        event_id: e.event_id,
        thread_id: e.thread_id,
        brand: e.brand,
        kind: payloadOf(e).type,
        t: e.event_time,
      })),
    );
  });

  it('refuses writes from the read-only analyst user but lets it read', async () => {
    const analyst = createClickHouse(config, { readonly: true });
    try {
      const count = await (
        await analyst.query({ query: 'SELECT count() AS n FROM plumbing', format: 'JSONEachRow' })
      ).json<{ n: string | number }>();
      expect(Number(count[0]?.n)).toBe(sampleEvents().length);
      await expect(analyst.command({ query: `INSERT INTO plumbing (event_id) VALUES ('x')` })).rejects.toMatchObject({
        code: '164',
      });
      await expect(analyst.command({ query: 'DROP TABLE plumbing' })).rejects.toMatchObject({ code: '164' });
    } finally {
      await analyst.close();
    }
  });
});
