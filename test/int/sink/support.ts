import type { Kafka } from 'kafkajs';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import type { BaseConfig } from '../../../services/shared/config.ts';
import type { KafkaContext } from '../../../services/shared/kafka.ts';
import { isolatedClickHouse, isolatedConfig, isolatedKafka } from '../../support/stack.ts';
import { waitFor as waitUntilDone } from '../../support/wait.ts';
import type { ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import { AvroCodec } from '../../../services/shared/avro.ts';
import type { EnrichedEvent, Payload } from '../../../services/shared/events.ts';
import { enriched, enrichment } from '../../unit/sink/fixtures.ts';

export const codec = new AvroCodec();

/** Kafka topics and a migrated ClickHouse database of this test file's own (unique prefix and database). */
export interface MigratedStack {
  config: BaseConfig;
  kafka: KafkaContext & { cleanup: () => Promise<void> };
  ch: { client: ClickHouseClient; cleanup: () => Promise<void> };
}

export async function migratedStack(label: string): Promise<MigratedStack> {
  const config = isolatedConfig(label);
  const kafka = await isolatedKafka(config);
  const ch = await isolatedClickHouse(config);
  await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
  return { config, kafka, ch };
}

export async function produce(kafka: Kafka, topic: string, records: { key: string; value: Buffer }[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = 0; i < records.length; i += 1000)
    await producer.send({ topic, acks: -1, messages: records.slice(i, i + 1000) });
  await producer.disconnect();
}

export const encoded = (e: EnrichedEvent) => ({ key: e.event.thread_id, value: codec.encode('enriched-event', e) });

/** test/support/wait.ts's waitFor with the sink tests' deadline (ClickHouse may be restarting meanwhile). */
export const waitFor = <T>(
  what: string,
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 90_000,
): Promise<T> => waitUntilDone(what, probe, done, timeoutMs, 500);

export async function rows<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  return (await client.query({ query, format: 'JSONEachRow' })).json<T>();
}

export async function scalar(client: ClickHouseClient, query: string): Promise<number> {
  const [r] = await rows<{ v: string | number }>(client, query);
  return Number(r?.v);
}

const LABELS = ['negative', 'neutral', 'positive'] as const;
type Label = (typeof LABELS)[number];

/**
 * A deterministic workload of `threads` threads with 3 customer messages each: every message is
 * posted; every 2nd is edited (re-scored to the next label); every 5th is deleted; every 7th is
 * relabelled negative. Returns the events and the expected sentiment totals, computed directly.
 */
export function workload(threads: number): {
  events: EnrichedEvent[];
  expected: Record<Label | 'messages', number>;
  messages: number;
} {
  const events: EnrichedEvent[] = [];
  const expected = { messages: 0, negative: 0, neutral: 0, positive: 0 };
  let n = 0;
  for (let t = 0; t < threads; t++) {
    const thread = `th-${t}`;
    for (let m = 0; m < 3; m++) {
      const id = `m-${t}-${m}`;
      const label: Label = LABELS[n % 3]!;
      const post: Payload = {
        type: 'message_posted',
        value: {
          message_id: id,
          parent_id: null,
          kind: 'comment',
          author_id: 'u',
          author_role: 'customer',
          agent_id: null,
          text: `t${n}`,
          language_hint: null,
          url: null,
          priority: null,
        },
      };
      events.push(
        enriched(
          `${id}-p`,
          m,
          post,
          enrichment(label, label === 'negative' ? -0.5 : label === 'positive' ? 0.5 : 0),
          thread,
        ),
      );
      let final: Label = label;
      if (n % 2 === 0) {
        final = LABELS[(n + 1) % 3]!;
        events.push(
          enriched(
            `${id}-e`,
            m + 1,
            {
              type: 'message_edited',
              value: { message_id: id, author_id: 'u', text: `edited ${n}`, language_hint: null },
            },
            enrichment(final, 0.1),
            thread,
          ),
        );
      }
      if (n % 7 === 0) {
        final = 'negative';
        events.push(
          enriched(
            `${id}-r`,
            m + 2,
            {
              type: 'moderation_action',
              value: {
                action: 'relabel',
                actor_id: 'a',
                actor_role: 'brand',
                target_message_id: id,
                target_author_id: null,
                reason: null,
                assignee_id: null,
                relabel_sentiment: 'negative',
                relabel_intent: null,
              },
            },
            null,
            thread,
          ),
        );
      }
      const removed = n % 5 === 0;
      if (removed)
        events.push(
          enriched(
            `${id}-d`,
            m + 3,
            { type: 'message_deleted', value: { message_id: id, author_id: 'u' } },
            null,
            thread,
          ),
        );
      if (!removed) {
        expected.messages++;
        expected[final]++;
      }
      n++;
    }
  }
  return { events, expected, messages: n };
}
