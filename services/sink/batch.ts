import { createHash } from 'node:crypto';
import { MAX_FUTURE_SKEW_LIMIT_MS, MIN_EVENT_TIME_MS } from '../shared/limits.ts';
import { DecodeError, type AvroCodec } from '../shared/avro.ts';
import type { SourceRecord } from '../shared/kafka.ts';
import { MODERATION_ACTIONS, payloadOf, type EnrichedEvent } from '../shared/events.ts';
import type { AuthorKeyStore } from '../shared/author-keys.ts';
import { openEnriched } from '../shared/sealed-event.ts';
import {
  applyEvent,
  contributionOf,
  emptyState,
  messageKey,
  sameState,
  SENTIMENT_LABELS,
  type MessageState,
} from './message-state.ts';

/** A Kafka record as the sink received it. */
export type { SourceRecord };
export { stateFromRow, stateSelectList } from './state-columns.ts';

export interface Rejected {
  record: SourceRecord;
  reason: string;
  detail: string;
}

export interface Accepted {
  record: SourceRecord;
  event: EnrichedEvent;
}

/**
 * Decodes and validates a record: good ones go on, bad ones to the dead-letter topic. With a key
 * store, the author's sealed fields are opened (blank when the author was erased) before anything
 * else sees them: what goes on to ClickHouse is plain, what stays in Kafka is sealed.
 */
export function routeRecord(
  codec: AvroCodec,
  record: SourceRecord,
  keys?: AuthorKeyStore,
): { ok: true; accepted: Accepted } | { ok: false; rejected: Rejected } {
  let event: EnrichedEvent;
  try {
    event = codec.decode<EnrichedEvent>('enriched-event', record.value);
  } catch (err) {
    const reason = err instanceof DecodeError ? `decode:${err.reason}` : 'decode:error';
    return { ok: false, rejected: { record, reason, detail: (err as Error).message } };
  }
  const problem = validateEnriched(event);
  if (problem) return { ok: false, rejected: { record, reason: 'invalid', detail: problem } };
  return { ok: true, accepted: { record, event: keys ? openEnriched(event, keys) : event } };
}

/**
 * The window every stored time must fall in. The API refuses anything outside 2000-01-01 .. now +
 * skew, but the raw topic also holds records of other producers and older schema versions, so the
 * processors check again, with rules that give the same answer on a replay years later: times from
 * 2000-01-01, before 2106 (what every DateTime column holds), and an event at most
 * MAX_EVENT_AHEAD_OF_INGEST_MS after it was ingested (the largest skew the API can be set to).
 */
export const MIN_STORED_TIME_MS = MIN_EVENT_TIME_MS;
export const MAX_STORED_TIME_MS = Date.UTC(2106, 0, 1);
/** The most future skew the API can be configured to allow (shared/limits.ts): the processors accept what any API setting could have. */
export const MAX_EVENT_AHEAD_OF_INGEST_MS = MAX_FUTURE_SKEW_LIMIT_MS;

function timeProblem(e: EnrichedEvent): string | null {
  const check = (name: string, t: number): string | null =>
    Number.isFinite(t) && t >= MIN_STORED_TIME_MS && t < MAX_STORED_TIME_MS
      ? null
      : `${name} ${t} is outside 2000-01-01 .. 2106-01-01 (epoch ms)`;
  const ev = e.event;
  const problem =
    check('event_time', ev.event_time) ??
    check('ingest_time', ev.ingest_time) ??
    check('enriched_time', e.enriched_time);
  if (problem) return problem;
  if (ev.event_time - ev.ingest_time > MAX_EVENT_AHEAD_OF_INGEST_MS)
    return `event_time ${ev.event_time} is more than ${MAX_EVENT_AHEAD_OF_INGEST_MS / 86_400_000} days after ingest_time ${ev.ingest_time}`;
  return null;
}

/** Checks what Avro cannot: ids present, times every column can hold, known moderation labels. Returns a problem or null. */
export function validateEnriched(e: EnrichedEvent): string | null {
  const ev = e.event;
  if (!ev.event_id) return 'event_id is empty';
  if (!ev.brand) return 'brand is empty';
  if (!ev.thread_id) return 'thread_id is empty';
  const times = timeProblem(e);
  if (times) return times;
  const enrichment = e.enrichment;
  if (enrichment) {
    const { sentiment_score: score, sentiment_confidence: confidence } = enrichment;
    if (score !== null && !(score >= -1 && score <= 1)) return `sentiment_score ${score} is outside [-1, 1]`;
    if (confidence !== null && !(confidence >= 0 && confidence <= 1))
      return `sentiment_confidence ${confidence} is outside [0, 1]`;
  }
  let p;
  try {
    p = payloadOf(ev);
  } catch (err) {
    return (err as Error).message;
  }
  if (p.type !== 'moderation_action' && !p.value.message_id) return `${p.type} has an empty message_id`;
  if (p.type === 'moderation_action') {
    const v = p.value;
    if (!MODERATION_ACTIONS.includes(v.action)) return `unknown moderation action ${v.action}`;
    if (v.action === 'relabel') {
      if (!v.target_message_id) return 'relabel without target_message_id';
      if (!v.relabel_sentiment && !v.relabel_intent) return 'relabel sets neither sentiment nor intent';
      if (v.relabel_sentiment && !(SENTIMENT_LABELS as readonly string[]).includes(v.relabel_sentiment)) {
        return `relabel_sentiment ${v.relabel_sentiment} is not one of ${SENTIMENT_LABELS.join(', ')}`;
      }
    }
  }
  return null;
}

