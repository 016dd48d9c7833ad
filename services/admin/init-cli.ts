import { parseCommandLine } from '../shared/usage.ts';

export const INIT_USAGE = `usage: brandpulse init [--dir <folder>] [--database <name>]
  Everything a fresh cluster needs before the services start, both steps idempotent:
  the Kafka topics of the catalogue (brandpulse topics), then the ClickHouse migrations (brandpulse migrate).
  --dir <folder>     migration files (default infra/clickhouse/migrations)
  --database <name>  target database (default CLICKHOUSE_DATABASE, brandpulse)`;

/**
 * `brandpulse init`: everything a fresh cluster needs before the services start — the Kafka
 * topics of the catalogue and the ClickHouse migrations. Both steps are idempotent.
 */
export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommandLine(argv, INIT_USAGE, { dir: { type: 'string' }, database: { type: 'string' } });
  const topics = (await import('./topics-cli.ts')) as { run: (argv: string[]) => Promise<void> };
  await topics.run([]);
  const migrateModule = '../migrate/cli.ts';
  const migrate = (await import(migrateModule)) as { run: (argv: string[]) => Promise<void> };
  await migrate.run(
    Object.entries(values).flatMap(([k, v]) => (k !== 'help' && typeof v === 'string' ? [`--${k}`, v] : [])),
  );
}
