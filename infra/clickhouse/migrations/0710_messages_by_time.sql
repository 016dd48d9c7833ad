-- Messages by the time they were posted: the message panels' read side (issue 17,
-- docs/dashboards-at-scale.md). `messages` is sorted by thread, as ReplacingMergeTree needs, so a
-- panel's posted_time range prunes nothing there under FINAL. A message's posted_time is set once,
-- when its post arrives, and moves only if a second, earlier post of the same id arrives
-- (isEarlierPost in services/domain/message-fold.ts). So a copy sorted and partitioned by
-- posted_time can be a ReplacingMergeTree too: FINAL per key keeps the latest revision, and a
-- range reads only its months and granules (posted_time is in the sort key, so FINAL runs per
-- partition and partition pruning applies).
--
-- The sink writes on each messages row the post of the state it replaces (prev_posted,
-- prev_posted_time, like the prev_* sentiment contribution). The MV copies every posted row to its
-- key, and when the replaced state was posted at another time it also writes a tombstone
-- (is_deleted = 1, same revision) at the old key, which FINAL drops with the row it outranks.
-- Rows written before this migration read prev_posted 0: they are in the backfill below.
ALTER TABLE messages ADD COLUMN IF NOT EXISTS prev_posted UInt8 DEFAULT 0 AFTER prev_sentiment_score;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS prev_posted_time DateTime64(3, 'UTC') DEFAULT 0 AFTER prev_posted;

-- v_messages' columns, or the stored columns it derives them from, plus is_deleted. `edited` is
-- derived here once (the two event ids behind it need not be copied); text_time and the moderation
-- times stay for the retention TTL (services/migrate/retention.ts).
CREATE TABLE IF NOT EXISTS messages_by_time
(
    brand                   LowCardinality(String),
    posted_time             DateTime64(3, 'UTC'),
    thread_id               String,
    message_id              String,
    revision                UInt64,
    is_deleted              UInt8,
    platform                LowCardinality(String),
    account_id              String,
    kind                    LowCardinality(String),
    parent_id               Nullable(String),
    author_id               String,
    author_role             LowCardinality(String),
    agent_id                Nullable(String),
    priority                Nullable(String),
    url                     Nullable(String),
    text                    String,
    text_time               DateTime64(3, 'UTC'),
    edited                  UInt8,
    language                LowCardinality(String),
    language_supported      UInt8,
    sentiment_label         LowCardinality(String),
    sentiment_score         Nullable(Float64),
    sentiment_confidence    Nullable(Float64),
    intent                  LowCardinality(String),
    needs_reply             UInt8,
    model_version           LowCardinality(String),
    human_override          UInt8,
    model_sentiment_label   LowCardinality(String),
    model_sentiment_score   Nullable(Float64),
    model_intent            LowCardinality(String),
    author_deleted          UInt8,
    removal_action          LowCardinality(String),
    visibility_action       LowCardinality(String),
    spam_action             LowCardinality(String),
    removal_time            DateTime64(3, 'UTC'),
    visibility_time         DateTime64(3, 'UTC'),
    spam_time               DateTime64(3, 'UTC'),
    first_moderation_time   Nullable(DateTime64(3, 'UTC')),
    counted                 UInt8
)
ENGINE = ReplacingMergeTree(revision, is_deleted)
PARTITION BY toYYYYMM(posted_time)
ORDER BY (brand, posted_time, thread_id, message_id)
SETTINGS non_replicated_deduplication_window = 1000;

-- One or two rows per posted messages row (the ARRAY JOIN, as in sentiment_minute_mv). The inner
-- query names the key k_time: an alias posted_time there would shadow the column it is built from.
CREATE MATERIALIZED VIEW IF NOT EXISTS messages_by_time_mv TO messages_by_time AS
SELECT
    brand, k_time AS posted_time, thread_id, message_id, revision, k_deleted AS is_deleted,
    platform, account_id, kind, parent_id, author_id, author_role, agent_id, priority, url,
    text, text_time, edited, language, language_supported,
    sentiment_label, sentiment_score, sentiment_confidence, intent, needs_reply,
    model_version, human_override, model_sentiment_label, model_sentiment_score, model_intent,
    author_deleted, removal_action, visibility_action, spam_action,
    removal_time, visibility_time, spam_time, first_moderation_time, counted
FROM
(
    SELECT
        brand, thread_id, message_id, revision,
        tupleElement(k, 1) AS k_time, tupleElement(k, 2) AS k_deleted,
        platform, account_id, kind, parent_id, author_id, author_role, agent_id, priority, url,
        text, text_time, toUInt8(text_event_id != posted_event_id) AS edited, language, language_supported,
        sentiment_label, sentiment_score, sentiment_confidence, intent, needs_reply,
        model_version, human_override, model_sentiment_label, model_sentiment_score, model_intent,
        author_deleted, removal_action, visibility_action, spam_action,
        removal_time, visibility_time, spam_time, first_moderation_time, counted
    FROM messages
    ARRAY JOIN arrayConcat(
        [tuple(posted_time, toUInt8(0))],
        if(prev_posted = 1 AND prev_posted_time != posted_time, [tuple(prev_posted_time, toUInt8(1))], [])
    ) AS k
    WHERE posted = 1
);

-- The rows a deployed database already has (the latest state of each posted message). Runs after
-- the MV exists, so a row the sink writes meanwhile is in one or both, with the same revision (the
-- same row). Idempotent: a re-run writes the same rows again. A history may span more than 100
-- months, the default limit of partitions in one insert block.
INSERT INTO messages_by_time
SELECT
    brand, posted_time, thread_id, message_id, revision, toUInt8(0) AS is_deleted,
    platform, account_id, kind, parent_id, author_id, author_role, agent_id, priority, url,
    text, text_time, toUInt8(text_event_id != posted_event_id) AS edited, language, language_supported,
    sentiment_label, sentiment_score, sentiment_confidence, intent, needs_reply,
    model_version, human_override, model_sentiment_label, model_sentiment_score, model_intent,
    author_deleted, removal_action, visibility_action, spam_action,
    removal_time, visibility_time, spam_time, first_moderation_time, counted
FROM messages FINAL
WHERE posted = 1
SETTINGS max_partitions_per_insert_block = 0;

-- v_messages (migration 0600) over the copy: the same columns, names and meaning.
CREATE VIEW IF NOT EXISTS v_messages_by_time AS
SELECT
    brand, platform, account_id, thread_id, message_id,
    posted_time, kind, parent_id, author_id, author_role, agent_id, priority, url,
    text, text_time AS last_edit_time, edited,
    language, language_supported,
    sentiment_label, sentiment_score, sentiment_confidence,
    if(author_role = 'customer', intent, '') AS intent,
    toUInt8(author_role = 'customer' AND needs_reply = 1) AS needs_reply,
    model_version, human_override,
    model_sentiment_label, model_sentiment_score, model_intent,
    author_deleted OR removal_action = 'delete' AS removed,
    visibility_action = 'hide' AS hidden,
    spam_action = 'mark_spam' AS spam,
    first_moderation_time,
    counted AS counts_in_sentiment,
    revision
FROM messages_by_time FINAL;
