import { z } from 'zod';
import { splitStatements, type Migration } from './migrations.ts';

/**
 * Cluster mode of the migrations: the same single-node SQL files, rewritten statement by statement
 * for a clickhouse-server cluster named by CLICKHOUSE_CLUSTER (docs/scaling.md, "ClickHouse"). The
 * files stay written for one node, so a new migration works on a cluster without anyone writing it
 * twice; a statement form the rewriter does not know is refused (ClusterRewriteError), never passed
 * through unchanged.
 *
 * Why ON CLUSTER rather than node by node (PostHog's way): one runner, no node list to keep in the
 * project, and the Keeper DDL queue replays a statement on a node that was down when it ran, in order;
 * every statement is idempotent (IF NOT EXISTS / OR REPLACE), which the queue's at-least-once needs.
 *
 * What a single-node `CREATE TABLE t ... ENGINE = XMergeTree(args)` becomes:
 * - a table with `brand` (every business table): `t_local`, ReplicatedXMergeTree on the
 *   `{shard}`/`{replica}` macros, on every node, and `t`, a Distributed table over `t_local` with the
 *   same columns. So readers, views and the sink keep using `t`; the sharding key keeps every row of
 *   one thread on one shard (cityHash64(brand, thread_id)), so ReplacingMergeTree FINAL, the thread
 *   projection's read-back and any per-thread aggregate are computed where all of the thread lives.
 *   Tables without thread_id shard by brand (alerts, the per-minute aggregates).
 * - a table without `brand` (control tables: schema_migrations, retention_rules, dead_letters, the
 *   alerter's snapshots and deliveries): one ReplicatedXMergeTree replica set over every node (its
 *   Keeper path has no {shard}), same name, so each node reads all of it locally.
 * Materialized views run where the insert lands, on the local tables: `FROM t` / `TO t` become
 * `t_local`, so the per-minute aggregates are fed on the shard of the thread and merged across
 * shards by the views. Insert dedup: non_replicated_deduplication_window becomes
 * replicated_deduplication_window (the sink's insert_deduplication_token then works per shard).
 */
export const CLUSTER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class ClusterRewriteError extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'ClusterRewriteError';
  }
}

/** CLICKHOUSE_CLUSTER from the environment: undefined (single node, the default) or a cluster name. */
export function clusterFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.CLICKHOUSE_CLUSTER?.trim();
  if (!value) return undefined;
  const parsed = z
    .string()
    .regex(CLUSTER_NAME, 'must be a plain identifier (a <remote_servers> entry)')
    .safeParse(value);
  if (!parsed.success) throw new ClusterRewriteError(`CLICKHOUSE_CLUSTER: ${parsed.error.issues[0]!.message}`);
  return value;
}

export type Placement =
  /** Sharded: `<name>_local` on every node, `<name>` a Distributed table with this sharding key. */
  | { kind: 'sharded'; shardingKey: string }
  /** Replicated whole to every node under its own name. */
  | { kind: 'everywhere' };

export const THREAD_SHARDING_KEY = 'cityHash64(brand, thread_id)';
export const BRAND_SHARDING_KEY = 'cityHash64(brand)';
export const LOCAL_SUFFIX = '_local';
/** Keeper paths: one per shard and table for sharded tables, one per table for whole ones. */
export const SHARDED_PATH = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";
export const EVERYWHERE_PATH = "'/clickhouse/tables/all/{database}/{table}', '{replica}'";
export const DEDUP_WINDOW = 1000;

/** Where a table's rows live, from its columns (see the module comment). */
export function placementOf(columns: string): Placement {
  const has = (c: string) => new RegExp(`(^|[(,\\n])\\s*\`?${c}\`?\\s+[A-Z]`, 'm').test(columns);
  if (!has('brand')) return { kind: 'everywhere' };
  return { kind: 'sharded', shardingKey: has('thread_id') ? THREAD_SHARDING_KEY : BRAND_SHARDING_KEY };
}

