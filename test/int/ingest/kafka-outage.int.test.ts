import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestService, type IngestService } from '../../../services/ingest/service.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { isolatedConfig, isolatedKafka, stackEndpoints } from '../../support/stack.ts';
import { until } from '../../support/wait.ts';
import { consumeUntil, event, ingestConfigFor, post } from './support.ts';

/**
 * Stops the shared Kafka for a few seconds: other engineers' tests use the same broker, so the
 * outage is kept short and Kafka is always started again in afterAll, whatever happened.
 */
const STACK = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'infra', 'local', 'stack.sh');
const stack = (action: 'up' | 'down') =>
  execFileSync('bash', [STACK, action, 'kafka'], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000 });

async function untilKafkaCreatesTopics(ctx: Awaited<ReturnType<typeof isolatedKafka>>): Promise<void> {
  const probe = `${ctx.topics.prefix}outage-probe`;
  const admin = ctx.kafka.admin();
  try {
    await until(
      'the restarted broker to create a topic with a leader',
      async () => {
        await admin.connect();
        await admin.createTopics({
          topics: [{ topic: probe, numPartitions: 1 }],
          waitForLeaders: true,
          timeout: 5_000,
        });
        await admin.deleteTopics({ topics: [probe] });
        return true;
      },
      60_000,
      1_000,
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

describe('ingest while Kafka is down', () => {
  let kafka: Awaited<ReturnType<typeof isolatedKafka>>;
  let service: IngestService;
  let base: string;
  let stopped = false;

  beforeAll(async () => {
    const kind = stackEndpoints().kind;
    if (kind !== 'local') {
      throw new Error(
        `kafka-outage needs the local stack to stop and start Kafka (infra/local/stack.sh); this run uses a "${kind}" stack. Unset KAFKA_BROKERS/CLICKHOUSE_URL to use the local stack.`,
      );
    }
    const config = isolatedConfig('ingest_outage');
    kafka = await isolatedKafka(config);
    service = createIngestService(
      ingestConfigFor(config, { INGEST_SEND_TIMEOUT_MS: '3000', INGEST_RETRY_AFTER_SECONDS: '2' }),
      // kafkajs logs every refused connection during the outage at error level: expected here.
      createLogger('ingest-outage-test', 'fatal'),
    );
    base = await service.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    if (stopped) stack('up');
    await service?.close();
    // The next test file (possibly another engineer's) creates topics as soon as this one ends:
    // wait until the restarted broker can create a topic with a leader again.
    if (kafka) await untilKafkaCreatesTopics(kafka);
    await kafka?.cleanup();
  });

  it('answers 503 with Retry-After while Kafka is down, accepts again after, and loses nothing it acknowledged', async () => {
    const acked = new Set<string>();
    const collect = (r: { status: number; json: { results: Array<{ event_id?: string }> } }) => {
      if (r.status === 202) for (const x of r.json.results) acked.add(x.event_id!);
    };
    const before = await post(
      base,
      [0, 1, 2].map((n) => event('t-before', n)),
    );
    expect(before.status).toBe(202);
    collect(before);

    stopped = true;
    stack('down');
    const during = await post(
      base,
      [0, 1].map((n) => event('t-during', n)),
    );
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('2');
    expect(during.json.results.map((r: { status: string }) => r.status)).toEqual([
      'not_acknowledged',
      'not_acknowledged',
    ]);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);

    stack('up');
    stopped = false;
    // The client's retry loop: same events until acknowledged.
    let after = await post(
      base,
      [0, 1].map((n) => event('t-during', n)),
    );
    for (let i = 0; i < 30 && after.status !== 202; i++) {
      expect(after.status).toBe(503);
      // Not a sleep of the test's choosing: a client waits the Retry-After the API asked for.
      await new Promise((r) => setTimeout(r, Number(after.headers.get('retry-after') ?? 1) * 1000));
      after = await post(
        base,
        [0, 1].map((n) => event('t-during', n)),
      );
    }
    expect(after.status).toBe(202);
    collect(after);
    const more = await post(
      base,
      [0, 1, 2].map((n) => event('t-after', n)),
    );
    expect(more.status).toBe(202);
    collect(more);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const records = await consumeUntil(kafka.kafka, kafka.topics.name('conversationEvents'), (r) =>
      [...acked].every((id) => r.some((x) => x.event.event_id === id)),
    );
    const stored = new Set(records.map((r) => r.event.event_id));
    expect([...acked].filter((id) => !stored.has(id))).toEqual([]);
  });
});
