import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../services/migrate/apply.ts';
import type { BaseConfig } from '../../services/shared/config.ts';
import { ConsumerLagMetrics, LazyAdmin } from '../../services/shared/consumer-lag.ts';
import { METRIC, serviceRegistry } from '../../services/shared/metrics.ts';
import { isolatedClickHouse, isolatedConfig, isolatedKafka, logger } from '../support/stack.ts';
import { parseSamples, select, value, type Sample } from '../support/prometheus.ts';
import { sampleEvents } from '../support/events.ts';
import { codec, produce, waitFor } from '../int/sink/support.ts';

/**
 * `brandpulse enricher`, `sink` and `alerter` as processes, on the test stack with their own topics,
 * database and consumer groups: each serves /healthz, /readyz (ready once its consumers joined and
 * Kafka/ClickHouse answer) and /metrics with consumer lag per partition, dead letters by stage and
 * reason, rows written and the age of the last write.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const SERVICES = ['enricher', 'sink', 'alerter'] as const;
type Service = (typeof SERVICES)[number];

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  url?: string;
}

function envFor(config: BaseConfig): NodeJS.ProcessEnv {
  const prefix = config.KAFKA_TOPIC_PREFIX;
  return {
    ...process.env,
    KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    CLICKHOUSE_URL: config.CLICKHOUSE_URL,
    CLICKHOUSE_USER: config.CLICKHOUSE_USER,
    CLICKHOUSE_PASSWORD: config.CLICKHOUSE_PASSWORD,
    CLICKHOUSE_DATABASE: config.CLICKHOUSE_DATABASE,
    // Groups of their own: members of another run's group would share its rebalances.
    ENRICHER_GROUP_ID: `${prefix}enricher`,
    SINK_GROUP_ID: `${prefix}sink`,
    ALERTER_GROUP_ID: `${prefix}alerter`,
    ENRICHER_METRICS_PORT: '0',
    SINK_METRICS_PORT: '0',
    ALERTER_METRICS_PORT: '0',
    LOG_LEVEL: 'info',
  };
}

function start(service: Service, env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'services/cli.ts'), service], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

/** The URL the service logged for its health server (it was given port 0). */
function loggedUrl(r: Running): string | undefined {
  for (const line of r.output().split('\n')) {
    if (!line.includes('health server listening')) continue;
    return (JSON.parse(line) as { url: string }).url;
  }
  return undefined;
}

async function scrape(r: Running): Promise<Sample[]> {
  const res = await fetch(`${r.url}/metrics`);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return parseSamples(await res.text());
}

const config = isolatedConfig('service_health');
const running = new Map<Service, Running>();
let kafka: Awaited<ReturnType<typeof isolatedKafka>>;
let ch: Awaited<ReturnType<typeof isolatedClickHouse>>;

beforeAll(async () => {
  kafka = await isolatedKafka(config);
  ch = await isolatedClickHouse(config);
  await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
});

afterAll(async () => {
  for (const r of running.values()) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  await kafka?.cleanup();
  await ch?.cleanup();
});

describe('consumer lag', () => {
  it("is read from Kafka at scrape time: the end of each partition minus the group's committed offset", async () => {
    const topic = kafka.topics.name('alerts');
    await produce(
      kafka.kafka,
      topic,
      [1, 2, 3].map((i) => ({ key: 'acme', value: Buffer.from(`alert-${i}`) })),
    );
    const registry = serviceRegistry();
    const admin = new LazyAdmin(kafka.kafka);
    new ConsumerLagMetrics(registry, {
      admin,
      logger,
      sources: [{ group: `${config.KAFKA_TOPIC_PREFIX}nobody`, topic }],
    });
    try {
      const samples = parseSamples(await registry.metrics());
      expect(select(samples, METRIC.consumerLag).map((s) => s.labels.partition)).toEqual(['0']);
      expect(value(samples, METRIC.consumerLag, { topic, partition: '0' })).toBe(3);
      // A group that committed two of them is one behind.
      const a = await admin.get();
      await a.setOffsets({
        groupId: `${config.KAFKA_TOPIC_PREFIX}nobody`,
        topic,
        partitions: [{ partition: 0, offset: '2' }],
      });
      expect(value(parseSamples(await registry.metrics()), METRIC.consumerLag, { topic, partition: '0' })).toBe(1);
    } finally {
      await admin.close();
    }
  });
});

