import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../services/alerter/alert.ts';
import { tokenize, topTerms } from '../../../services/alerter/terms.ts';
import {
  deliver,
  parseEndpoints,
  verifySignature,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  IDEMPOTENCY_HEADER,
} from '../../../services/alerter/webhook.ts';

const alert: AlertEvent = {
  alert_id: '0a1b2c3d-0000-0000-0000-000000000001',
  kind: 'start',
  brand: 'acme',
  platform: 'instagram',
  started_at: Date.UTC(2025, 0, 6, 10, 0),
  detected_at: Date.UTC(2025, 0, 6, 10, 0, 40),
  ended_at: null,
  window_s: 60,
  observed: 14,
  baseline: 1.2,
  ratio: 11.7,
  score: 5.6,
  peak_ratio: 11.7,
  negative_share: 0.7,
  baseline_share: 0.15,
  volume: 20,
  samples: [
    {
      message_id: 'm1',
      text: 'checkout broken',
      language: 'en',
      url: 'https://instagram.com/p/1',
      sentiment_score: -0.9,
    },
  ],
  top_terms: [{ term: 'checkout', count: 9 }],
  detector_version: 'spike-v1',
  emitted_at: 1,
};

interface Call {
  url: string;
  headers: Record<string, string>;
  body: string;
}

function fakeFetch(statuses: number[], extraHeaders: Record<string, string> = {}) {
  const calls: Call[] = [];
  const f = (async (url: string, init: RequestInit) => {
    calls.push({ url, headers: init.headers as Record<string, string>, body: init.body as string });
    const status = statuses[Math.min(calls.length - 1, statuses.length - 1)]!;
    // What undici's fetch throws when nothing listens: a TypeError whose cause carries the code.
    if (status === 0)
      throw Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error(`connect ECONNREFUSED ${new URL(url).host}`), { code: 'ECONNREFUSED' }),
      });
    return new Response('ok', { status, headers: extraHeaders });
  }) as unknown as typeof fetch;
  return { f, calls };
}

const [json, slack] = parseEndpoints(['http://127.0.0.1:9/hook', 'slack=http://127.0.0.1:9/slack/T000/B000/secret']);
const now = () => 1_736_157_640_000;

describe('webhook delivery', () => {
  it('signs `${timestamp}.${body}` with HMAC-SHA256 exactly as a receiver recomputes it', async () => {
    const { f, calls } = fakeFetch([200]);
    const r = await deliver(json!, alert, { secret: 's3cret', fetch: f, nowMs: now });
    expect(r).toEqual({ status: 'delivered', attempts: 1, httpStatus: 200 });
    const { headers, body } = calls[0]!;
    const ts = headers[TIMESTAMP_HEADER]!;
    expect(ts).toBe(String(Math.floor(now() / 1000)));
    const receiverComputes = `sha256=${createHmac('sha256', 's3cret').update(`${ts}.${body}`).digest('hex')}`;
    expect(headers[SIGNATURE_HEADER]).toBe(receiverComputes);
    expect(headers[IDEMPOTENCY_HEADER]).toBe(`${alert.alert_id}:start`);
    expect(verifySignature('s3cret', headers, body, Number(ts) + 10)).toBe(true);
    expect(verifySignature('wrong', headers, body, Number(ts) + 10)).toBe(false);
    expect(verifySignature('s3cret', headers, body.replace('acme', 'evil'), Number(ts) + 10)).toBe(false);
    // Replay protection: the same request ten minutes later is refused.
    expect(verifySignature('s3cret', headers, body, Number(ts) + 600)).toBe(false);
    expect(JSON.parse(body)).toMatchObject({
      type: 'brandpulse.alert.start',
      idempotency_key: `${alert.alert_id}:start`,
      alert: { brand: 'acme', ratio: 11.7 },
    });
  });

  it('sends a Slack-compatible body (text + blocks) and never names the URL', async () => {
    const { f, calls } = fakeFetch([200]);
    await deliver(slack!, alert, { secret: 's', fetch: f, nowMs: now });
    const body = JSON.parse(calls[0]!.body);
    expect(body.text).toContain('acme on instagram');
    expect(body.text).toContain('11.7×');
    expect(JSON.stringify(body.blocks)).toContain('checkout broken');
    expect(slack!.name).toMatch(/^slack:[0-9a-f]{12}$/);
  });

  it('retries network errors and 5xx with exponential backoff, then succeeds with the same body', async () => {
    const { f, calls } = fakeFetch([0, 503, 502, 200]);
    const sleeps: number[] = [];
    const r = await deliver(json!, alert, {
      secret: 's',
      fetch: f,
      nowMs: now,
      random: () => 1,
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(r).toEqual({ status: 'delivered', attempts: 4, httpStatus: 200 });
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(new Set(calls.map((c) => c.body)).size).toBe(1);
  });

  it('honours Retry-After on 429, gives up on other 4xx at once, and stops after maxAttempts', async () => {
    const limited = fakeFetch([429, 200], { 'retry-after': '7' });
    const sleeps: number[] = [];
    await deliver(json!, alert, {
      secret: 's',
      fetch: limited.f,
      nowMs: now,
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(sleeps).toEqual([7000]);
    const bad = fakeFetch([400]);
    expect(
      await deliver(json!, alert, { secret: 's', fetch: bad.f, nowMs: now, sleep: async () => undefined }),
    ).toMatchObject({ status: 'failed', attempts: 1, httpStatus: 400 });
    const down = fakeFetch([500]);
    const r = await deliver(json!, alert, {
      secret: 's',
      fetch: down.f,
      nowMs: now,
      sleep: async () => undefined,
      policy: { maxAttempts: 3, baseMs: 10, maxMs: 100 },
    });
    expect(r).toMatchObject({ status: 'failed', attempts: 3, httpStatus: 500 });
    expect(down.calls).toHaveLength(3);
  });

  it('retries network failures and timeouts with the shared backoff, capped at maxMs', async () => {
    let calls = 0;
    const flaky: typeof fetch = async () => {
      calls++;
      if (calls === 1)
        throw Object.assign(new TypeError('fetch failed'), {
          cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        });
      if (calls === 2) throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      return new Response('ok', { status: 200 });
    };
    const sleeps: number[] = [];
    const r = await deliver(json!, alert, {
      secret: 's',
      fetch: flaky,
      nowMs: now,
      random: () => 1,
      sleep: async (ms) => void sleeps.push(ms),
      policy: { maxAttempts: 5, baseMs: 500, maxMs: 800 },
    });
    expect(r).toEqual({ status: 'delivered', attempts: 3, httpStatus: 200 });
    expect(sleeps).toEqual([500, 800]);
  });
});

describe('top terms', () => {
  it('drops stopwords of it/en/es/fr/de/pt, short words and the brand, and ranks by messages', () => {
    expect(tokenize("L'app non funziona e il checkout è rotto")).toEqual(['app', 'funziona', 'checkout', 'rotto']);
    expect(tokenize('Die App ist kaputt und das Login geht nicht')).toEqual(['app', 'kaputt', 'login']);
    const terms = topTerms(
      ['Acme checkout broken', 'acme checkout down again', 'la app de acme no funciona, checkout roto', 'refund'],
      3,
      ['acme'],
    );
    expect(terms[0]).toEqual({ term: 'checkout', count: 3 });
    expect(terms.map((t) => t.term)).not.toContain('acme');
  });
});
