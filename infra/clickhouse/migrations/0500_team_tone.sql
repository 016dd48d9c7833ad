-- The team's own tone, per brand and day (UTC day of the reply): brand replies are scored for
-- sentiment like customer messages but kept apart from customer sentiment (metrics.md: the team's
-- replies are analysed separately), and they carry no intent and never need a reply (the enricher
-- stamps intent '' and needs_reply 0 on brand and system posts). System messages (auto-replies,
-- bots) are not the team's voice and stay out. Read from sentiment_minute, so edits, deletes and
-- relabels of a reply move it exactly as they do for customer sentiment.
CREATE OR REPLACE VIEW v_team_tone AS
SELECT
    brand,
    toDate(minute) AS day,
    sumMerge(messages) AS replies,
    sumMerge(negative) AS negative,
    sumMerge(neutral) AS neutral,
    sumMerge(positive) AS positive,
    sumMerge(scored) AS scored,
    if(scored > 0, sumMerge(score_sum) / scored, NULL) AS avg_score,
    if(positive + negative > 0, (positive - negative) / (positive + negative), NULL) AS net_tone,
    if(replies > 0, negative / replies, NULL) AS negative_share
FROM sentiment_minute
WHERE author_role = 'brand'
GROUP BY brand, day;
