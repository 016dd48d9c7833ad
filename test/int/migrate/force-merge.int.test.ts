import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import { isolatedClickHouse, isolatedConfig } from '../../support/stack.ts';

/** The tables the panels read with FINAL or GROUP BY, time-partitioned (migration 0721). */
const MERGED_WHEN_CLOSED = [
  'messages_by_time',
  'moderation_actions',
  'sentiment_minute',
  'thread_points',
  'thread_sentiment_day',
  'waiting_points',
];

/**
 * 0721 has the engine merge a month into one part once its parts are an hour old, so FINAL on a
 * closed month reads one part (docs/dashboards-at-scale.md). The setting is checked on every table,
 * and the engine is seen doing it on one, with the age lowered to a second for the test.
 */
describe('migration 0721: closed months merged into one part', () => {
  const config = isolatedConfig('forcemerge');
  let ch: Awaited<ReturnType<typeof isolatedClickHouse>>;
  const scalar = async (query: string) =>
    Number((await (await ch.client.query({ query, format: 'JSONEachRow' })).json<{ n: string | number }>())[0]?.n ?? 0);
  beforeAll(async () => {
    ch = await isolatedClickHouse(config);
    await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
  }, 120_000);
  afterAll(async () => ch?.cleanup());

  it('sets the force-merge age on the time-partitioned tables the panels read, and not on messages', async () => {
    const rs = await ch.client.query({
      query: `SELECT name, create_table_query AS ddl FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree'`,
      format: 'JSONEachRow',
    });
    const ddl = new Map((await rs.json<{ name: string; ddl: string }>()).map((r) => [r.name, r.ddl]));
    for (const table of MERGED_WHEN_CLOSED) {
      expect(ddl.get(table), table).toMatch(/min_age_to_force_merge_seconds = 3600/);
      expect(ddl.get(table), table).toMatch(/min_age_to_force_merge_on_partition_only = 1/);
    }
    // One partition for the whole table: a forced merge would rewrite all of it.
    for (const table of ['messages', 'thread_facts']) expect(ddl.get(table), table).not.toMatch(/min_age_to_force/);
  });

  it('the engine merges a partition whose parts all passed the age into one part', async () => {
    await ch.client.command({ query: 'ALTER TABLE waiting_points MODIFY SETTING min_age_to_force_merge_seconds = 1' });
    for (const id of ['a', 'b', 'c'])
      await ch.client.command({
        query: `INSERT INTO waiting_points (brand, t, platform, account_id, thread_id, idx, sign)
                VALUES ('acme', '2026-01-15 10:00:00', 'x', 'acc', 'th-${id}', 0, 1)`,
      });
    const parts = () =>
      scalar(
        "SELECT count() AS n FROM system.parts WHERE database = currentDatabase() AND table = 'waiting_points' AND active AND partition_id = '202601'",
      );
    expect(await parts()).toBe(3);
    const deadline = Date.now() + 90_000;
    while ((await parts()) > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(await parts()).toBe(1);
    expect(await scalar('SELECT count() AS n FROM waiting_points FINAL WHERE sign = 1')).toBe(3);
  }, 120_000);
});
