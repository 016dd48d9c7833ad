import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../../services/shared/avro.ts';
import type { ClickHouseClient } from '../../services/shared/clickhouse.ts';
import { DLQ_HEADERS } from '../../services/shared/dead-letters.ts';
import { compare, originOf, type Comparison, type DeadLetterRecord, type Expected } from './ledger.ts';
import { eventIdInside, POISON_ID_PREFIX } from './poison.ts';

/**
 * The end-of-run reads: ids per table and view as readers see them (FINAL, the analyst views), and
 * every record of the dead-letter topic. Reads go one at a time (chDB runs one query at a time).
 */
async function copies(ch: ClickHouseClient, query: string): Promise<Map<string, number>> {
  const rs = await ch.query({ query, format: 'JSONCompactEachRow' });
  const rows = await rs.json<[string, string | number]>();
  return new Map(rows.map(([id, n]) => [id, Number(n)]));
}

async function scalar(ch: ClickHouseClient, query: string): Promise<number> {
  const rs = await ch.query({ query, format: 'JSONCompactEachRow' });
  const [row] = await rs.json<[string | number]>();
  return Number(row?.[0] ?? 0);
}

/** Every table and view the brief names, compared with what the API acknowledged. */
export async function compareStored(ch: ClickHouseClient, expected: Expected): Promise<Comparison[]> {
  const reads: Array<[string, ReadonlySet<string>, string]> = [
    ['events FINAL (event_id)', expected.events, 'SELECT event_id, count() FROM events FINAL GROUP BY event_id'],
    [
      'thread_events FINAL (event_id)',
      expected.events,
      'SELECT event_id, count() FROM thread_events FINAL GROUP BY event_id',
    ],
    [
      'messages FINAL (message_id)',
      expected.messages,
      `SELECT concat(brand, '/', message_id), count() FROM messages FINAL WHERE posted = 1 GROUP BY brand, message_id`,
    ],
    [
      'v_messages (message_id)',
      expected.messages,
      `SELECT concat(brand, '/', message_id), count() FROM v_messages GROUP BY brand, message_id`,
    ],
    [
      'v_moderation_actions (event_id)',
      expected.moderation,
      'SELECT event_id, count() FROM v_moderation_actions GROUP BY event_id',
    ],
    [
      'v_thread_response (thread_id)',
      expected.threads,
      `SELECT concat(brand, '/', thread_id), count() FROM v_thread_response GROUP BY brand, thread_id`,
    ],
  ];
  const out: Comparison[] = [];
  for (const [name, ids, sql] of reads) out.push(compare(name, ids, await copies(ch, sql)));
  return out;
}

/** Poison event ids that were stored as ordinary events (not dead-lettered). */
export async function storedPoisonIds(ch: ClickHouseClient): Promise<Set<string>> {
  return new Set(
    (
      await copies(
        ch,
        `SELECT event_id, count() FROM events FINAL WHERE startsWith(event_id, '${POISON_ID_PREFIX}') GROUP BY event_id`,
      )
    ).keys(),
  );
}

/** Customer messages that count in sentiment, in v_messages and in v_sentiment_minute: a replayed insert would count twice. */
export async function sentimentCounts(ch: ClickHouseClient): Promise<{ counted: number; inMinuteView: number }> {
  return {
    counted: await scalar(ch, 'SELECT count() FROM v_messages WHERE counts_in_sentiment = 1'),
    inMinuteView: await scalar(ch, 'SELECT sum(messages) FROM v_sentiment_minute'),
  };
}

export async function deadLetterTable(
  ch: ClickHouseClient,
): Promise<{ rows: number; distinct: number; byOrigin: Map<string, number> }> {
  const byOrigin = await copies(
    ch,
    `SELECT concat(source_topic, '/', toString(source_partition), '@', toString(source_offset)), count() FROM dead_letters GROUP BY source_topic, source_partition, source_offset`,
  );
  return { rows: [...byOrigin.values()].reduce((a, b) => a + b, 0), distinct: byOrigin.size, byOrigin };
}

/** Every record on the dead-letter topic, read from the start to the end offsets of now. */
export async function readDeadLetters(
  kafka: Kafka,
  topic: string,
  codec: AvroCodec,
  timeoutMs = 60_000,
): Promise<DeadLetterRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
  await admin.disconnect();
  const out: DeadLetterRecord[] = [];
  if ([...ends.values()].every((e) => e === 0n)) return out;
  const consumer = kafka.consumer({
    groupId: `chaos-dlq-reader-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 500,
  });
  const reached = new Map<number, bigint>();
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the dead-letter topic was not read to its end within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const done = () => [...ends].every(([p, e]) => (reached.get(p) ?? 0n) >= e);
      void consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const h = (name: string) => {
              const v = message.headers?.[name];
              const one = Array.isArray(v) ? v[0] : v;
              return one === undefined ? undefined : one.toString();
            };
            if (BigInt(message.offset) < (ends.get(partition) ?? 0n)) {
              out.push({
                stage: h(DLQ_HEADERS.stage) ?? 'unknown',
                reason: h(DLQ_HEADERS.reason) ?? 'unknown',
                sourceTopic: h(DLQ_HEADERS.topic) ?? topic,
                sourcePartition: Number(h(DLQ_HEADERS.partition) ?? partition),
                sourceOffset: h(DLQ_HEADERS.offset) ?? message.offset,
                eventId: eventIdInside(codec, message.value),
                value: message.value,
              });
            }
            reached.set(partition, BigInt(message.offset) + 1n);
            if (done()) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return out;
}

/** Dead-letter table rows per poison origin (the table keys rows by where the record came from). */
export function tableRowsFor(origins: readonly string[], byOrigin: ReadonlyMap<string, number>): number {
  return origins.reduce((n, o) => n + (byOrigin.get(o) ?? 0), 0);
}

export { originOf };
