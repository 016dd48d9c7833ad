import { dateTime64 } from '../shared/clickhouse.ts';
import type { ThreadFacts } from './facts-types.ts';
import type { PointState } from './point-diff.ts';
import type { ThreadEvent } from './thread-event.ts';

/**
 * Conversions between the metric types and ClickHouse rows (JSONEachRow). Instants are written as
 * Unix seconds with milliseconds (dateTime64), which DateTime64(3, 'UTC') reads exactly; read back
 * as epoch ms via toUnixTimestamp64Milli so nothing depends on the session time zone.
 */
const flag = (b: boolean | null) => (b === null ? null : b ? 1 : 0);

/** How a row holds an instant: JSON text (dateTime64, the default) or epoch ms for insertRowBinary (`asEpochMs`). */
export type TimeValue = (ms: number) => unknown;
export const asEpochMs: TimeValue = (ms) => ms;

export function threadEventRow(e: ThreadEvent, time: TimeValue = dateTime64): Record<string, unknown> {
  return {
    brand: e.brand,
    platform: e.platform,
    account_id: e.account_id,
    thread_id: e.thread_id,
    event_id: e.event_id,
    event_time: time(e.event_time),
    enriched_time: time(e.enriched_time),
    kind: e.kind,
    message_id: e.message_id,
    role: e.role,
    action: e.action,
    priority: e.priority,
    agent_id: e.agent_id,
    has_enrichment: flag(e.has_enrichment),
    needs_reply: flag(e.needs_reply),
    intent: e.intent,
    language: e.language,
    sentiment_score: e.sentiment_score,
    sentiment_label: e.sentiment_label,
    relabel_sentiment: e.relabel_sentiment,
    relabel_intent: e.relabel_intent,
  };
}

/** Column list of the projector's load query; each row parses back with threadEventFromRow. */
export const THREAD_EVENT_SELECT = `brand, platform, account_id, thread_id, event_id,
  toUnixTimestamp64Milli(event_time) AS event_time_ms, toUnixTimestamp64Milli(enriched_time) AS enriched_time_ms,
  kind, message_id, role, action, priority, agent_id, has_enrichment, needs_reply, intent, language, sentiment_score, sentiment_label,
  relabel_sentiment, relabel_intent`;

export interface ThreadEventRow {
  brand: string;
  platform: string;
  account_id: string;
  thread_id: string;
  event_id: string;
  event_time_ms: string | number;
  enriched_time_ms: string | number;
  kind: ThreadEvent['kind'];
  message_id: string;
  role: ThreadEvent['role'];
  action: ThreadEvent['action'];
  priority: string;
  agent_id: string;
  has_enrichment: number;
  needs_reply: number;
  intent: string;
  language: string;
  sentiment_score: number | null;
  sentiment_label: string;
  relabel_sentiment: string;
  relabel_intent: string;
}

export function threadEventFromRow(r: ThreadEventRow): ThreadEvent {
  return {
    brand: r.brand,
    platform: r.platform,
    account_id: r.account_id,
    thread_id: r.thread_id,
    event_id: r.event_id,
    event_time: Number(r.event_time_ms),
    enriched_time: Number(r.enriched_time_ms),
    kind: r.kind,
    message_id: r.message_id,
    role: r.role,
    action: r.action,
    priority: r.priority,
    agent_id: r.agent_id,
    has_enrichment: Number(r.has_enrichment) === 1,
    needs_reply: Number(r.needs_reply) === 1,
    intent: r.intent,
    language: r.language,
    sentiment_score: r.sentiment_score === null ? null : Number(r.sentiment_score),
    sentiment_label: r.sentiment_label,
    relabel_sentiment: r.relabel_sentiment,
    relabel_intent: r.relabel_intent,
  };
}

/**
 * The row's version is the number of distinct events the facts were computed from. A thread's event
 * set only grows, so a computation from more events always wins, whatever order the inserts land
 * in, even when a zombie consumer from before a rebalance finishes after the new owner; equal
 * counts mean the same set and so the same facts (a settings change or a model replay re-inserts
 * with an equal version, and ClickHouse keeps the last inserted).
 */
