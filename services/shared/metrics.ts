import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PipelineObserver } from './observe.ts';

/**
 * Prometheus metrics shared by every service. Each service instance gets its own Registry (so tests
 * can build several in one process) with the default process metrics (CPU, memory, event-loop lag,
 * GC, handles) when asked; the Prometheus job label says which service it is.
 */
export function serviceRegistry(opts: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  return registry;
}

/** Latency buckets (seconds) for anything from a Kafka ack to a large ClickHouse insert. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Metric names the dashboards query (dashboards/pipeline-health.ts); a unit test keeps them in step. */
export const METRIC = {
  batchSeconds: 'brandpulse_batch_seconds',
  batchRecords: 'brandpulse_batch_records_total',
  rowsWritten: 'brandpulse_rows_written_total',
  retries: 'brandpulse_retries_total',
  deadLetters: 'brandpulse_dead_letters_total',
  lastWriteAge: 'brandpulse_last_write_age_seconds',
  consumerLag: 'brandpulse_consumer_lag',
  consumerLagErrors: 'brandpulse_consumer_lag_errors_total',
} as const;

/**
 * The prom-client side of PipelineObserver: the processors report through the interface and never
 * see prom-client. The age of the last successful write is computed when Prometheus scrapes, so it
 * keeps growing while a stage is stuck (a counter would just stop moving).
 */
export class PipelineMetrics implements PipelineObserver {
  private readonly batchSeconds: Histogram<'stage'>;
  private readonly batchRecords: Counter<'stage'>;
  private readonly rows: Counter<'table'>;
  private readonly retries: Counter<'stage' | 'reason'>;
  private readonly deadLetters: Counter<'stage' | 'reason'>;
  /** Epoch ms of the last durable write per stage; stages named at start count from start-up. */
  private readonly lastWrite = new Map<string, number>();
  private readonly now: () => number;

  constructor(readonly registry: Registry, opts: { stages?: readonly string[]; now?: () => number } = {}) {
    const now = opts.now ?? Date.now;
    const registers = [registry];
    this.batchSeconds = new Histogram({
      name: METRIC.batchSeconds,
      help: 'Seconds per batch (enricher, alerter) or flush (sink: until every step and the dead letters are written), by stage.',
      labelNames: ['stage'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.batchRecords = new Counter({ name: METRIC.batchRecords, help: 'Records in the finished batches, by stage.', labelNames: ['stage'], registers });
    this.rows = new Counter({ name: METRIC.rowsWritten, help: 'Rows written to a ClickHouse table (or records produced to a topic), by table.', labelNames: ['table'], registers });
    this.retries = new Counter({ name: METRIC.retries, help: 'Retries after a dependency failed, by stage and reason (short error class, e.g. clickhouse:241).', labelNames: ['stage', 'reason'], registers });
    this.deadLetters = new Counter({ name: METRIC.deadLetters, help: 'Records dead-lettered (once each), by stage and reason.', labelNames: ['stage', 'reason'], registers });
    const lastWrite = this.lastWrite;
    new Gauge({
      name: METRIC.lastWriteAge,
      help: 'Seconds since the stage last wrote something durably (since start-up if it has not yet): grows while a stage is stuck or idle.',
      labelNames: ['stage'],
      registers,
      collect() {
        const t = now();
        for (const [stage, at] of lastWrite) this.set({ stage }, Math.max(0, (t - at) / 1000));
      },
    });
    const started = now();
    for (const stage of opts.stages ?? []) this.lastWrite.set(stage, started);
    this.now = now;
  }

  batch(stage: string, seconds: number, records: number): void {
    this.batchSeconds.observe({ stage }, seconds);
    this.batchRecords.inc({ stage }, records);
  }

  rowsWritten(table: string, rows: number): void {
    this.rows.inc({ table }, rows);
  }

  retry(stage: string, reason: string): void {
    this.retries.inc({ stage, reason });
  }

  deadLetter(stage: string, reason: string, count = 1): void {
    this.deadLetters.inc({ stage, reason }, count);
  }

  wrote(stage: string): void {
    this.lastWrite.set(stage, this.now());
  }
}
