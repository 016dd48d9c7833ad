-- Response-time metrics (services/threads, docs/response-metrics.md), part 1: the per-thread event
-- store the ThreadProjector recomputes thread facts from. One compact row per conversation event:
-- only what the metrics need. Copies of an event (retries, replays) collapse on event_id; when they
-- differ (a replay with a newer model) the latest enrichment wins, both here (version column) and in
-- the projector, which dedupes in code and so never needs FINAL. Ordered by thread so that loading
-- a batch's threads is a primary-key range read. Retried inserts are dropped by the projector's
-- insert_deduplication_token (needs non_replicated_deduplication_window on non-replicated tables).
CREATE TABLE IF NOT EXISTS thread_events
(
    brand             LowCardinality(String),
    platform          LowCardinality(String),
    account_id        String,
    thread_id         String,
    event_id          String,
    event_time        DateTime64(3, 'UTC'),
    enriched_time     DateTime64(3, 'UTC'),
    kind              LowCardinality(String),   -- posted | edited | deleted | moderation
    message_id        String,                   -- the message, or the moderation target ('' = none)
    role              LowCardinality(String),   -- author_role (posted) or actor_role (moderation)
    action            LowCardinality(String),   -- moderation kind ('' otherwise)
    priority          LowCardinality(String),
    has_enrichment    UInt8,
    needs_reply       UInt8,
    intent            LowCardinality(String),
    sentiment_score   Nullable(Float64),
    sentiment_label   LowCardinality(String),
    relabel_sentiment LowCardinality(String),
    relabel_intent    LowCardinality(String),
    inserted_at       DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(enriched_time)
PARTITION BY toYYYYMM(event_time)
ORDER BY (brand, platform, account_id, thread_id, event_id)
SETTINGS non_replicated_deduplication_window = 1000;
