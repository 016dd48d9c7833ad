import { describe, expect, it } from 'vitest';
import { partitionLag } from '../../../services/shared/consumer-lag.ts';
import { buildHealthApp } from '../../../services/shared/health-server.ts';
import { METRIC, PipelineMetrics, serviceRegistry } from '../../../services/shared/metrics.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { parseSamples, value } from '../../support/prometheus.ts';

const logger = createLogger('test', 'silent');

describe('partitionLag', () => {
  const ends = [
    { partition: 1, low: '0', high: '100' },
    { partition: 0, low: '50', high: '80' },
  ];

  it('is the end of the log minus the committed offset, per partition, in partition order', () => {
    expect(
      partitionLag(
        ends,
        new Map([
          [0, '70'],
          [1, '100'],
        ]),
      ),
    ).toEqual([
      { partition: 0, lag: 10 },
      { partition: 1, lag: 0 },
    ]);
  });

  it('counts everything still retained when nothing is committed or the commit fell out of retention', () => {
    expect(partitionLag(ends, new Map())).toEqual([
      { partition: 0, lag: 30 },
      { partition: 1, lag: 100 },
    ]);
    expect(partitionLag(ends, new Map([[0, '10']]))).toEqual([
      { partition: 0, lag: 30 },
      { partition: 1, lag: 100 },
    ]);
  });

  it('is never negative when a commit races the end-offset read, and handles offsets beyond 2^53', () => {
    expect(partitionLag([{ partition: 0, low: '0', high: '5' }], new Map([[0, '7']]))).toEqual([
      { partition: 0, lag: 0 },
    ]);
    const big = 2n ** 60n;
    expect(
      partitionLag([{ partition: 0, low: String(big), high: String(big + 3n) }], new Map([[0, String(big + 1n)]])),
    ).toEqual([{ partition: 0, lag: 2 }]);
  });
});

const sample = (text: string, name: string, labels: Record<string, string> = {}) =>
  value(parseSamples(text), name, labels);

describe('PipelineMetrics', () => {
  it('exposes batches, rows, retries and dead letters under their labels', async () => {
    const registry = serviceRegistry();
    const m = new PipelineMetrics(registry);
    m.batch('sink', 0.2, 500);
    m.batch('sink', 3, 1500);
    m.rowsWritten('messages', 400);
    m.retry('sink', 'clickhouse:241');
    m.retry('sink', 'clickhouse:241');
    m.deadLetter('enricher', 'decode:unknown-schema');
    m.deadLetter('sink', 'invalid', 3);
    await registry.metrics(); // a new reason shows 0 on its first scrape (see the next test)
    const text = await registry.metrics();
    expect(sample(text, `${METRIC.batchSeconds}_count`, { stage: 'sink' })).toBe(2);
    expect(sample(text, `${METRIC.batchSeconds}_bucket`, { stage: 'sink', le: '0.25' })).toBe(1);
    expect(sample(text, `${METRIC.batchSeconds}_bucket`, { stage: 'sink', le: '5' })).toBe(2);
    expect(sample(text, METRIC.batchRecords, { stage: 'sink' })).toBe(2000);
    expect(sample(text, METRIC.rowsWritten, { table: 'messages' })).toBe(400);
    expect(sample(text, METRIC.retries, { stage: 'sink', reason: 'clickhouse:241' })).toBe(2);
    expect(sample(text, METRIC.deadLetters, { stage: 'enricher', reason: 'decode:unknown-schema' })).toBe(1);
    expect(sample(text, METRIC.deadLetters, { stage: 'sink', reason: 'invalid' })).toBe(3);
  });

  it('shows a new dead-letter or retry reason at 0 for one scrape, so that increase() counts its first occurrence', async () => {
    const registry = serviceRegistry();
    const m = new PipelineMetrics(registry);
    const deadLetters = async () =>
      sample(await registry.metrics(), METRIC.deadLetters, { stage: 'sink', reason: 'invalid' });
    m.deadLetter('sink', 'invalid');
    m.deadLetter('sink', 'invalid', 2);
    expect(await deadLetters()).toBe(0);
    m.deadLetter('sink', 'invalid');
    expect(await deadLetters()).toBe(4);
    // Known from then on: counted at once.
    m.deadLetter('sink', 'invalid');
    expect(await deadLetters()).toBe(5);
    m.retry('sink', 'clickhouse:241');
    const text = await registry.metrics();
    expect(sample(text, METRIC.retries, { stage: 'sink', reason: 'clickhouse:241' })).toBe(0);
    expect(sample(await registry.metrics(), METRIC.retries, { stage: 'sink', reason: 'clickhouse:241' })).toBe(1);
  });

  it('computes the age of the last write when scraped: from start-up, then from each write', async () => {
    let now = 1_000_000;
    const registry = serviceRegistry();
    const m = new PipelineMetrics(registry, { stages: ['sink'], now: () => now });
    now += 12_500;
    expect(sample(await registry.metrics(), METRIC.lastWriteAge, { stage: 'sink' })).toBe(12.5);
    m.wrote('sink');
    m.wrote('dead_letters');
    now += 2_000;
    const text = await registry.metrics();
    expect(sample(text, METRIC.lastWriteAge, { stage: 'sink' })).toBe(2);
    expect(sample(text, METRIC.lastWriteAge, { stage: 'dead_letters' })).toBe(2);
  });

  it('adds the default process metrics when asked', async () => {
    expect(await serviceRegistry({ defaultMetrics: true }).metrics()).toMatch(/^process_cpu_user_seconds_total /m);
    expect(await serviceRegistry().metrics()).not.toMatch(/process_cpu/);
  });
});

describe('health app', () => {
  const registry = serviceRegistry();
  new PipelineMetrics(registry, { stages: ['enricher'] });

  it('answers /healthz always and /readyz 503 naming each failing check', async () => {
    const app = buildHealthApp({
      registry,
      logger,
      checkTimeoutMs: 100,
      checks: {
        kafka: () => undefined,
        clickhouse: () => Promise.reject(new Error('ECONNREFUSED')),
        consumers: () => new Promise(() => undefined),
      },
    });
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({
      status: 'not_ready',
      checks: { kafka: 'ok', clickhouse: 'ECONNREFUSED', consumers: 'consumers timed out after 100 ms' },
    });
    await app.close();
  });

  it('answers /readyz 200 when every check passes, and /metrics in the Prometheus text format', async () => {
    const app = buildHealthApp({ registry, logger, checks: { kafka: async () => undefined } });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { kafka: 'ok' } });
    const metrics = await app.inject('/metrics');
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toContain(`${METRIC.lastWriteAge}{stage="enricher"}`);
    expect((await app.inject('/nope')).statusCode).toBe(404);
    await app.close();
  });
});
