import { column, neutral, statPanel, tablePanel, timeseriesPanel, worseAbove } from './lib/panels.ts';
import { dashboardFilters } from './lib/variables.ts';
import { brandpulseDashboard } from './lib/dashboard.ts';

/** Moderators: what gets hidden, deleted or banned, how fast, and by whom it is caused. */
const messages = dashboardFilters({ brand: 'brand', platform: 'platform', language: 'language' });
// Actions carry no language (it belongs to the message): the language filter applies to the
// message-based panels only. Those read v_messages_by_time (migration 0710), the messages sorted by
// posted_time, so a range reads only its own rows.
const actions = dashboardFilters({ brand: 'brand', platform: 'platform' });

export function moderation() {
  return brandpulseDashboard({
    title: 'Moderation',
    slug: 'moderation',
    description: 'Moderation actions, time to moderate, spam share and repeat offenders.',
    from: 'now-7d',
    refresh: '5m',
  })
    .withPanel(
      timeseriesPanel({
        title: 'Actions by type',
        description:
          'Moderation actions per interval (hide, delete, ban author, mark spam, approve, escalate, assign, resolve, relabel …), stacked by type.',
        sql: `SELECT $__timeInterval(action_time) AS time, action, count() AS actions
FROM v_moderation_actions
WHERE $__timeFilter(action_time) AND ${actions}
GROUP BY time, action ORDER BY time`,
        unit: 'short',
        thresholds: neutral(),
        bars: true,
        stacked: true,
        w: 24,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Time to moderate',
        description:
          'Message posted → first moderation action on it, p50 and p90, by when the message was posted. Amber from 30 min, red from 2 h.',
        sql: `SELECT $__timeInterval(posted_time) AS time,
  quantile(0.5)(dateDiff('second', posted_time, first_moderation_time)) AS p50,
  quantile(0.9)(dateDiff('second', posted_time, first_moderation_time)) AS p90
FROM v_messages_by_time
WHERE $__timeFilter(posted_time) AND first_moderation_time IS NOT NULL AND ${messages}
GROUP BY time ORDER BY time`,
        unit: 's',
        thresholds: worseAbove(1800, 7200),
        showThresholds: true,
        minInterval: '1h',
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Spam share',
        description:
          'Share of customer messages that are spam: marked as spam by a moderator, or classified (or relabelled) with intent spam. Amber from 5 %, red from 15 %.',
        sql: `SELECT $__timeInterval(posted_time) AS time, countIf(spam OR intent = 'spam') / count() AS spam_share
FROM v_messages_by_time
WHERE $__timeFilter(posted_time) AND author_role = 'customer' AND ${messages}
GROUP BY time ORDER BY time`,
        unit: 'percentunit',
        thresholds: worseAbove(0.05, 0.15),
        showThresholds: true,
        min: 0,
        minInterval: '1h',
      }),
    )
    .withPanel(
      statPanel({
        title: 'Authors banned',
        description: 'Distinct authors banned in the range.',
        sql: `SELECT uniqExactIf(target_author_id, action = 'ban_author') AS banned FROM v_moderation_actions WHERE $__timeFilter(action_time) AND ${actions}`,
        unit: 'short',
        thresholds: worseAbove(5, 20),
      }),
    )
    .withPanel(
      tablePanel({
        title: 'Repeat offenders',
        description:
          'Authors with two or more of their messages hidden, deleted or marked as spam in the range, with the last action and whether they were banned.',
        sql: `SELECT target_author_id AS author, platform,
  countIf(action IN ('hide', 'delete', 'mark_spam')) AS removed_messages,
  countIf(action = 'ban_author') > 0 AS banned, max(action_time) AS last_action_at
FROM v_moderation_actions
WHERE $__timeFilter(action_time) AND ifNull(target_author_id, '') != '' AND ${actions}
GROUP BY author, platform
HAVING removed_messages >= 2
ORDER BY removed_messages DESC
LIMIT 50`,
        unit: 'short',
        thresholds: neutral(),
        w: 18,
        columns: {
          removed_messages: [column.thresholds(worseAbove(3, 10)), column.colored()],
          last_action_at: [column.unit('dateTimeFromNow')],
        },
      }),
    );
}
