import { classify, errorReason, isRetriable } from './errors.ts';

export { isRetriable };

/**
 * The one retry helper: capped exponential backoff with full jitter that honours a dependency's
 * Retry-After. Only `dependency` errors (services/shared/errors.ts) are retried; data and fatal
 * errors are thrown at once, so a TypeError can never loop a partition.
 */
export interface RetryOptions {
  /** First wait's ceiling (ms); default 200. */
  initialMs?: number;
  /** Longest wait (ms), Retry-After included; default 10 s. */
  maxMs?: number;
  /** Attempts in all, the first included; default unlimited (a consumer waits for its dependency). */
  maxAttempts?: number;
  /** Give up (throw the last error) when the next wait would end later than this many ms after the start. */
  maxElapsedMs?: number;
  /** Called before each wait, with the attempt number (1 = first retry) and a short reason. */
  onRetry?: (err: unknown, attempt: number, waitMs: number, reason: string) => void;
  /** Stops retrying (throws the last error) when it returns true, e.g. while the service stops. */
  stopped?: () => boolean;
  /** Which errors to retry; default: classify(err) === 'dependency'. */
  retriable?: (err: unknown) => boolean;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** wait = random(0, min(max, initial * 2^attempt)), at least initial/2; a Retry-After wins when longer, capped at max. */
export function backoffDelay(
  attempt: number,
  initialMs = 200,
  maxMs = 10_000,
  random: () => number = Math.random,
  retryAfterMs?: number,
): number {
  const cap = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 20));
  const jittered = Math.max(initialMs / 2, Math.round(random() * cap));
  return retryAfterMs !== undefined && retryAfterMs > 0 ? Math.min(maxMs, Math.max(jittered, retryAfterMs)) : jittered;
}

/** Retry-After as an HTTP header gives it: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `fn` until it succeeds or an error may not be retried (or attempts/time/stop run out). */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const started = Date.now();
  const retriable = options.retriable ?? isRetriable;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!retriable(err) || options.stopped?.()) throw err;
      if (options.maxAttempts !== undefined && attempt >= options.maxAttempts) throw err;
      const retryAfter = (err as { retryAfterMs?: unknown }).retryAfterMs;
      const wait = backoffDelay(
        attempt,
        options.initialMs,
        options.maxMs,
        options.random,
        typeof retryAfter === 'number' ? retryAfter : undefined,
      );
      if (options.maxElapsedMs !== undefined && Date.now() - started + wait > options.maxElapsedMs) throw err;
      options.onRetry?.(err, attempt, wait, errorReason(err));
      await sleep(wait);
    }
  }
}

export { classify };
