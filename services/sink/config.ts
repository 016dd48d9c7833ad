import { z } from 'zod';
import { baseShape, parseEnv } from '../shared/config.ts';
import { metricsHostShape, metricsPort } from '../shared/health-server.ts';
import { DEFAULT_CACHE_BYTES } from '../threads/projector.ts';

/**
 * Rows per ClickHouse insert at most. Under light traffic SINK_MAX_WAIT_MS cuts the batches (at
 * 4k events/s a 250 ms wait holds ~1k); the cap binds when the sink is behind, and there larger
 * inserts mean fewer parts for ClickHouse to write and merge and fewer thread recomputations (a
 * thread touched twice in one batch is computed once). bench:e2e, 100k events, same machine:
 * 5000 -> 6.7-7.4k events/s (3 runs; ClickHouse 6.5 CPU-s), 10000 -> 7.5k (1 run; 4.9),
 * 15000 -> 8.5-8.7k (3 runs; 3.7), 30000 -> 6.7k (1 run; 4.4: a flush that long stalls the fetches
 * behind it).
 */
export const DEFAULT_SINK_MAX_ROWS = 15_000;

/**
 * How long a record may wait for others to share its insert (bounded freshness): the broker holds
 * the sink's fetch this long unless 1 MiB of records is there (sink.ts FETCH_MIN_BYTES). Until
 * 2026-12-02 the batcher held each fetched batch this long instead, which kafkajs's fetch loop
 * turned into pure delay (nothing is fetched while a batch is in the handler). bench:e2e at half
 * the max load (~4.2k events/s, right after 100k events), with that batcher wait: 500 ms ->
 * freshness p99 1.6-2.0 s, 250 ms -> 1.1 s, with the same max throughput (the sink is behind there,
 * so SINK_MAX_ROWS cuts). The price: up to 4 inserts a second per table under light traffic.
 */
export const DEFAULT_SINK_MAX_WAIT_MS = 250;

export const sinkShape = {
  ...baseShape,
  /** Rows per ClickHouse insert at most (see DEFAULT_SINK_MAX_ROWS). */
  SINK_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_SINK_MAX_ROWS),
  /** How long the broker holds a fetch for more records (see DEFAULT_SINK_MAX_WAIT_MS). */
  SINK_MAX_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(DEFAULT_SINK_MAX_WAIT_MS),
  SINK_GROUP_ID: z.string().min(1).default('brandpulse-sink'),
  /**
   * MB of heap for the stored threads the sink remembers, shared by its two steps (message states,
   * thread events); sized by estimated bytes, least recently used threads go first. 0 = read every
   * thread from ClickHouse each batch.
   */
  SINK_CACHE_MB: z.coerce
    .number()
    .int()
    .min(0)
    .max(64_000)
    .default((2 * DEFAULT_CACHE_BYTES) / (1024 * 1024)),
  /** /metrics /healthz /readyz (0 = any free port, logged). */
  SINK_METRICS_PORT: metricsPort(9465),
  ...metricsHostShape,
} as const;

export type SinkConfig = z.infer<z.ZodObject<typeof sinkShape>>;

export function loadSinkConfig(env: Record<string, string | undefined> = process.env): SinkConfig {
  return parseEnv(sinkShape, env);
}
