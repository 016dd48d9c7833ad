import type { Message } from 'kafkajs';
import type { Analyzer } from '../nlp/index.ts';
import { DecodeError, type AvroCodec } from '../shared/avro.ts';
import { RecordCrash, type CrashJournal } from '../shared/crash-journal.ts';
import { deadLetterMessage, type DeadLetter } from '../shared/dead-letters.ts';
import { isProgrammerError } from '../shared/errors.ts';
import type { ConversationEvent } from '../shared/events.ts';
import { MAX_RECORD_BYTES, type SourceRecord } from '../shared/kafka.ts';
import { enrichEvent } from './enrichment.ts';
import type { AuthorKeyStore } from '../shared/author-keys.ts';
import { openTexts } from '../shared/sealed-event.ts';

/**
 * The enrichment of a batch of raw records, shared by the live enricher (services/enricher) and
 * the replay (services/sink/replay.ts), so a rebuilt projection sees exactly what the live
 * pipeline saw.
 */
export interface Output {
  enriched: Message[];
  deadLetters: Message[];
  /** Reason of each dead letter, in order (for metrics and logs). */
  reasons: string[];
}

/**
 * Pure part of a batch: decode, enrich, encode. Undecodable or unprocessable records become dead
 * letters (original bytes + reason), so one bad record never holds up its partition; so does a
 * record quarantined by the crash journal, and one whose enriched form would not fit in a Kafka
 * record. A programmer error (TypeError and friends) is not the record's fault to hide: it is thrown
 * as a RecordCrash naming the record, and the service exits (see Enricher.crash). `keys` opens the
 * texts the models read (services/shared/author-keys.ts).
 */
export function processRecords(
  records: SourceRecord[],
  codec: AvroCodec,
  analyzer: Analyzer,
  now = Date.now(),
  journal?: CrashJournal,
  keys?: AuthorKeyStore,
): Output {
  const enriched: Message[] = [];
  const deadLetters: Message[] = [];
  const reasons: string[] = [];
  const reject = (record: SourceRecord, reason: string, detail: string) => {
    const d: DeadLetter = { record, stage: 'enricher', reason, detail };
    deadLetters.push(deadLetterMessage(d, now));
    reasons.push(reason);
  };
  for (const record of records) {
    if (journal?.shouldQuarantine(record)) {
      reject(
        record,
        'quarantined',
        `crashed the enricher ${journal.crashes(record)} times: ${journal.lastError(record)}`,
      );
      continue;
    }
    let event: ConversationEvent;
    try {
      event = codec.decode<ConversationEvent>('conversation-event', record.value);
    } catch (err) {
      reject(record, err instanceof DecodeError ? `decode:${err.reason}` : 'decode:error', (err as Error).message);
      continue;
    }
    let value: Buffer;
    try {
      // With author keys (crypto-shredding) the models read the opened text (blank once the author is
      // erased), and the enriched record carries the event as it came, sealed: no stage after
      // ingest writes a text in clear to Kafka. That event is record.value's: its bytes are reused.
      const enriched = enrichEvent(keys ? openTexts(event, keys) : event, analyzer, now);
      value = codec.encodeEnriched(keys ? { ...enriched, event } : enriched, record.value);
    } catch (err) {
      if (isProgrammerError(err)) throw new RecordCrash([record], err);
      reject(record, 'invalid', (err as Error).message);
      continue;
    }
    if (value.length + (event.thread_id?.length ?? 0) > MAX_RECORD_BYTES) {
      reject(record, 'too-large', `enriched record of ${value.length} bytes exceeds ${MAX_RECORD_BYTES}`);
      continue;
    }
    // Keyed by thread, like the raw topic: a thread's events stay in one partition, in order.
    enriched.push({ key: event.thread_id, value });
  }
  return { enriched, deadLetters, reasons };
}
