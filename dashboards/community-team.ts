import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { betterAbove, column, neutral, statPanel, tablePanel, timeseriesPanel, worseAbove } from './lib/panels.ts';
import { brandpulseDashboard } from './lib/dashboard.ts';
import { COMMUNITY_TEAM as Q } from './queries/community-team.ts';

/** Community managers: how fast and how well the team answers. (SQL: queries/community-team.ts) */
export function communityTeam() {
  return brandpulseDashboard({
    title: 'Community team',
    slug: 'community-team',
    description:
      'Response times on business and calendar clocks, SLA breaches, response rate, agents and sentiment recovery.',
    from: 'now-7d',
    refresh: '5m',
  })
    .withRow(new RowBuilder('Response times'))
    .withPanel(
      timeseriesPanel({
        title: 'First response time',
        description:
          "First customer message → first human brand reply (bots never count), p50 and p90, in business hours (only seconds inside each brand's business hours) and calendar time. Threads handled by moderation only are excluded. Bucketed by when the thread started.",
        sql: Q.firstResponse.sql,
        unit: 's',
        thresholds: worseAbove(3600, 4 * 3600),
        minInterval: Q.firstResponse.minInterval,
        w: 8,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Reply time (next response)',
        description:
          'Length of every waiting period after the first one in a thread (customer follow-up → next human brand reply), p50 and p90, business and calendar clocks. Bucketed by when the wait started.',
        sql: Q.replyTime.sql,
        unit: 's',
        thresholds: worseAbove(3600, 4 * 3600),
        minInterval: Q.replyTime.minInterval,
        w: 8,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Resolution time',
        description:
          'First customer message → first resolve action (a reopen starts a new cycle; this is the first resolution), p50 and p90, business and calendar clocks. Bucketed by when the thread was resolved.',
        sql: Q.resolutionTime.sql,
        unit: 's',
        thresholds: worseAbove(86400, 3 * 86400),
        minInterval: Q.resolutionTime.minInterval,
        w: 8,
      }),
    )
    .withRow(new RowBuilder('SLA and response rate'))
    .withPanel(
      timeseriesPanel({
        title: 'SLA breaches',
        description:
          'Threads that breached an SLA target, by metric (first response, next response, resolution) and by when the breach happened. A thread still waiting breaches as soon as its wait exceeds the target.',
        sql: Q.slaBreaches.sql,
        unit: 'short',
        thresholds: worseAbove(1, 10),
        bars: true,
        stacked: true,
        minInterval: Q.slaBreaches.minInterval,
        w: 12,
      }),
    )
    .withPanel(
      statPanel({
        title: 'Response rate',
        description:
          'Share of threads needing a reply (started in the range) that got a human brand reply or were handled by moderation. Red below 80 %, green from 95 %.',
        sql: Q.responseRate.sql,
        unit: 'percentunit',
        thresholds: betterAbove(0.8, 0.95),
        decimals: 1,
        w: 6,
        h: 8,
      }),
    )
    .withPanel(
      statPanel({
        title: 'Response rate within SLA',
        description:
          'Share of threads needing a reply that got their first response within the SLA target. Red below 70 %, green from 90 %.',
        sql: Q.responseRateWithinSla.sql,
        unit: 'percentunit',
        thresholds: betterAbove(0.7, 0.9),
        decimals: 1,
        w: 6,
        h: 8,
      }),
    )
    .withRow(new RowBuilder('Agents and recovery'))
    .withPanel(
      tablePanel({
        title: 'Per-agent performance',
        description:
          'Per agent whose reply ended a waiting period (the first brand reply naming an agent posted at the end of the wait): replies, median and p90 of the waits they ended (business hours), and the share of those waits that met their SLA. Replies that name no agent are grouped under an empty agent.',
        sql: Q.agents.sql,
        unit: 'short',
        thresholds: neutral(),
        w: 12,
        columns: {
          median_wait: [column.unit('s'), column.thresholds(worseAbove(3600, 4 * 3600)), column.colored()],
          p90_wait: [column.unit('s'), column.thresholds(worseAbove(3600, 4 * 3600)), column.colored()],
          within_sla: [column.unit('percentunit'), column.thresholds(betterAbove(0.7, 0.9)), column.colored()],
        },
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Sentiment recovery of angry threads',
        description:
          'Threads whose first customer message was negative: share whose last customer message after the first brand reply is neutral or positive (recovered), and the mean change in sentiment score. Bucketed by the first brand reply.',
        sql: Q.sentimentRecovery.sql,
        unit: 'percentunit',
        thresholds: betterAbove(0.3, 0.5),
        minInterval: Q.sentimentRecovery.minInterval,
        w: 12,
      }).overrideByName('mean_score_change', [
        { id: 'unit', value: 'none' },
        { id: 'custom.axisPlacement', value: 'right' },
      ]),
    );
}