/**
 * The tables known so far and where they live. The rewriter reads every migration in order (not
 * only the pending ones), so an ALTER in file 0204 knows that thread_facts from 0201 is sharded.
 */
export class ClusterCatalogue {
  readonly tables = new Map<string, Placement>();
  constructor(readonly cluster: string) {
    if (!CLUSTER_NAME.test(cluster))
      throw new ClusterRewriteError(`cluster name ${cluster} must be a plain identifier`);
  }

  isSharded(table: string): boolean {
    return this.tables.get(table)?.kind === 'sharded';
  }

  /** The table a statement must touch where the rows are stored (t_local for sharded tables). */
  storageTable(table: string): string {
    return this.isSharded(table) ? `${table}${LOCAL_SUFFIX}` : table;
  }

  get onCluster(): string {
    return `ON CLUSTER ${this.cluster}`;
  }
}

const NAME = '`?([A-Za-z_][A-Za-z0-9_]*)`?';
const CREATE_TABLE = new RegExp(
  `^CREATE TABLE IF NOT EXISTS ${NAME}\\s*\\(([\\s\\S]*)\\)\\s*ENGINE\\s*=\\s*(\\w*MergeTree)\\s*(\\(([^()]*)\\))?([\\s\\S]*)$`,
  'i',
);
const CREATE_MV = new RegExp(
  `^CREATE MATERIALIZED VIEW IF NOT EXISTS ${NAME}\\s+TO\\s+${NAME}\\s+AS\\s+([\\s\\S]*)$`,
  'i',
);
const CREATE_VIEW = new RegExp(`^CREATE (OR REPLACE )?VIEW (IF NOT EXISTS )?${NAME}\\s+AS\\s+([\\s\\S]*)$`, 'i');
const DROP = new RegExp(`^DROP (VIEW|TABLE) IF EXISTS ${NAME}\\s*$`, 'i');
const ALTER = new RegExp(`^ALTER TABLE ${NAME}\\s+([\\s\\S]*)$`, 'i');
const TRUNCATE = new RegExp(`^TRUNCATE TABLE (IF EXISTS )?${NAME}\\s*$`, 'i');
const INSERT = /^INSERT INTO /i;
/** ALTERs that change the columns, which the Distributed table must follow. */
const COLUMN_ALTER = /^(ADD|DROP|MODIFY|RENAME|COMMENT) COLUMN /i;

