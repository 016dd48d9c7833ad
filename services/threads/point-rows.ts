import type { Clock } from '../domain/brand-settings.ts';
import type { EndReason, PeriodKind } from './facts-types.ts';
import { PointState } from './point-diff.ts';
import type { PointFacts } from './point-types.ts';

/**
 * thread_facts rows read back for the points: the projector's last write of a thread it no longer
 * remembers (points_revision and the point_* arrays), and the facts threadPoints reads, for a
 * backfill or a check of thread_points against thread_facts. Instants come back as epoch ms
 * (toUnixTimestamp64Milli).
 */

// 64-bit integers as text: JSON numbers lose them past 2^53, and whether ClickHouse quotes them
// depends on a setting (and inside arrays the chDB front does not).
export const POINT_STATE_SELECT = `brand, platform, account_id, thread_id, toString(points_revision) AS points_revision,
  point_metric, arrayMap(x -> toString(toUnixTimestamp64Milli(x)), point_t) AS point_t_ms, point_idx,
  arrayMap(x -> toString(x), point_fingerprint) AS point_fingerprint`;

export interface PointStateRow {
  brand: string;
  platform: string;
  account_id: string;
  thread_id: string;
  points_revision: string | number;
  point_metric: string[];
  point_t_ms: Array<string | number>;
  point_idx: number[];
  point_fingerprint: Array<string | number>;
}

export function pointStateFromRow(r: PointStateRow): PointState {
  return PointState.of(
    Number(r.points_revision),
    r.point_metric,
    r.point_t_ms.map(Number),
    r.point_idx.map(Number),
    r.point_fingerprint.map((x) => BigInt(x)),
  );
}

const ms = (c: string) => `toUnixTimestamp64Milli(${c}) AS ${c}`;
const msArray = (c: string) => `arrayMap(x -> toUnixTimestamp64Milli(x), ${c}) AS ${c}`;

/** The thread_facts columns pointFactsFromRow reads (select FROM thread_facts FINAL). */
export const POINT_FACTS_SELECT = [
  'brand, platform, account_id, thread_id, language, priority',
  ms('first_customer_message_at'),
  ms('first_human_reply_at'),
  'needs_reply, responded, handled_by_moderation',
  ms('frt_start_at'),
  'toString(frt_start_local_date) AS frt_start_local_date',
  ms('frt_end_at'),
  'frt_calendar_s, frt_business_s, frt_sla_target_s, frt_sla_clock, is_waiting',
  ms('wait_started_at'),
  ms('wait_sla_deadline_at'),
  'waiting_message_ids',
  msArray('waiting_message_posted_at'),
  'is_resolved',
  ms('first_resolved_at'),
  'first_resolution_calendar_s, first_resolution_business_s',
  ms('last_resolved_at'),
  'full_resolution_calendar_s, full_resolution_business_s, inactivity_resolve_after_s',
  ms('pending_inactivity_at'),
  'pending_resolution_calendar_s, pending_resolution_business_s, resolution_sla_target_s, resolution_sla_clock',
  ms('resolution_deadline_at'),
  'started_negative, recovered, sentiment_change',
  'period_index, period_kind',
  msArray('period_start_at'),
  msArray('period_end_at'),
  'period_end_reason, period_calendar_s, period_business_s, period_sla_target_s, period_sla_clock',
  msArray('period_sla_deadline_at'),
  'period_breached, period_agent_id',
].join(',\n  ');

type Row = Record<string, unknown>;
const time = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const bool = (v: unknown) => Number(v) === 1;
const boolOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v) === 1);
const float = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const list = <T>(v: unknown, f: (x: unknown) => T): T[] => (v as unknown[]).map(f);
const sla = (target: unknown, clock: unknown) =>
  target === null || target === undefined ? null : { target: Number(target), clock: clock as Clock };

/** The facts threadPoints needs, from a row of POINT_FACTS_SELECT. */
export function pointFactsFromRow(r: Row): PointFacts {
  const index = list(r.period_index, Number);
  const start = list(r.period_start_at, Number);
  const end = list(r.period_end_at, time);
  const kind = r.period_kind as PeriodKind[];
  const reason = r.period_end_reason as string[];
  const cal = list(r.period_calendar_s, float);
  const biz = list(r.period_business_s, float);
  const target = list(r.period_sla_target_s, float);
  const clock = r.period_sla_clock as string[];
  const deadline = list(r.period_sla_deadline_at, time);
  const breached = list(r.period_breached, boolOrNull);
  // Rows written before migration 0703 have no agents: [] (their reply points have none either).
  const agent = (r.period_agent_id as string[] | undefined) ?? [];
  const posted = list(r.waiting_message_posted_at, Number);
  return {
    brand: String(r.brand),
    platform: String(r.platform),
    account_id: String(r.account_id),
    thread_id: String(r.thread_id),
    language: String(r.language),
    priority: String(r.priority),
    first_customer_message_at: time(r.first_customer_message_at),
    first_human_reply_at: time(r.first_human_reply_at),
    needs_reply: bool(r.needs_reply),
    responded: bool(r.responded),
    handled_by_moderation: bool(r.handled_by_moderation),
    frt_start_at: time(r.frt_start_at),
    frt_start_local_date: (r.frt_start_local_date as string | null) ?? null,
    frt_end_at: time(r.frt_end_at),
    frt_calendar_s: float(r.frt_calendar_s),
    frt_business_s: float(r.frt_business_s),
    frt_sla: sla(r.frt_sla_target_s, r.frt_sla_clock),
    is_waiting: bool(r.is_waiting),
    wait_started_at: time(r.wait_started_at),
    wait_sla_deadline_at: time(r.wait_sla_deadline_at),
    waiting_messages: (r.waiting_message_ids as string[]).map((id, i) => ({ message_id: id, posted_at: posted[i]! })),
    is_resolved: bool(r.is_resolved),
    first_resolved_at: time(r.first_resolved_at),
    first_resolution_calendar_s: float(r.first_resolution_calendar_s),
    first_resolution_business_s: float(r.first_resolution_business_s),
    last_resolved_at: time(r.last_resolved_at),
    full_resolution_calendar_s: float(r.full_resolution_calendar_s),
    full_resolution_business_s: float(r.full_resolution_business_s),
    inactivity_resolve_after_s: float(r.inactivity_resolve_after_s),
    pending_inactivity_at: time(r.pending_inactivity_at),
    pending_resolution_calendar_s: float(r.pending_resolution_calendar_s),
    pending_resolution_business_s: float(r.pending_resolution_business_s),
    resolution_sla: sla(r.resolution_sla_target_s, r.resolution_sla_clock),
    resolution_deadline_at: time(r.resolution_deadline_at),
    started_negative: bool(r.started_negative),
    recovered: boolOrNull(r.recovered),
    sentiment_change: float(r.sentiment_change),
    periods: index.map((i, j) => ({
      index: i,
      kind: kind[j]!,
      start_at: start[j]!,
      end_at: end[j]!,
      end_reason: (reason[j] || null) as EndReason | null,
      calendar_s: cal[j]!,
      business_s: biz[j]!,
      sla_target_s: target[j]!,
      sla_clock: (clock[j] || null) as Clock | null,
      sla_deadline_at: deadline[j]!,
      breached: breached[j]!,
      agent_id: agent[j] ?? '',
    })),
  };
}
