import { DependencyError } from '../shared/errors.ts';
import { withRetry } from '../shared/retry.ts';
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { BaseConfig } from '../shared/config.ts';
import type { Logger } from '../shared/logger.ts';

// Finding or starting Kafka and ClickHouse for `npm start` and the end-to-end benchmark.

/** Whether something accepts TCP connections on host:port. */
export function tcpOpen(hostPort: string, timeoutMs = 1_500): Promise<boolean> {
  const [host, port] = [
    hostPort.slice(0, hostPort.lastIndexOf(':')),
    Number(hostPort.slice(hostPort.lastIndexOf(':') + 1)),
  ];
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true)).once('error', () => done(false));
  });
}

export async function httpOk(url: string, timeoutMs = 1_500): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

export async function stackAnswers(config: BaseConfig): Promise<boolean> {
  const kafkaUp = (await Promise.all(config.KAFKA_BROKERS.map((b) => tcpOpen(b)))).some(Boolean);
  return kafkaUp && (await httpOk(new URL('/ping', config.CLICKHOUSE_URL).toString()));
}

/**
 * Uses Kafka and ClickHouse if they answer; otherwise `infra/local/stack.sh up` (idempotent). The
 * stack is shared (other runs and tests may be starting it right now and hold its lock), so a
 * failed start is retried while the components may still come up.
 */
export async function ensureStack(root: string, config: BaseConfig, logger: Logger, attempts = 6): Promise<void> {
  if (await stackAnswers(config)) {
    logger.info('Kafka and ClickHouse answer');
    return;
  }
  await withRetry(
    async (attempt) => {
      if (attempt > 1 && (await stackAnswers(config))) return;
      logger.info(
        { attempt },
        'starting the local stack (Kafka + ClickHouse engine); the first time downloads Kafka and chDB, a few minutes',
      );
      const r = spawnSync('bash', [join(root, 'infra/local/stack.sh'), 'up'], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: process.env,
      });
      if (r.status === 0 && (await stackAnswers(config))) return;
      throw new DependencyError(
        'the local stack did not start (see the messages above; it needs a JDK 17, Maven and python3: see docs/walkthrough.md)',
      );
    },
    { maxAttempts: attempts, initialMs: 5_000, maxMs: 10_000 },
  );
}
