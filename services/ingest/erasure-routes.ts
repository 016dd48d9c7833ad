import type { FastifyInstance } from 'fastify';
import type { ApiKeys } from './auth.ts';
import { sendError } from './responses.ts';
import type { ErasureInput, ErasureRecord } from '../shared/erasure-log.ts';

export interface ErasureRoutesOptions {
  apiKeys: ApiKeys;
  /** Records the erasure durably (key topic, then erasure log); absent = erasure not configured (503). */
  erase?: (input: ErasureInput) => Promise<ErasureRecord>;
  retryAfterSeconds: number;
}

const PLATFORM = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * DELETE /v1/authors/{platform}/{id}: erase one author of the key's brand (GDPR art. 17). The brand
 * is the API key's: a key can only ever erase its own brand's authors (the same person writing to
 * another brand is another author there). 202 once the erasure is durably recorded (every key of the
 * author tombstoned and the request on the erasure log, acks=all); the sink then blanks ClickHouse.
 */
export function registerErasureRoutes(app: FastifyInstance, opts: ErasureRoutesOptions): void {
  app.delete<{ Params: { platform: string; id: string } }>('/v1/authors/:platform/:id', {
    onRequest: async (request, reply) => {
      const auth = opts.apiKeys.authenticate(request.headers.authorization);
      if (!auth.ok) {
        reply.header('www-authenticate', 'Bearer realm="brandpulse-ingest"');
        return sendError(reply, auth.status, 'unauthorized', auth.message);
      }
      request.brand = auth.brand;
    },
    handler: async (request, reply) => {
      const { platform, id } = request.params;
      const issues = [
        ...(PLATFORM.test(platform)
          ? []
          : [{ path: 'platform', message: 'must be lower-case letters, digits or "_" (e.g. instagram), at most 64' }]),
        ...(id.trim() !== '' && id.length <= 256
          ? []
          : [{ path: 'id', message: 'must be the platform user id, 1 to 256 characters' }]),
      ];
      if (issues.length > 0)
        return sendError(reply, 400, 'invalid_author', issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
          issues,
        });
      if (!opts.erase) return sendError(reply, 503, 'erasure_unavailable', 'erasure is not configured on this ingest');
      try {
        const r = await opts.erase({
          brand: request.brand!,
          platform,
          platformUserId: id,
          requestedBy: `api-key:${request.brand!}`,
        });
        return reply.code(202).send({
          status: 'recorded',
          request_id: r.request_id,
          brand: r.brand,
          platform: r.platform,
          requested_at: new Date(r.requested_at).toISOString(),
        });
      } catch (err) {
        request.log.error({ err: (err as Error).message }, 'erasure not recorded');
        reply.header('retry-after', String(opts.retryAfterSeconds));
        return sendError(
          reply,
          503,
          'kafka_unavailable',
          `the erasure could not be recorded (${(err as Error).message}); retry: erasing twice is harmless`,
        );
      }
    },
  });
}
