-- One message fold (services/domain/message-fold.ts) decides needs_reply for `messages` and
-- `thread_facts` alike (metrics.md, "Relabels"): a human relabel of intent decides it through the
-- brand's needs_reply_intents, which the enricher stamps on the relabel event. The sink keeps that
-- decision as a register next to relabel_intent, so a state read back from ClickHouse folds the
-- same way. Rows written before this migration read the classifier's defaults (what the sink used
-- then) through the DEFAULT expression.
ALTER TABLE messages ADD COLUMN IF NOT EXISTS relabel_needs_reply UInt8
    DEFAULT toUInt8(relabel_intent IN ('question', 'technical_issue', 'order', 'pre_purchase', 'complaint'))
    AFTER relabel_intent_event_id;

-- Brand and system messages never need a reply and carry no intent (their edits used to be
-- classified like customer text); rows written before the fold decided it are corrected here.
CREATE OR REPLACE VIEW v_messages AS
SELECT
    brand, platform, account_id, thread_id, message_id,
    posted_time, kind, parent_id, author_id, author_role, agent_id, priority, url,
    text, text_time AS last_edit_time, text_event_id != posted_event_id AS edited,
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
FROM messages FINAL
WHERE posted = 1;
