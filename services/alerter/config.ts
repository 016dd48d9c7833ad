import { z } from 'zod';
import { baseShape, env } from '../shared/config.ts';
import { metricsHostShape, metricsPort } from '../shared/health-server.ts';
import { DEFAULT_PARAMS, type DetectorParams } from './params.ts';

const ms = z.coerce.number().int().min(0);

export const alerterShape = {
  ...baseShape,
  ALERTER_GROUP_ID: z.string().min(1).default('brandpulse-alerter'),
  /** Comma-separated `url` or `format=url` (json|slack). Empty: no webhooks. */
  ALERT_WEBHOOK_URLS: env.csv.default([]),
  ALERT_WEBHOOK_SECRET: z.string().default(''),
  ALERT_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  /** Alerts detected longer ago than this (replays of history) are stored but not sent. */
  ALERT_MAX_AGE_MS: ms.default(15 * 60_000),
  ALERTER_SNAPSHOT_INTERVAL_MS: ms.default(30_000),
  ALERTER_IDLE_MS: ms.min(1).default(10_000),
  ALERT_MIN_NEGATIVES: z.coerce.number().int().min(1).default(DEFAULT_PARAMS.minNegatives),
  ALERT_COOLDOWN_MS: ms.default(DEFAULT_PARAMS.cooldownMs),
  ALERT_WARMUP_HOURS: z.coerce.number().int().min(0).default(DEFAULT_PARAMS.warmupHours),
  /** /metrics /healthz /readyz (0 = any free port, logged). */
  ALERTER_METRICS_PORT: metricsPort(9466),
  ...metricsHostShape,
} as const;

export type AlerterConfig = z.infer<z.ZodObject<typeof alerterShape>>;

export function detectorParams(c: AlerterConfig): DetectorParams {
  return {
    ...DEFAULT_PARAMS,
    minNegatives: c.ALERT_MIN_NEGATIVES,
    cooldownMs: c.ALERT_COOLDOWN_MS,
    warmupHours: c.ALERT_WARMUP_HOURS,
  };
}
