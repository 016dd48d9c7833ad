import type { SlaTarget, ThreadSettings } from '../domain/brand-settings.ts';
import { compareSteps, SAME_SECOND_RANK } from '../domain/event-order.ts';
import type { ModerationKind } from '../shared/events.ts';
import type {
  EndReason,
  ModeratedMessage,
  PeriodKind,
  ResolvedBy,
  ThreadFacts,
  WaitingPeriodFacts,
} from './facts-types.ts';
import { buildMessages, dedupeEvents, type MessageState } from './messages.ts';
import type { ThreadEvent, ThreadKey } from './thread-event.ts';
import { computeSentiment } from './sentiment.ts';

/**
 * Response-time facts of one thread as a pure function of the SET of its events (see
 * docs/response-metrics.md for the definitions). Events are deduplicated by event_id and walked in
 * (time, kind rank, event_id) order, so arrival order, duplicates and lateness cannot change the
 * result. Nothing here depends on "now": what does (is an open wait breaching yet? has the
 * inactivity rule fired yet?) is stored as a deadline/candidate and decided at query time.
 */

/** Ordering of simultaneous steps (metrics.md, "Same-second events"): a reply at the same millisecond as the question answers it. */
const RANK = {
  customer: SAME_SECOND_RANK.customer,
  brand: SAME_SECOND_RANK.team,
  removal: SAME_SECOND_RANK.message_action,
  cycle: SAME_SECOND_RANK.thread_action,
} as const;

type Step =
  | { t: number; rank: number; id: string; type: 'customer'; m: MessageState }
  | { t: number; rank: number; id: string; type: 'brand'; agent: string }
  | { t: number; rank: number; id: string; type: 'removal'; m: MessageState; by: 'moderation' | 'author' }
  | { t: number; rank: number; id: string; type: 'resolve' | 'reopen' };

interface OpenPeriod {
  start: number;
  triggers: Map<string, { m: MessageState; removedBy: 'moderation' | 'author' | null }>;
}

/**
 * A thread's language, for filtering response metrics by language (a team per language is common):
 * the detected language of the customer's first message, or of the first one that has one (not yet
 * enriched, or too short to tell). A thread may switch languages later; it is filed under the one it
 * was opened in, the one the team had to answer first. Deleted messages still count: how the thread
 * started does not change.
 */
export function threadLanguage(messages: Map<string, MessageState>): string {
  let best: MessageState | null = null;
  for (const m of messages.values()) {
    if (m.role !== 'customer' || !m.language) continue;
    if (
      !best ||
      m.posted_at < best.posted_at ||
      (m.posted_at === best.posted_at && m.posted_event_id < best.posted_event_id)
    )
      best = m;
  }
  return best?.language ?? '';
}

/** A thread's facts from any collection of its events (duplicates and any order allowed). */
export function computeThreadFacts(
  key: ThreadKey,
  events: readonly ThreadEvent[],
  settings: ThreadSettings,
): ThreadFacts {
  return factsFromHistory(key, dedupeEvents(events), settings);
}

/**
 * A thread's facts from its history as dedupeEvents returns it (one copy per event, in time order).
 * The projector keeps each thread's history in that form already, so it calls this directly instead
 * of deduplicating and sorting the same list a second time per batch.
 */
