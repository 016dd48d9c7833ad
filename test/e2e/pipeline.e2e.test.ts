import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Enricher } from '../../services/enricher/enricher.ts';
import { applyMigrations } from '../../services/migrate/apply.ts';
import { createAnalyzer } from '../../services/nlp/index.ts';
import { createClickHouse } from '../../services/shared/clickhouse.ts';
import { DeadLetterRecorder } from '../../services/sink/dead-letter-recorder.ts';
import { endOffsets, projectionTables, replayRange, swapIn } from '../../services/sink/replay.ts';
import { Sink } from '../../services/sink/sink.ts';
import { ClickHouseWriter, ProjectorStep } from '../../services/sink/steps.ts';
import { ThreadProjector } from '../../services/threads/projector.ts';
import { isolatedClickHouse, isolatedConfig, isolatedKafka, logger } from '../support/stack.ts';
import { codec, produce, rows, scalar, waitFor } from '../int/sink/support.ts';
import { deleted, edited, enrichment, moderation, posted } from '../unit/sink/fixtures.ts';

describe('raw events → enricher → sink → ClickHouse, then replay with swap', () => {
  const config = isolatedConfig('pipeline');
  let kafka: Awaited<ReturnType<typeof isolatedKafka>>;
  let ch: Awaited<ReturnType<typeof isolatedClickHouse>>;
  const shadow = `${config.CLICKHOUSE_DATABASE}_replay`;
  beforeAll(async () => {
    kafka = await isolatedKafka(config);
    ch = await isolatedClickHouse(config);
    await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
  });
  afterAll(async () => {
    await ch?.client.command({ query: `DROP DATABASE IF EXISTS ${shadow}` }).catch(() => undefined);
    await kafka?.cleanup();
    await ch?.cleanup();
  });

  it('enriches, stores exact state, dead-letters poison, and a replay swaps in identical projections', async () => {
    const e = enrichment('neutral', 0); // ignored: the enricher computes the real enrichment
    const raw = [
      posted('p1', 0, 'm-1', 'This is terrible, my order never arrived!', e),
      posted('p2', 0, 'm-2', 'Thank you so much, great support, I love it!', e),
      edited('p3', 2, 'm-1', 'Order arrived, thank you, great service!', e),
      moderation('p4', 3, 'relabel', 'm-2', { sentiment: 'negative', intent: 'complaint' }),
      posted('p5', 1, 'm-3', 'Where is my refund?', e),
      deleted('p6', 4, 'm-3'),
    ].map((x) => ({ key: x.event.thread_id, value: codec.encode('conversation-event', x.event) }));
    await produce(kafka.kafka, kafka.topics.name('conversationEvents'), [
      ...raw.slice(0, 3),
      { key: 'th-1', value: Buffer.from([0, 0, 0, 0, 99, 1]) },
      ...raw.slice(3),
    ]);

    const analyzer = await createAnalyzer();
    const enricher = new Enricher(
      { kafka: kafka.kafka, codec, analyzer, logger },
      {
        sourceTopic: kafka.topics.name('conversationEvents'),
        targetTopic: kafka.topics.name('enrichedEvents'),
        deadLetterTopic: kafka.topics.name('deadLetters'),
        groupId: 'e2e-enricher',
      },
    );
    const sink = new Sink(
      {
        kafka: kafka.kafka,
        codec,
        logger,
        steps: [
          new ClickHouseWriter(ch.client),
          new ProjectorStep(new ThreadProjector({ clickhouse: ch.client, logger })),
        ],
      },
      {
        sourceTopic: kafka.topics.name('enrichedEvents'),
        deadLetterTopic: kafka.topics.name('deadLetters'),
        groupId: 'e2e-sink',
        maxRows: 1000,
        maxWaitMs: 100,
      },
    );
    const recorder = new DeadLetterRecorder(
      { kafka: kafka.kafka, clickhouse: ch.client, logger },
      { topic: kafka.topics.name('deadLetters'), groupId: 'e2e-dlq' },
    );
    await enricher.start();
    await sink.start();
    await recorder.start();
    const deadLetters = `SELECT stage, reason, toString(source_offset) AS source_offset FROM dead_letters FINAL`;
    try {
      await waitFor(
        'six events stored',
        () => scalar(ch.client, 'SELECT count() AS v FROM events FINAL'),
        (n) => n === 6,
      );
      await waitFor(
        "the enricher's dead letter recorded",
        () => scalar(ch.client, 'SELECT count() AS v FROM dead_letters FINAL'),
        (n) => n === 1,
      );
    } finally {
      await Promise.all([sink.stop(), enricher.stop(), recorder.stop()]);
    }
    expect(enricher.stats.deadLetters).toBe(1);
    expect(await rows(ch.client, deadLetters)).toEqual([
      { stage: 'enricher', reason: 'decode:unknown-schema', source_offset: '3' },
    ]);
    const query = `SELECT message_id, sentiment_label, human_override, removed, edited, model_version != '' AS has_model FROM v_messages ORDER BY message_id`;
    const before = await rows<Record<string, unknown>>(ch.client, query);
    expect(before).toEqual([
      { message_id: 'm-1', sentiment_label: 'positive', human_override: 0, removed: 0, edited: 1, has_model: 1 },
      { message_id: 'm-2', sentiment_label: 'negative', human_override: 1, removed: 0, edited: 0, has_model: 1 },
      {
        message_id: 'm-3',
        sentiment_label: expect.any(String),
        human_override: 0,
        removed: 1,
        edited: 0,
        has_model: 1,
      },
    ]);
    const sentiment = `SELECT sum(messages) AS messages, sum(positive) AS positive, sum(negative) AS negative FROM v_sentiment_minute`;
    const totals = (await rows<Record<string, unknown>>(ch.client, sentiment)).map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])),
    );
    expect(totals).toEqual([{ messages: 2, positive: 1, negative: 1 }]);

    // Replay: rebuild into a shadow database from the raw topic, swap, and the live names give the same answers.
    const admin = createClickHouse(config, { noDatabase: true });
    const shadowClient = createClickHouse(config, { database: shadow });
    try {
      await applyMigrations(admin, { database: shadow });
      const to = await endOffsets(kafka.kafka, kafka.topics.name('conversationEvents'));
      const stats = await replayRange({
        kafka: kafka.kafka,
        codec,
        analyzer,
        logger,
        topic: kafka.topics.name('conversationEvents'),
        to,
        steps: [
          new ClickHouseWriter(shadowClient),
          new ProjectorStep(new ThreadProjector({ clickhouse: shadowClient, logger })),
        ],
      });
      expect(stats).toEqual({ records: 7, deadLetters: 1 });
      const swapped = await swapIn(admin, config.CLICKHOUSE_DATABASE, shadow);
      expect(swapped).toEqual(await projectionTables(admin, config.CLICKHOUSE_DATABASE));
      expect(swapped).toEqual(expect.arrayContaining(['messages', 'sentiment_minute', 'events']));
      // Not rebuilt from the raw topic, so not swapped: the dead-letter history stays.
      expect(swapped).not.toContain('dead_letters');
    } finally {
      await shadowClient.close();
      await admin.close();
    }
    expect(await rows(ch.client, query)).toEqual(before);
    // The time-keyed copy (migration 0710) was rebuilt and swapped with messages: the same rows.
    expect(await rows(ch.client, query.replace('FROM v_messages', 'FROM v_messages_by_time'))).toEqual(before);
    const after = (await rows<Record<string, unknown>>(ch.client, sentiment)).map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])),
    );
    expect(after).toEqual(totals);
    expect(await rows(ch.client, deadLetters)).toEqual([
      { stage: 'enricher', reason: 'decode:unknown-schema', source_offset: '3' },
    ]);
    // The swapped-in tables are the rebuilt ones: their rows were inserted after the live sink's.
    expect(await scalar(ch.client, `SELECT count() AS v FROM ${shadow}.events FINAL`)).toBe(6);
  });
});
