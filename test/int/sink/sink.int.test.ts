import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterRecorder } from '../../../services/sink/dead-letter-recorder.ts';
import { DLQ_HEADERS } from '../../../services/shared/dead-letters.ts';
import { Sink } from '../../../services/sink/sink.ts';
import { ClickHouseWriter } from '../../../services/sink/steps.ts';
import { deleted, edited, enrichment, moderation, posted } from '../../unit/sink/fixtures.ts';
import { logger } from '../../support/stack.ts';
import {
  codec,
  encoded,
  migratedStack,
  produce,
  rows,
  scalar,
  waitFor,
  workload,
  type MigratedStack,
} from './support.ts';

type Ctx = MigratedStack;
const setup = migratedStack;

describe('sink → ClickHouse (real Kafka and ClickHouse)', () => {
  let c: Ctx;
  beforeAll(async () => {
    c = await setup('sink');
  });
  afterAll(async () => {
    await c?.kafka.cleanup();
    await c?.ch.cleanup();
  });

  it('events in → exact rows out; a poison message goes to the DLQ and the partition keeps flowing', async () => {
    const topic = c.kafka.topics.name('enrichedEvents');
    const events = [
      posted('e1', 0, 'm-1', 'this is bad', enrichment('negative', -0.8)),
      posted('e2', 0, 'm-2', 'love it', enrichment('positive', 0.9, 'praise')),
      posted('e3', 1, 'm-3', 'hello?', enrichment('neutral', 0, 'question')),
    ];
    const later = [
      edited('e4', 2, 'm-1', 'fixed, thanks', enrichment('positive', 0.6, 'praise')),
      moderation('e5', 3, 'relabel', 'm-2', { sentiment: 'negative', intent: 'complaint' }),
      deleted('e6', 4, 'm-3'),
      posted('e1', 0, 'm-1', 'this is bad', enrichment('negative', -0.8)), // duplicate delivery
    ];
    const poison = Buffer.from('definitely not avro');
    // One thread key: everything lands in one partition, the poison in the middle of it.
    await produce(c.kafka.kafka, topic, [
      ...events.map(encoded),
      { key: 'th-1', value: poison },
      ...later.map(encoded),
    ]);

    const sink = new Sink(
      { kafka: c.kafka.kafka, codec, logger, steps: [new ClickHouseWriter(c.ch.client)] },
      {
        sourceTopic: topic,
        deadLetterTopic: c.kafka.topics.name('deadLetters'),
        groupId: 'sink-int',
        maxRows: 1000,
        maxWaitMs: 100,
      },
    );
    const recorder = new DeadLetterRecorder(
      { kafka: c.kafka.kafka, clickhouse: c.ch.client, logger },
      { topic: c.kafka.topics.name('deadLetters'), groupId: 'sink-int-dlq' },
    );
    await sink.start();
    await recorder.start();
    try {
      await waitFor(
        'all events stored',
        () => scalar(c.ch.client, 'SELECT count() AS v FROM events FINAL'),
        (n) => n === 6,
      );
      await waitFor(
        'the dead letter recorded',
        () => scalar(c.ch.client, 'SELECT count() AS v FROM dead_letters'),
        (n) => n === 1,
      );
    } finally {
      await Promise.all([sink.stop(), recorder.stop()]);
    }
    const messages = (
      await rows<Record<string, unknown>>(
        c.ch.client,
        `SELECT message_id, text, sentiment_label, intent, human_override, edited, removed, counts_in_sentiment, toUnixTimestamp64Milli(posted_time) AS t FROM v_messages ORDER BY message_id`,
      )
    ).map((r) => ({ ...r, t: Number(r.t) }));
    const T0 = 1_700_000_000_000;
    expect(messages).toEqual(
      [
        {
          message_id: 'm-1',
          text: 'fixed, thanks',
          sentiment_label: 'positive',
          intent: 'praise',
          human_override: 0,
          edited: true,
          removed: false,
          counts_in_sentiment: 1,
          t: T0,
        },
        {
          message_id: 'm-2',
          text: 'love it',
          sentiment_label: 'negative',
          intent: 'complaint',
          human_override: 1,
          edited: false,
          removed: false,
          counts_in_sentiment: 1,
          t: T0,
        },
        {
          message_id: 'm-3',
          text: 'hello?',
          sentiment_label: 'neutral',
          intent: 'question',
          human_override: 0,
          edited: false,
          removed: true,
          counts_in_sentiment: 0,
          t: T0 + 60_000,
        },
      ].map((r) => ({ ...r, edited: r.edited ? 1 : 0, removed: r.removed ? 1 : 0 })),
    );
    const minutes = (
      await rows<Record<string, unknown>>(
        c.ch.client,
        `SELECT toUnixTimestamp(minute) * 1000 AS m, messages, negative, neutral, positive, net_sentiment FROM v_sentiment_minute WHERE brand = 'acme' ORDER BY minute`,
      )
    ).map((r) => ({
      ...r,
      m: Number(r.m),
      messages: Number(r.messages),
      negative: Number(r.negative),
      neutral: Number(r.neutral),
      positive: Number(r.positive),
    }));
    // m-1 (edited to positive) and m-2 (relabelled negative); m-3 was deleted in the same batch it was
    // posted in, so its minute never received a contribution.
    expect(minutes).toEqual([
      { m: Math.floor(T0 / 60_000) * 60_000, messages: 2, negative: 1, neutral: 0, positive: 1, net_sentiment: 0 },
    ]);
    expect(await scalar(c.ch.client, `SELECT count() AS v FROM v_moderation_actions`)).toBe(1);
    expect(
      (
        await rows<Record<string, unknown>>(c.ch.client, `SELECT stage, reason, source_offset FROM dead_letters FINAL`)
      ).map((r) => ({ ...r, source_offset: Number(r.source_offset) })),
    ).toEqual([{ stage: 'sink', reason: 'decode:bad-magic', source_offset: 3 }]);

    // The DLQ topic has the original bytes and the reason.
    const consumer = c.kafka.kafka.consumer({ groupId: 'dlq-reader' });
    await consumer.connect();
    await consumer.subscribe({ topic: c.kafka.topics.name('deadLetters'), fromBeginning: true });
    const got = await new Promise<{ value: Buffer | null; reason: string }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) =>
          resolve({ value: message.value, reason: String(message.headers?.[DLQ_HEADERS.reason]) }),
      });
    });
    await consumer.disconnect();
    expect(got).toEqual({ value: poison, reason: 'decode:bad-magic' });
  });
});

