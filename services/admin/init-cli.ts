/**
 * `brandpulse init`: everything a fresh cluster needs before the services start — the Kafka
 * topics of the catalogue and the ClickHouse migrations. Both steps are idempotent.
 */
export async function run(argv: string[]): Promise<void> {
  const topics = (await import('./topics-cli.ts'));
  await topics.run(argv);
  const migrateModule = '../migrate/cli.ts';
  const migrate = (await import(migrateModule)) as { run: (argv: string[]) => Promise<void> };
  await migrate.run(argv);
}
