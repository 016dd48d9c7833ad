import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import { MIGRATIONS_DIR } from '../../../services/migrate/migrations.ts';
import { isolatedClickHouse, isolatedConfig } from '../../support/stack.ts';

/** 0007 moves pipeline counts to a brand-first table without losing the counts already there. */
describe('migration 0007: ingest_minute ordered by brand first', () => {
  const config = isolatedConfig('ingestmin');
  const before = mkdtempSync(join(tmpdir(), 'migrations-before-0007-'));
  let ch: Awaited<ReturnType<typeof isolatedClickHouse>>;
  beforeAll(async () => {
    ch = await isolatedClickHouse(config);
    for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f < '0007'))
      cpSync(join(MIGRATIONS_DIR, f), join(before, f));
  });
  afterAll(async () => {
    await ch?.cleanup();
    rmSync(before, { recursive: true, force: true });
  });

  const insertEvent = (id: string, brand: string) =>
    ch.client.command({
      query: `INSERT INTO events (event_id, event_type, brand, platform, event_time, ingest_time) VALUES ('${id}', 'message_posted', '${brand}', 'x', now64(3), now64(3) - INTERVAL 2 SECOND)`,
    });
  const counts = async () =>
    (
      await (
        await ch.client.query({
          query: 'SELECT brand, sum(events) AS n FROM v_pipeline_health GROUP BY brand ORDER BY brand',
          format: 'JSONEachRow',
        })
      ).json<{ brand: string; n: string | number }>()
    ).map((r) => [r.brand, Number(r.n)]);

  it('keeps the counts of the old table, counts new events, and sorts by brand', async () => {
    await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE, dir: before, retention: false });
    await insertEvent('e1', 'globex');
    await insertEvent('e2', 'acme');
    expect(await counts()).toEqual([
      ['acme', 1],
      ['globex', 1],
    ]);

    const applied = await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE, retention: false });
    expect(applied.map((m) => m.version)).toContain(7);
    expect(await counts()).toEqual([
      ['acme', 1],
      ['globex', 1],
    ]);
    await insertEvent('e3', 'acme');
    expect(await counts()).toEqual([
      ['acme', 2],
      ['globex', 1],
    ]);
    const key = await (
      await ch.client.query({
        query:
          "SELECT sorting_key AS k FROM system.tables WHERE database = currentDatabase() AND name = 'ingest_minute_by_brand'",
        format: 'JSONEachRow',
      })
    ).json<{ k: string }>();
    expect(key).toEqual([{ k: 'brand, minute, platform' }]);
    const old = await (
      await ch.client.query({ query: 'SELECT count() AS c FROM ingest_minute', format: 'JSONEachRow' })
    ).json<{ c: string | number }>();
    expect(Number(old[0]!.c)).toBe(0);
  });
});
