-- Ingest log: one row per conversation event the sink consumed (every type), for freshness and
-- pipeline health. Duplicates (same event_id) collapse on merge; read with FINAL or uniqExact.
-- Retries of one batch are dropped at insert by the sink's insert_deduplication_token, which needs
-- non_replicated_deduplication_window on a non-replicated MergeTree.
CREATE TABLE IF NOT EXISTS events
(
    event_id        String,
    event_type      LowCardinality(String),
    brand           LowCardinality(String),
    platform        LowCardinality(String),
    account_id      String,
    thread_id       String,
    message_id      String,
    source          LowCardinality(String),
    event_time      DateTime64(3, 'UTC'),
    ingest_time     DateTime64(3, 'UTC'),
    enriched_time   DateTime64(3, 'UTC'),
    inserted_at     DateTime64(3, 'UTC') DEFAULT now64(3),
    model_version   LowCardinality(String),
    kafka_partition UInt32,
    kafka_offset    UInt64
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (brand, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

-- Pipeline health per minute of insertion: rows written and freshness (ingest_time -> inserted_at).
CREATE TABLE IF NOT EXISTS ingest_minute
(
    minute      DateTime('UTC'),
    brand       LowCardinality(String),
    platform    LowCardinality(String),
    events      AggregateFunction(sum, UInt64),
    lag_ms      AggregateFunction(quantilesTDigest(0.5, 0.9, 0.99), Int64),
    max_lag_ms  AggregateFunction(max, Int64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, brand, platform)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS ingest_minute_mv TO ingest_minute AS
SELECT
    toStartOfMinute(inserted_at) AS minute,
    brand,
    platform,
    sumState(toUInt64(1)) AS events,
    quantilesTDigestState(0.5, 0.9, 0.99)(toInt64(dateDiff('millisecond', ingest_time, inserted_at))) AS lag_ms,
    maxState(toInt64(dateDiff('millisecond', ingest_time, inserted_at))) AS max_lag_ms
FROM events
GROUP BY minute, brand, platform;
