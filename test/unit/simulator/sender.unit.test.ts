import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../../services/ingest/canonical.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { FatalSendError, IngestSender } from '../../../services/simulator/sender.ts';

const logger = createLogger('test', 'silent');
let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A stand-in for the ingestion API on loopback, answering with the scripted statuses in turn. */
async function fakeApi(statuses: number[]): Promise<{ url: string; seen: { auth: string; count: number }[] }> {
  const seen: { auth: string; count: number }[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization ?? '', count: (JSON.parse(body) as unknown[]).length });
      const status = statuses.shift() ?? 202;
      if (status === 503) res.setHeader('retry-after', '1');
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const event = (brand: string, i: number): CanonicalEvent => ({
  type: 'message_deleted',
  event_id: `${brand}-${i}`,
  event_time: 1_800_000_000_000,
  brand,
  platform: 'x',
  account_id: 'a',
  thread_id: 't',
  message_id: `m${i}`,
  author_platform_id: 'u',
});
const keys = new Map([
  ['acme', 'key-acme'],
  ['globex', 'key-globex'],
]);

describe('IngestSender', () => {
  it('batches per brand with that brand’s key', async () => {
    const api = await fakeApi([]);
    const sender = new IngestSender({ url: api.url, keys, logger, batchSize: 3, concurrency: 1 });
    await sender.send([...Array.from({ length: 5 }, (_, i) => event('acme', i)), event('globex', 9)]);
    expect(api.seen).toEqual([
      { auth: 'Bearer key-acme', count: 3 },
      { auth: 'Bearer key-acme', count: 2 },
      { auth: 'Bearer key-globex', count: 1 },
    ]);
    expect(sender.stats).toMatchObject({ accepted: 6, rejected: 0, requests: 3, retries: 0 });
  });

  it('waits for Retry-After on 503 and resends the same batch', async () => {
    const api = await fakeApi([503]);
    const sender = new IngestSender({ url: api.url, keys, logger });
    const started = Date.now();
    await sender.send([event('acme', 1), event('acme', 2)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(api.seen.map((s) => s.count)).toEqual([2, 2]);
    expect(sender.stats).toMatchObject({ accepted: 2, retries: 1 });
  });

  it('splits a batch the API finds too large, counts refused events, and stops on auth errors', async () => {
    const api = await fakeApi([413, 202, 400, 401]);
    const sender = new IngestSender({ url: api.url, keys, logger });
    await sender.send([event('acme', 1), event('acme', 2), event('acme', 3), event('acme', 4)]);
    expect(api.seen.map((s) => s.count)).toEqual([4, 2, 2]);
    expect(sender.stats).toMatchObject({ accepted: 2, rejected: 2 });
    await expect(sender.send([event('acme', 5)])).rejects.toBeInstanceOf(FatalSendError);
    await expect(sender.send([event('initech', 1)])).rejects.toThrow(/no API key for brand "initech"/);
  });
});