export function factsFromHistory(
  key: ThreadKey,
  sorted: readonly ThreadEvent[],
  settings: ThreadSettings,
): ThreadFacts {
  const messages = buildMessages(sorted, settings);
  const cal = settings.calendar;
  const priority =
    [...messages.values()]
      .filter((m) => m.priority)
      .sort((a, b) => b.posted_at - a.posted_at || (a.message_id < b.message_id ? 1 : -1))[0]?.priority ??
    settings.defaultPriority;
  const sla = settings.sla(key.platform, priority);
  const inactivity = settings.inactivityResolveAfter;

  const steps: Step[] = [];
  for (const m of messages.values()) {
    if (m.role === 'customer')
      steps.push({ t: m.posted_at, rank: RANK.customer, id: m.posted_event_id, type: 'customer', m });
    // Bots and automations (role system) never count as a human response.
    if (m.role === 'brand')
      steps.push({ t: m.posted_at, rank: RANK.brand, id: m.posted_event_id, type: 'brand', agent: m.agent_id });
    for (const r of m.removals)
      steps.push({ t: r.at, rank: RANK.removal, id: r.event_id, type: 'removal', m, by: r.by });
  }
  for (const e of sorted) {
    if (e.kind === 'moderation' && (e.action === 'resolve_thread' || e.action === 'reopen_thread')) {
      steps.push({
        t: e.event_time,
        rank: RANK.cycle,
        id: e.event_id,
        type: e.action === 'resolve_thread' ? 'resolve' : 'reopen',
      });
    }
  }
  steps.sort((a, b) => compareSteps(a.t, a.rank, a.id, b.t, b.rank, b.id));
  const moderatedAway = handledByModeration(steps);

  let firstCustomerAt: number | null = null;
  let firstHumanReplyAt: number | null = null;
  let open: OpenPeriod | null = null;
  const closed: Array<{ start: number; end: number | null; reason: EndReason | null; ids: string[]; agent: string }> =
    [];
  let cycleOpen = false;
  let lastBrandReplyAt: number | null = null;
  const resolves: Array<{ at: number; by: ResolvedBy }> = [];
  let reopenCount = 0;

  const closePeriod = (end: number, reason: EndReason, agent = '') => {
    closed.push({ start: open!.start, end, reason, ids: [...open!.triggers.keys()], agent });
    open = null;
  };
  const resolve = (at: number, by: ResolvedBy) => {
    resolves.push({ at, by });
    cycleOpen = false;
    lastBrandReplyAt = null;
  };
  const reopen = () => {
    reopenCount++;
    cycleOpen = true;
    lastBrandReplyAt = null;
  };
  /** The inactivity rule, for a cycle that something at `t` would otherwise continue. */
  const inactivityElapsedBy = (t: number) =>
    inactivity !== null &&
    cycleOpen &&
    open === null &&
    lastBrandReplyAt !== null &&
    t - lastBrandReplyAt >= inactivity * 1000;

  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.type === 'customer') {
      if (firstCustomerAt === null) {
        firstCustomerAt = s.t;
        cycleOpen = true;
      }
      if (!s.m.needs_reply) continue;
      // A new question on a resolved thread reopens it (help-desk convention), unless moderation
      // (or its author) removes it before any reply: then the thread stays resolved as it was
      // (metrics.md, "Resolution and moderation"). Its wait is still tracked, and ends by moderation.
      if (!cycleOpen) {
        if (!moderatedAway.has(s.m.message_id)) reopen();
      } else if (inactivityElapsedBy(s.t)) {
        resolve(lastBrandReplyAt!, 'inactivity');
        reopen();
      }
      if (!open) open = { start: s.t, triggers: new Map() };
      // Further messages while waiting don't restart the clock, but they are part of the backlog.
      open.triggers.set(s.m.message_id, { m: s.m, removedBy: null });
    } else if (s.type === 'brand') {
      if (firstCustomerAt === null) continue; // the brand's own post or a reply seen before the question
      firstHumanReplyAt ??= s.t;
      if (open) closePeriod(s.t, 'reply', replyAgent(steps, i));
      if (cycleOpen) lastBrandReplyAt = s.t;
    } else if (s.type === 'removal') {
      const trigger = open?.triggers.get(s.m.message_id);
      if (!open || !trigger || trigger.removedBy) continue;
      trigger.removedBy = s.by;
      const all = [...open.triggers.values()];
      if (all.every((x) => x.removedBy))
        closePeriod(s.t, all.some((x) => x.removedBy === 'moderation') ? 'moderation' : 'withdrawn');
    } else if (s.type === 'resolve') {
      if (firstCustomerAt === null || !cycleOpen) continue; // redundant resolve
      if (inactivityElapsedBy(s.t)) resolve(lastBrandReplyAt!, 'inactivity');
      else {
        if (open) closePeriod(s.t, 'resolved');
        resolve(s.t, 'explicit');
      }
    } else {
      if (firstCustomerAt === null) continue;
      if (!cycleOpen) reopen();
      else if (inactivityElapsedBy(s.t)) {
        resolve(lastBrandReplyAt!, 'inactivity');
        reopen();
      }
    }
  }
  const finalOpen = open;
  if (finalOpen)
    closed.push({ start: finalOpen.start, end: null, reason: null, ids: [...finalOpen.triggers.keys()], agent: '' });

  // Waiting periods with their metric, clocks and SLA.
  let seenFirst = false;
  const periods: WaitingPeriodFacts[] = closed.map((p, index) => {
    const kind: PeriodKind = p.reason === 'withdrawn' ? 'withdrawn' : seenFirst ? 'next' : 'first';
    if (kind === 'first') seenFirst = true;
    const target = kind === 'first' ? sla.first_response : kind === 'next' ? sla.next_response : null;
    const calendar_s = p.end === null ? null : (p.end - p.start) / 1000;
    const business_s = p.end === null ? null : cal.secondsBetween(p.start, p.end);
    return {
      index,
      kind,
      start_at: p.start,
      end_at: p.end,
      end_reason: p.reason,
      calendar_s,
      business_s,
      sla_target_s: target?.target ?? null,
      sla_clock: target?.clock ?? null,
      sla_deadline_at: target ? deadline(cal, p.start, target) : null,
      breached:
        target && p.end !== null ? (target.clock === 'calendar' ? calendar_s! : business_s!) > target.target : null,
      message_ids: p.ids,
      agent_id: p.agent,
    };
  });
  const first = periods.find((p) => p.kind === 'first') ?? null;
  // Resolution time's SLA applies only to threads that needed a reply: some wait not handled by
  // moderation nor withdrawn. A spam-only, praise-only or withdrawn thread never breaches.
  const resolutionSla = periods.some((p) => p.end_reason !== 'moderation' && p.end_reason !== 'withdrawn')
    ? sla.resolution
    : null;
  const frtAnswered = first?.end_reason === 'reply' ? first : null;
  const last = periods.at(-1);
  const waiting = last && last.end_at === null ? last : null;

  // Resolution cycles.
  const cycleOpenAtEnd = cycleOpen;
  const pendingAt = inactivity !== null && cycleOpenAtEnd && !waiting ? lastBrandReplyAt : null;
  const firstRes = resolves[0] ?? null;
  const lastRes = !cycleOpenAtEnd && resolves.length > 0 ? resolves.at(-1)! : null;
  const span = (end: number | null) =>
    firstCustomerAt === null || end === null
      ? ([null, null] as const)
      : ([(end - firstCustomerAt) / 1000, cal.secondsBetween(firstCustomerAt, end)] as const);
  const [firstResCal, firstResBiz] = span(firstRes?.at ?? null);
  const [fullCal, fullBiz] = span(lastRes?.at ?? null);
  const [pendCal, pendBiz] = span(pendingAt);

  // Time to moderate: posted -> first moderation action on the message.
  const moderated: ModeratedMessage[] = [];
  for (const m of messages.values()) {
    const a = m.actions[0];
    if (!a) continue;
    const at = Math.max(a.event_time, m.posted_at);
    moderated.push({
      message_id: m.message_id,
      author_role: m.role,
      posted_at: m.posted_at,
      first_action_at: at,
      first_action: a.action as ModerationKind,
      first_actor_role: a.role,
      calendar_s: (at - m.posted_at) / 1000,
      business_s: cal.secondsBetween(m.posted_at, at),
    });
  }
  moderated.sort((a, b) => a.posted_at - b.posted_at || (a.message_id < b.message_id ? -1 : 1));

  const nextAnswered = periods.filter((p) => p.kind === 'next' && p.end_reason === 'reply');
  const sentiment = computeSentiment(messages, firstHumanReplyAt);
  // Every field written out, no spreads: an object literal with spreads is built property by
  // property in dictionary mode, which made this return the costliest line of the sink.
  return {
    brand: key.brand,
    platform: key.platform,
    account_id: key.account_id,
    thread_id: key.thread_id,
    language: threadLanguage(messages),
    event_count: sorted.length,
    priority,
    time_zone: cal.timeZone,
    first_customer_message_at: firstCustomerAt,
    first_human_reply_at: firstHumanReplyAt,
    needs_reply: first !== null,
    responded: first?.end_reason === 'reply' || first?.end_reason === 'moderation',
    handled_by_moderation: first?.end_reason === 'moderation',
    frt_start_at: first?.start_at ?? null,
    frt_start_local_date: first ? cal.localDate(first.start_at) : null,
    frt_end_at: frtAnswered?.end_at ?? null,
    frt_calendar_s: frtAnswered?.calendar_s ?? null,
    frt_business_s: frtAnswered?.business_s ?? null,
    frt_breached: frtAnswered?.breached ?? null,
    frt_sla: sla.first_response,
    next_response_sla: sla.next_response,
    reply_count: nextAnswered.length,
    next_response_breach_count: nextAnswered.filter((p) => p.breached).length,
    periods,
    is_waiting: waiting !== null,
    wait_started_at: waiting?.start_at ?? null,
    wait_sla_deadline_at: waiting?.sla_deadline_at ?? null,
    waiting_messages: finalOpen
      ? [...finalOpen.triggers.values()]
          .filter((x) => !x.removedBy)
          .map((x) => ({ message_id: x.m.message_id, posted_at: x.m.posted_at }))
      : [],
    resolve_count: resolves.length,
    reopen_count: reopenCount,
    is_resolved: firstCustomerAt !== null && !cycleOpenAtEnd,
    first_resolved_at: firstRes?.at ?? null,
    first_resolved_by: firstRes?.by ?? null,
    first_resolution_calendar_s: firstResCal,
    first_resolution_business_s: firstResBiz,
    last_resolved_at: lastRes?.at ?? null,
    full_resolution_calendar_s: fullCal,
    full_resolution_business_s: fullBiz,
    inactivity_resolve_after_s: inactivity,
    pending_inactivity_at: pendingAt,
    pending_resolution_calendar_s: pendCal,
    pending_resolution_business_s: pendBiz,
    resolution_sla: resolutionSla,
    resolution_deadline_at:
      resolutionSla && firstCustomerAt !== null ? deadline(cal, firstCustomerAt, resolutionSla) : null,
    resolution_breached:
      resolutionSla && lastRes
        ? (resolutionSla.clock === 'calendar' ? fullCal! : fullBiz!) > resolutionSla.target
        : null,
    moderated,
    customer_message_count: sentiment.customer_message_count,
    first_customer_label: sentiment.first_customer_label,
    first_customer_score: sentiment.first_customer_score,
    thread_sentiment_score: sentiment.thread_sentiment_score,
    started_negative: sentiment.started_negative,
    recovered: sentiment.recovered,
    recovery_label: sentiment.recovery_label,
    recovery_score: sentiment.recovery_score,
    sentiment_change: sentiment.sentiment_change,
  };
}

