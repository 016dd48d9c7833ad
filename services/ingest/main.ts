import { stopOnSignals } from '../shared/lifecycle.ts';
import { createLogger } from '../shared/logger.ts';
import { loadIngestConfig } from './config.ts';
import { openApiDocument } from './openapi.ts';
import { createIngestService } from './service.ts';
import { parseCommandLine, UsageError } from '../shared/usage.ts';

export const INGEST_USAGE = `usage: brandpulse ingest            run the ingestion API (canonical events, Meta webhooks)
       brandpulse ingest openapi    print its OpenAPI document
  Listens on INGEST_HOST:INGEST_PORT (default 127.0.0.1:8080): /v1/events, /healthz, /readyz, /metrics,
  /openapi.json. Configured by the environment: INGEST_*, KAFKA_*, PSEUDONYM_KEY (docs/ingest.md).`;

/**
 * `brandpulse ingest`            run the ingestion API (config from the environment, see config.ts);
 * `brandpulse ingest openapi`    print the OpenAPI document (the checked-in services/ingest/openapi.json).
 */
export async function run(argv: string[]): Promise<void> {
  const { positionals } = parseCommandLine(argv, INGEST_USAGE, {}, true);
  if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== 'openapi')) {
    throw new UsageError(`unexpected argument "${positionals.find((p) => p !== 'openapi') ?? positionals[1]}"`);
  }
  if (positionals[0] === 'openapi') {
    process.stdout.write(`${JSON.stringify(openApiDocument(), null, 2)}\n`);
    return;
  }
  const config = loadIngestConfig();
  const logger = createLogger('ingest', config.LOG_LEVEL);
  const service = createIngestService(config, logger, { defaultMetrics: true });
  const address = await service.app.listen({ host: config.INGEST_HOST, port: config.INGEST_PORT });
  logger.info({ address }, 'ingest listening');
  // Answers the requests in flight, then exits 0 (services/shared/lifecycle.ts: signals, parent gone, timeout).
  stopOnSignals(
    async (signal) => {
      logger.info({ signal }, 'stopping: draining requests in flight');
      await service.close();
    },
    { logger },
  );
}
