import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import type { BaseConfig } from '../../../services/shared/config.ts';
import type { ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import { durableProducer, type KafkaContext } from '../../../services/shared/kafka.ts';
import { DeadLetterRecorder } from '../../../services/sink/dead-letter-recorder.ts';
import { deadLetterMessage } from '../../../services/shared/dead-letters.ts';
import { isolatedClickHouse, isolatedConfig, isolatedKafka, logger } from '../../support/stack.ts';
import { rows, waitFor } from './support.ts';

/** The dead-letter topic → dead_letters table, for every stage, on real Kafka and ClickHouse. */
describe('DeadLetterRecorder', () => {
  let config: BaseConfig;
  let kafka: KafkaContext & { cleanup: () => Promise<void> };
  let ch: { client: ClickHouseClient; cleanup: () => Promise<void> };
  beforeAll(async () => {
    config = isolatedConfig('dlq');
    kafka = await isolatedKafka(config);
    ch = await isolatedClickHouse(config);
    await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
  });
  afterAll(async () => {
    await kafka?.cleanup();
    await ch?.cleanup();
  });

  it("records the enricher's, the sink's and a bare record once each, also when a second group reads them again", async () => {
    const topic = kafka.topics.name('deadLetters');
    const raw = kafka.topics.name('conversationEvents');
    const producer = durableProducer(kafka.kafka);
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        deadLetterMessage({
          record: { topic: raw, partition: 2, offset: '17', key: Buffer.from('th-9'), value: Buffer.from('not avro') },
          stage: 'enricher',
          reason: 'decode:bad-magic',
          detail: 'magic byte 110',
        }),
        deadLetterMessage({
          record: {
            topic: kafka.topics.name('enrichedEvents'),
            partition: 1,
            offset: '5',
            key: Buffer.from('th-8'),
            value: Buffer.from([0]),
          },
          stage: 'sink',
          reason: 'invalid',
          detail: 'brand is empty',
        }),
        { key: 'th-7', value: Buffer.from('put here by hand') },
      ].map((m) => ({ ...m, partition: 0 })),
    });
    await producer.disconnect();

    const query = `SELECT stage, reason, source_topic, source_partition, toString(source_offset) AS source_offset, size_bytes FROM dead_letters FINAL ORDER BY stage`;
    const expected = [
      {
        stage: 'enricher',
        reason: 'decode:bad-magic',
        source_topic: raw,
        source_partition: 2,
        source_offset: '17',
        size_bytes: 8,
      },
      {
        stage: 'sink',
        reason: 'invalid',
        source_topic: kafka.topics.name('enrichedEvents'),
        source_partition: 1,
        source_offset: '5',
        size_bytes: 1,
      },
      {
        stage: 'unknown',
        reason: 'unknown',
        source_topic: topic,
        source_partition: 0,
        source_offset: '2',
        size_bytes: 16,
      },
    ];
    for (const group of ['dlq-a', 'dlq-b']) {
      const recorder = new DeadLetterRecorder(
        { kafka: kafka.kafka, clickhouse: ch.client, logger },
        { topic, groupId: group },
      );
      await recorder.start();
      try {
        await waitFor(
          `${group} read the topic`,
          async () => recorder.stats.recorded,
          (n) => n === 3,
        );
      } finally {
        await recorder.stop();
      }
      expect(await rows(ch.client, query)).toEqual(expected);
    }
    // The dashboards' view counts each once, by stage and reason.
    expect(
      await rows(
        ch.client,
        `SELECT stage, toUInt32(sum(records)) AS n FROM v_dead_letters_minute GROUP BY stage ORDER BY stage`,
      ),
    ).toEqual([
      { stage: 'enricher', n: 1 },
      { stage: 'sink', n: 1 },
      { stage: 'unknown', n: 1 },
    ]);
  });
});
