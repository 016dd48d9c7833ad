import { describe, expect, it } from 'vitest';
import { runConcurrently, type BatchContext, type BatchStep } from '../../../services/sink/steps.ts';
import { settled as afterQueuedCallbacks } from '../../support/wait.ts';

const ctx: BatchContext = { accepted: [], ranges: [] };

/** A step that records when it starts and ends, and finishes when the test says so. */
function step(name: string, log: string[], fail = false): BatchStep & { finish: () => void } {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    name,
    finish,
    async run() {
      log.push(`${name} start`);
      await done;
      log.push(`${name} end`);
      if (fail) throw new Error(`${name} failed`);
    },
  };
}

describe('runConcurrently (the steps of one batch)', () => {
  it('starts every step before any has finished', async () => {
    const log: string[] = [];
    const a = step('writer', log);
    const b = step('threads', log);
    const all = runConcurrently([a, b], ctx);
    await Promise.resolve();
    expect(log).toEqual(['writer start', 'threads start']);
    b.finish();
    a.finish();
    await all;
    expect(log).toEqual(['writer start', 'threads start', 'threads end', 'writer end']);
  });

  it('fails with the first failure only after every step settled, so a retry never overlaps a running step', async () => {
    const log: string[] = [];
    const a = step('writer', log, true);
    const b = step('threads', log);
    const all = runConcurrently([a, b], ctx);
    let settled = false;
    all.catch(() => undefined).finally(() => (settled = true));
    a.finish();
    await afterQueuedCallbacks();
    expect(log).toContain('writer end'); // the writer failed...
    expect(settled).toBe(false); // ...and threads still running keeps the batch from settling
    b.finish();
    await expect(all).rejects.toThrow('writer failed');
    expect(log.at(-1)).toBe('threads end');
  });
});
