-- Retention per brand (infra/brands.yaml retention_days, docs/security.md#retention). The TTL rules
-- themselves depend on brands.yaml, so they are not in a checksummed file: after the migrations,
-- `brandpulse migrate` (services/migrate/retention.ts) computes one TTL per table that holds texts,
-- e.g. `toDateTime(greatest(posted_time, text_time)) + toIntervalDay(1825) WHERE brand IN ('acme')`,
-- applies it with ALTER TABLE ... MODIFY TTL when it differs from the last one applied, and records
-- it here. So a changed retention_days is applied once (MODIFY TTL rewrites the table's parts), and a
-- brand's rows expire on the engine's own TTL merges, with no sink involvement.
CREATE TABLE IF NOT EXISTS retention_rules
(
    table_name String,
    ttl        String,          -- the TTL clause applied ('' = none)
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY table_name;
