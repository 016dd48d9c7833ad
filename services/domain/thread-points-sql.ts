/**
 * The query-time half of thread_points (migration 0700): what a point's row leaves to `now()`. The
 * projector (services/threads/points.ts) writes only what the thread's events fix; whether an open
 * wait has breached yet, or an inactivity resolution has taken effect yet, changes while no event
 * arrives, so the panels and the report decide it when they read, as the views of 0203 do. Each
 * fragment reads the columns of one thread_points row (unqualified); ClickHouse fixes now64(3) when
 * it analyses the query, so the fragments of one query agree on the instant.
 */

/** A pending inactivity resolution counts from its due instant on (v_thread_response.inactivity_resolved). */
export const POINT_DUE = 'due_at IS NULL OR now64(3) >= due_at';

/**
 * `sla`/`sla_start`: 1 when the deadline is breached (v_sla_breaches keeps those). A closed outcome is
 * stored; a pending inactivity resolution decides from its due instant on; an open wait compares now()
 * with its deadline; no deadline: NULL.
 */
export const POINT_BREACHED = `multiIf(breached IS NOT NULL, breached, due_at IS NOT NULL AND now64(3) >= due_at, due_breached,
    deadline_at IS NULL, NULL, toUInt8(now64(3) > deadline_at))`;

/** `sla`/`sla_start`: when the wait ended (NULL while it is open: v_sla_breaches.ended_at). */
export const POINT_ENDED_AT = `if(${POINT_DUE}, end_at, NULL)`;

/** `waiting`: the message's age in seconds (v_unanswered_backlog.age_s). */
export const POINT_AGE_S = `dateDiff('millisecond', t, now64(3)) / 1000`;

/** `waiting`: past its SLA deadline (v_unanswered_backlog.sla_breached). */
export const POINT_PAST_SLA = 'if(deadline_at IS NULL, NULL, toUInt8(now64(3) > deadline_at))';
