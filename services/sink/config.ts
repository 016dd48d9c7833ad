import { z } from 'zod';
import { baseShape, parseEnv } from '../shared/config.ts';
import { DEFAULT_CACHE_THREADS } from '../threads/projector.ts';

export const sinkShape = {
  ...baseShape,
  /** Rows per ClickHouse insert at most. */
  SINK_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  /** How long a partial batch may wait before it is written anyway (bounded freshness). */
  SINK_MAX_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  SINK_GROUP_ID: z.string().min(1).default('brandpulse-sink'),
  /** Threads whose stored state the sink keeps in memory (0 = read every thread from ClickHouse each batch). */
  SINK_CACHE_THREADS: z.coerce.number().int().min(0).max(10_000_000).default(DEFAULT_CACHE_THREADS),
} as const;

export type SinkConfig = z.infer<z.ZodObject<typeof sinkShape>>;

export function loadSinkConfig(env: Record<string, string | undefined> = process.env): SinkConfig {
  return parseEnv(sinkShape, env);
}
