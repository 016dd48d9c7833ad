import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import { applyRetention } from '../../../services/migrate/retention.ts';
import { isolatedClickHouse, isolatedConfig } from '../../support/stack.ts';

/** retention_days as an engine TTL: a brand's old texts go on the table's own TTL merges, others stay. */
describe('retention per brand (TTL) against the real engine', () => {
  const config = isolatedConfig('retention');
  let ch: Awaited<ReturnType<typeof isolatedClickHouse>>;
  const rules = {
    defaults: { retention_days: 365 },
    brands: { acme: { retention_days: 30 }, globex: {}, forever: { retention_days: null } },
  } as never;

  beforeAll(async () => {
    ch = await isolatedClickHouse(config);
  });
  afterAll(async () => ch?.cleanup());

  it("drops a brand's texts older than its retention_days, keeps the others, and applies a rule once", async () => {
    await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE, retention: rules });
    const insert = (brand: string, id: string, daysAgo: number) =>
      ch.client.command({
        query: `INSERT INTO messages (brand, thread_id, message_id, revision, posted, posted_time, text_time, text)
                VALUES ('${brand}', 't', '${id}', 1, 1, now64(3) - INTERVAL ${daysAgo} DAY, now64(3) - INTERVAL ${daysAgo} DAY, 'text ${id}')`,
      });
    await insert('acme', 'acme-40d', 40);
    await insert('acme', 'acme-10d', 10);
    await insert('globex', 'globex-40d', 40);
    await insert('globex', 'globex-400d', 400);
    await insert('forever', 'forever-4000d', 4000);
    // Hidden before its post arrived: no post or text time yet (1970), only the moderation's.
    await ch.client.command({
      query: `INSERT INTO messages (brand, thread_id, message_id, revision, visibility_action, visibility_time)
              VALUES ('acme', 't', 'acme-hidden-unposted', 1, 'hide', now64(3) - INTERVAL 1 DAY)`,
    });
    // Assigned before its post arrived: the action sets no time of its own but first_moderation_time;
    // the row lives from when it was written.
    await ch.client.command({
      query: `INSERT INTO messages (brand, thread_id, message_id, revision, first_moderation_time)
              VALUES ('acme', 't', 'acme-assigned-unposted', 1, now64(3) - INTERVAL 1 DAY)`,
    });
    await ch.client.command({ query: 'OPTIMIZE TABLE messages FINAL' });
    const left = await (
      await ch.client.query({ query: 'SELECT message_id FROM messages ORDER BY message_id', format: 'JSONEachRow' })
    ).json<{ message_id: string }>();
    expect(left.map((r) => r.message_id)).toEqual([
      'acme-10d',
      'acme-assigned-unposted',
      'acme-hidden-unposted',
      'forever-4000d',
      'globex-40d',
    ]);
    // The time-keyed copy (posted messages only) expires the same texts.
    await ch.client.command({ query: 'OPTIMIZE TABLE messages_by_time FINAL' });
    const copied = await (
      await ch.client.query({
        query: 'SELECT message_id FROM messages_by_time ORDER BY message_id',
        format: 'JSONEachRow',
      })
    ).json<{ message_id: string }>();
    expect(copied.map((r) => r.message_id)).toEqual(['acme-10d', 'forever-4000d', 'globex-40d']);
    const ddl = await (
      await ch.client.query({
        query:
          "SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'alerts'",
        format: 'JSONEachRow',
      })
    ).json<{ q: string }>();
    expect(ddl[0]!.q).toContain("toDateTime(detected_at) + toIntervalDay(30) WHERE brand IN ('acme')");
    expect(await applyRetention(ch.client, config.CLICKHOUSE_DATABASE, rules)).toEqual([]);
    expect(
      await applyRetention(ch.client, config.CLICKHOUSE_DATABASE, {
        defaults: { retention_days: null },
        brands: {},
      } as never),
    ).toEqual(['messages', 'messages_by_time', 'moderation_actions', 'alerts']);
  });
});
