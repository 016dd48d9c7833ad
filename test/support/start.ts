import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { BaseConfig } from '../../services/shared/config.ts';

/** Running `npm start` and the services in tests: ports, environment, the processes of one run. */
export const ROOT = join(import.meta.dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Every port a service of `npm start` listens on, each free, so runs side by side never collide. */
export async function servicePorts(): Promise<
  Record<
    'INGEST_PORT' | 'ENRICHER_METRICS_PORT' | 'SINK_METRICS_PORT' | 'ALERTER_METRICS_PORT' | 'DASHBOARD_PORT',
    string
  >
> {
  return {
    INGEST_PORT: String(await freePort()),
    DASHBOARD_PORT: String(await freePort()),
    ENRICHER_METRICS_PORT: String(await freePort()),
    SINK_METRICS_PORT: String(await freePort()),
    ALERTER_METRICS_PORT: String(await freePort()),
  };
}

/**
 * The environment of a test `npm start`: the run's topics and database, no Docker, and a mark
 * (BRANDPULSE_TEST_MARK) every process it starts inherits, so the test can find them all.
 */
/** The stack's connection settings for a child service, round-the-clock brand hours, then `extra`. */
export function serviceEnv(config: BaseConfig, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
    KAFKA_TOPIC_PREFIX: config.KAFKA_TOPIC_PREFIX,
    CLICKHOUSE_URL: config.CLICKHOUSE_URL,
    CLICKHOUSE_USER: config.CLICKHOUSE_USER,
    CLICKHOUSE_PASSWORD: config.CLICKHOUSE_PASSWORD,
    CLICKHOUSE_DATABASE: config.CLICKHOUSE_DATABASE,
    CLICKHOUSE_READONLY_USER: config.CLICKHOUSE_READONLY_USER,
    CLICKHOUSE_READONLY_PASSWORD: config.CLICKHOUSE_READONLY_PASSWORD,
    // Round-the-clock brand hours: simulated replies (and so first-response numbers) exist at any time of day.
    BRANDS_FILE: join(ROOT, 'test/support/brands-always-open.yaml'),
    ...extra,
  };
}

export function startEnv(
  config: BaseConfig,
  extra: Record<string, string>,
): NodeJS.ProcessEnv & { BRANDPULSE_TEST_MARK: string } {
  return {
    ...serviceEnv(config, { BRANDPULSE_NO_DOCKER: '1', LOG_LEVEL: 'info' }),
    BRANDPULSE_TEST_MARK: randomBytes(8).toString('hex'),
    ...extra,
  };
}

export interface StartedProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/**
 * `npm start -- <args>` as a user runs it (`via: 'npm'`), or its supervisor alone
 * (`node --import tsx services/cli.ts start`). `detached` puts it in a process group of its own,
 * as a shell does with a foreground job, so the test can signal the group. `via: 'terminal'` runs
 * `npm start` on a terminal of its own (util-linux `script` allocates a pseudo-terminal and copies
 * it to our pipe): SIGKILL of `script` closes that terminal for real, the kernel sends SIGHUP to the
 * foreground job and every later write to the terminal fails.
 */
export function runStart(
  env: NodeJS.ProcessEnv,
  args: string[],
  options: { via?: 'npm' | 'node' | 'terminal'; detached?: boolean } = {},
): StartedProcess {
  const npmStart = ['npm', 'start', '--', ...args];
  if (options.via === 'terminal' && !npmStart.every((a) => /^[\w./:=-]+$/.test(a)))
    throw new Error(`runStart: arguments must not need shell quoting: ${args.join(' ')}`);
  const [command, argv] =
    options.via === 'terminal'
      ? ['script', ['--quiet', '--flush', '--return', '--command', npmStart.join(' '), '/dev/null']]
      : options.via === 'npm'
        ? ['npm', npmStart.slice(1)]
        : [process.execPath, ['--import', 'tsx', join(ROOT, 'services/cli.ts'), 'start', ...args]];
  const child = spawn(command, argv, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}

// One waiting helper for every tier (test/support/wait.ts); re-exported for the e2e tests that import it from here.
export { until } from './wait.ts';

export interface MarkedProcess {
  pid: number;
  ppid: number;
  command: string;
}

/** The live processes carrying this mark in their environment (Linux /proc; other users' are unreadable and skipped). */
export function markedProcesses(mark: string): MarkedProcess[] {
  const needle = `BRANDPULSE_TEST_MARK=${mark}\0`;
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!`${readFileSync(`/proc/${entry}/environ`, 'latin1')}\0`.includes(needle)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue; // exited, waiting to be reaped: holds no port, runs nothing
      found.push({
        pid: Number(entry),
        ppid: Number(fields[1]),
        command: readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0').join(' ').trim(),
      });
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return found;
}