describe('sink process killed with SIGKILL mid-batch, then restarted', () => {
  let c: Ctx;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    c = await setup('sinkkill');
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await c?.kafka.cleanup();
    await c?.ch.cleanup();
  });

  const startSink = () => {
    // node itself, not `npx tsx`: SIGKILL must hit the sink, not a wrapper whose child would live on.
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/cli.ts', 'sink'], {
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        KAFKA_BROKERS: c.config.KAFKA_BROKERS.join(','),
        KAFKA_TOPIC_PREFIX: c.config.KAFKA_TOPIC_PREFIX,
        CLICKHOUSE_URL: c.config.CLICKHOUSE_URL,
        CLICKHOUSE_USER: c.config.CLICKHOUSE_USER,
        CLICKHOUSE_PASSWORD: c.config.CLICKHOUSE_PASSWORD,
        CLICKHOUSE_DATABASE: c.config.CLICKHOUSE_DATABASE,
        SINK_MAX_ROWS: '300',
        SINK_MAX_WAIT_MS: '50',
        SINK_GROUP_ID: 'sink-kill',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  };

  it('loses nothing and counts nothing twice', async () => {
    const { events, expected, messages } = workload(400);
    await produce(c.kafka.kafka, c.kafka.topics.name('enrichedEvents'), events.map(encoded));

    const first = startSink();
    // Kill it once it is part-way through: some batches written, most not.
    await waitFor(
      'first batches',
      () => scalar(c.ch.client, 'SELECT count() AS v FROM events'),
      (n) => n >= 300,
      120_000,
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const before = await scalar(c.ch.client, 'SELECT count() AS v FROM events');
    expect(before).toBeLessThan(events.length);

    const second = startSink();
    await waitFor(
      'every event stored',
      () => scalar(c.ch.client, 'SELECT uniqExact(event_id) AS v FROM events'),
      (n) => n === events.length,
      180_000,
    );
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));

    const [totals] = await rows<Record<string, string>>(
      c.ch.client,
      `SELECT sum(messages) AS messages, sum(negative) AS negative, sum(neutral) AS neutral, sum(positive) AS positive FROM v_sentiment_minute`,
    );
    expect(Object.fromEntries(Object.entries(totals!).map(([k, v]) => [k, Number(v)]))).toEqual(expected);
    expect(await scalar(c.ch.client, 'SELECT count() AS v FROM v_messages')).toBe(messages);
    expect(await scalar(c.ch.client, 'SELECT count() AS v FROM events FINAL')).toBe(events.length);
  });
});
