import { z } from 'zod';
import { canonicalEventSchema } from './canonical.ts';

/**
 * The OpenAPI 3.1 document of the ingestion API, generated from the same zod schema that validates
 * requests (so the two cannot drift). It is served at GET /openapi.json and checked in at
 * services/ingest/openapi.json; a unit test fails when the checked-in copy is stale
 * (regenerate: `npx tsx services/cli.ts ingest openapi > services/ingest/openapi.json`).
 */
export function openApiDocument(): Record<string, unknown> {
  const event = z.toJSONSchema(canonicalEventSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  delete (event as Record<string, unknown>).$schema;
  const error = {
    type: 'object',
    required: ['error', 'message'],
    properties: {
      error: { type: 'string' },
      message: { type: 'string' },
      issues: { type: 'array', items: { $ref: '#/components/schemas/FieldIssue' } },
      results: { type: 'array', items: { $ref: '#/components/schemas/EventResult' } },
      retry_after_seconds: { type: 'integer' },
    },
  };
  const json = (schema: unknown) => ({ 'application/json': { schema } });
  const errorResponse = (description: string) => ({
    description,
    content: json({ $ref: '#/components/schemas/Error' }),
  });
  const metaWebhook = {
    get: {
      summary: 'Meta webhook subscription verification',
      parameters: ['hub.mode', 'hub.verify_token', 'hub.challenge'].map((name) => ({
        name,
        in: 'query',
        required: true,
        schema: { type: 'string' },
      })),
      responses: {
        '200': { description: 'The challenge, echoed.', content: { 'text/plain': { schema: { type: 'string' } } } },
        '403': errorResponse('Token mismatch.'),
      },
    },
    post: {
      summary:
        'Meta notifications (Facebook Page feed comments and Messenger, Instagram comments and Direct, WhatsApp Business), signed with X-Hub-Signature-256',
      parameters: [{ name: 'X-Hub-Signature-256', in: 'header', required: true, schema: { type: 'string' } }],
      requestBody: { required: true, content: json({ type: 'object' }) },
      responses: {
        '200': {
          description:
            'Mapped events acknowledged by Kafka; unmapped parts (and events outside the bounds) listed as ignored with the reason.',
        },
        '401': errorResponse('Signature missing or wrong.'),
        '503': errorResponse('Kafka unavailable; Meta redelivers.'),
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'brandpulse ingestion API',
      version: '1.0.0',
      description:
        'Canonical conversation events and Meta webhooks in; Avro events in Kafka out. A 202 means Kafka acknowledged every event (acks=all).',
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'Per-brand API key; a key writes only its own brand.' },
      },
      schemas: {
        CanonicalEvent: event,
        FieldIssue: {
          type: 'object',
          required: ['index', 'path', 'message'],
          properties: { index: { type: 'integer' }, path: { type: 'string' }, message: { type: 'string' } },
        },
        EventResult: {
          type: 'object',
          required: ['index', 'status'],
          properties: {
            index: { type: 'integer' },
            status: { enum: ['accepted', 'invalid', 'not_published', 'not_acknowledged', 'forbidden'] },
            event_id: { type: 'string' },
          },
        },
        Accepted: {
          type: 'object',
          required: ['accepted', 'results'],
          properties: {
            accepted: { type: 'integer' },
            results: { type: 'array', items: { $ref: '#/components/schemas/EventResult' } },
          },
        },
        Error: error,
      },
    },
    paths: {
      '/v1/events': {
        post: {
          summary: 'Publish one event (JSON object) or a batch (JSON array or NDJSON)',
          security: [{ apiKey: [] }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  oneOf: [
                    { $ref: '#/components/schemas/CanonicalEvent' },
                    { type: 'array', items: { $ref: '#/components/schemas/CanonicalEvent' } },
                  ],
                },
              },
              'application/x-ndjson': {
                schema: { type: 'string', description: 'One CanonicalEvent JSON object per line.' },
              },
            },
          },
          responses: {
            '202': {
              description: 'Kafka acknowledged every event.',
              content: json({ $ref: '#/components/schemas/Accepted' }),
            },
            '400': errorResponse('Invalid events: every failing field is listed; nothing was published.'),
            '401': errorResponse('Missing or unknown API key.'),
            '403': errorResponse('An event names a brand other than the key’s; nothing was published.'),
            '413': errorResponse('Body or batch too large.'),
            '415': errorResponse('Content type is neither application/json nor application/x-ndjson.'),
            '503': errorResponse('Kafka unavailable or too much in flight; see Retry-After and the per-event results.'),
          },
        },
      },
      '/v1/authors/{platform}/{id}': {
        delete: {
          summary: 'Erase one author of the key’s brand everywhere, for good (GDPR art. 17; docs/security.md)',
          security: [{ apiKey: [] }],
          parameters: [
            {
              name: 'platform',
              in: 'path',
              required: true,
              schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' },
            },
            {
              name: 'id',
              in: 'path',
              required: true,
              description: 'The platform user id (raw, as in author_platform_id).',
              schema: { type: 'string', minLength: 1, maxLength: 256 },
            },
          ],
          responses: {
            '202': {
              description:
                'The erasure is durably recorded (the author’s keys deleted, the request on the erasure log); ClickHouse is blanked right after.',
              content: json({
                type: 'object',
                required: ['status', 'request_id'],
                properties: {
                  status: { const: 'recorded' },
                  request_id: { type: 'string' },
                  brand: { type: 'string' },
                  platform: { type: 'string' },
                  requested_at: { type: 'string', format: 'date-time' },
                },
              }),
            },
            '400': errorResponse('platform or id is malformed; the issues name the field.'),
            '401': errorResponse('Missing or unknown API key.'),
            '503': errorResponse(
              'Kafka unavailable: nothing or part of it recorded; retry (erasing twice is harmless).',
            ),
          },
        },
      },
      '/webhooks/meta': metaWebhook,
      // The same endpoint, for apps that give WhatsApp its own callback URL.
      '/webhooks/whatsapp': metaWebhook,
      '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'The process runs.' } } } },
      '/readyz': {
        get: {
          summary: 'Readiness: Kafka answers',
          responses: { '200': { description: 'Ready.' }, '503': { description: 'Kafka unreachable.' } },
        },
      },
      '/metrics': {
        get: { summary: 'Prometheus metrics', responses: { '200': { description: 'Text exposition format.' } } },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1.' } } } },
    },
  };
}
