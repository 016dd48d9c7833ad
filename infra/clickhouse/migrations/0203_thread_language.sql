-- Thread language: the language the customer opened the thread in (the detected language of the
-- first customer message that has one; services/threads/facts.ts threadLanguage), so dashboards and
-- analysts can filter response times, backlog and SLA by language (teams are often per language).
-- thread_events keeps each event's detected language; thread_facts the thread's. Rows written before
-- this migration read '' until their thread gets a new event (the projector recomputes it from the
-- events, whose language is '' too) or `brandpulse replay` rebuilds them.
ALTER TABLE thread_events ADD COLUMN IF NOT EXISTS language LowCardinality(String) DEFAULT '' AFTER intent;

ALTER TABLE thread_facts ADD COLUMN IF NOT EXISTS language LowCardinality(String) DEFAULT '' AFTER thread_id;

-- The views of 0202 with the language column (same definitions otherwise).
CREATE OR REPLACE VIEW v_thread_response AS
SELECT
    brand, platform, language, account_id, thread_id, priority, time_zone, event_count, computed_at,
    first_customer_message_at, first_human_reply_at,
    needs_reply, responded, handled_by_moderation, is_waiting, waiting_kind, wait_started_at,
    frt_start_at, frt_end_at, frt_calendar_s, frt_business_s, frt_sla_target_s, frt_sla_clock,
    coalesce(frt_breached,
             if(is_waiting AND waiting_kind = 'first' AND wait_sla_deadline_at IS NOT NULL,
                toUInt8(now64(3) > wait_sla_deadline_at), NULL)) AS frt_breached,
    first_period_breached,
    reply_count, next_response_breach_count, next_response_sla_target_s, next_response_sla_clock,
    pending_inactivity_at IS NOT NULL
        AND now64(3) >= addMilliseconds(pending_inactivity_at, toInt64(inactivity_resolve_after_s * 1000)) AS inactivity_resolved,
    toUInt8(is_resolved OR inactivity_resolved) AS resolved,
    if(first_resolved_at IS NULL AND inactivity_resolved, pending_inactivity_at, first_resolved_at) AS first_resolution_at,
    if(first_resolved_at IS NULL AND inactivity_resolved, 'inactivity', first_resolved_by) AS first_resolution_by,
    if(first_resolved_at IS NULL AND inactivity_resolved, pending_resolution_calendar_s, first_resolution_calendar_s) AS first_resolution_calendar_s,
    if(first_resolved_at IS NULL AND inactivity_resolved, pending_resolution_business_s, first_resolution_business_s) AS first_resolution_business_s,
    if(is_resolved, last_resolved_at, if(inactivity_resolved, pending_inactivity_at, NULL)) AS full_resolution_at,
    if(is_resolved, full_resolution_calendar_s, if(inactivity_resolved, pending_resolution_calendar_s, NULL)) AS full_resolution_calendar_s,
    if(is_resolved, full_resolution_business_s, if(inactivity_resolved, pending_resolution_business_s, NULL)) AS full_resolution_business_s,
    resolve_count + toUInt16(first_resolved_at IS NULL AND inactivity_resolved) AS resolution_cycles,
    reopen_count,
    resolution_sla_target_s, resolution_sla_clock, resolution_deadline_at,
    multiIf(resolution_sla_target_s IS NULL, NULL,
            full_resolution_calendar_s IS NOT NULL,
            toUInt8(if(resolution_sla_clock = 'calendar', full_resolution_calendar_s, full_resolution_business_s) > resolution_sla_target_s),
            first_customer_message_at IS NULL OR resolution_deadline_at IS NULL, NULL,
            toUInt8(now64(3) > resolution_deadline_at)) AS resolution_breached,
    started_negative, thread_sentiment_score
FROM thread_facts FINAL;

CREATE OR REPLACE VIEW v_waiting_periods AS
SELECT
    brand, platform, language, account_id, thread_id, priority, time_zone,
    wp_index AS period_index,
    wp_kind AS kind,
    wp_start AS start_at,
    wp_end AS end_at,
    wp_reason AS end_reason,
    wp_calendar AS calendar_s,
    wp_business AS business_s,
    wp_target AS sla_target_s,
    wp_clock AS sla_clock,
    wp_deadline AS sla_deadline_at,
    toUInt8(wp_end IS NULL) AS is_open,
    if(wp_end IS NULL, dateDiff('millisecond', wp_start, now64(3)) / 1000, NULL) AS open_age_s,
    if(wp_end IS NULL, if(wp_deadline IS NULL, NULL, toUInt8(now64(3) > wp_deadline)), wp_breached) AS breached,
    wp_messages AS message_count
