import { BrandSettings } from '../domain/brand-settings.ts';
import { durationFlag } from '../domain/durations.ts';
import { createClickHouse } from '../shared/clickhouse.ts';
import { loadBaseConfig } from '../shared/config.ts';
import { stopOnSignals } from '../shared/lifecycle.ts';
import { createLogger } from '../shared/logger.ts';
import { parseCommandLine, UsageError } from '../shared/usage.ts';
import { buildDashboardApp } from './server.ts';

/**
 * `brandpulse dashboard [--port 8090] [--host 127.0.0.1] [--refresh 5s]`: the live brand-health page
 * (the Brand health and Community team panels, same SQL as Grafana) for machines without Grafana.
 * Reads ClickHouse as the read-only analyst; listens on loopback unless told otherwise.
 */
export const USAGE = `usage: brandpulse dashboard [--port 8090] [--host 127.0.0.1] [--refresh 5s]
  --port <n>        where to listen (default $DASHBOARD_PORT or 8090; 0 = any free port)
  --host <addr>     interface to listen on (default 127.0.0.1: this machine only)
  --refresh <dur>   how often the page refreshes its panels (default 5s, at least 1s)`;

export const DEFAULT_PORT = 8090;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommandLine(argv, USAGE, {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    refresh: { type: 'string', default: '5s' },
  });
  const rawPort = values.port ?? process.env.DASHBOARD_PORT ?? String(DEFAULT_PORT);
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535)
    throw new UsageError(`--port must be a port number 0-65535 (got "${rawPort}")`);
  const refreshS = durationFlag('refresh', values.refresh);
  if (!(refreshS >= 1)) throw new UsageError(`--refresh must be at least 1s (got "${values.refresh}")`);

  const config = loadBaseConfig();
  const logger = createLogger('dashboard', config.LOG_LEVEL);
  const settings = BrandSettings.load();
  const client = createClickHouse(config, { readonly: true });
  const app = buildDashboardApp({ client, settings, refreshMs: refreshS * 1000 });
  await app.listen({ host: values.host, port });
  const address = app.server.address();
  const url = `http://${values.host}:${typeof address === 'object' && address ? address.port : port}/`;
  logger.info(
    { url, database: config.CLICKHOUSE_DATABASE, user: config.CLICKHOUSE_READONLY_USER },
    'dashboard listening',
  );
  console.log(`brandpulse dashboard: ${url}`);

  // Ctrl-C, SIGTERM, the supervisor gone: stop listening (open requests finish), then close the client.
  stopOnSignals(
    async (signal) => {
      logger.info({ signal }, 'stopping: the page server finishes the requests it has');
      await app.close();
      await client.close();
      logger.info('dashboard stopped');
    },
    { logger },
  );
}
