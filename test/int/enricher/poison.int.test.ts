import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Enricher } from '../../../services/enricher/enricher.ts';
import { createAnalyzerSync, type Analyzer } from '../../../services/nlp/index.ts';
import { CrashJournal, QUARANTINE_AFTER_CRASHES } from '../../../services/shared/crash-journal.ts';
import { DLQ_HEADERS } from '../../../services/shared/dead-letters.ts';
import { withRetry } from '../../../services/shared/retry.ts';
import { sampleEvents } from '../../support/events.ts';
import { isolatedConfig, isolatedKafka, logger } from '../../support/stack.ts';
import { codec, produce, waitFor } from '../sink/support.ts';

/** Records on a topic now (high - low over its partitions). */
async function recordsOn(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await withRetry(() => admin.fetchTopicOffsets(topic))).reduce(
      (n, p) => n + Number(p.high) - Number(p.low),
      0,
    );
  } finally {
    await admin.disconnect();
  }
}

describe('enricher: poison and bugs never stop a partition (real Kafka)', () => {
  const config = isolatedConfig('enrpoison');
  let kafka: Awaited<ReturnType<typeof isolatedKafka>>;
  beforeAll(async () => {
    kafka = await isolatedKafka(config);
  });
  afterAll(async () => {
    await kafka?.cleanup();
  });

  it('garbage is dead-lettered once; a record that crashes the analyzer exits the enricher without commit and is quarantined after 3 crashes', async () => {
    const raw = kafka.topics.name('conversationEvents');
    const events = sampleEvents();
    const marker = 'this text trips a bug';
    const trigger = {
      ...events[0]!,
      event_id: 'bug-1',
      thread_id: 'thread-bug',
      payload: {
        'dev.brandpulse.events.MessagePosted': {
          ...(events[0]!.payload as Record<string, object>)['dev.brandpulse.events.MessagePosted'],
          message_id: 'bug-m',
          text: marker,
        },
      },
    };
    // One partition (one key) so the bug, the garbage and the good records share a batch.
    await produce(kafka.kafka, raw, [
      ...events.map((e) => ({ key: 'k', value: codec.encode('conversation-event', e) })),
      { key: 'k', value: Buffer.from('garbage, not avro') },
      { key: 'k', value: codec.encode('conversation-event', trigger) },
    ]);
    const real = createAnalyzerSync();
    // The real analyzer with a bug that only one text reaches.
    const buggy: Analyzer = {
      modelVersion: real.modelVersion,
      analyze: (input) => {
        if (input.text === marker) void (null as unknown as { length: number }).length;
        return real.analyze(input);
      },
    };
    const group = 'enr-poison';
    const journal = () =>
      new CrashJournal({ kafka: kafka.kafka, logger, topic: kafka.topics.name('recordCrashes'), groupId: group });
    const options = {
      sourceTopic: raw,
      targetTopic: kafka.topics.name('enrichedEvents'),
      deadLetterTopic: kafka.topics.name('deadLetters'),
      groupId: group,
    };
    const exits: number[] = [];
    for (let crash = 1; crash <= QUARANTINE_AFTER_CRASHES; crash++) {
      await new Promise<void>((resolve) => {
        const enricher = new Enricher(
          {
            kafka: kafka.kafka,
            codec,
            analyzer: buggy,
            logger,
            journal: journal(),
            exit: (code) => {
              exits.push(code);
              void enricher.stop().then(resolve);
            },
          },
          options,
        );
        void enricher.start();
      });
      // Nothing of the crashing batch was published or committed.
      expect(await recordsOn(kafka.kafka, options.targetTopic)).toBe(0);
    }
    expect(exits).toEqual([1, 1, 1]);
    const enricher = new Enricher(
      { kafka: kafka.kafka, codec, analyzer: buggy, logger, journal: journal(), exit: (code) => exits.push(code) },
      options,
    );
    await enricher.start();
    try {
      await waitFor(
        'every good record enriched and both dead letters sent',
        async () => [
          await recordsOn(kafka.kafka, options.targetTopic),
          await recordsOn(kafka.kafka, options.deadLetterTopic),
        ],
        ([enriched, dead]) => enriched === events.length && dead === 2,
        60_000,
      );
    } finally {
      await enricher.stop();
    }
    expect(exits).toEqual([1, 1, 1]);
    // The dead letters say why and keep the original bytes.
    const consumer = kafka.kafka.consumer({ groupId: 'enr-poison-read' });
    const seen: Array<{ reason: string; offset: string; bytes: string }> = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [options.deadLetterTopic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) =>
        void seen.push({
          reason: String(message.headers?.[DLQ_HEADERS.reason]),
          offset: String(message.headers?.[DLQ_HEADERS.offset]),
          bytes: message.value!.toString('latin1'),
        }),
    });
    await waitFor(
      'the dead letters read back',
      async () => seen.length,
      (n) => n === 2,
      30_000,
    );
    await consumer.disconnect();
    expect(seen.map((s) => s.reason).sort()).toEqual(['decode:bad-magic', 'quarantined']);
    expect(seen.find((s) => s.reason === 'decode:bad-magic')!.bytes).toBe('garbage, not avro');
    expect(seen.find((s) => s.reason === 'quarantined')!.bytes).toContain(marker);
  });
});
