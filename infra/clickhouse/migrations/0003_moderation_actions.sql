-- Every moderation action (hide, delete, relabel, resolve_thread, ...), once per event_id.
CREATE TABLE IF NOT EXISTS moderation_actions
(
    event_id          String,
    brand             LowCardinality(String),
    platform          LowCardinality(String),
    account_id        String,
    thread_id         String,
    action            LowCardinality(String),
    action_time       DateTime64(3, 'UTC'),
    ingest_time       DateTime64(3, 'UTC'),
    actor_id          String,
    actor_role        LowCardinality(String),
    target_message_id String,
    target_author_id  Nullable(String),
    reason            Nullable(String),
    assignee_id       Nullable(String),
    relabel_sentiment LowCardinality(String),
    relabel_intent    LowCardinality(String)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(action_time)
ORDER BY (brand, action_time, event_id)
SETTINGS non_replicated_deduplication_window = 1000;