export function threadFactsRow(
  f: ThreadFacts,
  computedAt: number,
  time: TimeValue = dateTime64,
  points: PointState | null = null,
): Record<string, unknown> {
  const timeOrNull = (ms: number | null) => (ms === null ? null : time(ms));
  const first = f.periods.find((p) => p.kind === 'first');
  const waiting = f.periods.at(-1)?.end_at === null ? f.periods.at(-1)! : null;
  const row: Record<string, unknown> = {
    brand: f.brand,
    platform: f.platform,
    account_id: f.account_id,
    thread_id: f.thread_id,
    language: f.language,
    version: f.event_count,
    computed_at: time(computedAt),
    event_count: f.event_count,
    priority: f.priority,
    time_zone: f.time_zone,
    first_customer_message_at: timeOrNull(f.first_customer_message_at),
    first_human_reply_at: timeOrNull(f.first_human_reply_at),
    needs_reply: flag(f.needs_reply),
    responded: flag(f.responded),
    handled_by_moderation: flag(f.handled_by_moderation),
    first_period_breached: flag(first?.breached ?? null),
    frt_start_at: timeOrNull(f.frt_start_at),
    frt_start_local_date: f.frt_start_local_date,
    frt_end_at: timeOrNull(f.frt_end_at),
    frt_calendar_s: f.frt_calendar_s,
    frt_business_s: f.frt_business_s,
    frt_breached: flag(f.frt_breached),
    frt_sla_target_s: f.frt_sla?.target ?? null,
    frt_sla_clock: f.frt_sla?.clock ?? '',
    next_response_sla_target_s: f.next_response_sla?.target ?? null,
    next_response_sla_clock: f.next_response_sla?.clock ?? '',
    reply_count: f.reply_count,
    next_response_breach_count: f.next_response_breach_count,
    is_waiting: flag(f.is_waiting),
    waiting_kind: waiting?.kind ?? '',
    wait_started_at: timeOrNull(f.wait_started_at),
    wait_sla_deadline_at: timeOrNull(f.wait_sla_deadline_at),
    waiting_message_ids: f.waiting_messages.map((m) => m.message_id),
    waiting_message_posted_at: f.waiting_messages.map((m) => time(m.posted_at)),
    resolve_count: f.resolve_count,
    reopen_count: f.reopen_count,
    is_resolved: flag(f.is_resolved),
    first_resolved_at: timeOrNull(f.first_resolved_at),
    first_resolved_by: f.first_resolved_by ?? '',
    first_resolution_calendar_s: f.first_resolution_calendar_s,
    first_resolution_business_s: f.first_resolution_business_s,
    last_resolved_at: timeOrNull(f.last_resolved_at),
    full_resolution_calendar_s: f.full_resolution_calendar_s,
    full_resolution_business_s: f.full_resolution_business_s,
    inactivity_resolve_after_s: f.inactivity_resolve_after_s,
    pending_inactivity_at: timeOrNull(f.pending_inactivity_at),
    pending_resolution_calendar_s: f.pending_resolution_calendar_s,
    pending_resolution_business_s: f.pending_resolution_business_s,
    resolution_sla_target_s: f.resolution_sla?.target ?? null,
    resolution_sla_clock: f.resolution_sla?.clock ?? '',
    resolution_deadline_at: timeOrNull(f.resolution_deadline_at),
    resolution_breached: flag(f.resolution_breached),
    period_index: f.periods.map((p) => p.index),
    period_kind: f.periods.map((p) => p.kind),
    period_start_at: f.periods.map((p) => time(p.start_at)),
    period_end_at: f.periods.map((p) => timeOrNull(p.end_at)),
    period_end_reason: f.periods.map((p) => p.end_reason ?? ''),
    period_calendar_s: f.periods.map((p) => p.calendar_s),
    period_business_s: f.periods.map((p) => p.business_s),
    period_sla_target_s: f.periods.map((p) => p.sla_target_s),
    period_sla_clock: f.periods.map((p) => p.sla_clock ?? ''),
    period_sla_deadline_at: f.periods.map((p) => timeOrNull(p.sla_deadline_at)),
    period_breached: f.periods.map((p) => flag(p.breached)),
    period_message_count: f.periods.map((p) => p.message_ids.length),
    period_agent_id: f.periods.map((p) => p.agent_id),
    mod_message_id: f.moderated.map((m) => m.message_id),
    mod_author_role: f.moderated.map((m) => m.author_role),
    mod_posted_at: f.moderated.map((m) => time(m.posted_at)),
    mod_first_action_at: f.moderated.map((m) => time(m.first_action_at)),
    mod_first_action: f.moderated.map((m) => m.first_action),
    mod_first_actor_role: f.moderated.map((m) => m.first_actor_role),
    mod_calendar_s: f.moderated.map((m) => m.calendar_s),
    mod_business_s: f.moderated.map((m) => m.business_s),
    customer_message_count: f.customer_message_count,
    first_customer_label: f.first_customer_label ?? '',
    first_customer_score: f.first_customer_score,
    thread_sentiment_score: f.thread_sentiment_score,
    started_negative: flag(f.started_negative),
    recovered: flag(f.recovered),
    recovery_label: f.recovery_label ?? '',
    recovery_score: f.recovery_score,
    sentiment_change: f.sentiment_change,
  };
  // What the projector wrote to thread_points for these facts (point-diff.ts); without it the
  // columns keep their defaults (a row written outside the projector names no points).
  if (points) {
    row.points_revision = points.revision;
    row.point_metric = points.metric;
    row.point_t = time === asEpochMs ? points.t : points.t.map(time);
    row.point_idx = points.idx;
    // RowBinary takes the bigint; JSON text cannot hold one (JSON.stringify throws), so a decimal string.
    row.point_fingerprint = time === asEpochMs ? points.fingerprint : points.fingerprint.map(String);
  }
  return row;
}
