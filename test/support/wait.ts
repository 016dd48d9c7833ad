/**
 * Waiting in tests: for a condition, with a deadline, never for a fixed time. A fixed sleep is
 * either too short on a busy 2-core runner (a flaky failure) or longer than needed everywhere
 * else, and it decides nothing: the assertion after it is what must hold. Plain code rather than
 * vitest's vi.waitFor, because the chaos runner (test/chaos/run.ts) waits outside vitest too.
 * Time-dependent units use vitest's fake timers instead (vi.useFakeTimers).
 */
import { setImmediate } from 'node:timers';

/**
 * Polls `probe` until `done` accepts its value, and returns that value. A probe that throws counts
 * as "not yet" (a service still starting, ClickHouse restarting). On the deadline it fails naming
 * what it waited for and the last value or error it saw.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    try {
      const value = await probe();
      if (done(value)) return value;
      last = `last value ${JSON.stringify(value)}`;
    } catch (err) {
      last = `last error ${(err as Error).message}`;
    }
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}; ${last}`);
    await new Promise((r) => setTimeout(r, Math.min(everyMs, Math.max(0, deadline - Date.now()))));
  }
}

/** Waits until `check` is true; resolves with the time (ms) it first was. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<number> {
  await waitFor(what, check, (ok) => ok, timeoutMs, everyMs);
  return Date.now();
}

/**
 * One turn of the event loop: every promise callback already queued has run when this resolves.
 * For asserting that something has NOT happened (yet) without waiting a fixed time for it. Node's
 * own setImmediate (node:timers), which vitest's fake timers leave alone, so this works under them.
 */
export const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
