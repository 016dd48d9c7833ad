import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterMigrations } from '../../../services/migrate/cluster.ts';
import { loadMigrations } from '../../../services/migrate/migrations.ts';
import { isolatedClickHouse, isolatedConfig } from '../../support/stack.ts';

/**
 * The cluster-mode DDL (services/migrate/cluster.ts) read by the ClickHouse engine's own parser:
 * formatQuery() parses a statement without running it, so Replicated engines, ON CLUSTER and
 * Distributed tables are checked here although the dev front is one node without Keeper. What the
 * engine re-prints must still name the engine, the Keeper macros and the sharding key.
 */
describe('cluster-mode migrations parse with the ClickHouse engine', () => {
  const config = isolatedConfig('clusterddl');
  let ch: Awaited<ReturnType<typeof isolatedClickHouse>>;
  beforeAll(async () => {
    ch = await isolatedClickHouse(config);
  });
  afterAll(async () => {
    await ch?.cleanup();
  });

  /** Every statement in one query (the dev front runs one query at a time; ~150 round trips took minutes on a busy machine). */
  const formatAll = async (sqls: string[]): Promise<Array<string | null>> => {
    const rows = await (
      await ch.client.query({
        query: 'SELECT arrayMap(q -> formatQueryOrNull(q), {sqls:Array(String)}) AS f',
        query_params: { sqls },
        format: 'JSONEachRow',
      })
    ).json<{ f: Array<string | null> }>();
    return rows[0]!.f;
  };

  it('every statement of every migration', async () => {
    const { migrations, catalogue } = clusterMigrations(loadMigrations(), 'brandpulse');
    const all = migrations.flatMap((m) => m.statements.map((s) => ({ file: m.migration.file, s })));
    const result = await formatAll(all.map((a) => a.s));
    const unparsed = all.filter((_, i) => result[i] === null).map((a) => `${a.file}: ${a.s.slice(0, 120)}`);
    expect(unparsed, 'statements the engine cannot parse').toEqual([]);
    const formatted = result as string[];
    expect(formatted.length).toBe(migrations.reduce((n, m) => n + m.statements.length, 0));
    for (const [table, placement] of catalogue.tables) {
      if (placement.kind === 'everywhere') {
        const create = formatted.find((q) =>
          q.startsWith(`CREATE TABLE IF NOT EXISTS ${table} ON CLUSTER brandpulse\n`),
        );
        expect(create, table).toMatch(
          /ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/all\/\{database\}\/\{table\}', '\{replica\}'/,
        );
        continue;
      }
      const local = formatted.find((q) =>
        q.startsWith(`CREATE TABLE IF NOT EXISTS ${table}_local ON CLUSTER brandpulse\n`),
      );
      expect(local, table).toMatch(
        /ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\{table\}', '\{replica\}'/,
      );
      expect(local, table).toMatch(/replicated_deduplication_window = 1000/);
      const distributed = formatted.find((q) =>
        q.startsWith(`CREATE TABLE IF NOT EXISTS ${table} ON CLUSTER brandpulse AS ${table}_local`),
      );
      expect(distributed, table).toContain(
        `ENGINE = Distributed(brandpulse, currentDatabase(), ${table}_local, ${placement.shardingKey})`,
      );
    }
    const mvs = formatted.filter((q) => q.startsWith('CREATE MATERIALIZED VIEW'));
    expect(mvs.map((q) => /TO (\w+)/.exec(q)![1])).toEqual([
      'ingest_minute_local',
      'sentiment_minute_local',
      'ingest_minute_by_brand_local',
      'messages_by_time_local',
      'thread_sentiment_day_local',
    ]);
  });
});
