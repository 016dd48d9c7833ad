-- Waiting points: the backlog's read side (issue 17, docs/dashboards-at-scale.md). The backlog
-- panels (Unanswered backlog, Oldest unanswered message, Longest waits, report #3) have no time
-- range: they read every live waiting point. In thread_points (0700) each answered message left a
-- tombstone that ordinary merges keep (only CLEANUP merges drop them, and only once a partition is
-- one part), so FINAL there read about every customer message that ever waited.
--
-- Here a waiting point is a +1 row when it appears and a -1 row with the same sort key when it
-- leaves; when its values change the projector writes -1 then +1 in one insert. A merge drops each
-- +1 with the -1 after it, so the table stays about the size of the live backlog. FINAL keeps a
-- key's last +1 when its +1 rows outnumber its -1 rows, or match them and the last row is a +1;
-- readers also filter sign = 1 (a merged part may keep one -1 before the +1 of its key).
--
-- What the dedup token does not cover (docs/response-metrics.md): a signed row written twice by
-- two different inserts, after a crash between these inserts and thread_facts' when the replayed
-- batch is cut differently, or by a zombie consumer. The same class as sentiment_minute's signed
-- rows.
CREATE TABLE IF NOT EXISTS waiting_points
(
    brand        LowCardinality(String),
    t            DateTime64(3, 'UTC'),            -- posted_at of the waiting message
    platform     LowCardinality(String),
    account_id   String,
    thread_id    String,
    idx          UInt32,                          -- the message's ordinal among the thread's waiting messages
    language     LowCardinality(String),
    priority     LowCardinality(String),
    message_id   String,
    sla_metric   LowCardinality(String),          -- first_response | next_response: the wait's SLA
    started_at   Nullable(DateTime64(3, 'UTC')),  -- wait_started_at
    deadline_at  Nullable(DateTime64(3, 'UTC')),  -- the SLA deadline now() is compared with
    sign         Int8                             -- +1: the point as it is now; -1: cancels the +1 before it
)
ENGINE = CollapsingMergeTree(sign)
PARTITION BY toYYYYMM(t)
ORDER BY (brand, t, platform, account_id, thread_id, idx)
SETTINGS non_replicated_deduplication_window = 1000;

-- The waiting points a deployment wrote to thread_points before this migration, as +1 rows: the
-- projector still names them in thread_facts (point_*), so its next -1 or -1/+1 for one of them
-- finds the +1 here. Skips keys already present, so a re-run after a failure writes each once
-- (GLOBAL: on a cluster both tables are Distributed). Run it with the sink stopped: a waiting row
-- an older sink writes to thread_points after this INSERT is not moved.
INSERT INTO waiting_points
    (brand, t, platform, account_id, thread_id, idx, language, priority, message_id, sla_metric, started_at, deadline_at, sign)
SELECT
    brand, t, platform, account_id, thread_id, idx, language, priority, message_id, sla_metric, started_at, deadline_at,
    toInt8(1) AS sign
FROM thread_points FINAL
WHERE metric = 'waiting'
  AND (brand, t, platform, account_id, thread_id, idx) GLOBAL NOT IN
      (SELECT brand, t, platform, account_id, thread_id, idx FROM waiting_points)
SETTINGS max_partitions_per_insert_block = 0;

-- ... and out of thread_points (a mutation, in the background): nothing reads them there any more,
-- the projector writes them no tombstones any more, and left there they would be stale copies of
-- the backlog in a table the analysts read.
ALTER TABLE thread_points DELETE WHERE metric = 'waiting';
