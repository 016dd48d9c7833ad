import { base, rekeyed, RESOLUTION_IDX, type PointFacts, type ThreadPoint } from './point-types.ts';

export { RESOLUTION_IDX, type PointFacts, type PointMetric, type ThreadPoint } from './point-types.ts';
export { diffPoints, pointFingerprint, pointKey, PointState, type PointRow, type PointsWrite } from './point-diff.ts';

/**
 * A thread's points for the dashboards' time-keyed table thread_points (migration 0700,
 * docs/dashboards-at-scale.md): one row per value a panel reads, keyed by the instant the panel
 * filters on. Pure: the same facts give the same points. Each rule reproduces a view of migrations
 * 0203/0204 (v_thread_response, v_waiting_periods, v_unanswered_backlog, v_sla_breaches,
 * v_response_rate, v_sentiment_recovery): a panel reading the points returns the rows the same panel
 * returns on the view. What depends on now() stays a deadline or a due instant, decided at query time:
 *   breached   = multiIf(breached IS NOT NULL, breached, due_at IS NOT NULL AND now64(3) >= due_at,
 *                due_breached, deadline_at IS NULL, NULL, toUInt8(now64(3) > deadline_at))
 *   ended_at   = if(due_at IS NULL OR now64(3) >= due_at, end_at, NULL)
 *   resolution = counts only when due_at IS NULL OR now64(3) >= due_at
 * Times are epoch ms, as insertRowBinary writes DateTime64.
 */

const flag = (b: boolean | null): 0 | 1 | null => (b === null ? null : b ? 1 : 0);
const bit = (b: boolean): 0 | 1 => (b ? 1 : 0);
/** if(clock = 'calendar', calendar, business), as the views pick a duration by its SLA clock. */
const onClock = (clock: string, calendar: number | null, business: number | null) =>
  clock === 'calendar' ? calendar : business;
/** addMilliseconds(at, toInt64(after_s * 1000)): toInt64 of a Float64 truncates toward zero. */
const dueAt = (at: number, afterS: number) => at + Math.trunc(afterS * 1000);
const MS_PER_DAY = 86_400_000;

/** An SLA deadline as `sla` (keyed by the deadline, when there is one) and as `sla_start` (`p`, keyed by the wait's start). */
function pushSla(out: ThreadPoint[], p: ThreadPoint, deadline: number | null): void {
  if (deadline !== null) out.push(rekeyed(p, 'sla', deadline));
  out.push(p);
}

/** The points of one thread, in a fixed order (metric by metric; within one, by idx). */
export function threadPoints(f: PointFacts): ThreadPoint[] {
  const out: ThreadPoint[] = [];
  // Loops, not find/forEach callbacks: tsx, which runs the services, wraps every closure it creates in a naming call.
  let firstPeriod: PointFacts['periods'][number] | undefined;
  for (const w of f.periods)
    if (w.kind === 'first') {
      firstPeriod = w;
      break;
    }

  // v_thread_response, per thread (report: needing reply, answered, FRT).
  if (f.first_customer_message_at !== null) {
    const p = base(f, 'thread', f.first_customer_message_at, 0);
    p.needs_reply = bit(f.needs_reply);
    p.responded = bit(f.responded);
    p.handled_by_moderation = bit(f.handled_by_moderation);
    p.calendar_s = f.frt_calendar_s;
    p.business_s = f.frt_business_s;
    out.push(p);
  }
  // v_thread_response keyed by frt_start_at (first response panels).
  if (f.frt_start_at !== null) {
    const p = base(f, 'first_response', f.frt_start_at, 0);
    p.end_at = f.frt_end_at;
    p.handled_by_moderation = bit(f.handled_by_moderation);
    p.calendar_s = f.frt_calendar_s;
    p.business_s = f.frt_business_s;
    p.sla_clock = f.frt_sla?.clock ?? '';
    p.sla_target_s = f.frt_sla?.target ?? null;
    out.push(p);
  }
  // v_response_rate: the day is the brand's local date of the first wait (0204), as UTC midnight.
  if (f.needs_reply && f.frt_start_at !== null) {
    const day =
      f.frt_start_local_date !== null
        ? Date.parse(`${f.frt_start_local_date}T00:00:00Z`)
        : Math.floor(f.frt_start_at / MS_PER_DAY) * MS_PER_DAY;
    const p = base(f, 'response_day', day, 0);
    p.needs_reply = 1;
    p.responded = bit(f.responded);
    p.handled_by_moderation = bit(f.handled_by_moderation);
    // threads_responded_within_sla: responded AND coalesce(first_period_breached, 0) = 0.
    p.within_sla = bit(f.responded && !(firstPeriod?.breached ?? false));
    out.push(p);
  }
  // v_waiting_periods: reply time (kind next) and per-agent performance (any kind, ended by a reply).
  for (const w of f.periods) {
    if (w.kind !== 'next') continue;
    const p = base(f, 'next_response', w.start_at, w.index);
    p.end_at = w.end_at;
    p.end_reason = w.end_reason ?? '';
    p.calendar_s = w.calendar_s;
    p.business_s = w.business_s;
    p.sla_clock = w.sla_clock ?? '';
    p.sla_target_s = w.sla_target_s;
    p.deadline_at = w.sla_deadline_at;
    p.breached = w.end_at === null ? null : flag(w.breached);
    out.push(p);
  }
  for (const w of f.periods) {
    if (w.end_reason !== 'reply' || w.end_at === null) continue;
    const p = base(f, 'reply', w.end_at, w.index);
    p.started_at = w.start_at;
    p.end_reason = w.end_reason;
    p.calendar_s = w.calendar_s;
    p.business_s = w.business_s;
    p.breached = flag(w.breached);
    p.agent_id = w.agent_id;
    out.push(p);
  }
  // v_thread_response.first_resolution_at: an explicit (or settled) first resolution, else the
  // pending inactivity resolution, which counts from its due instant on.
  const pendingDue =
    f.pending_inactivity_at !== null && f.inactivity_resolve_after_s !== null
      ? dueAt(f.pending_inactivity_at, f.inactivity_resolve_after_s)
      : null;
  if (f.first_resolved_at !== null) {
    const p = base(f, 'resolution', f.first_resolved_at, 0);
    p.calendar_s = f.first_resolution_calendar_s;
    p.business_s = f.first_resolution_business_s;
    out.push(p);
  } else if (pendingDue !== null) {
    const p = base(f, 'resolution', f.pending_inactivity_at!, 0);
    p.due_at = pendingDue;
    p.calendar_s = f.pending_resolution_calendar_s;
    p.business_s = f.pending_resolution_business_s;
    out.push(p);
  }
  slaPoints(f, pendingDue, out);
  // v_unanswered_backlog: one point per waiting message.
  if (f.is_waiting) {
    const kind = f.periods.at(-1)?.end_at === null ? f.periods.at(-1)!.kind : '';
    for (let i = 0; i < f.waiting_messages.length; i++) {
      const m = f.waiting_messages[i]!;
      const p = base(f, 'waiting', m.posted_at, i);
      p.message_id = m.message_id;
      p.started_at = f.wait_started_at;
      p.sla_metric = kind === 'first' ? 'first_response' : 'next_response';
      p.deadline_at = f.wait_sla_deadline_at;
      out.push(p);
    }
  }
  // v_sentiment_recovery, keyed by the first human reply (the panel drops threads without one).
  if (f.started_negative && f.first_human_reply_at !== null) {
    const p = base(f, 'recovery', f.first_human_reply_at, 0);
    p.recovered = flag(f.recovered);
    p.sentiment_change = f.sentiment_change;
    out.push(p);
  }
  return out;
}

