import { describe, expect, it } from 'vitest';
import {
  BRAND_SHARDING_KEY,
  ClusterCatalogue,
  clusterFromEnv,
  clusterMigrations,
  ClusterRewriteError,
  EVERYWHERE_PATH,
  rewriteStatement,
  SHARDED_PATH,
  THREAD_SHARDING_KEY,
  withoutLeadingComments,
} from '../../../services/migrate/cluster.ts';
import { loadMigrations, parseMigration, splitStatements } from '../../../services/migrate/migrations.ts';

/**
 * Every real migration in cluster mode (services/migrate/cluster.ts): each table's engine, Keeper
 * macros and sharding key, ON CLUSTER on every DDL, materialized views on the local tables. The
 * engine's own parser reads the same statements in test/int/migrate/cluster-ddl.int.test.ts.
 */
const CLUSTER = 'brandpulse';
const files = loadMigrations();
const { migrations } = clusterMigrations(files, CLUSTER);
const statements = migrations.flatMap((m) => m.statements);

/** Single-node tables: name -> {engine, engine args, has thread_id}. */
const singleNodeTables = new Map<
  string,
  { engine: string; args: string; orderBy: string; threadId: boolean; brand: boolean }
>();
for (const f of files) {
  for (const s of splitStatements(f.sql).map(withoutLeadingComments)) {
    const m =
      /^CREATE TABLE IF NOT EXISTS (\w+)\s*\(([\s\S]*)\)\s*ENGINE\s*=\s*(\w+)(\(([^)]*)\))?[\s\S]*?ORDER BY ([^\n]+)/.exec(
        s,
      );
    if (m) {
      singleNodeTables.set(m[1]!, {
        engine: m[3]!,
        args: m[5] ?? '',
        orderBy: m[6]!.trim(),
        threadId: /^\s*thread_id\s/m.test(m[2]!),
        brand: /^\s*brand\s/m.test(m[2]!),
      });
    }
  }
}

