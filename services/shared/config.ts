import { z } from 'zod';

/**
 * Configuration comes from the environment only, validated with zod. Every service composes
 * the shared sections below with its own, and a bad environment fails at start-up with one
 * message that lists every bad variable, not just the first.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Parses `env` with `shape`; throws ConfigError naming each bad variable and why. */
export function parseEnv<S extends z.ZodRawShape>(shape: S, env: Env = process.env): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return withPrefixedGroups(shape, env, result.data);
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const value = env[name];
    const shown =
      value === undefined ? 'unset' : `got ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
    return `${name}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(problems);
}

/**
 * A consumer group left at its default carries KAFKA_TOPIC_PREFIX, as the topics do: two deployments
 * (or test runs) sharing a cluster under different prefixes would otherwise join one group
 * (brandpulse-sink, ...) with different subscriptions, and each rebalance would hand one of them the
 * other's partitions or stall both. A group set explicitly is taken as given.
 */
function withPrefixedGroups<T>(shape: z.ZodRawShape, env: Env, data: T): T {
  const values = data as Record<string, unknown>;
  const prefix = values.KAFKA_TOPIC_PREFIX;
  if (typeof prefix !== 'string' || prefix === '') return data;
  for (const key of Object.keys(shape))
    if (key.endsWith('_GROUP_ID') && env[key] === undefined && typeof values[key] === 'string')
      values[key] = `${prefix}${values[key]}`;
  return data;
}

const port = z.coerce.number().int().min(1).max(65535);
const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean),
);

export const env = { port, logLevel, csv };

/** Shared by every service: logging, Kafka, ClickHouse. */
export const baseShape = {
  LOG_LEVEL: logLevel.default('info'),
  KAFKA_BROKERS: csv
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'each broker must be host:port')).min(1))
    .default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('brandpulse'),
  // A prefix for every topic name: lets tests and side-by-side environments share one cluster.
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-" only')
    .default(''),
  CLICKHOUSE_URL: z.url().default('http://127.0.0.1:8123'),
  CLICKHOUSE_USER: z.string().min(1).default('default'),
  CLICKHOUSE_PASSWORD: z.string().default('brandpulse'),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
    .default('brandpulse'),
  CLICKHOUSE_READONLY_USER: z.string().min(1).default('analyst'),
  CLICKHOUSE_READONLY_PASSWORD: z.string().default('analyst'),
} as const;

export type BaseConfig = z.infer<z.ZodObject<typeof baseShape>>;

export function loadBaseConfig(source: Env = process.env): BaseConfig {
  return parseEnv(baseShape, source);
}
