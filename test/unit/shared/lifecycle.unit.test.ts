import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STOP_TIMEOUT_MS, stopTimeoutMs } from '../../../services/shared/lifecycle.ts';

/**
 * stopOnSignals in real processes (signals and IPC channels cannot be faked honestly): each case
 * starts test/unit/shared/lifecycle-child.ts and stops it one way.
 */
const CHILD = join(import.meta.dirname, 'lifecycle-child.ts');

function start(drain: 'ok' | 'fail' | 'hang' | 'exit' | 'late', ipc = false, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, LIFECYCLE_DRAIN: drain, ...env },
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const printed = (line: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = () =>
        out.split('\n').includes(line)
          ? resolve()
          : child.exitCode !== null
            ? reject(new Error(`exited before "${line}": ${out}`))
            : waiters.push(check);
      check();
    });
  return { child, exited, printed, lines: () => out.trim().split('\n'), stderr: () => err };
}

describe('stopOnSignals', { timeout: 20_000 }, () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('drains once on %s, then exits 0', async (signal) => {
    const p = start('ok');
    await p.printed('ready');
    p.child.kill(signal);
    expect(await p.exited).toBe(0);
    expect(p.lines()).toEqual(['ready', `drain 1 ${signal}`, 'drained']);
  });

  it('drains when the parent goes away (its IPC channel closes), then exits 0', async () => {
    const p = start('ok', true);
    await p.printed('ready');
    p.child.disconnect();
    expect(await p.exited).toBe(0);
    expect(p.lines()).toEqual([
      'ready',
      'info stop: the parent process is gone (its IPC channel closed)',
      'drain 1 parent exited',
      'drained',
    ]);
  });

  it('exits when the parent goes away while the service is still starting (before its drain is installed)', async () => {
    const p = start('late', true);
    await p.printed('ready');
    p.child.disconnect();
    expect(await p.exited).toBe(0);
    expect(p.lines()).toEqual(['ready']);
    expect(p.stderr()).toContain('the parent process is gone before the service started');
  });

  it('does not keep a process alive through its IPC channel once its work is done', async () => {
    const p = start('exit', true);
    expect(await p.exited).toBe(0);
    expect(p.lines()).toEqual(['ready', 'work done']);
    expect(p.child.connected).toBe(false);
  });

  it('exits 1 when the drain throws', async () => {
    const p = start('fail');
    await p.printed('ready');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(1);
    expect(p.lines()).toEqual(['ready', 'drain 1 SIGTERM', 'error stop: the drain failed']);
  });

  it('exits 1 when the drain outlasts its timeout', async () => {
    const p = start('hang');
    await p.printed('ready');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(1);
    expect(p.lines()).toEqual([
      'ready',
      'drain 1 SIGTERM',
      'error stop: the drain did not finish in time, exiting anyway',
    ]);
  });

  it('takes a signal repeated within the grace period as the same stop (npm forwarding a Ctrl-C the service also got)', async () => {
    const p = start('hang');
    await p.printed('ready');
    p.child.kill('SIGINT');
    await p.printed('drain 1 SIGINT');
    p.child.kill('SIGINT');
    // Not 130: the drain went on until its timeout.
    expect(await p.exited).toBe(1);
    expect(p.lines()).toEqual([
      'ready',
      'drain 1 SIGINT',
      'error stop: the drain did not finish in time, exiting anyway',
    ]);
  });

  it('exits at once with 128 + the signal number on a second signal while draining, having drained once', async () => {
    const p = start('hang', false, { LIFECYCLE_REPEAT_GRACE_MS: '0' });
    await p.printed('ready');
    p.child.kill('SIGTERM');
    await p.printed('drain 1 SIGTERM');
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(130);
    expect(p.lines()).toEqual(['ready', 'drain 1 SIGTERM', 'warn stop: second signal while draining, exiting now']);
  });
});

describe('stopTimeoutMs', () => {
  it('defaults to 20 s, reads BRANDPULSE_STOP_TIMEOUT_MS and refuses nonsense', () => {
    expect(stopTimeoutMs({})).toBe(DEFAULT_STOP_TIMEOUT_MS);
    expect(DEFAULT_STOP_TIMEOUT_MS).toBe(20_000);
    expect(stopTimeoutMs({ BRANDPULSE_STOP_TIMEOUT_MS: '5000' })).toBe(5000);
    expect(() => stopTimeoutMs({ BRANDPULSE_STOP_TIMEOUT_MS: '5s' })).toThrow(
      /BRANDPULSE_STOP_TIMEOUT_MS must be a positive integer/,
    );
    expect(() => stopTimeoutMs({ BRANDPULSE_STOP_TIMEOUT_MS: '0' })).toThrow(/positive integer/);
  });
});