/** v_sla_breaches: every deadline that is breached, or may become so as time passes. */
function slaPoints(f: PointFacts, pendingDue: number | null, out: ThreadPoint[]): void {
  for (const w of f.periods) {
    if (w.kind !== 'first' && w.kind !== 'next') continue;
    // A closed period's outcome is fixed; an open one breaches once now() passes its deadline.
    if (w.end_at !== null ? w.breached !== true : w.sla_deadline_at === null) continue;
    const p = base(f, 'sla_start', w.start_at, w.index);
    p.sla_metric = w.kind === 'first' ? 'first_response' : 'next_response';
    p.started_at = w.start_at;
    p.end_at = w.end_at;
    p.calendar_s = w.calendar_s;
    p.business_s = w.business_s;
    p.sla_clock = w.sla_clock ?? '';
    p.sla_target_s = w.sla_target_s;
    p.deadline_at = w.sla_deadline_at;
    p.breached = w.end_at !== null ? 1 : null;
    pushSla(out, p, w.sla_deadline_at);
  }
  // The resolution branch mirrors v_thread_response.resolution_breached's multiIf, whose
  // full_resolution_calendar_s is the view's (explicit resolution, else the elapsed inactivity one).
  const sla = f.resolution_sla;
  if (sla === null) return;
  const fixed = f.is_resolved && f.full_resolution_calendar_s !== null;
  let write: boolean;
  const start = f.first_customer_message_at;
  const p = base(f, 'sla_start', start ?? 0, RESOLUTION_IDX);
  p.sla_metric = 'resolution';
  p.started_at = start;
  p.sla_clock = sla.clock;
  p.sla_target_s = sla.target;
  p.deadline_at = start !== null ? f.resolution_deadline_at : null;
  if (fixed) {
    const value = onClock(sla.clock, f.full_resolution_calendar_s, f.full_resolution_business_s);
    write = value !== null && value > sla.target;
    p.breached = 1;
    p.end_at = f.last_resolved_at;
    p.calendar_s = f.full_resolution_calendar_s;
    p.business_s = f.full_resolution_business_s;
  } else {
    const pendingValue = onClock(sla.clock, f.pending_resolution_calendar_s, f.pending_resolution_business_s);
    if (!f.is_resolved && pendingDue !== null && pendingValue !== null) {
      p.due_at = pendingDue;
      p.due_breached = bit(pendingValue > sla.target);
      p.end_at = f.pending_inactivity_at;
      p.calendar_s = f.pending_resolution_calendar_s;
      p.business_s = f.pending_resolution_business_s;
    } else if (f.is_resolved) {
      // Not reached with facts.ts (a resolved thread has its full duration); the view's ended_at then.
      p.end_at = f.last_resolved_at;
    }
    write = p.deadline_at !== null || p.due_breached === 1;
  }
  if (!write) return;
  if (start !== null) pushSla(out, p, f.resolution_deadline_at);
  // No sla_start point without a start; the sla one keeps its deadline (not reached with facts.ts).
  else if (f.resolution_deadline_at !== null) out.push(rekeyed(p, 'sla', f.resolution_deadline_at));
}

/** threadPoints under the name the panel work uses. */
export const pointsOf = threadPoints;
