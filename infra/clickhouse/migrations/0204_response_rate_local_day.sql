-- Response rate per day of the brand's time zone, not per UTC day: a thread that starts waiting at
-- 19:00 in Los Angeles (03:00 UTC the next day) counts on the day its team saw it. The projector
-- stores the local date of the first wait (services/threads/business-hours.ts localDate), which SQL
-- cannot compute here (a per-row time zone must be constant in ClickHouse). Rows computed before
-- this migration have no local date and keep their UTC day until their thread is recomputed.
ALTER TABLE thread_facts ADD COLUMN IF NOT EXISTS frt_start_local_date Nullable(Date) AFTER frt_start_at;

CREATE OR REPLACE VIEW v_response_rate AS
SELECT
    brand, platform, language,
    coalesce(frt_start_local_date, toDate(frt_start_at)) AS day,
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