describe('enricher, sink and alerter processes', () => {
  it('serve /healthz, /readyz and /metrics with lag, dead letters, rows written and write age', async () => {
    const env = envFor(config);
    for (const s of SERVICES) running.set(s, start(s, env));
    for (const [s, r] of running) {
      r.url = await waitFor(
        `${s} to log its health server`,
        async () => loggedUrl(r),
        (u) => u !== undefined,
        120_000,
      );
      expect((await fetch(`${r.url}/healthz`)).status, s).toBe(200);
    }
    for (const [s, r] of running) {
      const ready = await waitFor(
        `${s} to be ready`,
        async () => {
          const res = await fetch(`${r.url}/readyz`);
          return { status: res.status, body: (await res.json()) as { checks: Record<string, string> } };
        },
        (x) => x.status === 200,
        120_000,
      );
      expect(Object.keys(ready.body.checks).sort(), s).toEqual(
        s === 'enricher' ? ['consumers', 'kafka'] : ['clickhouse', 'consumers', 'kafka'],
      );
    }

    // Traffic, and a poison record in each topic: the enricher and the sink each dead-letter one.
    const raw = kafka.topics.name('conversationEvents');
    const enriched = kafka.topics.name('enrichedEvents');
    const poison = { key: 'thread-1', value: Buffer.from([0, 0, 0, 0, 99, 1]) };
    await produce(kafka.kafka, raw, [
      ...sampleEvents().map((e) => ({ key: e.thread_id, value: codec.encode('conversation-event', e) })),
      poison,
    ]);
    await produce(kafka.kafka, enriched, [poison]);

    const sink = running.get('sink')!;
    const sinkSamples = await waitFor(
      'the sink to write the events and dead-letter the poison',
      () => scrape(sink),
      (m) =>
        value(m, METRIC.deadLetters, { stage: 'sink', reason: 'decode:unknown-schema' }) === 1 &&
        (value(m, METRIC.rowsWritten, { table: 'events' }) ?? 0) >= sampleEvents().length,
    );
    expect(value(sinkSamples, METRIC.lastWriteAge, { stage: 'sink' })).toBeLessThan(60);
    expect(value(sinkSamples, `${METRIC.batchSeconds}_count`, { stage: 'sink' })).toBeGreaterThan(0);
    expect(select(sinkSamples, 'process_resident_memory_bytes')).toHaveLength(1);

    // Everything processed and committed: lag 0 on every partition, for every consumer group.
    const partitions = ['0', '1', '2', '3', '4', '5'];
    const lagOf = (m: Sample[], group: string, topic: string) => select(m, METRIC.consumerLag, { group, topic });
    const caughtUp = (m: Sample[], group: string, topic: string, n: number) => {
      const lags = lagOf(m, group, topic);
      return lags.length === n && lags.every((l) => l.value === 0);
    };
    const deadLetterTopic = kafka.topics.name('deadLetters');
    const groups: Array<[Service, string, string, number]> = [
      ['enricher', `${config.KAFKA_TOPIC_PREFIX}enricher`, raw, 6],
      ['sink', `${config.KAFKA_TOPIC_PREFIX}sink`, enriched, 6],
      ['sink', `${config.KAFKA_TOPIC_PREFIX}sink.dead-letters`, deadLetterTopic, 1],
      ['alerter', `${config.KAFKA_TOPIC_PREFIX}alerter`, enriched, 6],
    ];
    for (const [s, group, topic, n] of groups) {
      const m = await waitFor(
        `${group} to catch up`,
        () => scrape(running.get(s)!),
        (x) => caughtUp(x, group, topic, n),
      );
      expect(
        lagOf(m, group, topic)
          .map((l) => l.labels.partition)
          .sort(),
        group,
      ).toEqual(n === 6 ? partitions : ['0']);
    }
    const alerter = await scrape(running.get('alerter')!);
    expect(value(alerter, METRIC.lastWriteAge, { stage: 'alerter' })).toBeGreaterThanOrEqual(0);
    expect(value(alerter, `${METRIC.batchSeconds}_count`, { stage: 'alerter' })).toBeGreaterThan(0);
    // A new reason is exposed at 0 for one scrape first (so that Prometheus' increase() counts it).
    const enricher = await waitFor(
      'the enricher to count its dead letter',
      () => scrape(running.get('enricher')!),
      (m) => value(m, METRIC.deadLetters, { stage: 'enricher', reason: 'decode:unknown-schema' }) === 1,
    );
    expect(value(enricher, METRIC.rowsWritten, { table: enriched })).toBe(sampleEvents().length);
    expect(value(enricher, METRIC.lastWriteAge, { stage: 'enricher' })).toBeLessThan(60);

    // SIGTERM drains each one and it exits 0.
    for (const r of running.values()) r.child.kill('SIGTERM');
    for (const [s, r] of running) expect(await r.exited, `${s}\n${r.output().slice(-2000)}`).toBe(0);
  });
});
