-- Merge each month of the tables the panels read with FINAL (or GROUP BY, for the aggregates) into
-- one part once no insert has reached it for an hour (issue 17, docs/dashboards-at-scale.md).
-- FINAL skips the merge at read time for a partition of one part: on 12M messages, Time to moderate
-- and Spam share over 30 d went from 120-160 ms to 30-38 ms once November was one part, and the
-- backlog count from ~100 to 9 ms. Ordinary merges leave a closed month in 3-7 parts for good (their
-- selector merges parts of similar size only); this is ClickHouse's own setting for it, not a cron of
-- OPTIMIZE ... FINAL. Past months get one merge after their last late row (an edit, a relabel, a
-- moved post); the current month is merged when the traffic pauses for an hour.
-- Only time-partitioned tables: `messages` and `thread_facts` have one partition, which this would
-- rewrite whole.
ALTER TABLE messages_by_time MODIFY SETTING min_age_to_force_merge_seconds = 3600, min_age_to_force_merge_on_partition_only = 1;
ALTER TABLE thread_points MODIFY SETTING min_age_to_force_merge_seconds = 3600, min_age_to_force_merge_on_partition_only = 1;
ALTER TABLE waiting_points MODIFY SETTING min_age_to_force_merge_seconds = 3600, min_age_to_force_merge_on_partition_only = 1;
ALTER TABLE thread_sentiment_day MODIFY SETTING min_age_to_force_merge_seconds = 3600, min_age_to_force_merge_on_partition_only = 1;
ALTER TABLE sentiment_minute MODIFY SETTING min_age_to_force_merge_seconds = 3600, min_age_to_force_merge_on_partition_only = 1;
ALTER TABLE moderation_actions MODIFY SETTING min_age_to_force_merge_seconds = 3600, min_age_to_force_merge_on_partition_only = 1;
