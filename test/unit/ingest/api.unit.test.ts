import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { payloadOf } from '../../../services/shared/events.ts';
import { openApiDocument } from '../../../services/ingest/openapi.ts';
import { ACME, harness, posted } from './harness.ts';

const json = { ...ACME, 'content-type': 'application/json' };
const ndjson = { ...ACME, 'content-type': 'application/x-ndjson' };
type H = ReturnType<typeof harness>;
let current: H | undefined;
const make = (opts?: Parameters<typeof harness>[0]) => (current = harness(opts));
afterEach(async () => {
  current?.publisher.release();
  await current?.app.close();
});

describe('POST /v1/events: accepted', () => {
  it('takes one event and answers 202 only after the publisher acknowledged it', async () => {
    const { app, publisher } = make();
    const res = await app.inject({ method: 'POST', url: '/v1/events', headers: json, payload: posted() });
    expect(res.statusCode).toBe(202);
    expect(publisher.published).toHaveLength(1);
    expect(res.json()).toEqual({
      accepted: 1,
      results: [{ index: 0, status: 'accepted', event_id: publisher.published[0]!.event_id }],
    });
    expect(publisher.published[0]).toMatchObject({
      brand: 'acme',
      thread_id: 'thread-1',
      source: 'api',
      ingest_time: 1_714_557_600_500,
    });
  });

  it('takes a JSON array and NDJSON, with a result per event in order', async () => {
    const { app, publisher } = make();
    const events = [
      posted(),
      posted({ message_id: 'm-2', parent_id: 'm-1' }),
      posted({ message_id: 'm-3', thread_id: 'thread-2' }),
    ];
    const a = await app.inject({ method: 'POST', url: '/v1/events', headers: json, payload: events });
    expect(a.statusCode).toBe(202);
    expect(a.json().results.map((r: { index: number; status: string }) => [r.index, r.status])).toEqual([
      [0, 'accepted'],
      [1, 'accepted'],
      [2, 'accepted'],
    ]);
    const body = `${events.map((e) => JSON.stringify(e)).join('\n')}\n\n`;
    const b = await app.inject({ method: 'POST', url: '/v1/events', headers: ndjson, payload: body });
    expect(b.statusCode).toBe(202);
    expect(b.json().accepted).toBe(3);
    // Same events, same derived ids: a resend is recognisable downstream.
    expect(b.json().results.map((r: { event_id: string }) => r.event_id)).toEqual(
      a.json().results.map((r: { event_id: string }) => r.event_id),
    );
    expect(publisher.published.map((e) => payloadOf(e).value)).toHaveLength(6);
  });

  it('accepts a charset parameter on the content type', async () => {
    const { app } = make();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...ACME, 'content-type': 'application/json; charset=utf-8' },
      payload: posted(),
    });
    expect(res.statusCode).toBe(202);
  });
});

describe('POST /v1/events: bad input', () => {
  it('400 names every failing field of every event and publishes nothing', async () => {
    const { app, publisher } = make();
    const batch = [posted(), posted({ text: 5, platform: 'X' }), posted(), { ...posted(), type: 'message_liked' }];
    const res = await app.inject({ method: 'POST', url: '/v1/events', headers: json, payload: batch });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('invalid_events');
    expect(body.issues.map((i: { index: number; path: string }) => `${i.index}:${i.path}`).sort()).toEqual([
      '1:platform',
      '1:text',
      '3:type',
    ]);
    expect(body.results.map((r: { status: string }) => r.status)).toEqual([
      'not_published',
      'invalid',
      'not_published',
      'invalid',
    ]);
    expect(publisher.published).toHaveLength(0);
  });

  it('400 for a body that is not JSON, a bad NDJSON line, an empty batch', async () => {
    const { app, publisher } = make();
    const notJson = await app.inject({ method: 'POST', url: '/v1/events', headers: json, payload: '{"type":' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().issues[0].message).toMatch(/not valid JSON/);
    const badLine = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: ndjson,
      payload: `${JSON.stringify(posted())}\n{oops\n${JSON.stringify(posted())}\n`,
    });
    expect(badLine.statusCode).toBe(400);
    expect(badLine.json().issues).toEqual([
      { index: 1, path: '', message: expect.stringMatching(/^line 2 is not valid JSON/) },
    ]);
    const empty = await app.inject({ method: 'POST', url: '/v1/events', headers: json, payload: '[]' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error).toBe('empty_batch');
    const emptyBody = await app.inject({ method: 'POST', url: '/v1/events', headers: json, payload: '' });
    expect(emptyBody.statusCode).toBe(400);
    expect(publisher.published).toHaveLength(0);
  });

  it('401 without a key, with a malformed header, with an unknown key', async () => {
    const { app } = make();
    for (const authorization of [undefined, 'Basic a2V5', 'Bearer nope-nope-nope']) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (authorization) headers.authorization = authorization;
      const res = await app.inject({ method: 'POST', url: '/v1/events', headers, payload: posted() });
      expect(res.statusCode, String(authorization)).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('403 when an event names another brand than the key; nothing is published', async () => {
    const { app, publisher } = make();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: json,
      payload: [posted(), posted({ brand: 'globex' })],
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().issues).toEqual([{ index: 1, path: 'brand', message: 'brand "globex" is not "acme"' }]);
    expect(publisher.published).toHaveLength(0);
    const globex = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...json, authorization: 'Bearer key-globex-123' },
      payload: posted({ brand: 'globex' }),
    });
    expect(globex.statusCode).toBe(202);
  });

  it('413 over the body limit and over the batch length', async () => {
    const { app, publisher } = make({ maxBodyBytes: 4096, maxBatchEvents: 3 });
    const big = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: json,
      payload: posted({ text: 'x'.repeat(5000) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe('body_too_large');
    const long = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: json,
      payload: Array.from({ length: 4 }, (_, i) => posted({ message_id: `m-${i}` })),
    });
    expect(long.statusCode).toBe(413);
    expect(long.json().error).toBe('batch_too_large');
    expect(publisher.published).toHaveLength(0);
  });

  it('415 for another content type or none', async () => {
    const { app } = make();
    const text = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...ACME, 'content-type': 'text/plain' },
      payload: JSON.stringify(posted()),
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().error).toBe('unsupported_media_type');
    const form = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...ACME, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=1',
    });
    expect(form.statusCode).toBe(415);
    const none = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: ACME,
      payload: Buffer.from(JSON.stringify(posted())),
    });
    expect(none.statusCode).toBe(415);
  });
});

