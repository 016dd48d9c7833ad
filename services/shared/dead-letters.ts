import type { Message } from 'kafkajs';
import { dateTime64 } from './clickhouse.ts';
import { MIN_EVENT_TIME_MS } from './limits.ts';
import type { SourceRecord } from './kafka.ts';

/**
 * A dead letter keeps the original bytes and key untouched (so it can be inspected and re-driven)
 * and says why and where from in headers. Used by the enricher and the sink; the dead-letter
 * recorder (dead-letter-recorder.ts) turns every one of them into a dead_letters row.
 */
export const DLQ_HEADERS = {
  stage: 'dlq.stage',
  reason: 'dlq.reason',
  detail: 'dlq.detail',
  topic: 'dlq.source.topic',
  partition: 'dlq.source.partition',
  offset: 'dlq.source.offset',
  time: 'dlq.time',
} as const;

export interface DeadLetter {
  record: SourceRecord;
  stage: 'enricher' | 'sink' | 'replay';
  reason: string;
  detail: string;
}

export function deadLetterMessage(d: DeadLetter, now = Date.now()): Message {
  return {
    key: d.record.key,
    value: d.record.value ?? Buffer.alloc(0),
    headers: {
      [DLQ_HEADERS.stage]: d.stage,
      [DLQ_HEADERS.reason]: d.reason,
      [DLQ_HEADERS.detail]: d.detail.slice(0, 1000),
      [DLQ_HEADERS.topic]: d.record.topic,
      [DLQ_HEADERS.partition]: String(d.record.partition),
      [DLQ_HEADERS.offset]: d.record.offset,
      [DLQ_HEADERS.time]: String(now),
    },
  };
}

/**
 * The dead_letters table row for a record read back from the dead-letter topic: the stage, reason
 * and origin come from its headers. A record without them (put on the topic by hand, or by an older
 * producer) is still counted, as stage/reason "unknown" at its own place on the dead-letter topic, so
 * the table never silently drops what the topic holds.
 */
export function deadLetterRowFromRecord(r: SourceRecord): Record<string, unknown> {
  const h = (name: string): string | undefined => {
    const v = r.headers?.[name];
    const one = Array.isArray(v) ? v[0] : v;
    return one === undefined ? undefined : one.toString();
  };
  const [topic, partition, offset] = [
    h(DLQ_HEADERS.topic),
    h(DLQ_HEADERS.partition) ?? '',
    h(DLQ_HEADERS.offset) ?? '',
  ];
  // Partition and offset only when they fit their columns (UInt32, UInt64): else the record's own place.
  const origin = topic !== undefined && /^\d{1,9}$/.test(partition) && /^\d{1,18}$/.test(offset);
  const at = Number(h(DLQ_HEADERS.time));
  return {
    stage: h(DLQ_HEADERS.stage) || 'unknown',
    reason: h(DLQ_HEADERS.reason) || 'unknown',
    detail: (h(DLQ_HEADERS.detail) ?? '').slice(0, 1000),
    source_topic: origin ? topic : r.topic,
    source_partition: origin ? Number(partition) : r.partition,
    source_offset: origin ? offset : r.offset,
    size_bytes: r.value?.length ?? 0,
    // A header time only when it is one every column holds (anyone with write access can put records here).
    dead_lettered_at: dateTime64(
      Number.isFinite(at) && at >= MIN_EVENT_TIME_MS && at < Date.UTC(2106, 0, 1) ? at : Date.now(),
    ),
  };
}
