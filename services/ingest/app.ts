import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { DEFAULT_TIME_WINDOW, type TimeWindow } from '../shared/limits.ts';
import type { Logger } from '../shared/logger.ts';
import type { ApiKeys } from './auth.ts';
import type { Intake } from './intake.ts';
import type { IngestMetrics } from './metrics.ts';
import { registerMetaRoutes } from './meta/routes.ts';
import { openApiDocument } from './openapi.ts';
import type { EventPublisher } from './publisher.ts';
import { sendError } from './responses.ts';
import { registerEventRoutes } from './routes.ts';
import { registerErasureRoutes } from './erasure-routes.ts';
import type { ErasureInput, ErasureRecord } from '../shared/erasure-log.ts';
import { closeUnusedConnectionsOnStop } from './shutdown.ts';

export interface AppDeps {
  intake: Intake;
  publisher: EventPublisher;
  apiKeys: ApiKeys;
  metrics: IngestMetrics;
  logger?: Logger;
  maxBodyBytes: number;
  maxBatchEvents: number;
  retryAfterSeconds: number;
  /** The event-time window: INGEST_MAX_FUTURE_SKEW_MS, and a clock for tests. */
  timeWindow?: TimeWindow;
  meta: { appSecret?: string | undefined; verifyToken?: string | undefined; accounts: ReadonlyMap<string, string> };
  /** DELETE /v1/authors/{platform}/{id} (absent: answered 503). */
  erase?: (input: ErasureInput) => Promise<ErasureRecord>;
}

/** The HTTP surface; everything it needs is passed in, so tests build it around a memory publisher. */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger | undefined,
    // One log line per request would swamp the logs at thousands of requests/s; /metrics counts them.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.maxBodyBytes,
  });

  // Bodies stay raw bytes: the webhook signature is computed over the exact bytes received, and
  // the canonical endpoint reports JSON syntax errors in its own format. Other types get 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/x-ndjson', 'application/ndjson'],
    { parseAs: 'buffer' },
    (_req, body, done) => done(null, body),
  );

  app.setErrorHandler((err: FastifyError, _request, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return sendError(reply, 413, 'body_too_large', `the body is over ${deps.maxBodyBytes} bytes: split the batch`);
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(
        reply,
        415,
        'unsupported_media_type',
        'send application/json (one event or an array) or application/x-ndjson',
      );
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
      return sendError(reply, err.statusCode, 'bad_request', err.message);
    deps.logger?.error({ err }, 'unhandled error');
    return sendError(reply, 500, 'internal', 'internal error');
  });
  // Stop promptly: spare connections that never sent a request must not hold the stop (see shutdown.ts).
  const closeUnused = closeUnusedConnectionsOnStop(app.server);
  app.addHook('preClose', (done) => {
    closeUnused();
    done();
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `no route ${request.method} ${request.url}`),
  );

  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.requests.inc({ route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });

  const timeWindow = deps.timeWindow ?? DEFAULT_TIME_WINDOW;
  registerEventRoutes(app, {
    intake: deps.intake,
    timeWindow,
    apiKeys: deps.apiKeys,
    metrics: deps.metrics,
    maxBatchEvents: deps.maxBatchEvents,
    retryAfterSeconds: deps.retryAfterSeconds,
  });
  registerErasureRoutes(app, {
    apiKeys: deps.apiKeys,
    retryAfterSeconds: deps.retryAfterSeconds,
    ...(deps.erase ? { erase: deps.erase } : {}),
  });
  registerMetaRoutes(app, { intake: deps.intake, timeWindow, retryAfterSeconds: deps.retryAfterSeconds, ...deps.meta });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await deps.publisher.ready();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'kafka_unreachable' });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
  const document = openApiDocument();
  app.get('/openapi.json', async () => document);
  return app;
}
