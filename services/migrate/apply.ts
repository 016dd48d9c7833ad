import type { ClickHouseSettings } from '@clickhouse/client';
import type { ClickHouseClient } from '../shared/clickhouse.ts';
import { BrandSettings, type BrandsFile } from '../domain/brand-settings.ts';
import {
  alterStatements,
  clusterFromEnv,
  clusterMigrations,
  rewriteStatement,
  withoutLeadingComments,
  ClusterCatalogue,
} from './cluster.ts';
import {
  loadMigrations,
  MIGRATIONS_DIR,
  planMigrations,
  splitStatements,
  type AppliedMigration,
  type Migration,
} from './migrations.ts';
import { applyRetention } from './retention.ts';

export interface ApplyOptions {
  /** Folder of NNNN_name.sql files (default infra/clickhouse/migrations). */
  dir?: string;
  /** Database the statements run in; the SQL uses unqualified names so any database works. */
  database: string;
  /** Called before each migration runs. */
  onApply?: (m: Migration) => void;
  /**
   * Brand settings whose retention_days become TTLs after the migrations (retention.ts). Default:
   * $BRANDS_FILE or infra/brands.yaml when `dir` is the real migrations folder; false = skip.
   */
  retention?: Pick<BrandsFile, 'defaults' | 'brands'> | false;
  /**
   * A clickhouse-server cluster (a <remote_servers> name): every statement runs in its cluster form
   * (cluster.ts: ON CLUSTER, Replicated engines, Distributed tables). Default: $CLICKHOUSE_CLUSTER;
   * unset = one node, the files as written. null = one node whatever the environment says.
   */
  cluster?: string | null;
}

const LOG_TABLE = 'schema_migrations';

/**
 * Applies pending migrations in order to `database` and records each one in schema_migrations
 * (version, name, checksum). Statements are written idempotently (IF NOT EXISTS), so a run that
 * died half-way through a file can simply run again. Returns the migrations it applied.
 */
export async function applyMigrations(client: ClickHouseClient, options: ApplyOptions): Promise<Migration[]> {
  const { database } = options;
  const settings = { database } as const;
  const cluster = options.cluster === undefined ? clusterFromEnv() : (options.cluster ?? undefined);
  const files = loadMigrations(options.dir ?? MIGRATIONS_DIR);
  const statementsOf =
    cluster === undefined ? (m: Migration) => splitStatements(m.sql) : clusterStatements(files, cluster);
  await client.command({
    query: `CREATE DATABASE IF NOT EXISTS ${database}${cluster === undefined ? '' : ` ON CLUSTER ${cluster}`}`,
  });
  const logTable = `CREATE TABLE IF NOT EXISTS ${LOG_TABLE} (
      version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = MergeTree ORDER BY version`;
  for (const query of cluster === undefined ? [logTable] : rewriteStatement(logTable, new ClusterCatalogue(cluster))) {
    await client.command({ query, ...withDatabase(settings) });
  }
  const applied = await (
    await client.query({
      query: `SELECT version, name, checksum FROM ${LOG_TABLE} ORDER BY version`,
      format: 'JSONEachRow',
      ...withDatabase(settings),
    })
  ).json<AppliedMigration>();
  const pending = planMigrations(
    files,
    applied.map((a) => ({ ...a, version: Number(a.version) })),
  );
  for (const m of pending) {
    options.onApply?.(m);
    for (const statement of statementsOf(m)) {
      try {
        await client.command({ query: statement, ...withDatabase(settings, isBackfill(statement)) });
      } catch (err) {
        throw new Error(`migration ${m.file} failed: ${(err as Error).message}\n--- statement ---\n${statement}`, {
          cause: err,
        });
      }
    }
    await client.insert({
      table: LOG_TABLE,
      values: [{ version: m.version, name: m.name, checksum: m.checksum }],
      format: 'JSONEachRow',
      ...withDatabase(settings),
    });
  }
  const retention =
    options.retention ??
    (options.dir === undefined || options.dir === MIGRATIONS_DIR ? BrandSettings.load().file : false);
  if (retention) {
    const alter = cluster === undefined ? undefined : clusterAlter(files, cluster);
    await applyRetention(client, database, retention, alter);
  }
  return pending;
}

/** Each migration's cluster statements, rewritten from all files in order (cluster.ts). */
function clusterStatements(files: Migration[], cluster: string): (m: Migration) => string[] {
  const byVersion = new Map(
    clusterMigrations(files, cluster).migrations.map((c) => [c.migration.version, c.statements]),
  );
  return (m) => byVersion.get(m.version)!;
}

/** ALTER TABLE in cluster form, knowing where every table of the migrations lives. */
function clusterAlter(files: Migration[], cluster: string): (table: string, change: string) => string[] {
  const { catalogue } = clusterMigrations(files, cluster);
  return (table, change) => alterStatements(table, change, catalogue);
}

/**
 * Runs a query in `database`. The HTTP interface selects the database with the `database` URL
 * parameter, and @clickhouse/client passes settings through as URL parameters; so the client should
 * be created without a database (createClickHouse(config, {noDatabase: true})) or with this one.
 */
function withDatabase(s: { database: string }, longRunning = false): { clickhouse_settings: ClickHouseSettings } {
  return { clickhouse_settings: { database: s.database, ...(longRunning ? KEEP_ALIVE : {}) } };
}

/**
 * A backfill (INSERT ... SELECT, e.g. 0710's copy of every message) sends nothing back until it is
 * done, minutes on a large database, and the client drops a socket idle for its request_timeout
 * (60 s): the migration would fail and run again forever. clickhouse-server can send progress
 * headers meanwhile (every 20 s: Node reads at most ~16 KB of headers, ~80 of them, so ~25 min).
 * The chDB dev front accepts and ignores these settings.
 */
const KEEP_ALIVE: ClickHouseSettings = { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '20000' };
const isBackfill = (statement: string) => /^INSERT INTO /i.test(withoutLeadingComments(statement));
