import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import { Sink } from '../../../services/sink/sink.ts';
import { ClickHouseWriter } from '../../../services/sink/steps.ts';
import { isolatedClickHouse, isolatedConfig, isolatedKafka, logger, stackEndpoints } from '../../support/stack.ts';
import { encoded, produce, scalar, waitFor, workload } from './support.ts';

const stack = (cmd: 'up' | 'down') =>
  execFileSync('bash', ['infra/local/stack.sh', cmd, 'clickhouse'], { stdio: 'ignore', timeout: 120_000 });

// Stopping ClickHouse is only possible on the local stack (others share it: kept short, always restored).
describe('sink while ClickHouse is down', () => {
  const config = isolatedConfig('sinkdown');
  let kafka: Awaited<ReturnType<typeof isolatedKafka>>;
  let ch: Awaited<ReturnType<typeof isolatedClickHouse>>;
  beforeAll(async () => {
    const kind = stackEndpoints().kind;
    if (kind !== 'local') {
      throw new Error(
        `this test stops and starts ClickHouse with infra/local/stack.sh, but this run uses a "${kind}" stack: run it on the local stack.`,
      );
    }
    kafka = await isolatedKafka(config);
    ch = await isolatedClickHouse(config);
    await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
  });
  afterAll(async () => {
    stack('up');
    await kafka?.cleanup();
    await ch?.cleanup();
  });

  it('pauses, backs off and resumes by itself once ClickHouse is back, losing nothing', async () => {
    const { events, expected } = workload(40);
    const half = Math.floor(events.length / 2);
    const topic = kafka.topics.name('enrichedEvents');
    const sink = new Sink(
      {
        kafka: kafka.kafka,
        codec: (await import('./support.ts')).codec,
        logger,
        steps: [new ClickHouseWriter(ch.client)],
      },
      {
        sourceTopic: topic,
        deadLetterTopic: kafka.topics.name('deadLetters'),
        groupId: 'sink-down',
        maxRows: 500,
        maxWaitMs: 50,
      },
    );
    await produce(kafka.kafka, topic, events.slice(0, half).map(encoded));
    await sink.start();
    try {
      await waitFor(
        'first half',
        () => scalar(ch.client, 'SELECT uniqExact(event_id) AS v FROM events'),
        (n) => n === half,
      );
      stack('down');
      try {
        await produce(kafka.kafka, topic, events.slice(half).map(encoded));
        await waitFor(
          'the sink to notice and retry',
          async () => sink.stats.retries,
          (n) => n >= 2,
          30_000,
        );
      } finally {
        stack('up');
      }
      await waitFor(
        'everything after recovery',
        () => scalar(ch.client, 'SELECT uniqExact(event_id) AS v FROM events'),
        (n) => n === events.length,
        120_000,
      );
    } finally {
      await sink.stop();
    }
    expect(await scalar(ch.client, 'SELECT sum(messages) AS v FROM v_sentiment_minute')).toBe(expected.messages);
    expect(await scalar(ch.client, 'SELECT sum(negative) AS v FROM v_sentiment_minute')).toBe(expected.negative);
  });
});
