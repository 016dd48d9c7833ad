import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import { isolatedClickHouse, isolatedConfig } from '../../support/stack.ts';

// v_team_tone (migration 0500): the brand's own replies, per brand and day, apart from customers.
describe('v_team_tone: the team tone per brand and day', () => {
  const config = isolatedConfig('team-tone');
  let ch: Awaited<ReturnType<typeof isolatedClickHouse>>;
  beforeAll(async () => {
    ch = await isolatedClickHouse(config);
    await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
  });
  afterAll(async () => ch?.cleanup());

  it('counts brand replies only, with their labels and scores, per UTC day', async () => {
    const row = (id: string, role: string, time: string, label: string, score: number) => ({
      brand: 'acme',
      platform: 'instagram',
      account_id: 'a',
      thread_id: 't1',
      message_id: id,
      revision: 1,
      posted: 1,
      posted_time: time,
      author_role: role,
      language: 'it',
      counted: 1,
      sentiment_label: label,
      sentiment_score: score,
    });
    await ch.client.insert({
      table: 'messages',
      format: 'JSONEachRow',
      values: [
        row('c1', 'customer', '2026-05-01 09:00:00.000', 'negative', -0.9),
        row('b1', 'brand', '2026-05-01 09:05:00.000', 'positive', 0.6),
        row('b2', 'brand', '2026-05-01 18:00:00.000', 'negative', -0.4),
        row('b3', 'brand', '2026-05-02 10:00:00.000', 'neutral', 0.1),
        row('s1', 'system', '2026-05-02 10:01:00.000', 'positive', 0.9),
      ],
    });
    const rows = await (
      await ch.client.query({
        query:
          'SELECT brand, toString(day) AS day, replies, negative, neutral, positive, round(avg_score, 4) AS avg_score, net_tone FROM v_team_tone ORDER BY day',
        format: 'JSONEachRow',
      })
    ).json<Record<string, unknown>>();
    expect(
      rows.map((r) => ({
        ...r,
        replies: Number(r.replies),
        negative: Number(r.negative),
        neutral: Number(r.neutral),
        positive: Number(r.positive),
      })),
    ).toEqual([
      {
        brand: 'acme',
        day: '2026-05-01',
        replies: 2,
        negative: 1,
        neutral: 0,
        positive: 1,
        avg_score: 0.1,
        net_tone: 0,
      },
      {
        brand: 'acme',
        day: '2026-05-02',
        replies: 1,
        negative: 0,
        neutral: 1,
        positive: 0,
        avg_score: 0.1,
        net_tone: null,
      },
    ]);
  });
});
