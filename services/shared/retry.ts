import { ClickHouseError } from '@clickhouse/client';

/**
 * Retriable or not, kafkajs style. Dependency outages (connection refused/reset, timeouts, 5xx,
 * a server that is restarting) are retriable: back off and try again, forever. Errors that a retry
 * cannot fix (unknown table: migrations not applied; syntax; type mismatch; access denied) are not:
 * the process stops with the cause rather than spinning.
 */
const NON_RETRIABLE_CLICKHOUSE_CODES = new Set([
  '16', // NO_SUCH_COLUMN_IN_TABLE
  '27', '26', '6', '72', // CANNOT_PARSE_*
  '47', // UNKNOWN_IDENTIFIER
  '53', // TYPE_MISMATCH
  '60', // UNKNOWN_TABLE
  '62', // SYNTAX_ERROR
  '81', // UNKNOWN_DATABASE
  '117', // INCORRECT_DATA
  '164', // READONLY
  '192', '193', '497', '516', // UNKNOWN_USER WRONG_PASSWORD ACCESS_DENIED AUTHENTICATION_FAILED
]);

export function isRetriable(err: unknown): boolean {
  if (err && typeof err === 'object') {
    const e = err as { retriable?: unknown; code?: unknown };
    if (typeof e.retriable === 'boolean') return e.retriable;
    if (err instanceof ClickHouseError) return !NON_RETRIABLE_CLICKHOUSE_CODES.has(String(err.code));
  }
  // Network errors (ECONNREFUSED, ECONNRESET, socket hang up, timeouts) and anything unknown:
  // assume the dependency is having a bad moment.
  return true;
}

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** Called before each wait, with the attempt number (1 = first retry). */
  onRetry?: (err: unknown, attempt: number, waitMs: number) => void;
  /** Stops retrying (throws the last error) when it returns true. */
  stopped?: () => boolean;
}

/** Exponential backoff with full jitter: wait = random(0, min(max, initial * 2^attempt)). */
export function backoffDelay(attempt: number, initialMs = 200, maxMs = 10_000, random = Math.random): number {
  const cap = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 20));
  return Math.max(initialMs / 2, Math.round(random() * cap));
}

/** Runs `fn` until it succeeds; retriable errors wait and retry, others are thrown at once. */
export async function withRetry<T>(fn: () => Promise<T>, options: BackoffOptions = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetriable(err) || options.stopped?.()) throw err;
      const wait = backoffDelay(attempt, options.initialMs, options.maxMs);
      options.onRetry?.(err, attempt, wait);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
