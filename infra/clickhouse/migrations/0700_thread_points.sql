-- Thread points: the dashboards' read side for response times, backlog, SLA and recovery (issue 17,
-- docs/dashboards-at-scale.md). thread_facts is sorted by thread, as ReplacingMergeTree needs (a
-- thread's times move with every event), so a panel's time range prunes nothing there and FINAL reads
-- all of a brand's threads. Here each row is one point a panel reads, sorted by the instant the panel
-- filters on and partitioned by its month, so a range reads only its own rows.
--
-- The projector (services/threads/points.ts) writes them with the thread's facts: a point whose key
-- or values changed is written again with the thread's new points_revision as version; a point the
-- new facts no longer have gets a tombstone (is_deleted = 1) with that version. FINAL keeps, per
-- key, the row of the highest version and drops tombstones. A write is idempotent (the same facts
-- give the same rows and the same revision), so a retried or replayed batch converges.
--
-- metric        t                           one row per
-- thread        first_customer_message_at   thread (report: threads needing reply, answered, FRT)
-- first_response frt_start_at               thread with a first wait
-- response_day  local day of the first wait thread needing a reply (response rate, UTC midnight of that date)
-- next_response period start_at            waiting period of kind next
-- reply         period end_at               waiting period ended by a reply (per-agent performance)
-- resolution    first resolution instant    resolved thread, or pending inactivity resolution (due_at)
-- sla           deadline_at                 SLA deadline that is or may become breached
-- sla_start     started_at                  the same deadline points, keyed by when the wait started
-- waiting       posted_at                   waiting message of a waiting thread (backlog)
-- recovery      first_human_reply_at        thread that started negative and got a human reply
CREATE TABLE IF NOT EXISTS thread_points
(
    brand                 LowCardinality(String),
    metric                LowCardinality(String),
    t                     DateTime64(3, 'UTC'),
    platform              LowCardinality(String),
    account_id            String,
    thread_id             String,
    idx                   UInt32,                          -- which point of the thread: period index, waiting-message ordinal, else 0
    version               UInt64,                          -- thread_facts.points_revision of the write
    is_deleted            UInt8,                           -- 1 = tombstone: the point left the thread's facts
    language              LowCardinality(String),
    priority              LowCardinality(String),
    message_id            String,                          -- waiting: the waiting message
    sla_metric            LowCardinality(String),          -- sla, sla_start, waiting: first_response | next_response | resolution
    started_at            Nullable(DateTime64(3, 'UTC')),  -- sla*: start of the wait; waiting: wait_started_at
    end_at                Nullable(DateTime64(3, 'UTC')),  -- first_response: frt_end_at; next_response, sla*: end of the wait (resolution: see due_at)
    end_reason            LowCardinality(String),          -- next_response, reply: the period's end reason
    calendar_s            Nullable(Float64),
    business_s            Nullable(Float64),
    sla_clock             LowCardinality(String),
    sla_target_s          Nullable(Float64),
    deadline_at           Nullable(DateTime64(3, 'UTC')),  -- sla*, waiting: the deadline now() is compared with
    breached              Nullable(UInt8),                 -- the outcome once fixed; NULL = decided at query time
    due_at                Nullable(DateTime64(3, 'UTC')),  -- resolution, sla*: when a pending inactivity resolution takes effect
    due_breached          Nullable(UInt8),                 -- sla*: the outcome from due_at on
    needs_reply           UInt8,
    responded             UInt8,
    handled_by_moderation UInt8,
    within_sla            UInt8,                           -- response_day: responded within the first-response SLA
    recovered             Nullable(UInt8),
    sentiment_change      Nullable(Float64)
)
ENGINE = ReplacingMergeTree(version, is_deleted)
PARTITION BY toYYYYMM(t)
ORDER BY (brand, metric, t, platform, account_id, thread_id, idx)
SETTINGS non_replicated_deduplication_window = 1000;

-- What the projector last wrote for the thread, so the next write knows which points to replace or
-- tombstone even when the thread is not in its memory (one row per point: key and a fingerprint of
-- its values).
ALTER TABLE thread_facts ADD COLUMN IF NOT EXISTS points_revision UInt64 DEFAULT 0;
ALTER TABLE thread_facts ADD COLUMN IF NOT EXISTS point_metric Array(LowCardinality(String));
ALTER TABLE thread_facts ADD COLUMN IF NOT EXISTS point_t Array(DateTime64(3, 'UTC'));
ALTER TABLE thread_facts ADD COLUMN IF NOT EXISTS point_idx Array(UInt32);
ALTER TABLE thread_facts ADD COLUMN IF NOT EXISTS point_fingerprint Array(UInt64);
