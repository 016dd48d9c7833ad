import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import { createClickHouse } from '../../../services/shared/clickhouse.ts';
import { isolatedClickHouse, isolatedConfig } from '../../support/stack.ts';

const readme = readFileSync(new URL('../../../infra/clickhouse/README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());

describe('infra/clickhouse: migrations and README SQL against the real engine', () => {
  const config = isolatedConfig('readme');
  let ch: Awaited<ReturnType<typeof isolatedClickHouse>>;
  beforeAll(async () => {
    ch = await isolatedClickHouse(config);
  });
  afterAll(async () => ch?.cleanup());

  it('applies every migration once, records checksums, and is a no-op the second time', async () => {
    const first = await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
    expect(first.length).toBeGreaterThanOrEqual(5);
    expect(await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE })).toEqual([]);
    const rows = await (
      await ch.client.query({
        query: 'SELECT version, checksum FROM schema_migrations ORDER BY version',
        format: 'JSONEachRow',
      })
    ).json<{ version: number; checksum: string }>();
    expect(rows.map((r) => Number(r.version))).toEqual(first.map((m) => m.version));
    expect(rows.map((r) => r.checksum)).toEqual(first.map((m) => m.checksum));
  });

  it('every example query of the README runs as the read-only analyst', async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    const analyst = createClickHouse(config, { readonly: true });
    try {
      for (const sql of blocks) {
        const result = await analyst.query({ query: sql, format: 'JSONEachRow' });
        expect(Array.isArray(await result.json())).toBe(true);
      }
      await expect(analyst.command({ query: "INSERT INTO events (event_id) VALUES ('x')" })).rejects.toThrow();
    } finally {
      await analyst.close();
    }
  });
});
