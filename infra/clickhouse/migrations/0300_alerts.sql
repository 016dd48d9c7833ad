-- Negative-sentiment spike alerts (services/alerter), one row per alert event: a start and, later,
-- an end, sharing alert_id. The alerter may write the same event twice (a restart re-derives what it
-- already emitted): ReplacingMergeTree over (brand, platform, alert_id, kind) keeps one; read FINAL.
-- platform is '' for the brand-wide alert. Times are UTC instants of EVENT time (started_at is the
-- estimated onset, detected_at the evaluation step that decided); emitted_at is the wall clock.
CREATE TABLE IF NOT EXISTS alerts
(
    alert_id          String,
    kind              Enum8('start' = 1, 'end' = 2),
    brand             LowCardinality(String),
    platform          LowCardinality(String),
    started_at        DateTime64(3, 'UTC'),
    detected_at       DateTime64(3, 'UTC'),
    ended_at          Nullable(DateTime64(3, 'UTC')),
    window_s          UInt32,
    observed          UInt32,
    baseline          Float64,
    ratio             Float64,
    score             Float64,
    peak_ratio        Float64,
    negative_share    Float64,
    baseline_share    Float64,
    volume            UInt32,
    sample_messages   Array(String),
    sample_message_ids Array(String),
    sample_urls       Array(String),
    top_terms         Array(String),
    summary           String,
    detector_version  LowCardinality(String),
    emitted_at        DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(emitted_at)
ORDER BY (brand, platform, alert_id, kind);

-- Webhook delivery log: checked before every send, so a restarted alerter never re-sends what a
-- receiver already acknowledged. endpoint is a stable name (format + hash of the URL), never the URL.
CREATE TABLE IF NOT EXISTS alert_deliveries
(
    alert_id      String,
    kind          Enum8('start' = 1, 'end' = 2),
    endpoint      String,
    status        Enum8('delivered' = 1, 'failed' = 2),
    attempts      UInt16,
    http_status   UInt16,
    recorded_at   DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(recorded_at)
ORDER BY (alert_id, kind, endpoint);

-- Detector state snapshots (baselines, windows, open alerts) with the input offsets they reflect:
-- a restart loads the latest one and resumes consuming from those offsets.
CREATE TABLE IF NOT EXISTS alerter_snapshots
(
    consumer_group  String,
    taken_at        DateTime64(3, 'UTC'),
    offsets         String,
    state           String
)
ENGINE = ReplacingMergeTree(taken_at)
ORDER BY consumer_group;

-- One row per alert for Grafana annotations: time = onset, timeEnd = end (or now while open).
CREATE VIEW IF NOT EXISTS alert_annotations AS
SELECT
    alert_id,
    brand,
    platform,
    minIf(started_at, kind = 'start')                                   AS time,
    if(countIf(kind = 'end') > 0, maxIf(ended_at, kind = 'end'), NULL)  AS ended_at,
    coalesce(ended_at, now64(3))                                         AS time_end,
    anyIf(summary, kind = 'start')                                       AS text,
    anyIf(ratio, kind = 'start')                                         AS ratio,
    max(peak_ratio)                                                      AS peak_ratio,
    anyIf(top_terms, kind = 'start')                                     AS top_terms
FROM alerts FINAL
GROUP BY alert_id, brand, platform;
