import { ClickHouseError } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { DependencyError } from '../../../services/shared/errors.ts';
import { backoffDelay, parseRetryAfter, withRetry } from '../../../services/shared/retry.ts';

/** A sleep that records the waits instead of waiting. */
function recorder() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('withRetry: the one retry helper', () => {
  it('retries dependency errors with capped, jittered exponential backoff until success', async () => {
    const r = recorder();
    let calls = 0;
    const out = await withRetry(
      async () => {
        calls++;
        if (calls < 5) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return 'ok';
      },
      { sleep: r.sleep, random: () => 1, initialMs: 100, maxMs: 500 },
    );
    expect(out).toBe('ok');
    expect(calls).toBe(5);
    expect(r.waits).toEqual([200, 400, 500, 500]);
  });

  it('honours Retry-After, capped at the longest wait', async () => {
    const r = recorder();
    let calls = 0;
    await withRetry(
      async () => {
        if (calls++ < 2) throw new DependencyError('503', { retryAfterMs: calls === 1 ? 3_000 : 60_000 });
      },
      { sleep: r.sleep, random: () => 0, initialMs: 100, maxMs: 10_000 },
    );
    expect(r.waits).toEqual([3_000, 10_000]);
  });

  it('throws programmer and data errors at once, without a wait', async () => {
    for (const err of [
      new TypeError('boom'),
      new ClickHouseError({ message: 'parse', code: '27', type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED' }),
    ]) {
      const r = recorder();
      let calls = 0;
      await expect(
        withRetry(
          async () => {
            calls++;
            throw err;
          },
          { sleep: r.sleep },
        ),
      ).rejects.toBe(err);
      expect([calls, r.waits.length]).toEqual([1, 0]);
    }
  });

  it('gives up after maxAttempts, after maxElapsedMs, or when stopped', async () => {
    const failing = async () => {
      throw new DependencyError('down');
    };
    const a = recorder();
    let attempts = 0;
    await expect(
      withRetry(
        async () => {
          attempts++;
          await failing();
        },
        { sleep: a.sleep, maxAttempts: 3 },
      ),
    ).rejects.toThrow('down');
    expect(attempts).toBe(3);
    await expect(
      withRetry(failing, { sleep: recorder().sleep, random: () => 1, initialMs: 1000, maxElapsedMs: 500 }),
    ).rejects.toThrow('down');
    let stop = false;
    const s = recorder();
    await expect(
      withRetry(
        async () => {
          stop = true;
          await failing();
        },
        { sleep: s.sleep, stopped: () => stop },
      ),
    ).rejects.toThrow('down');
    expect(s.waits).toEqual([]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter(new Date(now + 7000).toUTCString(), now)).toBe(7000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('keeps the backoff within [initial/2, max]', () => {
    expect(backoffDelay(1, 200, 10_000, () => 0)).toBe(100);
    expect(backoffDelay(30, 200, 10_000, () => 1)).toBe(10_000);
    expect(backoffDelay(1, 200, 10_000, () => 0, 4000)).toBe(4000);
  });
});
