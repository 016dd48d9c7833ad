/**
 * The no-work peer of the pipeline (issue 17): the same hops as API → enricher → sink, each doing
 * nothing but moving bytes, so a same-run ratio pipeline/peer says how far the pipeline is from
 * what this stack can move at all. Noise on the shared machine moves both sides together.
 *
 *   api   : HTTP POST /v1/events (a JSON array) → one Kafka record per event, keyed by thread_id
 *   relay : Kafka → Kafka, values unchanged (the enricher's hop)
 *   store : Kafka → one MergeTree table, one JSONEachRow insert per fetched partition batch (the sink's hop)
 *
 * Same clients and durability as the services (durable producer: idempotent, acks=all, one request
 * in flight; group consumers with manual commits), none of their work (no validation, Avro, NLP,
 * folds, thread facts).
 */
import { createServer, type Server } from 'node:http';
import type { Kafka, Producer } from 'kafkajs';
import type { ClickHouseClient } from '../../services/shared/clickhouse.ts';
import { dateTime64 } from '../../services/shared/clickhouse.ts';
import {
  BULK_FETCH_BYTES_PER_PARTITION,
  ChunkedSend,
  consumeBatches,
  durableProducer,
  groupConsumer,
} from '../../services/shared/kafka.ts';

/** The one table the peer's last hop writes: a full copy of each event plus what the bench counts by. */
export function peerTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    event_id String, brand LowCardinality(String), thread_id String, source LowCardinality(String),
    ingest_time DateTime64(3, 'UTC'), inserted_at DateTime64(3, 'UTC') DEFAULT now64(3), raw String
  ) ENGINE = MergeTree ORDER BY (brand, thread_id)`;
}

export interface Hop {
  stop(): Promise<void>;
  /** Records this hop has passed on so far (written to Kafka or stored). */
  readonly count: () => number;
}

interface PeerEvent {
  event_id?: string;
  brand?: string;
  thread_id?: string;
  source?: string;
  /** dateTime64 text from the peer's API, epoch ms from the raw topic's producers. */
  ingest_time?: string | number;
}

/** api: accepts batches like the ingest API (202) and writes each event to `topic`, stamped with ingest_time. */
export async function startApi(kafka: Kafka, topic: string, port: number): Promise<Hop> {
  const producer = durableProducer(kafka);
  await producer.connect();
  let count = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let events: PeerEvent[];
      try {
        events = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PeerEvent[];
        if (!Array.isArray(events)) throw new Error('not an array');
      } catch {
        res.writeHead(400).end();
        return;
      }
      const ingest = dateTime64(Date.now());
      const messages = events.map((e) => ({
        key: e.thread_id ?? null,
        value: JSON.stringify({ ...e, ingest_time: ingest }),
      }));
      new ChunkedSend(producer, [{ topic, messages }]).run().then(
        () => {
          count += messages.length;
          res.writeHead(202).end();
        },
        () => res.writeHead(503).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    count: () => count,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await producer.disconnect();
    },
  };
}

/** relay: every record of `from` to `to`, same key and value. */
export async function startRelay(kafka: Kafka, from: string, to: string, groupId: string): Promise<Hop> {
  const producer: Producer = durableProducer(kafka);
  await producer.connect();
  const consumer = groupConsumer(kafka, groupId, { maxBytesPerPartition: BULK_FETCH_BYTES_PER_PARTITION });
  await consumer.connect();
  let count = 0;
  await consumeBatches(consumer, { topic: from, fromBeginning: true }, async (records) => {
    await new ChunkedSend(producer, [
      { topic: to, messages: records.map((r) => ({ key: r.key, value: r.value })) },
    ]).run();
    count += records.length;
  });
  return {
    count: () => count,
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

/** store: every record of `from` into `table`, one insert per fetched batch. */
export async function startStore(
  kafka: Kafka,
  clickhouse: ClickHouseClient,
  from: string,
  table: string,
  groupId: string,
): Promise<Hop> {
  const consumer = groupConsumer(kafka, groupId, { maxBytesPerPartition: BULK_FETCH_BYTES_PER_PARTITION });
  await consumer.connect();
  let count = 0;
  await consumeBatches(consumer, { topic: from, fromBeginning: true }, async (records) => {
    const values = records.map((r) => {
      const raw = r.value?.toString('utf8') ?? '{}';
      const e = JSON.parse(raw) as PeerEvent;
      return {
        event_id: e.event_id ?? '',
        brand: e.brand ?? '',
        thread_id: e.thread_id ?? '',
        source: e.source ?? '',
        ingest_time: typeof e.ingest_time === 'number' ? dateTime64(e.ingest_time) : (e.ingest_time ?? '0'),
        raw,
      };
    });
    await clickhouse.insert({ table, values, format: 'JSONEachRow' });
    count += values.length;
  });
  return {
    count: () => count,
    async stop() {
      await consumer.disconnect();
    },
  };
}
