import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { Logger } from './logger.ts';
import { withTimeout } from './consumer-lag.ts';
import type { ReadinessCheck } from './readiness.ts';

/** `<PREFIX>_METRICS_PORT`, 0 = any free port (logged). One per service, so they can share a host. */
export const metricsPort = (port: number) => z.coerce.number().int().min(0).max(65535).default(port);
/** Where the processors' /metrics /healthz /readyz listen; compose sets 0.0.0.0 for Prometheus. */
export const metricsHostShape = { METRICS_HOST: z.string().min(1).default('127.0.0.1') } as const;

export interface HealthServer {
  /** The port it listens on (the chosen one when configured with 0). */
  port: number;
  close: () => Promise<void>;
}

export interface HealthServerOptions {
  host: string;
  port: number;
  registry: Registry;
  /** /readyz answers 200 when every check resolves, 503 naming the failing ones otherwise. */
  checks: Record<string, ReadinessCheck>;
  logger: Logger;
  checkTimeoutMs?: number;
}

/** The HTTP side: /healthz (the process answers), /readyz (it can do its work), /metrics (Prometheus). */
export function buildHealthApp(o: Omit<HealthServerOptions, 'host' | 'port'>): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const names = Object.keys(o.checks);
    const results = await Promise.allSettled(
      names.map((n) => withTimeout(Promise.resolve().then(o.checks[n]), o.checkTimeoutMs ?? 2_000, n)),
    );
    const checks = Object.fromEntries(
      names.map((n, i) => {
        const r = results[i]!;
        return [n, r.status === 'fulfilled' ? 'ok' : String((r.reason as Error)?.message ?? r.reason)];
      }),
    );
    const ready = results.every((r) => r.status === 'fulfilled');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
  app.get('/metrics', async (_request, reply) => reply.type(o.registry.contentType).send(await o.registry.metrics()));
  return app;
}

/**
 * Starts the health server. A port already taken is logged as an error and the service runs on
 * without it: the records must keep flowing even when a second copy of a processor shares the host
 * (scale-out, a chaos run) and the first one holds the port.
 */
export async function startHealthServer(o: HealthServerOptions): Promise<HealthServer | null> {
  const app = buildHealthApp(o);
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    o.logger.error({ host: o.host, port: o.port }, 'metrics port in use: running without /metrics /healthz /readyz');
    await app.close();
    return null;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  o.logger.info(
    { url: `http://${o.host}:${port}`, paths: ['/metrics', '/healthz', '/readyz'] },
    'health server listening',
  );
  return { port, close: () => app.close() };
}
