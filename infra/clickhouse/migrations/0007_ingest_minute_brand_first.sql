-- Brand first in every table's sort key (docs/security.md): ingest_minute was ordered by
-- (minute, brand, platform), so one brand's pipeline counts were spread over the whole table and a
-- brand identity's row policy read every granule. ingest_minute_by_brand holds the same rows ordered
-- by (brand, minute, platform); the MV and v_pipeline_health move to it. Written to run again after
-- dying half-way: the copy happens only while the new table is empty (and before the new MV fills
-- it), and the old table is emptied, not dropped, so the copy statement still parses on a re-run.
-- Events inserted between the copy and the MV switch are not counted in pipeline health (a deploy-
-- time gap of one statement; business metrics never read this table).
CREATE TABLE IF NOT EXISTS ingest_minute_by_brand
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
ORDER BY (brand, minute, platform)
SETTINGS non_replicated_deduplication_window = 1000;

INSERT INTO ingest_minute_by_brand (minute, brand, platform, events, lag_ms, max_lag_ms)
SELECT minute, brand, platform, events, lag_ms, max_lag_ms FROM ingest_minute
WHERE (SELECT count() FROM ingest_minute_by_brand) = 0;

DROP VIEW IF EXISTS ingest_minute_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS ingest_minute_by_brand_mv TO ingest_minute_by_brand AS
SELECT
    toStartOfMinute(inserted_at) AS minute,
    brand,
    platform,
    sumState(toUInt64(1)) AS events,
    quantilesTDigestState(0.5, 0.9, 0.99)(toInt64(dateDiff('millisecond', ingest_time, inserted_at))) AS lag_ms,
    maxState(toInt64(dateDiff('millisecond', ingest_time, inserted_at))) AS max_lag_ms
FROM events
GROUP BY minute, brand, platform;

CREATE OR REPLACE VIEW v_pipeline_health AS
SELECT
    minute, brand, platform,
    sumMerge(events) AS events,
    quantilesTDigestMerge(0.5, 0.9, 0.99)(lag_ms) AS lag_quantiles_ms,
    lag_quantiles_ms[1] AS lag_p50_ms,
    lag_quantiles_ms[3] AS lag_p99_ms,
    maxMerge(max_lag_ms) AS max_lag_ms
FROM ingest_minute_by_brand
GROUP BY minute, brand, platform;

TRUNCATE TABLE IF EXISTS ingest_minute;
