import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../services/ingest/canonical.ts';
import { AckingClient, batchesOf, networkBackoffMs, retryAfterMs } from './load.ts';
import { chaosEvents, expectedFrom } from './traffic.ts';

describe('load client helpers', () => {
  it('reads Retry-After seconds and backs off on network errors with a cap', () => {
    expect(retryAfterMs('5')).toBe(5000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(networkBackoffMs(0, () => 0.5)).toBe(250);
    expect(networkBackoffMs(30, () => 0.5)).toBe(5000);
  });

  it('batches one brand per request, in order', () => {
    const ev = (brand: string, i: number) => ({ brand, event_id: `${brand}-${i}` }) as CanonicalEvent;
    const batches = batchesOf([ev('a', 0), ev('b', 0), ev('a', 1), ev('a', 2), ev('b', 1)], 2);
    expect(batches.map((b) => b.map((e) => e.event_id))).toEqual([['a-0', 'a-1'], ['b-0', 'b-1'], ['a-2']]);
  });
});

describe('chaos traffic', () => {
  it('gives every event its own id and derives what the tables must hold from the acknowledged ones', () => {
    const events = chaosEvents(400, 2, 't', Date.UTC(2026, 0, 15));
    expect(new Set(events.map((e) => e.event_id)).size).toBe(400);
    const acked = new Set(events.slice(0, 200).map((e) => e.event_id!));
    const expected = expectedFrom(events, acked);
    expect(expected.events.size).toBe(200);
    const posted = events.slice(0, 200).filter((e) => e.type === 'message_posted');
    expect(expected.messages.size).toBe(posted.length);
    expect(expected.moderation.size).toBe(events.slice(0, 200).filter((e) => e.type === 'moderation_action').length);
    expect(expected.threads.size).toBe(new Set(posted.map((e) => `${e.brand}/${e.thread_id}`)).size);
  });
});

describe('AckingClient against a real HTTP server', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('resends after 503 honouring Retry-After, records the ids once acknowledged, and stops at a 400', async () => {
    let calls = 0;
    server = createServer((req, res) => {
      calls++;
      req.resume();
      if (calls === 1) res.writeHead(503, { 'retry-after': '0.2' }).end('{}');
      else if (calls === 2) res.writeHead(202).end('{}');
      else res.writeHead(400).end('{"issues":[{"path":"event_time"}]}');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const client = new AckingClient({
      url: `http://127.0.0.1:${port}`,
      keys: new Map([['acme', 'dev-key-acme']]),
      deadline: Date.now() + 10_000,
    });
    const batch = [
      { brand: 'acme', event_id: 'e1' },
      { brand: 'acme', event_id: 'e2' },
    ] as CanonicalEvent[];
    const t0 = Date.now();
    expect(await client.send(batch)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect([...client.acked]).toEqual(['e1', 'e2']);
    expect(await client.send([{ brand: 'acme', event_id: 'e3' }] as CanonicalEvent[])).toBe(false);
    expect(client.acked.has('e3')).toBe(false);
    expect(client.stats).toMatchObject({ requests: 3, retried503: 1, refused: 1 });
  });
});
