import { applyMigrations } from '../../../services/migrate/apply.ts';
import { createClickHouse } from '../../../services/shared/clickhouse.ts';
import { isolatedClickHouse, isolatedConfig } from '../../support/stack.ts';
import { seed } from './seed.ts';

/**
 * A migrated and seeded database of its own, read as the read-only analyst (as Grafana and the live
 * page read it); cleanup closes the analyst and drops the database.
 */
export async function seededAnalyst(name: string): Promise<{
  analyst: ReturnType<typeof createClickHouse>;
  range: { from: Date; to: Date };
  cleanup: () => Promise<void>;
}> {
  const config = isolatedConfig(name);
  const db = await isolatedClickHouse(config);
  try {
    await applyMigrations(db.client, { database: config.CLICKHOUSE_DATABASE });
    const range = await seed(db.client);
    const analyst = createClickHouse(config, { readonly: true });
    return {
      analyst,
      range,
      cleanup: async () => {
        await analyst.close();
        await db.cleanup();
      },
    };
  } catch (err) {
    await db.cleanup();
    throw err;
  }
}
