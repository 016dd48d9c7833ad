import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tcpOpen } from '../../services/start/stack.ts';
import { consumeUntil, event } from '../int/ingest/support.ts';
import { isolatedConfig, isolatedKafka } from '../support/stack.ts';
import { freePort, ROOT, until } from '../support/start.ts';

/**
 * SIGTERM to `brandpulse ingest` (the bin an operator or a container runs, tsx in-process): the
 * requests in flight get their answer and their events are in Kafka, a spare connection that never
 * sent a byte does not hold the stop, new connections are refused, and the process exits 0.
 *
 * "In flight" is made exact: each request sends its headers and half its body, the test waits until
 * the kernel shows the server has read those bytes (Linux /proc/net/tcp queues), and only then
 * sends SIGTERM; the second half of each body goes after the server has closed its listening socket.
 */
const KEY = 'e2e-key-acme-stop-0001';
const config = isolatedConfig('ingest_stop');
let kafka: Awaited<ReturnType<typeof isolatedKafka>> | undefined;

afterAll(async () => {
  await kafka?.cleanup();
});

/** Send and receive queue bytes of the TCP connection localPort -> remotePort, null when there is none. */
function tcpQueues(localPort: number, remotePort: number): { tx: number; rx: number } | null {
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 5) continue;
      const port = (address: string) => parseInt(address.slice(address.lastIndexOf(':') + 1), 16);
      if (port(f[1]!) === localPort && port(f[2]!) === remotePort) {
        const [tx, rx] = f[4]!.split(':').map((h) => parseInt(h, 16));
        return { tx: tx!, rx: rx! };
      }
    }
  }
  return null;
}

interface InFlight {
  req: ClientRequest;
  rest: string;
  clientPort: number;
  response: Promise<{ status: number; body: string }>;
}

/** A POST /v1/events with its headers and the first half of its body sent. */
async function startRequest(port: number, body: string): Promise<InFlight> {
  const half = Math.floor(body.length / 2);
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/v1/events',
    agent: false,
    headers: {
      authorization: `Bearer ${KEY}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.once('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.once('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.once('error', reject);
  });
  const socket = await new Promise<Socket>((resolve) =>
    req.once('socket', (s: Socket) => (s.connecting ? s.once('connect', () => resolve(s)) : resolve(s))),
  );
  await new Promise<void>((resolve, reject) =>
    req.write(body.slice(0, half), (err) => (err ? reject(err) : resolve())),
  );
  return { req, rest: body.slice(half), clientPort: socket.localPort!, response };
}

describe('brandpulse ingest stopped with SIGTERM', () => {
  it('answers the requests in flight, refuses new connections, then exits 0', async () => {
    kafka = await isolatedKafka(config);
    const port = await freePort();
    const env = {
      ...process.env,
      KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: config.KAFKA_TOPIC_PREFIX,
      INGEST_HOST: '127.0.0.1',
      INGEST_PORT: String(port),
      INGEST_API_KEYS: `acme:${KEY}`,
      PSEUDONYM_KEY: 'e2e-pseudonym-key-stop-0001',
      LOG_LEVEL: 'info',
    };
    const server = spawn(process.execPath, [join(ROOT, 'bin/brandpulse.mjs'), 'ingest'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    server.stdout.on('data', (d: Buffer) => (log += d.toString()));
    server.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      server.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const base = `http://127.0.0.1:${port}`;
      await until(
        'brandpulse ingest to be ready',
        () =>
          fetch(`${base}/readyz`).then(
            (r) => r.ok,
            () => false,
          ),
        60_000,
        200,
      );

      const events = [0, 1, 2].map((i) => event(`stop-thread-${i}`, i));
      const inFlight = await Promise.all(events.map((e) => startRequest(port, JSON.stringify(e))));
      const spare = connect({ host: '127.0.0.1', port });
      await new Promise((resolve) => spare.once('connect', resolve));
      await until(
        'the server to have read every half-sent request',
        () => inFlight.every((f) => tcpQueues(f.clientPort, port)?.tx === 0 && tcpQueues(port, f.clientPort)?.rx === 0),
        10_000,
        20,
      );

      server.kill('SIGTERM');
      await until('the listening socket to close', async () => !(await tcpOpen(`127.0.0.1:${port}`)), 10_000, 50);
      expect(server.exitCode).toBeNull(); // still draining: three requests are waiting for their second half
      for (const f of inFlight) f.req.end(f.rest);
      const answers = await Promise.all(inFlight.map((f) => f.response));
      const ids: string[] = [];
      for (const a of answers) {
        expect(a.status, a.body).toBe(202);
        const json = JSON.parse(a.body) as { accepted: number; results: Array<{ status: string; event_id: string }> };
        expect(json).toMatchObject({ accepted: 1, results: [{ index: 0, status: 'accepted' }] });
        ids.push(json.results[0]!.event_id);
      }

      expect(await exited).toEqual({ code: 0, signal: null });
      expect(log).toMatch(/"signal":"SIGTERM".*stopping: draining requests in flight/);
      spare.destroy();
      const records = await consumeUntil(kafka.kafka, kafka.topics.name('conversationEvents'), (r) => r.length >= 3);
      expect(records.map((r) => r.event.event_id).sort()).toEqual(ids.sort());
      expect(records.map((r) => r.event.thread_id).sort()).toEqual(events.map((e) => e.thread_id));
    } finally {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    }
  });
});
