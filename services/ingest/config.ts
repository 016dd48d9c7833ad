import { z } from 'zod';
import { baseShape, env, parseEnv } from '../shared/config.ts';
import { DEFAULT_MAX_FUTURE_SKEW_MS, MAX_FUTURE_SKEW_LIMIT_MS } from '../shared/limits.ts';

type Env = Record<string, string | undefined>;

/** `brand:key,brand:key` → key → brand. A brand may have several keys (rotation). */
const apiKeys = env.csv.pipe(
  z
    .array(
      z.string().regex(/^[A-Za-z0-9._-]+:\S{8,}$/, 'each entry must be brand:key with a key of at least 8 characters'),
    )
    .transform((entries) => new Map(entries.map((e) => [e.slice(e.indexOf(':') + 1), e.slice(0, e.indexOf(':'))]))),
);

/** `pageOrIgId:brand,...` → platform account id → brand. */
const metaAccounts = env.csv.pipe(
  z
    .array(z.string().regex(/^[0-9A-Za-z_]+:[A-Za-z0-9._-]+$/, 'each entry must be accountId:brand'))
    .transform((entries) => new Map(entries.map((e) => [e.slice(0, e.indexOf(':')), e.slice(e.indexOf(':') + 1)]))),
);

export const ingestShape = {
  ...baseShape,
  NODE_ENV: z.string().default('development'),
  INGEST_HOST: z.string().min(1).default('127.0.0.1'),
  INGEST_PORT: env.port.default(8080),
  INGEST_API_KEYS: apiKeys,
  INGEST_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  INGEST_MAX_BATCH_EVENTS: z.coerce.number().int().min(1).default(1000),
  // Events accepted but not yet acknowledged by Kafka, across all requests: the memory bound.
  INGEST_MAX_INFLIGHT_EVENTS: z.coerce.number().int().min(1).default(20_000),
  INGEST_MAX_INFLIGHT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  // How long a request waits for Kafka's acknowledgement before answering 503.
  INGEST_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  INGEST_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).default(5),
  // How far in the future an event time may be (sources' clock skew); the past ends at 2000-01-01.
  INGEST_MAX_FUTURE_SKEW_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_FUTURE_SKEW_LIMIT_MS, 'at most 30 days')
    .default(DEFAULT_MAX_FUTURE_SKEW_MS),
  // HMAC key for author pseudonyms: rotating it changes every author id, so keep it stable.
  PSEUDONYM_KEY: z.string().min(16, 'must be at least 16 characters'),
  META_APP_SECRET: z.string().min(1).optional(),
  META_VERIFY_TOKEN: z.string().min(1).optional(),
  META_ACCOUNTS: metaAccounts.default(new Map()),
};

export type IngestConfig = z.infer<z.ZodObject<typeof ingestShape>>;

const DEV_API_KEYS = 'acme:dev-key-acme,globex:dev-key-globex';
const DEV_PSEUDONYM_KEY = 'brandpulse-dev-pseudonym-key-not-secret';

/**
 * Development defaults (API keys, pseudonym key) exist only outside production: a production
 * deployment that forgets them must fail at start-up, not run with publicly known secrets.
 */
export function loadIngestConfig(source: Env = process.env): IngestConfig {
  const production = source.NODE_ENV === 'production';
  const withDefaults: Env = production
    ? source
    : { INGEST_API_KEYS: DEV_API_KEYS, PSEUDONYM_KEY: DEV_PSEUDONYM_KEY, ...source };
  return parseEnv(ingestShape, withDefaults);
}