FROM thread_facts FINAL
ARRAY JOIN
    period_index AS wp_index, period_kind AS wp_kind, period_start_at AS wp_start, period_end_at AS wp_end,
    period_end_reason AS wp_reason, period_calendar_s AS wp_calendar, period_business_s AS wp_business,
    period_sla_target_s AS wp_target, period_sla_clock AS wp_clock, period_sla_deadline_at AS wp_deadline,
    period_breached AS wp_breached, period_message_count AS wp_messages;

CREATE OR REPLACE VIEW v_unanswered_backlog AS
SELECT
    brand, platform, language, account_id, thread_id, priority,
    bl_message_id AS message_id,
    bl_posted_at AS posted_at,
    dateDiff('millisecond', bl_posted_at, now64(3)) / 1000 AS age_s,
    wait_started_at,
    dateDiff('millisecond', wait_started_at, now64(3)) / 1000 AS wait_age_s,
    if(waiting_kind = 'first', 'first_response', 'next_response') AS sla_metric,
    wait_sla_deadline_at AS sla_deadline_at,
    if(wait_sla_deadline_at IS NULL, NULL, toUInt8(now64(3) > wait_sla_deadline_at)) AS sla_breached
FROM thread_facts FINAL
ARRAY JOIN waiting_message_ids AS bl_message_id, waiting_message_posted_at AS bl_posted_at
WHERE is_waiting = 1;

CREATE OR REPLACE VIEW v_sla_breaches AS
SELECT
    brand, platform, language, account_id, thread_id, priority,
    if(kind = 'first', 'first_response', 'next_response') AS metric,
    period_index,
    sla_clock AS clock,
    sla_target_s AS target_s,
    start_at AS started_at,
    end_at AS ended_at,
    is_open AS still_open,
    if(is_open = 1, NULL, if(sla_clock = 'calendar', calendar_s, business_s)) AS duration_s,
    sla_deadline_at AS deadline_at
FROM v_waiting_periods
WHERE kind IN ('first', 'next') AND breached = 1
UNION ALL
SELECT
    brand, platform, language, account_id, thread_id, priority,
    'resolution' AS metric,
    CAST(NULL, 'Nullable(UInt16)') AS period_index,
    resolution_sla_clock AS clock,
    resolution_sla_target_s AS target_s,
    first_customer_message_at AS started_at,
    full_resolution_at AS ended_at,
    toUInt8(full_resolution_at IS NULL) AS still_open,
    if(resolution_sla_clock = 'calendar', full_resolution_calendar_s, full_resolution_business_s) AS duration_s,
    resolution_deadline_at AS deadline_at
FROM v_thread_response
WHERE resolution_breached = 1;

CREATE OR REPLACE VIEW v_response_rate AS
SELECT
    brand, platform, language,
    toDate(frt_start_at) AS day,
    count() AS threads_needing_reply,
    countIf(responded = 1) AS threads_responded,
    countIf(responded = 1 AND handled_by_moderation = 1) AS threads_handled_by_moderation,
    countIf(responded = 1 AND coalesce(first_period_breached, 0) = 0) AS threads_responded_within_sla,
    countIf(is_waiting = 1 AND waiting_kind = 'first') AS threads_still_waiting,
    threads_responded / threads_needing_reply AS response_rate,
    threads_responded_within_sla / threads_needing_reply AS response_rate_within_sla
FROM thread_facts FINAL
WHERE needs_reply = 1
GROUP BY brand, platform, language, day;

CREATE OR REPLACE VIEW v_time_to_moderate AS
SELECT
    brand, platform, language, account_id, thread_id,
    tm_message_id AS message_id,
    tm_author_role AS author_role,
    tm_posted_at AS posted_at,
    tm_action_at AS first_action_at,
    tm_action AS first_action,
    tm_actor_role AS first_actor_role,
    tm_calendar AS calendar_s,
    tm_business AS business_s
FROM thread_facts FINAL
ARRAY JOIN
    mod_message_id AS tm_message_id, mod_author_role AS tm_author_role, mod_posted_at AS tm_posted_at,
    mod_first_action_at AS tm_action_at, mod_first_action AS tm_action, mod_first_actor_role AS tm_actor_role,
    mod_calendar_s AS tm_calendar, mod_business_s AS tm_business;

CREATE OR REPLACE VIEW v_sentiment_recovery AS
SELECT
    brand, platform, language, account_id, thread_id,
    first_customer_message_at, first_human_reply_at,
    first_customer_label, first_customer_score,
    thread_sentiment_score, customer_message_count,
    recovered, recovery_label, recovery_score, sentiment_change
FROM thread_facts FINAL
WHERE started_negative = 1;