/**
 * Who a reply at steps[i] credits: the first brand message of that millisecond (steps[i] itself, or
 * a later one in the same-second order) that names an agent. No brand step of that millisecond
 * precedes steps[i]: customers sort before brands, so the first brand message closes the wait.
 */
function replyAgent(steps: readonly Step[], i: number): string {
  const t = steps[i]!.t;
  for (let j = i; j < steps.length && steps[j]!.t === t; j++) {
    const s = steps[j]!;
    if (s.type === 'brand' && s.agent !== '') return s.agent;
  }
  return '';
}

/**
 * Customer messages handled by moderation: removed (hidden, deleted or marked spam, or deleted by
 * their author) before any human brand reply after them, in the same-second order.
 */
function handledByModeration(steps: readonly Step[]): Set<string> {
  const out = new Set<string>();
  const pending = new Set<string>();
  for (const s of steps) {
    if (s.type === 'customer') pending.add(s.m.message_id);
    else if (s.type === 'brand') pending.clear();
    else if (s.type === 'removal' && pending.delete(s.m.message_id)) out.add(s.m.message_id);
  }
  return out;
}

function deadline(cal: ThreadSettings['calendar'], start: number, target: SlaTarget): number | null {
  return target.clock === 'calendar' ? start + target.target * 1000 : cal.addSeconds(start, target.target);
}
