-- Records the sink sent to the dead-letter topic, so dashboards can count them. The topic keeps
-- the original bytes; this keeps the reason and where the record came from.
CREATE TABLE IF NOT EXISTS dead_letters
(
    stage            LowCardinality(String),
    reason           LowCardinality(String),
    detail           String,
    source_topic     String,
    source_partition UInt32,
    source_offset    UInt64,
    size_bytes       UInt32,
    dead_lettered_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (stage, source_topic, source_partition, source_offset)
SETTINGS non_replicated_deduplication_window = 1000;
