import type { FastifyInstance } from 'fastify';
import type { ApiKeys } from './auth.ts';
import { mediaTypeOf, splitBody } from './body.ts';
import type { TimeWindow } from '../shared/limits.ts';
import { validateEvent, type CanonicalEvent, type FieldIssue } from './canonical.ts';
import type { Intake } from './intake.ts';
import type { IngestMetrics } from './metrics.ts';
import { sendError, sendInvalid, sendOutcome } from './responses.ts';

export interface EventRoutesOptions {
  intake: Intake;
  /** The event-time window (INGEST_MAX_FUTURE_SKEW_MS). */
  timeWindow: TimeWindow;
  apiKeys: ApiKeys;
  metrics: IngestMetrics;
  maxBatchEvents: number;
  retryAfterSeconds: number;
}

/**
 * POST /v1/events: one canonical event (JSON object), or a batch (JSON array, or NDJSON).
 * Order of checks: auth (401) → media type (415) → size (413) → syntax and fields (400) →
 * brand of every event vs the key's brand (403) → batch length (413) → Kafka (202 or 503).
 * A batch is all-or-nothing at validation: if any event is invalid, none is published and the
 * answer lists every failing field of every event. That keeps "which events are in Kafka?" simple
 * for the client: all of them (202), none of them (4xx, 503 overloaded), or "unknown, retry" (503).
 */
export function registerEventRoutes(app: FastifyInstance, opts: EventRoutesOptions): void {
  const { intake, apiKeys, metrics } = opts;
  app.post('/v1/events', {
    onRequest: async (request, reply) => {
      const auth = apiKeys.authenticate(request.headers.authorization);
      if (!auth.ok) {
        reply.header('www-authenticate', 'Bearer realm="brandpulse-ingest"');
        return sendError(reply, auth.status, 'unauthorized', auth.message);
      }
      request.brand = auth.brand;
    },
    handler: async (request, reply) => {
      const mediaType = mediaTypeOf(request.headers['content-type']);
      const raw = request.body as Buffer;
      if (!mediaType || !Buffer.isBuffer(raw)) {
        return sendError(
          reply,
          415,
          'unsupported_media_type',
          'send application/json (one event or an array) or application/x-ndjson',
        );
      }
      const split = splitBody(raw, mediaType);
      if (!split.ok) {
        metrics.events.inc({ source: 'api', outcome: 'invalid' });
        return sendInvalid(reply, Math.max(1, ...split.issues.map((i) => i.index + 1)), split.issues);
      }
      const { items } = split;
      if (items.length === 0) return sendError(reply, 400, 'empty_batch', 'the batch has no events');
      if (items.length > opts.maxBatchEvents) {
        return sendError(
          reply,
          413,
          'batch_too_large',
          `a batch holds at most ${opts.maxBatchEvents} events, got ${items.length}: split it`,
        );
      }
      const events: CanonicalEvent[] = [];
      const issues: FieldIssue[] = [];
      items.forEach((item, index) => {
        const v = validateEvent(item, index, opts.timeWindow);
        if (v.ok) events.push(v.event);
        else issues.push(...v.issues);
      });
      if (issues.length > 0) {
        metrics.events.inc({ source: 'api', outcome: 'invalid' }, items.length);
        return sendInvalid(reply, items.length, issues);
      }
      const foreign = events.flatMap((e, index) => (e.brand === request.brand ? [] : [index]));
      if (foreign.length > 0) {
        metrics.events.inc({ source: 'api', outcome: 'forbidden' }, items.length);
        return sendError(
          reply,
          403,
          'forbidden_brand',
          `this API key writes only brand "${request.brand}"; nothing was published`,
          {
            issues: foreign.map((index) => ({
              index,
              path: 'brand',
              message: `brand "${events[index]!.brand}" is not "${request.brand}"`,
            })),
            results: events.map((_, index) => ({
              index,
              status: foreign.includes(index) ? 'forbidden' : 'not_published',
            })),
          },
        );
      }
      const outcome = await intake.accept(events, 'api', raw.length);
      return sendOutcome(reply, outcome, events.length, opts.retryAfterSeconds);
    },
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    brand?: string;
  }
}
