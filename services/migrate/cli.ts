/**
 * `brandpulse migrate [--dir <folder>] [--database <name>] [--list | --status]`: applies pending
 * ClickHouse migrations (forward-only, checksummed) to the configured database, creating it if
 * needed. --list prints the files without connecting; --status says which are applied.
 */
import { loadBaseConfig } from '../shared/config.ts';
import { createClickHouse } from '../shared/clickhouse.ts';
import { createLogger } from '../shared/logger.ts';
import { parseCommandLine, UsageError } from '../shared/usage.ts';
import { applyMigrations } from './apply.ts';
import { loadMigrations, MIGRATIONS_DIR } from './migrations.ts';

export const MIGRATE_USAGE = `usage: brandpulse migrate [--dir <folder>] [--database <name>] [--list | --status]
  Applies the pending ClickHouse migrations (forward-only, checksummed) and the brands' retention TTLs.
  --dir <folder>     migration files (default infra/clickhouse/migrations)
  --database <name>  target database (default CLICKHOUSE_DATABASE, brandpulse)
  --list             print the migration files (version, name, checksum) and exit; connects to nothing
  --status           print each migration file as applied or pending in the database; changes nothing`;

export const MIGRATE_OPTIONS = {
  dir: { type: 'string' },
  database: { type: 'string' },
  list: { type: 'boolean' },
  status: { type: 'boolean' },
} as const;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommandLine(argv, MIGRATE_USAGE, MIGRATE_OPTIONS);
  if (values.list && values.status) throw new UsageError('--list and --status exclude each other');
  const dir = values.dir ?? MIGRATIONS_DIR;
  const line = (m: { version: number; name: string; checksum: string }) =>
    `${String(m.version).padStart(4, '0')} ${m.name} ${m.checksum.slice(0, 12)}`;
  if (values.list) {
    for (const m of loadMigrations(dir)) console.log(line(m));
    return;
  }
  const config = loadBaseConfig();
  const logger = createLogger('migrate', config.LOG_LEVEL);
  const database = values.database ?? config.CLICKHOUSE_DATABASE;
  const client = createClickHouse(config, { noDatabase: true });
  try {
    if (values.status) {
      const applied = await appliedVersions(client, database);
      for (const m of loadMigrations(dir)) console.log(`${line(m)} ${applied.has(m.version) ? 'applied' : 'pending'}`);
      return;
    }
    const applied = await applyMigrations(client, {
      dir,
      database,
      onApply: (m) => logger.info({ migration: m.file }, 'applying'),
    });
    logger.info({ database, applied: applied.length }, applied.length ? 'migrations applied' : 'schema is up to date');
  } finally {
    await client.close();
  }
}

/** Versions recorded in the database's schema_migrations; none when the database or table is not there yet. */
async function appliedVersions(client: ReturnType<typeof createClickHouse>, database: string): Promise<Set<number>> {
  const exists = await client.query({
    query: 'SELECT count() AS n FROM system.tables WHERE database = {database:String} AND name = {table:String}',
    query_params: { database, table: 'schema_migrations' },
    format: 'JSONEachRow',
  });
  const [row] = await exists.json<{ n: number | string }>();
  if (Number(row?.n ?? 0) === 0) return new Set();
  const rs = await client.query({ query: `SELECT version FROM ${database}.schema_migrations`, format: 'JSONEachRow' });
  return new Set((await rs.json<{ version: number | string }>()).map((r) => Number(r.version)));
}
