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
 * Counts rare events (dead letters, retries) so that the first one of each label set is seen.
 * Prometheus' increase() and rate() need two samples of a series: a counter that appears already at
 * 1 shows no increase at all, so the first dead letter of each reason after a start would never reach
 * a graph. A new label set is therefore exposed at 0 for one scrape, and its count is added right
 * after that scrape (a delay of one scrape interval, for the first occurrence only).
 */
class RareEventCounter<L extends string> {
  private readonly counter: Counter<L>;
  /** Label sets waiting for their first scrape at 0, with the count to add after it. */
  private readonly pending = new Map<string, { labels: Partial<Record<L, string>>; count: number; shown: boolean }>();
  private readonly known = new Set<string>();

  constructor(config: { name: string; help: string; labelNames: readonly L[]; registers: Registry[] }) {
    const pending = this.pending;
    this.counter = new Counter({
      ...config,
      collect() {
        for (const [key, p] of pending) {
          if (!p.shown)
            p.shown = true; // this scrape shows the 0
          else {
            this.inc(p.labels, p.count);
            pending.delete(key);
          }
        }
      },
    });
  }

  inc(labels: Partial<Record<L, string>>, count = 1): void {
    const key = JSON.stringify(labels);
    const waiting = this.pending.get(key);
    if (waiting) waiting.count += count;
    else if (this.known.has(key)) this.counter.inc(labels, count);
    else {
      this.known.add(key);
      this.counter.inc(labels, 0);
      this.pending.set(key, { labels, count, shown: false });
    }
  }
}

/**
 * The prom-client side of PipelineObserver: the processors report through the interface and never
 * see prom-client. The age of the last successful write is computed when Prometheus scrapes, so it
 * keeps growing while a stage is stuck (a counter would just stop moving).
 */
export class PipelineMetrics implements PipelineObserver {
  private readonly batchSeconds: Histogram<'stage'>;
  private readonly batchRecords: Counter<'stage'>;
  private readonly rows: Counter<'table'>;
  private readonly retries: RareEventCounter<'stage' | 'reason'>;
  private readonly deadLetters: RareEventCounter<'stage' | 'reason'>;
  /** Epoch ms of the last durable write per stage; stages named at start count from start-up. */
  private readonly lastWrite = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    readonly registry: Registry,
    opts: { stages?: readonly string[]; now?: () => number } = {},
  ) {
    const now = opts.now ?? Date.now;
    const registers = [registry];
    this.batchSeconds = new Histogram({
      name: METRIC.batchSeconds,
      help: 'Seconds per batch (enricher, alerter) or flush (sink: until every step and the dead letters are written), by stage.',
      labelNames: ['stage'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.batchRecords = new Counter({
      name: METRIC.batchRecords,
      help: 'Records in the finished batches, by stage.',
      labelNames: ['stage'],
      registers,
    });
    this.rows = new Counter({
      name: METRIC.rowsWritten,
      help: 'Rows written to a ClickHouse table (or records produced to a topic), by table.',
      labelNames: ['table'],
      registers,
    });
    this.retries = new RareEventCounter({
      name: METRIC.retries,
      help: 'Retries after a dependency failed, by stage and reason (short error class, e.g. clickhouse:241).',
      labelNames: ['stage', 'reason'],
      registers,
    });
    this.deadLetters = new RareEventCounter({
      name: METRIC.deadLetters,
      help: 'Records dead-lettered (once each), by stage and reason.',
      labelNames: ['stage', 'reason'],
      registers,
    });
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