const createOf = (table: string) => statements.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${table} `));

/** Where each table lives, pinned: a change here is a change of the cluster layout. */
const EXPECTED: Record<string, 'thread' | 'brand' | 'everywhere'> = {
  events: 'thread',
  messages: 'thread',
  // Next to the messages rows its MV copies: the MV runs where the local insert lands.
  messages_by_time: 'thread',
  moderation_actions: 'thread',
  thread_events: 'thread',
  thread_facts: 'thread',
  // A point's key holds its thread, so all versions of it meet on the thread's shard, as FINAL needs.
  thread_points: 'thread',
  // The same: a waiting point's -1 must meet its +1 (CollapsingMergeTree).
  waiting_points: 'thread',
  // Per thread and day: the panel's GROUP BY thread_id runs on the thread's shard.
  thread_sentiment_day: 'thread',
  ingest_minute: 'brand',
  ingest_minute_by_brand: 'brand',
  sentiment_minute: 'brand',
  alerts: 'brand',
  dead_letters: 'everywhere',
  retention_rules: 'everywhere',
  alert_deliveries: 'everywhere',
  alerter_snapshots: 'everywhere',
};

describe('cluster mode of every migration', () => {
  it('knows every table the migrations create', () => {
    expect([...singleNodeTables.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [table, where] of Object.entries(EXPECTED)) {
    it(`${table}: ${where === 'everywhere' ? 'replicated to every node' : `sharded by ${where}`}, same engine and sort key`, () => {
      const single = singleNodeTables.get(table)!;
      const storage = createOf(where === 'everywhere' ? table : `${table}_local`)!;
      expect(storage).toBeDefined();
      expect(storage).toContain(`ON CLUSTER ${CLUSTER}`);
      const path = where === 'everywhere' ? EVERYWHERE_PATH : SHARDED_PATH;
      expect(storage).toContain(`ENGINE = Replicated${single.engine}(${path}${single.args ? `, ${single.args}` : ''})`);
      expect(storage).toContain(`ORDER BY ${single.orderBy}`);
      expect(storage).toMatch(/replicated_deduplication_window = 1000/);
      expect(storage).not.toMatch(/non_replicated_deduplication_window/);
      if (where === 'everywhere') {
        expect(path).not.toContain('{shard}');
        expect(single.brand).toBe(false);
        expect(createOf(`${table}_local`)).toBeUndefined();
        return;
      }
      expect(path).toContain('{shard}');
      expect(path).toContain('{replica}');
      const key = where === 'thread' ? THREAD_SHARDING_KEY : BRAND_SHARDING_KEY;
      // an aggregate per thread lives on the thread's shard: every table with thread_id shards by it
      expect(single.threadId).toBe(where === 'thread');
      expect(createOf(table)).toBe(
        `CREATE TABLE IF NOT EXISTS ${table} ON CLUSTER ${CLUSTER} AS ${table}_local\n` +
          `ENGINE = Distributed(${CLUSTER}, currentDatabase(), ${table}_local, ${key})`,
      );
    });
  }

  it('puts ON CLUSTER on every DDL statement; only the one-off INSERT ... SELECT runs from the runner', () => {
    const withoutOnCluster = statements.filter((s) => !s.includes(`ON CLUSTER ${CLUSTER}`));
    expect(withoutOnCluster.length).toBeGreaterThan(0);
    for (const s of withoutOnCluster) expect(s).toMatch(/^INSERT INTO /);
  });

  it("attaches materialized views to the local tables, where the sink's inserts land", () => {
    const mvs = statements.filter((s) => s.startsWith('CREATE MATERIALIZED VIEW'));
    expect(mvs.length).toBe(5);
    for (const mv of mvs) {
      expect(mv).toMatch(/ TO \w+_local AS\n/);
      for (const [, table] of mv.matchAll(/\bFROM\s+(\w+)/g)) expect(table).toMatch(/_local$/);
    }
  });

  it('keeps analyst views on the Distributed tables, so they read the whole cluster', () => {
    const views = statements.filter((s) => /^CREATE (OR REPLACE )?VIEW /.test(s));
    expect(views.length).toBeGreaterThan(10);
    for (const v of views) for (const [, table] of v.matchAll(/\bFROM\s+(\w+)/g)) expect(table).not.toMatch(/_local$/);
  });

  it('alters both the local and the Distributed table when columns change', () => {
    const m0204 = migrations.find((m) => m.migration.version === 204)!;
    expect(m0204.statements.slice(0, 2)).toEqual([
      `ALTER TABLE thread_facts_local ON CLUSTER ${CLUSTER} ADD COLUMN IF NOT EXISTS frt_start_local_date Nullable(Date) AFTER frt_start_at`,
      `ALTER TABLE thread_facts ON CLUSTER ${CLUSTER} ADD COLUMN IF NOT EXISTS frt_start_local_date Nullable(Date) AFTER frt_start_at`,
    ]);
  });
});

describe('rewriteStatement', () => {
  it('sends a TTL, a storage setting and a truncate to the storage table only', () => {
    const c = new ClusterCatalogue('c1');
    rewriteStatement(
      'CREATE TABLE IF NOT EXISTS m (brand String, thread_id String) ENGINE = MergeTree ORDER BY brand',
      c,
    );
    expect(rewriteStatement('ALTER TABLE m MODIFY TTL toDateTime(0) + toIntervalDay(1)', c)).toEqual([
      'ALTER TABLE m_local ON CLUSTER c1 MODIFY TTL toDateTime(0) + toIntervalDay(1)',
    ]);
    // A storage setting (0721: merge closed months): the Distributed table has none of it.
    expect(rewriteStatement('ALTER TABLE m MODIFY SETTING min_age_to_force_merge_seconds = 3600', c)).toEqual([
      'ALTER TABLE m_local ON CLUSTER c1 MODIFY SETTING min_age_to_force_merge_seconds = 3600',
    ]);
    expect(rewriteStatement('TRUNCATE TABLE IF EXISTS m', c)).toEqual([
      'TRUNCATE TABLE IF EXISTS m_local ON CLUSTER c1',
    ]);
    expect(rewriteStatement('DROP TABLE IF EXISTS m', c)).toEqual([
      'DROP TABLE IF EXISTS m ON CLUSTER c1 SYNC',
      'DROP TABLE IF EXISTS m_local ON CLUSTER c1 SYNC',
    ]);
  });

  it('adds the replicated dedup window to a table that had no settings', () => {
    const [s] = rewriteStatement(
      '-- note\nCREATE TABLE IF NOT EXISTS k (x UInt8) ENGINE = MergeTree ORDER BY x',
      new ClusterCatalogue('c1'),
    );
    expect(s).toBe(
      `CREATE TABLE IF NOT EXISTS k ON CLUSTER c1\n(x UInt8)\nENGINE = ReplicatedMergeTree(${EVERYWHERE_PATH})\nORDER BY x\nSETTINGS replicated_deduplication_window = 1000`,
    );
  });

  it('refuses a statement it has no cluster form for, naming the file', () => {
    expect(() => rewriteStatement('RENAME TABLE a TO b', new ClusterCatalogue('c1'))).toThrow(ClusterRewriteError);
    const bad = parseMigration('0999_bad.sql', 'CREATE TABLE IF NOT EXISTS x (a UInt8) ENGINE = Memory;');
    expect(() => clusterMigrations([bad], 'c1')).toThrow(/0999_bad.sql/);
  });
});

describe('clusterFromEnv', () => {
  it('is single-node unless CLICKHOUSE_CLUSTER names a cluster', () => {
    expect(clusterFromEnv({})).toBeUndefined();
    expect(clusterFromEnv({ CLICKHOUSE_CLUSTER: ' ' })).toBeUndefined();
    expect(clusterFromEnv({ CLICKHOUSE_CLUSTER: 'brandpulse' })).toBe('brandpulse');
    expect(() => clusterFromEnv({ CLICKHOUSE_CLUSTER: 'a b; DROP' })).toThrow(/CLICKHOUSE_CLUSTER/);
  });
});
