/**
 * What the stream processors report about their own work, for Prometheus (services/shared/metrics.ts
 * implements it with prom-client) and for tests. The processor cores call it; they never import
 * prom-client themselves, so unit tests drive them with `noObserver` or a recording observer.
 */
export interface PipelineObserver {
  /** A batch (enricher) or flush (sink) finished: how long it took and how many records it held. */
  batch(stage: string, seconds: number, records: number): void;
  /** Rows written to a ClickHouse table (or records produced to a topic) by a successful step. */
  rowsWritten(table: string, rows: number): void;
  /** A dependency failed and the work is retried; `reason` is a short error class (e.g. clickhouse:241). */
  retry(stage: string, reason: string): void;
  /** Records dead-lettered (once each), by stage and reason. */
  deadLetter(stage: string, reason: string, count?: number): void;
  /** The stage durably wrote something just now (feeds "age of the last successful write"). */
  wrote(stage: string): void;
}

export const noObserver: PipelineObserver = {
  batch: () => undefined,
  rowsWritten: () => undefined,
  retry: () => undefined,
  deadLetter: () => undefined,
  wrote: () => undefined,
};
