import type { Message } from 'kafkajs';
import type { SourceRecord } from './batch.ts';

/**
 * A dead letter keeps the original bytes and key untouched (so it can be inspected and re-driven)
 * and says why and where from in headers. Used by the enricher and the sink.
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

/** The dead_letters table row for a dead letter (the bytes stay in Kafka). */
export function deadLetterRow(d: DeadLetter, now = Date.now()): Record<string, unknown> {
  return {
    stage: d.stage, reason: d.reason, detail: d.detail.slice(0, 1000), source_topic: d.record.topic, source_partition: d.record.partition,
    source_offset: d.record.offset, size_bytes: d.record.value?.length ?? 0, dead_lettered_at: new Date(now).toISOString(),
  };
}
