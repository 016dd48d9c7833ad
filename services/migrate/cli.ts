/**
 * `brandpulse migrate [--dir <folder>] [--database <name>] [--status]`: applies pending ClickHouse
 * migrations (forward-only, checksummed) to the configured database, creating it if needed.
 */
import { parseArgs } from 'node:util';
import { loadBaseConfig } from '../shared/config.ts';
import { createClickHouse } from '../shared/clickhouse.ts';
import { createLogger } from '../shared/logger.ts';
import { applyMigrations } from './apply.ts';
import { loadMigrations, MIGRATIONS_DIR } from './migrations.ts';

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { dir: { type: 'string' }, database: { type: 'string' }, list: { type: 'boolean' } },
  });
  const config = loadBaseConfig();
  const logger = createLogger('migrate', config.LOG_LEVEL);
  const dir = values.dir ?? MIGRATIONS_DIR;
  if (values.list) {
    for (const m of loadMigrations(dir)) console.log(`${String(m.version).padStart(4, '0')} ${m.name} ${m.checksum.slice(0, 12)}`);
    return;
  }
  const database = values.database ?? config.CLICKHOUSE_DATABASE;
  const client = createClickHouse(config, { noDatabase: true });
  try {
    const applied = await applyMigrations(client, { dir, database, onApply: (m) => logger.info({ migration: m.file }, 'applying') });
    logger.info({ database, applied: applied.length }, applied.length ? 'migrations applied' : 'schema is up to date');
  } finally {
    await client.close();
  }
}
