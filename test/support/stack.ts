import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { loadBaseConfig, type BaseConfig } from '../../services/shared/config.ts';
import { createClickHouse, type ClickHouseClient } from '../../services/shared/clickhouse.ts';
import { createKafka, ensureTopics, type KafkaContext } from '../../services/shared/kafka.ts';
import { createLogger } from '../../services/shared/logger.ts';

export const logger = createLogger('test', (process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'warn');

export function stackEndpoints() {
  return inject('stack');
}

/**
 * A config whose topics and database belong to this test run alone, so reruns and tiers running
 * side by side never see each other's data.
 */
export function isolatedConfig(label: string, overrides: Record<string, string> = {}): BaseConfig {
  const stack = inject('stack');
  const run = `${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  return loadBaseConfig({
    KAFKA_BROKERS: stack.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: `t.${run}.`,
    CLICKHOUSE_URL: stack.clickhouseUrl,
    CLICKHOUSE_USER: stack.clickhouseUser,
    CLICKHOUSE_PASSWORD: stack.clickhousePassword,
    CLICKHOUSE_READONLY_USER: stack.readonlyUser,
    CLICKHOUSE_READONLY_PASSWORD: stack.readonlyPassword,
    CLICKHOUSE_DATABASE: `test_${run}`,
    LOG_LEVEL: 'warn',
    ...overrides,
  });
}

/** Creates the run's topics; returns the Kafka context and a cleanup that deletes them. */
export async function isolatedKafka(config: BaseConfig): Promise<KafkaContext & { cleanup: () => Promise<void> }> {
  const ctx = createKafka(config, logger, 'test');
  const admin = ctx.kafka.admin();
  await admin.connect();
  await ensureTopics(admin, ctx.topics);
  await admin.disconnect();
  return { ...ctx, cleanup: () => deleteRunTopics(config) };
}

/** Deletes every catalogue topic of the run's prefix (whoever created them: a test, `brandpulse init`). */
export async function deleteRunTopics(config: BaseConfig): Promise<void> {
  const { kafka, topics } = createKafka(config, logger, 'test');
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: topics.all.map((t) => topics.name(t.key)) }).catch(() => undefined);
  await admin.disconnect();
}

/** Drops the run's ClickHouse database. */
export async function dropRunDatabase(config: BaseConfig): Promise<void> {
  const admin = createClickHouse(config, { noDatabase: true });
  await admin.command({ query: `DROP DATABASE IF EXISTS ${config.CLICKHOUSE_DATABASE}` });
  await admin.close();
}

/** Creates the run's database; returns a client bound to it and a cleanup that drops it. */
export async function isolatedClickHouse(
  config: BaseConfig,
): Promise<{ client: ClickHouseClient; cleanup: () => Promise<void> }> {
  const admin = createClickHouse(config, { noDatabase: true });
  await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${config.CLICKHOUSE_DATABASE}` });
  const client = createClickHouse(config);
  return {
    client,
    cleanup: async () => {
      await client.close();
      await admin.close();
      await dropRunDatabase(config);
    },
  };
}
