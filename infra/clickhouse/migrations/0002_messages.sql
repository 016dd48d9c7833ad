-- The latest state of every message. The sink resolves each message's events (post, edits,
-- deletes, moderation, relabels) into one state with last-writer-wins registers keyed by
-- (event_time, event_id), so the state depends only on the set of events, and writes a new row
-- (revision + 1) only when the state changed. FINAL / argMax by revision reads the latest.
-- Timing uses the ORIGINAL post (posted_time); sentiment uses the latest text and relabels.
CREATE TABLE IF NOT EXISTS messages
(
    brand                   LowCardinality(String),
    platform                LowCardinality(String),
    account_id              String,
    thread_id               String,
    message_id              String,
    revision                UInt64,
    -- the post (absent until the message_posted event arrives: an edit can come first)
    posted                  UInt8,
    posted_time             DateTime64(3, 'UTC'),
    posted_event_id         String,
    kind                    LowCardinality(String),
    parent_id               Nullable(String),
    author_id               String,
    author_role             LowCardinality(String),
    agent_id                Nullable(String),
    priority                Nullable(String),
    url                     Nullable(String),
    -- the latest text (post or edit) and what the model said about it
    text                    String,
    text_time               DateTime64(3, 'UTC'),
    text_event_id           String,
    language                LowCardinality(String),
    language_supported      UInt8,
    model_sentiment_score   Nullable(Float64),
    model_sentiment_label   LowCardinality(String),
    model_sentiment_confidence Nullable(Float64),
    model_intent            LowCardinality(String),
    model_needs_reply       UInt8,
    model_version           LowCardinality(String),
    -- human relabels (latest wins, per field)
    relabel_sentiment       LowCardinality(String),
    relabel_sentiment_time  DateTime64(3, 'UTC'),
    relabel_sentiment_event_id String,
    relabel_intent          LowCardinality(String),
    relabel_intent_time     DateTime64(3, 'UTC'),
    relabel_intent_event_id String,
    -- deletes and moderation (latest action of each pair wins)
    author_deleted          UInt8,
    removal_action          LowCardinality(String),
    removal_time            DateTime64(3, 'UTC'),
    removal_event_id        String,
    visibility_action       LowCardinality(String),
    visibility_time         DateTime64(3, 'UTC'),
    visibility_event_id     String,
    spam_action             LowCardinality(String),
    spam_time               DateTime64(3, 'UTC'),
    spam_event_id           String,
    first_moderation_time   Nullable(DateTime64(3, 'UTC')),
    -- effective values (relabel over model) and whether the message counts in sentiment
    sentiment_label         LowCardinality(String),
    sentiment_score         Nullable(Float64),
    sentiment_confidence    Nullable(Float64),
    intent                  LowCardinality(String),
    needs_reply             UInt8,
    human_override          UInt8,
    counted                 UInt8,
    -- the contribution this row replaces (input of the signed sentiment MV)
    prev_counted            UInt8,
    prev_minute             DateTime('UTC'),
    prev_language           LowCardinality(String),
    prev_author_role        LowCardinality(String),
    prev_sentiment_label    LowCardinality(String),
    prev_sentiment_score    Nullable(Float64),
    updated_at              DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX posted_time_idx posted_time TYPE minmax GRANULARITY 4
)
ENGINE = ReplacingMergeTree(revision)
ORDER BY (brand, thread_id, message_id)
SETTINGS non_replicated_deduplication_window = 1000;

-- Sentiment per minute (of the original post) per brand, platform, language and author role.
-- Fed by signed rows: every messages row retracts the contribution it replaces (-1) and adds its
-- own (+1), so edits, deletes and relabels move a message between buckets without double counting.
CREATE TABLE IF NOT EXISTS sentiment_minute
(
    brand       LowCardinality(String),
    platform    LowCardinality(String),
    minute      DateTime('UTC'),
    language    LowCardinality(String),
    author_role LowCardinality(String),
    messages    AggregateFunction(sum, Int64),
    negative    AggregateFunction(sum, Int64),
    neutral     AggregateFunction(sum, Int64),
    positive    AggregateFunction(sum, Int64),
    scored      AggregateFunction(sum, Int64),
    score_sum   AggregateFunction(sum, Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (brand, minute, platform, language, author_role)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS sentiment_minute_mv TO sentiment_minute AS
SELECT
    brand,
    platform,
    c_minute AS minute,
    c_language AS language,
    c_author_role AS author_role,
    sumState(toInt64(c_sign)) AS messages,
    sumState(toInt64(c_sign * (c_label = 'negative'))) AS negative,
    sumState(toInt64(c_sign * (c_label = 'neutral'))) AS neutral,
    sumState(toInt64(c_sign * (c_label = 'positive'))) AS positive,
    sumState(toInt64(c_sign * isNotNull(c_score))) AS scored,
    sumState(toFloat64(c_sign * ifNull(c_score, 0))) AS score_sum
FROM
(
    SELECT
        brand, platform,
        tupleElement(c, 1) AS c_minute, tupleElement(c, 2) AS c_language, tupleElement(c, 3) AS c_author_role,
        tupleElement(c, 4) AS c_sign, tupleElement(c, 5) AS c_label, tupleElement(c, 6) AS c_score
    FROM messages
    ARRAY JOIN arrayFilter(x -> tupleElement(x, 4) != 0, [
        tuple(prev_minute, toString(prev_language), toString(prev_author_role), -toInt8(prev_counted), toString(prev_sentiment_label), prev_sentiment_score),
        tuple(toStartOfMinute(posted_time), toString(language), toString(author_role), toInt8(counted), toString(sentiment_label), sentiment_score)
    ]) AS c
)
GROUP BY brand, platform, c_minute, c_language, c_author_role;