export interface OffsetRange {
  topic: string;
  partition: number;
  first: string;
  last: string;
}

/** The offset range of each topic-partition in a batch (records of a partition arrive in order). */
export function offsetRanges(records: SourceRecord[]): OffsetRange[] {
  const ranges = new Map<string, OffsetRange>();
  for (const r of records) {
    const k = `${r.topic}/${r.partition}`;
    const cur = ranges.get(k);
    if (!cur) ranges.set(k, { topic: r.topic, partition: r.partition, first: r.offset, last: r.offset });
    else {
      if (BigInt(r.offset) < BigInt(cur.first)) cur.first = r.offset;
      if (BigInt(r.offset) > BigInt(cur.last)) cur.last = r.offset;
    }
  }
  return [...ranges.values()].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
}

/**
 * insert_deduplication_token for one table and one batch: the same offset ranges give the same
 * token, so a retried insert of the same batch is dropped by ClickHouse (with the table's
 * non_replicated_deduplication_window). Long range lists are hashed to keep the URL short.
 */
export function dedupToken(ranges: OffsetRange[], table: string): string {
  const body = ranges.map((r) => `${r.topic}/${r.partition}/${r.first}-${r.last}`).join(',');
  const tail = body.length > 160 ? `sha256:${createHash('sha256').update(body).digest('hex')}` : body;
  return `${table}:${tail}`;
}

export interface MessageIdentity {
  key: string;
  brand: string;
  thread_id: string;
  message_id: string;
}

/** The message an event changes, if any (a moderation action without a target changes none). */
export function messageIdentity(e: EnrichedEvent): MessageIdentity | null {
  const p = payloadOf(e.event);
  const messageId = p.type === 'moderation_action' ? p.value.target_message_id : p.value.message_id;
  if (!messageId) return null;
  return {
    key: messageKey(e.event.brand, e.event.thread_id, messageId),
    brand: e.event.brand,
    thread_id: e.event.thread_id,
    message_id: messageId,
  };
}

export interface Rows {
  events: Record<string, unknown>[];
  moderation: Record<string, unknown>[];
  messages: Record<string, unknown>[];
  /** The new states, by message key (for callers that cache them). */
  states: Map<string, MessageState>;
}

/**
 * Turns a batch into table rows, as insertRowBinary (shared/clickhouse.ts) writes them: instants
 * are epoch ms numbers, the DateTime(64) columns' own unit. `prior` holds the stored state of
 * every message the batch touches (absent = never seen). A message gets a new row only if its
 * state changed, so replaying events that are already stored writes nothing, and each new row
 * carries the contribution and the post time it replaces.
 */
export function buildRows(batch: Accepted[], prior: ReadonlyMap<string, MessageState>): Rows {
  const events: Record<string, unknown>[] = [];
  const moderation: Record<string, unknown>[] = [];
  const states = new Map<string, MessageState>();
  for (const { record, event: e } of batch) {
    const ev = e.event;
    const p = payloadOf(ev);
    const id = messageIdentity(e);
    events.push({
      event_id: ev.event_id,
      event_type: p.type,
      brand: ev.brand,
      platform: ev.platform,
      account_id: ev.account_id,
      thread_id: ev.thread_id,
      message_id: id?.message_id ?? '',
      source: ev.source,
      event_time: ev.event_time,
      ingest_time: ev.ingest_time,
      enriched_time: e.enriched_time,
      model_version: e.enrichment?.model_version ?? '',
      kafka_partition: record.partition,
      kafka_offset: record.offset,
    });
    if (p.type === 'moderation_action') {
      const v = p.value;
      moderation.push({
        event_id: ev.event_id,
        brand: ev.brand,
        platform: ev.platform,
        account_id: ev.account_id,
        thread_id: ev.thread_id,
        action: v.action,
        action_time: ev.event_time,
        ingest_time: ev.ingest_time,
        actor_id: v.actor_id,
        actor_role: v.actor_role,
        target_message_id: v.target_message_id ?? '',
        target_author_id: v.target_author_id,
        reason: v.reason,
        assignee_id: v.assignee_id,
        relabel_sentiment: v.relabel_sentiment ?? '',
        relabel_intent: v.relabel_intent ?? '',
      });
    }
    if (id) {
      const current =
        states.get(id.key) ??
        prior.get(id.key) ??
        emptyState(ev.brand, ev.platform, ev.account_id, ev.thread_id, id.message_id);
      states.set(id.key, applyEvent(current, e));
    }
  }
  const messages: Record<string, unknown>[] = [];
  for (const [key, next] of states) {
    const before = prior.get(key) ?? null;
    if (before && sameState(before, next)) continue;
    next.revision = (before?.revision ?? 0) + 1;
    const prev = contributionOf(before);
    messages.push({
      ...next,
      prev_counted: prev.counted,
      prev_minute: prev.minute,
      prev_language: prev.language,
      prev_author_role: prev.author_role,
      prev_sentiment_label: prev.sentiment_label,
      prev_sentiment_score: prev.sentiment_score,
      // The post this row replaces: when its time differs, messages_by_time_mv (migration 0710)
      // tombstones the copy keyed by the old posted_time.
      prev_posted: before?.posted ?? 0,
      prev_posted_time: before?.posted ? before.posted_time : 0,
    });
  }
  return { events, moderation, messages, states };
}
