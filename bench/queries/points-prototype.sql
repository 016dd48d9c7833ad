-- Prototype of the read side proposed in docs/dashboards-at-scale.md, run by hand in a database kept by
-- `BENCH_QUERIES_KEEP=1 npm run bench:queries` (not a migration: nothing writes this table yet).
-- It fills a signed, time-keyed table of "thread points" from today's latest facts (what the table holds
-- once the sink's -1/+1 rows have collapsed) and reads two panels from it. Each new query must return
-- exactly the rows of today's panel SQL (compare the two outputs, e.g. with md5sum).

CREATE TABLE IF NOT EXISTS proto_thread_points
(
    brand                 LowCardinality(String),
    metric                LowCardinality(String),   -- first_response | waiting | ...
    t                     DateTime64(3, 'UTC'),     -- the instant the panels filter on
    thread_id             String,                   -- the point's id (thread, or thread/message)
    version               UInt64,                   -- thread_facts.version of the facts it comes from
    sign                  Int8,                     -- +1 written with the facts, -1 when they are replaced
    platform              LowCardinality(String),
    language              LowCardinality(String),
    calendar_s            Nullable(Float64),
    business_s            Nullable(Float64),
    sla_clock             LowCardinality(String),
    sla_target_s          Nullable(Float64),
    ended                 UInt8,
    handled_by_moderation UInt8
)
ENGINE = VersionedCollapsingMergeTree(sign, version)
PARTITION BY toYYYYMM(t)
ORDER BY (brand, metric, t, thread_id);

INSERT INTO proto_thread_points
SELECT brand, 'first_response', assumeNotNull(frt_start_at), thread_id, version, 1, platform, language,
       frt_calendar_s, frt_business_s, frt_sla_clock, frt_sla_target_s, frt_end_at IS NOT NULL, handled_by_moderation
FROM thread_facts FINAL
WHERE frt_start_at IS NOT NULL;

INSERT INTO proto_thread_points
SELECT brand, 'waiting', wp, concat(thread_id, '/', mid), version, 1, platform, language,
       NULL, NULL, waiting_kind, NULL, 0, 0
FROM thread_facts FINAL
ARRAY JOIN waiting_message_ids AS mid, waiting_message_posted_at AS wp
WHERE is_waiting = 1;

-- Brand health / "First response time p50 / p90 vs SLA" (24 h range as the bench expands it; the 7 d
-- and 30 d ranges change only the two instants).
SELECT toStartOfInterval(toDateTime(t), INTERVAL 3600 second) AS time,
  quantile(0.5)(if(sla_clock = 'calendar', calendar_s, business_s)) AS p50,
  quantile(0.9)(if(sla_clock = 'calendar', calendar_s, business_s)) AS p90,
  max(sla_target_s) AS sla_target
FROM proto_thread_points FINAL
WHERE brand IN ('acme') AND metric = 'first_response' AND t >= toDateTime(1796084518) AND t <= toDateTime(1796170918)
  AND ended = 1 AND handled_by_moderation = 0
GROUP BY time ORDER BY time;

-- Brand health / "Unanswered backlog": a count needs no FINAL, the signs sum to the live points.
SELECT sum(sign) AS waiting FROM proto_thread_points WHERE brand IN ('acme') AND metric = 'waiting';

-- Messages: one point per message at its posted_time, from today's v_messages (revision = its version).
CREATE TABLE IF NOT EXISTS proto_message_points
(
    brand LowCardinality(String), t DateTime64(3, 'UTC'), message_id String, thread_id String,
    revision UInt64, sign Int8, platform LowCardinality(String), language LowCardinality(String),
    author_role LowCardinality(String), intent LowCardinality(String), spam UInt8,
    first_moderation_time Nullable(DateTime64(3, 'UTC'))
)
ENGINE = VersionedCollapsingMergeTree(sign, revision)
PARTITION BY toYYYYMM(t)
ORDER BY (brand, t, message_id);

INSERT INTO proto_message_points
SELECT brand, posted_time, message_id, thread_id, revision, 1, platform, language, author_role, intent, spam,
       first_moderation_time
FROM v_messages;

