import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../services/ingest/canonical.ts';
import { AvroCodec } from '../../services/shared/avro.ts';
import { createClickHouse, type ClickHouseClient } from '../../services/shared/clickhouse.ts';
import { createKafka, durableProducer } from '../../services/shared/kafka.ts';
import type { Producer } from 'kafkajs';
import { FaultRunner } from '../chaos/faults.ts';
import { matchPoison, summarizeDeadLetters } from '../chaos/ledger.ts';
import { AckingClient, batchesOf, paced } from '../chaos/load.ts';
import { Pipeline } from '../chaos/pipeline.ts';
import { until } from '../chaos/processes.ts';
import { CHAOS_BRANDS, chaosEvents, expectedFrom } from '../chaos/traffic.ts';
import { compareStored, deadLetterTable, readDeadLetters, sentimentCounts, tableRowsFor } from '../chaos/verify.ts';
import { deleteRunTopics, dropRunDatabase, isolatedConfig, logger } from '../support/stack.ts';

/**
 * The short chaos run (the full one is `npm run chaos`), on the shared stack with its own topics,
 * database and consumer groups: ingest, enricher and sink as child processes under load through
 * the API; one SIGKILL of each; poison through the API and straight into the raw and the enriched
 * topics; then a canary on the poison's partition. The canary must be queryable in v_messages,
 * every poison record must have exactly one dead letter, and nothing acknowledged may be lost or
 * duplicated. No broker restart here: the shared broker is everyone's.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const config = isolatedConfig('chaos');
const logDir = mkdtempSync(join(tmpdir(), 'bp-chaos-'));
const codec = new AvroCodec();
const { kafka, topics } = createKafka(config, logger, 'chaos-e2e');
let pipeline: Pipeline;
let producer: Producer;
let ch: ClickHouseClient;

beforeAll(async () => {
  pipeline = await Pipeline.create({
    root: ROOT,
    kafkaBrokers: config.KAFKA_BROKERS.join(','),
    clickhouseUrl: config.CLICKHOUSE_URL,
    clickhouseUser: config.CLICKHOUSE_USER,
    clickhousePassword: config.CLICKHOUSE_PASSWORD,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    database: config.CLICKHOUSE_DATABASE,
    groupPrefix: config.KAFKA_TOPIC_PREFIX,
    logDir,
    logLevel: 'warn',
  });
  await pipeline.init();
  pipeline.start();
  producer = durableProducer(kafka);
  await producer.connect();
  ch = createClickHouse(config);
  await pipeline.waitReady();
});

afterAll(async () => {
  await pipeline?.stop();
  await producer?.disconnect().catch(() => undefined);
  await ch?.close();
  await deleteRunTopics(config);
  await dropRunDatabase(config);
  rmSync(logDir, { recursive: true, force: true });
});

describe('chaos, short', () => {
  it('survives a SIGKILL of each service and poison in every door: the canary arrives, one dead letter per poison, nothing lost or duplicated', async () => {
    const events = chaosEvents(600, 5, config.KAFKA_TOPIC_PREFIX);
    const client = new AckingClient({
      url: pipeline.url,
      keys: new Map(CHAOS_BRANDS.map((b) => [b, `dev-key-${b}`])),
      deadline: Date.now() + 90_000,
    });
    const canaryThread = 'chaos-canary-thread';
    const faults = new FaultRunner({
      pipeline,
      stack: null,
      client,
      producer,
      codec,
      topics,
      seed: 5,
      threads: [canaryThread],
      outageMs: 0,
      log: () => undefined,
    });

    const load = paced(client, batchesOf(events, 50), 60, 2);
    await until('some events acknowledged', () => client.acked.size > 0, 30_000);
    await Promise.all([
      faults.one({ kind: 'kill-sink', index: 0 }),
      faults.one({ kind: 'kill-enricher', index: 0 }),
      faults.one({ kind: 'kill-ingest', index: 0 }),
    ]);
    await load;
    expect(client.acked.size).toBe(events.length);

    const apiPoison = await faults.sendApiPoison('far-future-iso');
    expect(apiPoison).toMatchObject({ status: 400, namesField: true });
    for (const kind of ['absurd-avro-raw', 'garbage-raw', 'absurd-avro-enriched', 'garbage-enriched'] as const)
      await faults.sendKafkaPoison(kind);

    // The canary goes where the poison went: the same thread, so the same partitions.
    const canary = {
      type: 'message_posted',
      event_id: `${config.KAFKA_TOPIC_PREFIX}canary`,
      event_time: new Date().toISOString(),
      brand: 'acme',
      platform: 'instagram',
      account_id: 'acme_ig',
      thread_id: canaryThread,
      message_id: 'chaos-canary',
      author_platform_id: 'canary',
      text: 'Is my order on its way?',
      language_hint: 'en',
    } satisfies CanonicalEvent;
    expect(await client.send([canary])).toBe(true);
    await until(
      'the canary in v_messages',
      async () => {
        const rs = await ch.query({
          query: `SELECT count() AS n FROM v_messages WHERE message_id = 'chaos-canary'`,
          format: 'JSONEachRow',
        });
        return Number((await rs.json<{ n: string }>())[0]?.n) === 1;
      },
      60_000,
      500,
    );

    const origins = faults.kafkaPoison.map((p) => p.sent);
    const kafkaDeadLetters = await until(
      'a dead letter for each poison record',
      async () => {
        const records = await readDeadLetters(kafka, topics.name('deadLetters'), codec);
        return matchPoison(origins, records).every((p) => p.deadLetters > 0);
      },
      60_000,
      1_000,
    ).then(() => readDeadLetters(kafka, topics.name('deadLetters'), codec));
    const outcomes = matchPoison(origins, kafkaDeadLetters);
    expect(outcomes.map((p) => [p.label, p.deadLetters])).toEqual(origins.map((o) => [o.label, 1]));
    expect(summarizeDeadLetters(kafkaDeadLetters).twice).toEqual([]);
    const poisonOrigins = outcomes.flatMap((p) => p.origins);
    await until(
      'the dead letters in the dead_letters table',
      async () => tableRowsFor(poisonOrigins, (await deadLetterTable(ch)).byOrigin) >= poisonOrigins.length,
      30_000,
      500,
    );
    const table = await deadLetterTable(ch);
    expect(poisonOrigins.map((o) => table.byOrigin.get(o))).toEqual(poisonOrigins.map(() => 1));

    const expected = expectedFrom(events, client.acked);
    const comparisons = await compareStored(ch, expected);
    expect(comparisons.map((c) => [c.name, c.lost, c.duplicated])).toEqual(comparisons.map((c) => [c.name, 0, 0]));
    const sentiment = await sentimentCounts(ch);
    expect(sentiment.inMinuteView).toBe(sentiment.counted);
    expect(pipeline.service('sink').kills + pipeline.service('enricher').kills + pipeline.service('ingest').kills).toBe(
      3,
    );
  });
});
