import type { SlaTarget } from '../domain/brand-settings.ts';
import type { ThreadFacts, WaitingPeriodFacts } from './facts-types.ts';

/** The shape of a thread_points row as points.ts builds it, and the facts it is built from. */

export type PointMetric =
  | 'thread'
  | 'first_response'
  | 'response_day'
  | 'next_response'
  | 'reply'
  | 'resolution'
  | 'sla'
  | 'sla_start'
  | 'waiting'
  | 'recovery';

/** One thread_points row without version and is_deleted (the write adds them: point-diff.ts). */
export interface ThreadPoint {
  brand: string;
  metric: PointMetric;
  t: number;
  platform: string;
  account_id: string;
  thread_id: string;
  idx: number;
  language: string;
  priority: string;
  message_id: string;
  sla_metric: '' | 'first_response' | 'next_response' | 'resolution';
  started_at: number | null;
  end_at: number | null;
  end_reason: string;
  calendar_s: number | null;
  business_s: number | null;
  sla_clock: string;
  sla_target_s: number | null;
  deadline_at: number | null;
  breached: 0 | 1 | null;
  due_at: number | null;
  due_breached: 0 | 1 | null;
  needs_reply: 0 | 1;
  responded: 0 | 1;
  handled_by_moderation: 0 | 1;
  within_sla: 0 | 1;
  recovered: 0 | 1 | null;
  sentiment_change: number | null;
  /** reply: the agent whose reply ended the wait ('' when none; migration 0703). */
  agent_id: string;
}

/**
 * idx of the resolution SLA's sla/sla_start points. Not 0: the first waiting period (idx 0) usually
 * starts at first_customer_message_at, where the resolution's sla_start point lies too, and
 * sla_metric is not part of the table's sort key, so the two would replace each other. Period
 * indexes are UInt16 in thread_facts, so this value never names a period.
 */
export const RESOLUTION_IDX = 0xffff_ffff;

/** The facts the points read: ThreadFacts, or a thread_facts row read back (point-rows.ts). */
export type PointFacts = Pick<
  ThreadFacts,
  | 'brand'
  | 'platform'
  | 'account_id'
  | 'thread_id'
  | 'language'
  | 'priority'
  | 'first_customer_message_at'
  | 'first_human_reply_at'
  | 'needs_reply'
  | 'responded'
  | 'handled_by_moderation'
  | 'frt_start_at'
  | 'frt_start_local_date'
  | 'frt_end_at'
  | 'frt_calendar_s'
  | 'frt_business_s'
  | 'is_waiting'
  | 'wait_started_at'
  | 'wait_sla_deadline_at'
  | 'is_resolved'
  | 'first_resolved_at'
  | 'first_resolution_calendar_s'
  | 'first_resolution_business_s'
  | 'last_resolved_at'
  | 'full_resolution_calendar_s'
  | 'full_resolution_business_s'
  | 'inactivity_resolve_after_s'
  | 'pending_inactivity_at'
  | 'pending_resolution_calendar_s'
  | 'pending_resolution_business_s'
  | 'resolution_deadline_at'
  | 'started_negative'
  | 'recovered'
  | 'sentiment_change'
> & {
  frt_sla: Pick<SlaTarget, 'target' | 'clock'> | null;
  resolution_sla: Pick<SlaTarget, 'target' | 'clock'> | null;
  periods: ReadonlyArray<
    Pick<
      WaitingPeriodFacts,
      | 'index'
      | 'kind'
      | 'start_at'
      | 'end_at'
      | 'end_reason'
      | 'calendar_s'
      | 'business_s'
      | 'sla_target_s'
      | 'sla_clock'
      | 'sla_deadline_at'
      | 'breached'
      | 'agent_id'
    >
  >;
  waiting_messages: ReadonlyArray<{ message_id: string; posted_at: number }>;
};

/** Every column at its default ('' / null / 0) but the thread's and the key's: one object shape for all points. */
export function base(
  f: Pick<PointFacts, 'brand' | 'platform' | 'account_id' | 'thread_id' | 'language' | 'priority'>,
  metric: PointMetric,
  t: number,
  idx: number,
): ThreadPoint {
  return {
    brand: f.brand,
    metric,
    t,
    platform: f.platform,
    account_id: f.account_id,
    thread_id: f.thread_id,
    idx,
    language: f.language,
    priority: f.priority,
    message_id: '',
    sla_metric: '',
    started_at: null,
    end_at: null,
    end_reason: '',
    calendar_s: null,
    business_s: null,
    sla_clock: '',
    sla_target_s: null,
    deadline_at: null,
    breached: null,
    due_at: null,
    due_breached: null,
    needs_reply: 0,
    responded: 0,
    handled_by_moderation: 0,
    within_sla: 0,
    recovered: null,
    sentiment_change: null,
    agent_id: '',
  };
}

/** The same point under another key (a literal, not a spread: the one shape every point has). */
export function rekeyed(p: ThreadPoint, metric: PointMetric, t: number): ThreadPoint {
  return {
    brand: p.brand,
    metric,
    t,
    platform: p.platform,
    account_id: p.account_id,
    thread_id: p.thread_id,
    idx: p.idx,
    language: p.language,
    priority: p.priority,
    message_id: p.message_id,
    sla_metric: p.sla_metric,
    started_at: p.started_at,
    end_at: p.end_at,
    end_reason: p.end_reason,
    calendar_s: p.calendar_s,
    business_s: p.business_s,
    sla_clock: p.sla_clock,
    sla_target_s: p.sla_target_s,
    deadline_at: p.deadline_at,
    breached: p.breached,
    due_at: p.due_at,
    due_breached: p.due_breached,
    needs_reply: p.needs_reply,
    responded: p.responded,
    handled_by_moderation: p.handled_by_moderation,
    within_sla: p.within_sla,
    recovered: p.recovered,
    sentiment_change: p.sentiment_change,
    agent_id: p.agent_id,
  };
}