-- Moderation / "Spam share" and "Time to moderate": today's panel SQL with `FROM v_messages` replaced by
-- `FROM proto_message_points FINAL` and posted_time by t.
SELECT toStartOfInterval(toDateTime(t), INTERVAL 3600 second) AS time, countIf(spam OR intent = 'spam') / count() AS spam_share
FROM proto_message_points FINAL
WHERE t >= toDateTime(1796084518) AND t <= toDateTime(1796170918) AND author_role = 'customer' AND brand IN ('acme')
GROUP BY time ORDER BY time;

-- Community team / "SLA breaches": one point per SLA deadline (waiting periods and the resolution), with
-- what the view needs to decide "breached" at query time (open waits and unresolved threads compare with now()).
CREATE TABLE IF NOT EXISTS proto_deadline_points
(
    brand LowCardinality(String), t DateTime64(3, 'UTC'), point_id String, version UInt64, sign Int8,
    platform LowCardinality(String), language LowCardinality(String), metric LowCardinality(String),
    is_open UInt8, closed_breached Nullable(UInt8), sla_target_s Nullable(Float64), sla_clock LowCardinality(String),
    is_resolved UInt8, full_resolution_calendar_s Nullable(Float64), full_resolution_business_s Nullable(Float64),
    pending_inactivity_at Nullable(DateTime64(3, 'UTC')), inactivity_resolve_after_s Nullable(Float64),
    pending_resolution_calendar_s Nullable(Float64), pending_resolution_business_s Nullable(Float64),
    no_first_customer_message UInt8
)
ENGINE = VersionedCollapsingMergeTree(sign, version)
PARTITION BY toYYYYMM(t)
ORDER BY (brand, t, point_id);

INSERT INTO proto_deadline_points
SELECT brand, assumeNotNull(wp_deadline), concat(thread_id, '/', toString(wp_index)), version, 1, platform, language,
       if(wp_kind = 'first', 'first_response', 'next_response'), wp_end IS NULL, wp_breached,
       NULL, '', 0, NULL, NULL, NULL, NULL, NULL, NULL, 0
FROM thread_facts FINAL
ARRAY JOIN period_index AS wp_index, period_kind AS wp_kind, period_end_at AS wp_end,
           period_sla_deadline_at AS wp_deadline, period_breached AS wp_breached
WHERE wp_kind IN ('first', 'next') AND wp_deadline IS NOT NULL;

INSERT INTO proto_deadline_points
SELECT brand, assumeNotNull(resolution_deadline_at), thread_id, version, 1, platform, language, 'resolution', 0, NULL,
       resolution_sla_target_s, resolution_sla_clock, is_resolved, full_resolution_calendar_s, full_resolution_business_s,
       pending_inactivity_at, inactivity_resolve_after_s, pending_resolution_calendar_s, pending_resolution_business_s,
       first_customer_message_at IS NULL
FROM thread_facts FINAL
WHERE resolution_deadline_at IS NOT NULL;

-- The same rows as today's panel (compare sorted: the panel orders by time only).
SELECT toStartOfInterval(toDateTime(t), INTERVAL 3600 second) AS time, metric, count() AS breaches
FROM (
  SELECT t, metric,
    pending_inactivity_at IS NOT NULL
      AND now64(3) >= addMilliseconds(pending_inactivity_at, toInt64(inactivity_resolve_after_s * 1000)) AS inactivity_resolved,
    if(is_resolved, full_resolution_calendar_s, if(inactivity_resolved, pending_resolution_calendar_s, NULL)) AS fc,
    if(is_resolved, full_resolution_business_s, if(inactivity_resolved, pending_resolution_business_s, NULL)) AS fb,
    if(metric = 'resolution',
       multiIf(sla_target_s IS NULL, NULL, fc IS NOT NULL, toUInt8(if(sla_clock = 'calendar', fc, fb) > sla_target_s),
               no_first_customer_message = 1, NULL, toUInt8(now64(3) > t)),
       if(is_open = 1, toUInt8(now64(3) > t), closed_breached)) AS breached
  FROM proto_deadline_points FINAL
  WHERE brand IN ('acme') AND t >= toDateTime(1796084518) AND t <= toDateTime(1796170918)
)
WHERE breached = 1
GROUP BY time, metric ORDER BY time, metric;
