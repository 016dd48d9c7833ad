import { z } from 'zod';
import { baseShape, parseEnv } from '../shared/config.ts';

export const sinkShape = {
  ...baseShape,
  /** Rows per ClickHouse insert at most. */
  SINK_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  /** How long a partial batch may wait before it is written anyway (bounded freshness). */
  SINK_MAX_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  SINK_GROUP_ID: z.string().min(1).default('brandpulse-sink'),
} as const;

export type SinkConfig = z.infer<z.ZodObject<typeof sinkShape>>;

export function loadSinkConfig(env: Record<string, string | undefined> = process.env): SinkConfig {
  return parseEnv(sinkShape, env);
}
