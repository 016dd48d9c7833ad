import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseEnv } from '../../services/shared/config.ts';
import type { FaultKind } from './schedule.ts';

/**
 * `npm run chaos` settings, from the environment (validated like every service's config). The
 * defaults are the full run (~9-10 min on 2 cores); a short run, e.g.:
 *   CHAOS_EVENTS=6000 CHAOS_LOAD_SECONDS=60 CHAOS_SINK_KILLS=2 CHAOS_ENRICHER_KILLS=2 CHAOS_INGEST_KILLS=1 \
 *   CHAOS_BROKER_RESTARTS=1 CHAOS_CLICKHOUSE_DOWN_SECONDS=15 npm run chaos
 */
const count = (d: number) => z.coerce.number().int().min(0).max(1_000).default(d);
const port = (d: number) => z.coerce.number().int().min(1024).max(65_535).default(d);

export const chaosShape = {
  CHAOS_SEED: z.coerce.number().int().min(0).default(1),
  CHAOS_EVENTS: z.coerce.number().int().min(100).max(1_000_000).default(60_000),
  /**
   * 7 min: the 23 kills, 3 broker restarts and a 60 s ClickHouse outage then come every
   * ~9 s, a sink kill every ~34 s, a little longer than a killed consumer stays in its group
   * (kafkajs session timeout, 30 s), so each fault's recovery can still be seen.
   */
  CHAOS_LOAD_SECONDS: z.coerce.number().min(10).max(3_600).default(420),
  CHAOS_BATCH_EVENTS: z.coerce.number().int().min(1).max(1_000).default(50),
  CHAOS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  CHAOS_SINK_KILLS: count(10),
  CHAOS_ENRICHER_KILLS: count(10),
  CHAOS_INGEST_KILLS: count(3),
  CHAOS_BROKER_RESTARTS: count(3),
  CHAOS_CLICKHOUSE_OUTAGES: count(1),
  CHAOS_CLICKHOUSE_DOWN_SECONDS: z.coerce.number().min(1).max(600).default(60),
  CHAOS_API_POISON: count(8),
  CHAOS_KAFKA_POISON: count(8),
  /** How long the pipeline gets after the load to catch up before the table is made. */
  CHAOS_DRAIN_SECONDS: z.coerce.number().min(10).max(1_800).default(180),
  /** A partition blocked longer than this after its fault ended fails the run. */
  CHAOS_BLOCKED_LIMIT_SECONDS: z.coerce.number().min(1).default(60),
  CHAOS_KAFKA_PORT: port(29092),
  CHAOS_KAFKA_CONTROLLER_PORT: port(29093),
  CHAOS_CLICKHOUSE_PORT: port(28123),
  /** The run's own stack dir (inside the git-ignored .stack by default). */
  CHAOS_STACK_DIR: z.string().min(1).default('.stack/chaos'),
  /** 1: leave the chaos stack running afterwards (to look around); default: stop it. */
  CHAOS_KEEP_STACK: z.enum(['0', '1']).default('0'),
};

export type ChaosConfig = z.infer<z.ZodObject<typeof chaosShape>> & { stackDir: string };

export function loadChaosConfig(root: string, env: Record<string, string | undefined> = process.env): ChaosConfig {
  const c = parseEnv(chaosShape, env);
  return { ...c, stackDir: resolve(root, c.CHAOS_STACK_DIR) };
}

export function faultCounts(c: ChaosConfig): Record<FaultKind, number> {
  return {
    'kill-sink': c.CHAOS_SINK_KILLS,
    'kill-enricher': c.CHAOS_ENRICHER_KILLS,
    'kill-ingest': c.CHAOS_INGEST_KILLS,
    'restart-kafka': c.CHAOS_BROKER_RESTARTS,
    'clickhouse-outage': c.CHAOS_CLICKHOUSE_OUTAGES,
    'api-poison': c.CHAOS_API_POISON,
    'kafka-poison': c.CHAOS_KAFKA_POISON,
  };
}

export function logDirOf(c: ChaosConfig): string {
  return join(c.stackDir, 'logs');
}
