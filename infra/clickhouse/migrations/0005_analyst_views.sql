-- Views for analysts and dashboards: they read deduplicated, merged state, never raw parts.
-- Columns are documented in infra/clickhouse/README.md.

CREATE VIEW IF NOT EXISTS v_messages AS
SELECT
    brand, platform, account_id, thread_id, message_id,
    posted_time, kind, parent_id, author_id, author_role, agent_id, priority, url,
    text, text_time AS last_edit_time, text_event_id != posted_event_id AS edited,
    language, language_supported,
    sentiment_label, sentiment_score, sentiment_confidence, intent, needs_reply,
    model_version, human_override,
    model_sentiment_label, model_sentiment_score, model_intent,
    author_deleted OR removal_action = 'delete' AS removed,
    visibility_action = 'hide' AS hidden,
    spam_action = 'mark_spam' AS spam,
    first_moderation_time,
    counted AS counts_in_sentiment,
    revision
FROM messages FINAL
WHERE posted = 1;

CREATE VIEW IF NOT EXISTS v_sentiment_minute AS
SELECT
    brand, platform, minute, language, author_role,
    sumMerge(messages) AS messages,
    sumMerge(negative) AS negative,
    sumMerge(neutral) AS neutral,
    sumMerge(positive) AS positive,
    sumMerge(scored) AS scored,
    sumMerge(score_sum) AS score_sum,
    if(positive + negative > 0, (positive - negative) / (positive + negative), NULL) AS net_sentiment,
    if(messages > 0, negative / messages, NULL) AS negative_share,
    if(scored > 0, score_sum / scored, NULL) AS avg_score
FROM sentiment_minute
GROUP BY brand, platform, minute, language, author_role;

CREATE VIEW IF NOT EXISTS v_moderation_actions AS
SELECT
    event_id, brand, platform, account_id, thread_id, action, action_time, ingest_time,
    actor_id, actor_role, target_message_id, target_author_id, reason, assignee_id,
    relabel_sentiment, relabel_intent
FROM moderation_actions FINAL;

CREATE VIEW IF NOT EXISTS v_pipeline_health AS
SELECT
    minute, brand, platform,
    sumMerge(events) AS events,
    quantilesTDigestMerge(0.5, 0.9, 0.99)(lag_ms) AS lag_quantiles_ms,
    lag_quantiles_ms[1] AS lag_p50_ms,
    lag_quantiles_ms[3] AS lag_p99_ms,
    maxMerge(max_lag_ms) AS max_lag_ms
FROM ingest_minute
GROUP BY minute, brand, platform;

CREATE VIEW IF NOT EXISTS v_dead_letters_minute AS
SELECT toStartOfMinute(dead_lettered_at) AS minute, stage, reason, count() AS records
FROM dead_letters FINAL
GROUP BY minute, stage, reason;