describe('POST /v1/events: Kafka unavailable or slow', () => {
  it('503 with Retry-After when the publisher fails, then 202 once it works again', async () => {
    const { app, publisher, budget } = make();
    publisher.mode = 'fail';
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: json,
      payload: [posted(), posted({ message_id: 'm-2' })],
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.json().error).toBe('kafka_unavailable');
    expect(res.json().results.map((r: { status: string }) => r.status)).toEqual([
      'not_acknowledged',
      'not_acknowledged',
    ]);
    expect(budget.usage).toEqual({ events: 0, bytes: 0 });
    publisher.mode = 'ok';
    const again = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: json,
      payload: [posted(), posted({ message_id: 'm-2' })],
    });
    expect(again.statusCode).toBe(202);
    expect(again.json().results.map((r: { event_id: string }) => r.event_id)).toEqual(
      res.json().results.map((r: { event_id: string }) => r.event_id),
    );
  });

  it('503 after the send timeout when Kafka hangs; the in-flight cap turns further requests away at once', async () => {
    const { app, publisher, budget } = make({ sendTimeoutMs: 150, maxInflightEvents: 3 });
    publisher.mode = 'hang';
    const slow = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: json,
      payload: [posted(), posted({ message_id: 'm-2' })],
    });
    expect(slow.statusCode).toBe(503);
    expect(slow.json().error).toBe('kafka_unavailable');
    // The timed-out send still holds its share of the budget until it settles.
    expect(budget.usage.events).toBe(2);
    const over = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: json,
      payload: [posted({ message_id: 'm-3' }), posted({ message_id: 'm-4' })],
    });
    expect(over.statusCode).toBe(503);
    expect(over.json().error).toBe('overloaded');
    expect(over.headers['retry-after']).toBe('7');
    expect(over.json().results.map((r: { status: string }) => r.status)).toEqual(['not_published', 'not_published']);
    expect(publisher.pending).toBe(1);
    publisher.mode = 'ok';
    publisher.release();
    await new Promise((r) => setImmediate(r));
    expect(budget.usage.events).toBe(0);
    const ok = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: json,
      payload: [posted({ message_id: 'm-3' }), posted({ message_id: 'm-4' })],
    });
    expect(ok.statusCode).toBe(202);
  });
});

describe('operations endpoints', () => {
  it('/healthz, /readyz (follows the publisher), /metrics (Prometheus)', async () => {
    const { app, publisher } = make();
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    publisher.mode = 'fail';
    const notReady = await app.inject({ url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    publisher.mode = 'ok';
    await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: json,
      payload: [posted(), posted({ message_id: 'm-2' })],
    });
    await app.inject({ method: 'POST', url: '/v1/events', headers: json, payload: '[' });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toContain('brandpulse_ingest_events_total{source="api",outcome="accepted"} 2');
    expect(metrics.body).toContain('brandpulse_ingest_requests_total{route="/v1/events",status="400"} 1');
  });

  it('404 in the same error format for unknown routes', async () => {
    const { app } = make();
    const res = await app.inject({ url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('not_found');
  });

  it('serves the OpenAPI document, and the checked-in copy is the one the service generates', async () => {
    const { app } = make();
    const served = (await app.inject({ url: '/openapi.json' })).json();
    expect(served).toEqual(openApiDocument());
    const checkedIn = readFileSync(new URL('../../../services/ingest/openapi.json', import.meta.url), 'utf8');
    expect(
      checkedIn,
      'services/ingest/openapi.json is stale: npx tsx services/cli.ts ingest openapi > services/ingest/openapi.json',
    ).toBe(`${JSON.stringify(served, null, 2)}\n`);
    expect(Object.keys(served.paths)).toEqual(
      expect.arrayContaining(['/v1/events', '/webhooks/meta', '/healthz', '/readyz', '/metrics']),
    );
  });
});
