import { afterEach, describe, expect, it } from 'vitest';
import { ACME, harness } from './harness.ts';

type H = ReturnType<typeof harness>;
let current: H | undefined;
afterEach(async () => {
  await current?.app.close();
});

/** The door of DELETE /v1/authors/{platform}/{id}; the erasure itself runs against Kafka in test/e2e/erasure.e2e.test.ts. */
describe('DELETE /v1/authors/{platform}/{id}', () => {
  it('asks for the API key first', async () => {
    const { app } = (current = harness());
    const res = await app.inject({ method: 'DELETE', url: '/v1/authors/instagram/user-42' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('Bearer');
  });

  it('answers 400 naming the field: platform, then id', async () => {
    const { app } = (current = harness());
    const bad = await app.inject({ method: 'DELETE', url: '/v1/authors/Insta%20Gram/user-42', headers: ACME });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'invalid_author', issues: [{ path: 'platform' }] });
    const long = await app.inject({ method: 'DELETE', url: '/v1/authors/instagram/%20%20', headers: ACME });
    expect(long.statusCode).toBe(400);
    expect(long.json().issues.map((i: { path: string }) => i.path)).toEqual(['id']);
  });

  it('a valid request on an ingest without the erasure log answers 503, not 202', async () => {
    const { app } = (current = harness());
    const res = await app.inject({ method: 'DELETE', url: '/v1/authors/instagram/user-42', headers: ACME });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toBe('erasure_unavailable');
  });
});
