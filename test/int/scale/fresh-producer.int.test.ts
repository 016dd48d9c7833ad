import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { durableProducer } from '../../../services/shared/kafka.ts';
import { isolatedConfig, isolatedKafka } from '../../support/stack.ts';

/**
 * durableProducer retires its kafkajs producer after a failed send (services/shared/fresh-producer.ts):
 * the next send goes through a new producer (a new producer id), and nothing sent before or after
 * the failure is lost or written twice.
 */
describe('durable producer after a failed send', () => {
  const config = isolatedConfig('freshprod');
  let ctx: Awaited<ReturnType<typeof isolatedKafka>>;
  beforeAll(async () => {
    ctx = await isolatedKafka(config);
  });
  afterAll(async () => {
    await ctx?.cleanup();
  });

  it('sends through a new producer after a failure, and every acknowledged record arrives once', async () => {
    const topic = ctx.topics.name('deadLetters');
    const admin = ctx.kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    let created = 0;
    const counting = new Proxy(ctx.kafka, {
      get: (t, p, r) =>
        p === 'producer'
          ? (...a: Parameters<Kafka['producer']>) => (created++, t.producer(...a))
          : Reflect.get(t, p, r),
    });
    const producer = durableProducer(counting);
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'before' }] });
    expect(created).toBe(1);
    await expect(producer.send({ topic: `${topic}.missing`, acks: -1, messages: [{ value: 'x' }] })).rejects.toThrow();
    expect(created).toBe(2);
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'k', value: 'after-1' },
        { key: 'k', value: 'after-2' },
      ],
    });
    expect(created).toBe(2);
    await producer.disconnect();

    const consumer = ctx.kafka.consumer({ groupId: `${config.KAFKA_TOPIC_PREFIX}fresh-check` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message.value!.toString());
          if (seen.length >= 3) resolve();
        },
      });
    });
    await consumer.disconnect();
    await admin.disconnect();
    expect(seen).toEqual(['before', 'after-1', 'after-2']);
  });
});
