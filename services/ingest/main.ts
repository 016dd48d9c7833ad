import { createLogger } from '../shared/logger.ts';
import { loadIngestConfig } from './config.ts';
import { openApiDocument } from './openapi.ts';
import { createIngestService } from './service.ts';

/**
 * `brandpulse ingest`            run the ingestion API (config from the environment, see config.ts);
 * `brandpulse ingest openapi`    print the OpenAPI document (the checked-in services/ingest/openapi.json).
 */
export async function run(argv: string[]): Promise<void> {
  if (argv[0] === 'openapi') {
    process.stdout.write(`${JSON.stringify(openApiDocument(), null, 2)}\n`);
    return;
  }
  const config = loadIngestConfig();
  const logger = createLogger('ingest', config.LOG_LEVEL);
  const service = createIngestService(config, logger, { defaultMetrics: true });
  const address = await service.app.listen({ host: config.INGEST_HOST, port: config.INGEST_PORT });
  logger.info({ address }, 'ingest listening');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: draining requests in flight');
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
