import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../support/wait.ts';
import { ACME, harness, posted } from './harness.ts';

type H = ReturnType<typeof harness>;
let current: H | undefined;
afterEach(async () => {
  current?.publisher.release();
  await current?.app.close();
});

async function listening(): Promise<{ h: H; port: number }> {
  const h = (current = harness());
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  return { h, port: (h.app.server.address() as { port: number }).port };
}

function openSilentConnection(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

const closed = (socket: Socket) =>
  new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

describe('ingest stop', () => {
  it('does not wait for connections that never sent a request (spare pool connections)', async () => {
    const { h, port } = await listening();
    const spare = await openSilentConnection(port);
    // A connection that sent its request and idles in keep-alive is ended by Node itself.
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    await res.text();
    // Before the fix this waited for the server's headers timeout (a minute) and the supervisor killed the service.
    await h.app.close();
    await closed(spare);
    expect(spare.destroyed).toBe(true);
    expect(h.app.server.listening).toBe(false);
  });

  it('still answers a request in flight when the stop begins, with the events published', async () => {
    const { h, port } = await listening();
    h.publisher.mode = 'hang';
    const answer = fetch(`http://127.0.0.1:${port}/v1/events`, {
      method: 'POST',
      headers: { ...ACME, 'content-type': 'application/json' },
      body: JSON.stringify(posted()),
    });
    await until('the request to reach the publisher', () => h.publisher.pending > 0, 5_000, 5);
    const stopping = h.app.close();
    h.publisher.release();
    const res = await answer;
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 1 });
    await stopping;
    expect(h.publisher.published).toHaveLength(1);
  });
});
