import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrashJournal, QUARANTINE_AFTER_CRASHES } from '../../../services/shared/crash-journal.ts';
import { DeadLetterRecorder } from '../../../services/sink/dead-letter-recorder.ts';
import { Sink } from '../../../services/sink/sink.ts';
import { ClickHouseWriter, ProjectorStep, type BatchStep } from '../../../services/sink/steps.ts';
import { ThreadProjector } from '../../../services/threads/projector.ts';
import { enrichment, posted } from '../../unit/sink/fixtures.ts';
import { logger } from '../../support/stack.ts';
import { codec, encoded, migratedStack, produce, rows, scalar, waitFor, type MigratedStack } from './support.ts';

/** Posts on `threads` threads (one per thread), thread ids th-p-<i>. */
const posts = (prefix: string, n: number, minute = 0) =>
  Array.from({ length: n }, (_, i) => {
    const e = posted(
      `${prefix}-${i}`,
      minute,
      `${prefix}-m-${i}`,
      `${prefix} message ${i}`,
      enrichment('neutral', 0, 'question'),
    );
    return { ...e, event: { ...e.event, thread_id: `th-${prefix}-${i}` } };
  });

describe('poison in the enriched topic never stops the sink (real Kafka and ClickHouse)', () => {
  let kafka: MigratedStack['kafka'];
  let ch: MigratedStack['ch'];
  beforeAll(async () => {
    ({ kafka, ch } = await migratedStack('sinkpoison'));
  });
  afterAll(async () => {
    await kafka?.cleanup();
    await ch?.cleanup();
  });

  const sinkFor = (
    group: string,
    steps: BatchStep[],
    extra: { journal?: CrashJournal; exit?: (code: number) => void } = {},
  ) =>
    new Sink(
      { kafka: kafka.kafka, codec, logger, steps, ...extra },
      {
        sourceTopic: kafka.topics.name('enrichedEvents'),
        deadLetterTopic: kafka.topics.name('deadLetters'),
        groupId: group,
        maxRows: 5000,
        maxWaitMs: 100,
      },
    );

  it('a row ClickHouse refuses and an absurd valid record are dead-lettered once each; the rest of the batch and a canary are stored', async () => {
    // A CHECK constraint makes the real engine refuse one ordinary row as data (VIOLATED_CONSTRAINT),
    // as it refuses a value it cannot parse: the sink does not know it in advance and must isolate it.
    await ch.client.command({
      query: `ALTER TABLE events ADD CONSTRAINT test_refuses_poison CHECK thread_id != 'th-refused-0'`,
    });
    const topic = kafka.topics.name('enrichedEvents');
    const before = posts('before', 300);
    const refused = posts('refused', 1);
    const absurd = posts('absurd', 1).map((e) => ({ ...e, event: { ...e.event, event_time: -8.64e15 } }));
    const after = posts('after', 300);
    // One batch holding all of them, across partitions.
    await produce(kafka.kafka, topic, [...before, ...refused, ...absurd, ...after].map(encoded));

    const writer = new ClickHouseWriter(ch.client);
    const projector = new ProjectorStep(new ThreadProjector({ clickhouse: ch.client, logger }));
    const sink = sinkFor('sink-poison', [writer, projector]);
    const recorder = new DeadLetterRecorder(
      { kafka: kafka.kafka, clickhouse: ch.client, logger },
      { topic: kafka.topics.name('deadLetters'), groupId: 'sink-poison-dlq' },
    );
    await sink.start();
    await recorder.start();
    try {
      await waitFor(
        'every good event stored',
        () => scalar(ch.client, `SELECT uniqExact(event_id) AS v FROM events`),
        (n) => n === 600,
      );
      await waitFor(
        'both dead letters recorded',
        () => scalar(ch.client, 'SELECT count() AS v FROM dead_letters'),
        (n) => n === 2,
      );
      // A canary after the poison: the partitions keep flowing.
      await produce(kafka.kafka, topic, posts('canary', 1).map(encoded));
      await waitFor(
        'the canary in v_messages',
        () => scalar(ch.client, `SELECT count() AS v FROM v_messages WHERE thread_id = 'th-canary-0'`),
        (n) => n === 1,
        30_000,
      );
    } finally {
      await Promise.all([sink.stop(), recorder.stop()]);
    }
    const dead = await rows<{ reason: string; detail: string; source_offset: string; n: string }>(
      ch.client,
      `SELECT reason, any(detail) AS detail, source_offset, count() AS n FROM dead_letters GROUP BY reason, source_offset ORDER BY reason`,
    );
    expect(dead.map((d) => [d.reason, Number(d.n)])).toEqual([
      ['clickhouse:469', 1],
      ['invalid', 1],
    ]);
    expect(dead[1]!.detail).toMatch(/^event_time -?8640000000000000 is outside/);
    // Every other record of the batch reached every table; the refused one reached none of the
    // writer's tables (its sibling step, the thread projection, had accepted it before the refusal:
    // docs/processors.md says so), the absurd one none at all.
    expect(
      await scalar(ch.client, `SELECT count() AS v FROM v_messages WHERE thread_id IN ('th-refused-0', 'th-absurd-0')`),
    ).toBe(0);
    expect(
      await scalar(ch.client, `SELECT count() AS v FROM events WHERE thread_id IN ('th-refused-0', 'th-absurd-0')`),
    ).toBe(0);
    expect(
      await scalar(
        ch.client,
        `SELECT uniqExact(thread_id) AS v FROM thread_facts WHERE thread_id NOT IN ('th-refused-0', 'th-absurd-0')`,
      ),
    ).toBe(601);
    expect(await scalar(ch.client, `SELECT count() AS v FROM thread_facts WHERE thread_id = 'th-absurd-0'`)).toBe(0);
    expect(sink.stats.deadLetters).toBe(2);
  });

  it('a record that crashes a step with a TypeError exits the sink without commit, and is quarantined after 3 crashes', async () => {
    const topic = kafka.topics.name('enrichedEvents');
    const group = 'sink-crash';
    const journalDeps = { kafka: kafka.kafka, logger, topic: kafka.topics.name('recordCrashes'), groupId: group };
    // A bug that only one record's shape reaches (its pure per-record work throws).
    const buggy: BatchStep = {
      name: 'buggy',
      check: (a) => {
        if (a.event.event.thread_id === 'th-bug-0') void (undefined as unknown as { x: number }).x;
      },
      run: async (ctx) => {
        for (const a of ctx.accepted) buggy.check!(a);
      },
    };
    const good = () => new ClickHouseWriter(ch.client);
    await produce(kafka.kafka, topic, [...posts('bug', 1, 1), ...posts('next', 5, 1)].map(encoded));
    const exits: number[] = [];
    for (let crash = 1; crash <= QUARANTINE_AFTER_CRASHES; crash++) {
      const exited = new Promise<void>((resolve) => {
        const sink = sinkFor(group, [good(), buggy], {
          journal: new CrashJournal(journalDeps),
          exit: (code) => {
            exits.push(code);
            void sink.stop().then(resolve);
          },
        });
        void sink.start();
      });
      await exited;
    }
    expect(exits).toEqual([1, 1, 1]);
    // Nothing was committed: the good records of the crashing batch are not lost, only not written yet.
    const journal = new CrashJournal(journalDeps);
    await journal.load();
    const dlqBefore = await scalar(ch.client, 'SELECT count() AS v FROM dead_letters FINAL');
    // Fourth start: the record is quarantined to the dead-letter topic and everything else flows.
    const sink = sinkFor(group, [good(), buggy], { journal, exit: (code) => exits.push(code) });
    const recorder = new DeadLetterRecorder(
      { kafka: kafka.kafka, clickhouse: ch.client, logger },
      { topic: kafka.topics.name('deadLetters'), groupId: 'sink-crash-dlq' },
    );
    await sink.start();
    await recorder.start();
    try {
      await waitFor(
        'the other records of the batch',
        () => scalar(ch.client, `SELECT uniqExact(event_id) AS v FROM events WHERE thread_id LIKE 'th-next-%'`),
        (n) => n === 5,
      );
      await waitFor(
        'the quarantine recorded',
        () => scalar(ch.client, `SELECT count() AS v FROM dead_letters WHERE reason = 'quarantined'`),
        (n) => n === 1,
        30_000,
      );
    } finally {
      await Promise.all([sink.stop(), recorder.stop()]);
    }
    expect(exits).toEqual([1, 1, 1]);
    const [q] = await rows<{ detail: string }>(
      ch.client,
      `SELECT detail FROM dead_letters WHERE reason = 'quarantined'`,
    );
    expect(q!.detail).toMatch(/^crashed the sink 3 times: TypeError: Cannot read properties of undefined/);
    expect(await scalar(ch.client, 'SELECT count() AS v FROM dead_letters FINAL')).toBe(dlqBefore + 1);
    // Written once each, though their batch was retried after every crash.
    expect(await scalar(ch.client, `SELECT count() AS v FROM events FINAL WHERE thread_id LIKE 'th-next-%'`)).toBe(5);
    expect(await scalar(ch.client, `SELECT count() AS v FROM v_messages WHERE thread_id LIKE 'th-next-%'`)).toBe(5);
  });
});