/** A statement without its leading comments (the rewriter matches on the statement's head). */
export function withoutLeadingComments(statement: string): string {
  let s = statement.trim();
  for (;;) {
    const next = s
      .replace(/^--[^\n]*(\n|$)/, '')
      .replace(/^\/\*[\s\S]*?\*\//, '')
      .trim();
    if (next === s) return s;
    s = next;
  }
}

/** One single-node statement as the statements to run on the cluster, in order. */
export function rewriteStatement(statement: string, catalogue: ClusterCatalogue): string[] {
  const sql = withoutLeadingComments(statement);
  const on = catalogue.onCluster;
  let m: RegExpExecArray | null;
  if ((m = CREATE_TABLE.exec(sql))) {
    const [, name, columns, engine, , args, rest] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
      string | undefined,
      string,
    ];
    const placement = placementOf(columns);
    catalogue.tables.set(name, placement);
    const local = placement.kind === 'sharded' ? `${name}${LOCAL_SUFFIX}` : name;
    const path = placement.kind === 'sharded' ? SHARDED_PATH : EVERYWHERE_PATH;
    const engineArgs = args?.trim() ? `${path}, ${args.trim()}` : path;
    const storage = `CREATE TABLE IF NOT EXISTS ${local} ${on}\n(${columns})\nENGINE = Replicated${engine}(${engineArgs})\n${replicatedSettings(rest.trim())}`;
    if (placement.kind === 'everywhere') return [storage];
    return [
      storage,
      `CREATE TABLE IF NOT EXISTS ${name} ${on} AS ${local}\nENGINE = Distributed(${catalogue.cluster}, currentDatabase(), ${local}, ${placement.shardingKey})`,
    ];
  }
  if ((m = CREATE_MV.exec(sql))) {
    const [, name, target, select] = m as unknown as [string, string, string, string];
    const localSelect = select.replace(
      /\b(FROM|JOIN)\s+`?([A-Za-z_][A-Za-z0-9_]*)`?/gi,
      (all, kw: string, t: string) => (catalogue.isSharded(t) ? `${kw} ${catalogue.storageTable(t)}` : all),
    );
    return [
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${name} ${on} TO ${catalogue.storageTable(target)} AS\n${localSelect}`,
    ];
  }
  if ((m = CREATE_VIEW.exec(sql))) {
    const [, orReplace, ifNotExists, name, select] = m as unknown as [
      string,
      string | undefined,
      string | undefined,
      string,
      string,
    ];
    return [`CREATE ${orReplace ?? ''}VIEW ${ifNotExists ?? ''}${name} ${on} AS\n${select}`];
  }
  if ((m = DROP.exec(sql))) {
    const [, kind, name] = m as unknown as [string, string, string];
    const drops = [`DROP ${kind.toUpperCase()} IF EXISTS ${name} ${on} SYNC`];
    if (catalogue.isSharded(name)) drops.push(`DROP TABLE IF EXISTS ${name}${LOCAL_SUFFIX} ${on} SYNC`);
    catalogue.tables.delete(name);
    return drops;
  }
  if ((m = ALTER.exec(sql))) {
    const [, name, change] = m as unknown as [string, string, string];
    return alterStatements(name, change, catalogue);
  }
  if ((m = TRUNCATE.exec(sql))) {
    const [, ifExists, name] = m as unknown as [string, string | undefined, string];
    return [`TRUNCATE TABLE ${ifExists ?? ''}${catalogue.storageTable(name)} ${on}`];
  }
  // INSERT ... SELECT runs once, from the runner: the Distributed table routes the rows by its key.
  if (INSERT.test(sql)) return [sql];
  throw new ClusterRewriteError(
    `no cluster form for this statement (add one to services/migrate/cluster.ts):\n${sql.slice(0, 200)}`,
  );
}

/**
 * ALTER TABLE for the cluster: on the storage table everywhere (replicated ALTERs are applied once
 * per shard through Keeper), and column changes also on the Distributed table so it keeps the same
 * columns. Retention (MODIFY TTL) and mutations concern the storage only.
 */
export function alterStatements(table: string, change: string, catalogue: ClusterCatalogue): string[] {
  const on = catalogue.onCluster;
  const out = [`ALTER TABLE ${catalogue.storageTable(table)} ${on} ${change}`];
  if (catalogue.isSharded(table) && COLUMN_ALTER.test(change.trim())) out.push(`ALTER TABLE ${table} ${on} ${change}`);
  return out;
}

/** The table's SETTINGS with the replicated dedup window in place of the non-replicated one. */
function replicatedSettings(rest: string): string {
  const window = `replicated_deduplication_window = ${DEDUP_WINDOW}`;
  const replaced = rest.replace(/\bnon_replicated_deduplication_window\s*=\s*\d+/i, window);
  if (/\breplicated_deduplication_window\b/i.test(replaced)) return replaced;
  return /\bSETTINGS\b/i.test(replaced) ? `${replaced}, ${window}` : `${replaced}\nSETTINGS ${window}`.trim();
}

export interface ClusterMigration {
  migration: Migration;
  /** The migration's statements in cluster form, in order. */
  statements: string[];
}

/** Every migration (all of them, in version order) rewritten for `cluster`. */
export function clusterMigrations(
  migrations: Migration[],
  cluster: string,
): { catalogue: ClusterCatalogue; migrations: ClusterMigration[] } {
  const catalogue = new ClusterCatalogue(cluster);
  const out = migrations.map((migration) => {
    try {
      return { migration, statements: splitStatements(migration.sql).flatMap((s) => rewriteStatement(s, catalogue)) };
    } catch (err) {
      throw new ClusterRewriteError(`migration ${migration.file}: ${(err as Error).message}`);
    }
  });
  return { catalogue, migrations: out };
}
