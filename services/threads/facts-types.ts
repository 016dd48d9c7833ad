import type { Clock, SlaTarget } from '../domain/brand-settings.ts';
import type { AuthorRole, ModerationKind } from '../shared/events.ts';
import type { ThreadKey } from './thread-event.ts';
import type { SentimentFacts } from './sentiment.ts';

/**
 * What computeThreadFacts (facts.ts) returns for one thread: the shape the row encoders (rows.ts)
 * and the point projections (point-types.ts, point-rows.ts) read, apart from the walk that builds it.
 */

export type EndReason = 'reply' | 'moderation' | 'resolved' | 'withdrawn';
export type PeriodKind = 'first' | 'next' | 'withdrawn';

export interface WaitingPeriodFacts {
  index: number;
  /** first = the first response period (FRT); next = a later one (reply time); withdrawn = every message in it was deleted by its author before a reply (not a metric). */
  kind: PeriodKind;
  start_at: number;
  end_at: number | null;
  end_reason: EndReason | null;
  calendar_s: number | null;
  business_s: number | null;
  sla_target_s: number | null;
  sla_clock: Clock | null;
  /** When the period breaches (exceeds the target on its clock); null when no SLA. */
  sla_deadline_at: number | null;
  /** Finished periods only: exceeded the target. Open periods are judged at query time against the deadline. */
  breached: boolean | null;
  message_ids: string[];
  /**
   * Ended by a reply: the agent who sent it ('' when none, or the reply names no agent). Of the
   * brand messages posted at end_at, the first in the same-second order (event_id) that names an
   * agent: what per-agent performance joined with v_messages before (issue 17), except that two
   * agents' replies in one millisecond credit the first, where the join counted the wait for both.
   */
  agent_id: string;
}

export interface ModeratedMessage {
  message_id: string;
  author_role: AuthorRole;
  posted_at: number;
  first_action_at: number;
  first_action: ModerationKind;
  first_actor_role: AuthorRole | '';
  calendar_s: number;
  business_s: number;
}

export type ResolvedBy = 'explicit' | 'inactivity';

export interface ThreadFacts extends ThreadKey, SentimentFacts {
  /** The language the customer opened the thread in (see threadLanguage); '' when unknown. */
  language: string;
  event_count: number;
  priority: string;
  time_zone: string;
  first_customer_message_at: number | null;
  first_human_reply_at: number | null;
  needs_reply: boolean;
  responded: boolean;
  handled_by_moderation: boolean;
  frt_start_at: number | null;
  /** frt_start_at's date in the brand's time zone: the day a response rate counts the thread on. */
  frt_start_local_date: string | null;
  frt_end_at: number | null;
  frt_calendar_s: number | null;
  frt_business_s: number | null;
  frt_breached: boolean | null;
  frt_sla: SlaTarget | null;
  next_response_sla: SlaTarget | null;
  reply_count: number;
  next_response_breach_count: number;
  periods: WaitingPeriodFacts[];
  is_waiting: boolean;
  wait_started_at: number | null;
  wait_sla_deadline_at: number | null;
  /** Customer messages needing a reply in the open waiting period, not removed. */
  waiting_messages: Array<{ message_id: string; posted_at: number }>;
  resolve_count: number;
  reopen_count: number;
  is_resolved: boolean;
  first_resolved_at: number | null;
  first_resolved_by: ResolvedBy | null;
  first_resolution_calendar_s: number | null;
  first_resolution_business_s: number | null;
  last_resolved_at: number | null;
  full_resolution_calendar_s: number | null;
  full_resolution_business_s: number | null;
  inactivity_resolve_after_s: number | null;
  /** Open cycle whose last brand reply the inactivity rule would resolve it at, once the silence lasts long enough. */
  pending_inactivity_at: number | null;
  pending_resolution_calendar_s: number | null;
  pending_resolution_business_s: number | null;
  resolution_sla: SlaTarget | null;
  resolution_deadline_at: number | null;
  resolution_breached: boolean | null;
  moderated: ModeratedMessage[];
}
