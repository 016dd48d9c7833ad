-- Sentiment per thread and UTC day of the post, for "Top negative threads" (issue 17,
-- docs/dashboards-at-scale.md). That panel groups every counted customer message of the range by
-- thread: over 30 days on 10M messages, FINAL of v_messages_by_time and a GROUP BY of about a million
-- rows with their texts took 470-490 ms. Here a day holds one row per thread and language, no text
-- and no FINAL: the panel reads the whole days of its range from this table and the partial days at
-- its edges from v_messages_by_time, and the opening message of the 20 threads it keeps from
-- v_messages (sorted by thread), so it returns what the old query returned
-- (dashboards/queries/brand-health.ts says how it ranks).
--
-- Fed like sentiment_minute (0002), by signed rows: every messages row retracts the contribution
-- of the state it replaces (prev_*) and adds its own, so edits, relabels, spam and deletes move a
-- message between days and labels without double counting. Only counted customer messages count,
-- the panel's filter. Aggregates keep their counts past text retention, as sentiment_minute does:
-- a thread whose texts are gone still ranks, with no opening message.
CREATE TABLE IF NOT EXISTS thread_sentiment_day
(
    brand       LowCardinality(String),
    day         Date,
    thread_id   String,
    platform    LowCardinality(String),
    language    LowCardinality(String),
    -- 128 bits of (brand, thread_id): the panel groups ~600k threads of a month by it, about twice
    -- as fast as by the strings, and a collision is as likely as a repeated random UUID.
    thread_key  UInt128 MATERIALIZED reinterpretAsUInt128(sipHash128(brand, thread_id)),
    messages    SimpleAggregateFunction(sum, Int64),
    negative    SimpleAggregateFunction(sum, Int64),
    scored      SimpleAggregateFunction(sum, Int64),
    score_sum   SimpleAggregateFunction(sum, Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (brand, day, thread_id, platform, language)
SETTINGS non_replicated_deduplication_window = 1000;

-- The inner query names its columns c_*: an alias `language` there would shadow the column the
-- retraction is built from (as in sentiment_minute_mv).
CREATE MATERIALIZED VIEW IF NOT EXISTS thread_sentiment_day_mv TO thread_sentiment_day AS
SELECT
    brand,
    c_day AS day,
    thread_id,
    platform,
    c_language AS language,
    sum(toInt64(c_sign)) AS messages,
    sum(toInt64(c_sign * (c_label = 'negative'))) AS negative,
    sum(toInt64(c_sign * isNotNull(c_score))) AS scored,
    sum(toFloat64(c_sign * ifNull(c_score, 0))) AS score_sum
FROM
(
    SELECT
        brand, thread_id, platform,
        tupleElement(c, 1) AS c_day, tupleElement(c, 2) AS c_language, tupleElement(c, 3) AS c_sign,
        tupleElement(c, 4) AS c_label, tupleElement(c, 5) AS c_score
    FROM messages
    ARRAY JOIN arrayFilter(x -> tupleElement(x, 3) != 0, [
        tuple(toDate(prev_minute, 'UTC'), toString(prev_language), -toInt8(prev_counted = 1 AND prev_author_role = 'customer'), toString(prev_sentiment_label), prev_sentiment_score),
        tuple(toDate(posted_time, 'UTC'), toString(language), toInt8(counted = 1 AND author_role = 'customer'), toString(sentiment_label), sentiment_score)
    ]) AS c
)
GROUP BY brand, c_day, thread_id, platform, c_language;

-- The counts a deployed database already has: the latest state of each message. Signed rows are not
-- idempotent, so this runs with the sink stopped (the upgrade steps in the README); a row the sink
-- wrote between the MV and this insert would count twice, which `brandpulse replay --swap` repairs.
INSERT INTO thread_sentiment_day (brand, day, thread_id, platform, language, messages, negative, scored, score_sum)
SELECT
    brand, toDate(posted_time, 'UTC') AS day, thread_id, platform, language,
    toInt64(count()) AS messages,
    toInt64(countIf(sentiment_label = 'negative')) AS negative,
    toInt64(count(sentiment_score)) AS scored,
    toFloat64(sum(ifNull(sentiment_score, 0))) AS score_sum
FROM messages FINAL
WHERE counted = 1 AND author_role = 'customer'
GROUP BY brand, day, thread_id, platform, language
SETTINGS max_partitions_per_insert_block = 0;
