import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupConsumer } from '../../../services/shared/kafka.ts';
import { createClickHouse } from '../../../services/shared/clickhouse.ts';
import { loadBaseConfig } from '../../../services/shared/config.ts';
import { ServiceMonitor } from '../../../services/shared/service-monitor.ts';
import { isolatedConfig, isolatedKafka, logger } from '../../support/stack.ts';
import { waitFor } from '../sink/support.ts';

/**
 * /readyz against real Kafka: not ready until the service's consumer joined its group, ready while it
 * is a member, not ready once it left; and a dependency that does not answer is named.
 */
describe('ServiceMonitor readiness', () => {
  const config = isolatedConfig('readiness');
  let kafka: Awaited<ReturnType<typeof isolatedKafka>>;
  beforeAll(async () => {
    kafka = await isolatedKafka(config);
  });
  afterAll(async () => {
    await kafka?.cleanup();
  });

  it('follows the consumer through join and stop, and names an unreachable ClickHouse', async () => {
    const topic = kafka.topics.name('alerts');
    const group = `${config.KAFKA_TOPIC_PREFIX}readiness`;
    // Nothing listens on port 9 (discard): the ClickHouse check fails fast.
    const deadClickHouse = createClickHouse(loadBaseConfig({ CLICKHOUSE_URL: 'http://127.0.0.1:9' }));
    const monitor = new ServiceMonitor({
      kafka: kafka.kafka,
      logger,
      host: '127.0.0.1',
      port: 0,
      stages: ['test'],
      lag: [{ group, topic }],
      topics: [topic],
      defaultMetrics: false,
    });
    const withClickHouse = new ServiceMonitor({
      kafka: kafka.kafka,
      logger,
      host: '127.0.0.1',
      port: 0,
      stages: [],
      lag: [],
      topics: [topic],
      clickhouse: deadClickHouse,
      defaultMetrics: false,
    });
    await monitor.start();
    await withClickHouse.start();
    const readyz = async (m: ServiceMonitor) => {
      const res = await fetch(`http://127.0.0.1:${m.port}/readyz`);
      return { code: res.status, ...((await res.json()) as { status: string; checks: Record<string, string> }) };
    };
    const consumer = groupConsumer(monitor.kafka, group);
    try {
      expect(await readyz(monitor)).toMatchObject({
        code: 503,
        checks: { consumers: `${group}: connecting`, kafka: 'ok' },
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async () => undefined });
      await waitFor(
        'the consumer to join',
        () => readyz(monitor),
        (r) => r.code === 200,
        60_000,
      );
      expect((await readyz(monitor)).checks).toEqual({ consumers: 'ok', kafka: 'ok' });
      await consumer.disconnect();
      expect(await readyz(monitor)).toMatchObject({ code: 503, checks: { consumers: `${group}: stopped` } });

      const other = await readyz(withClickHouse);
      expect(other).toMatchObject({ code: 503, status: 'not_ready' });
      expect(other.checks.consumers).toBe('no consumer started yet');
      expect(other.checks.kafka).toBe('ok');
      expect(other.checks.clickhouse).toMatch(/ECONNREFUSED|connect/);
      expect((await fetch(`http://127.0.0.1:${withClickHouse.port}/healthz`)).status).toBe(200);
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await monitor.close();
      await withClickHouse.close();
      await deadClickHouse.close();
    }
  });
});
