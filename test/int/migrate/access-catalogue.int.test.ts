import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BRAND_SYSTEM_TABLES,
  BRAND_TABLES,
  BRAND_VIEWS,
  NOT_FOR_BRANDS,
  OUTPUTS,
  ROOT,
} from '../../../services/migrate/access.ts';
import { isolatedClickHouse, isolatedConfig } from '../../support/stack.ts';

/**
 * The table lists that services/migrate/access.ts grants and filters for brand identities match the
 * schema the migrations build: a new table or view must be classified (and users.xml regenerated)
 * before a brand identity can see it.
 */
describe('brand access catalogue against the migrated schema', () => {
  const config = isolatedConfig('access');
  let ch: Awaited<ReturnType<typeof isolatedClickHouse>>;
  beforeAll(async () => {
    ch = await isolatedClickHouse(config);
    await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
  });
  afterAll(async () => ch?.cleanup());

  it('classifies every table and view, and only brand-bearing ones are granted', async () => {
    const objects = await (
      await ch.client.query({
        query: `SELECT t.name AS name, t.engine AS engine, countIf(c.name = 'brand') > 0 AS has_brand
                FROM system.tables AS t LEFT JOIN system.columns AS c ON c.database = t.database AND c.table = t.name
                WHERE t.database = currentDatabase() GROUP BY t.name, t.engine ORDER BY t.name`,
        format: 'JSONEachRow',
      })
    ).json<{ name: string; engine: string; has_brand: boolean | number }>();
    const tables = objects
      .filter((o) => !['View', 'MaterializedView'].includes(o.engine) && o.has_brand)
      .map((o) => o.name);
    const views = objects.filter((o) => o.engine === 'View' && o.has_brand).map((o) => o.name);
    const rest = objects.filter((o) => !tables.includes(o.name) && !views.includes(o.name)).map((o) => o.name);
    expect(tables).toEqual([...BRAND_TABLES].sort());
    expect(views).toEqual([...BRAND_VIEWS].sort());
    expect(rest).toEqual([...NOT_FOR_BRANDS].sort());
  });

  it('the row policy filter is valid SQL on every brand table, and each brand system table exists', async () => {
    for (const t of BRAND_TABLES) {
      const rs = await ch.client.query({
        query: `SELECT count() AS c FROM ${t} WHERE brand = 'acme'`,
        format: 'JSONEachRow',
      });
      expect(await rs.json()).toEqual([{ c: expect.anything() }]);
    }
    const sys = await (
      await ch.client.query({
        query: "SELECT name FROM system.tables WHERE database = 'system'",
        format: 'JSONEachRow',
      })
    ).json<{ name: string }>();
    const names = new Set(sys.map((s) => s.name));
    for (const t of BRAND_SYSTEM_TABLES) expect(names.has(t), t).toBe(true);
  });

  it("users.xml's grants and row policy filters parse as ClickHouse SQL", async () => {
    const xml = readFileSync(join(ROOT, OUTPUTS.users), 'utf8');
    const grants = [...xml.matchAll(/<query>([^<]+)<\/query>/g)].map((m) => m[1]!);
    const filters = [...xml.matchAll(/<filter>([^<]+)<\/filter>/g)].map((m) => m[1]!.replace(/&apos;/g, "'"));
    expect(grants.length).toBeGreaterThan(20);
    expect(filters.length).toBeGreaterThanOrEqual(BRAND_TABLES.length);
    const parse = async (q: string) =>
      (
        await (
          await ch.client.query({
            query: 'SELECT formatQuery({q:String}) AS f',
            query_params: { q },
            format: 'JSONEachRow',
          })
        ).json<{ f: string }>()
      )[0]!.f;
    for (const g of grants) expect(await parse(`${g} TO someone`)).toMatch(/^GRANT SELECT ON /);
    for (const f of filters) expect(await parse(`SELECT 1 FROM messages WHERE ${f}`)).toContain('WHERE brand = ');
  });
});
