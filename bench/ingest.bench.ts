/**
 * Ingestion throughput against the real local Kafka (loopback only, own topic prefix, topics
 * deleted afterwards). Bounded in count and time.
 *
 *   A. events/s accepted by POST /v1/events in batches of 500 (202 = acked by Kafka, acks=all)
 *   B. requests/s for single-event POSTs
 * Baselines measured in the same run: the same Avro events produced directly with kafkajs (the
 * durable producer, acks=-1, no HTTP, no validation), in batches of 500 and one event per send at
 * the same concurrency as the HTTP clients.
 *
 *   npm run bench:ingest            (or: npm run bench -- ingest)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { AvroCodec } from '../services/shared/avro.ts';
import { loadBaseConfig } from '../services/shared/config.ts';
import { createKafka, durableProducer, ensureTopics } from '../services/shared/kafka.ts';
import { createLogger } from '../services/shared/logger.ts';
import { toConversationEvent, type CanonicalEvent } from '../services/ingest/canonical.ts';
import { hmacPseudonymizer } from '../services/ingest/pseudonym.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BATCH = 500;
const BATCH_REQUESTS = Number(process.env.BENCH_BATCH_REQUESTS ?? 120); // 60k events
const SINGLE_REQUESTS = Number(process.env.BENCH_SINGLE_REQUESTS ?? 6000);
const SINGLE_CONNECTIONS = 32;
const BATCH_CONNECTIONS = 4;
const MAX_SECONDS = 60; // per scenario
const PORT = 18000 + Math.floor(Math.random() * 1000);
const API_KEY = 'bench-key-acme-0001';

const prefix = `bench.ingest.${Date.now().toString(36)}.`;
const config = loadBaseConfig({ ...process.env, KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: 'error' });
const logger = createLogger('bench-ingest', 'error');

let seq = 0;
function canonical(): CanonicalEvent {
  const n = seq++;
  return {
    type: 'message_posted',
    event_time: 1_714_557_600_000 + n,
    brand: 'acme',
    platform: 'instagram',
    account_id: 'acct-1',
    post_id: `post-${n % 50}`,
    thread_id: `thread-${n % 997}`,
    message_id: `m-${n}`,
    author_platform_id: `user-${n % 5000}`,
    text: 'Mi pedido llegó tarde y la caja estaba rota, ¿me pueden ayudar? 📦',
    language_hint: 'es',
  };
}

interface Row {
  scenario: string;
  events: number;
  seconds: number;
  requests: number;
  p50?: number;
  p99?: number;
}
const rows: Row[] = [];

async function baselines(): Promise<void> {
  const { kafka, topics } = createKafka(config, logger, 'bench');
  const producer = durableProducer(kafka);
  await producer.connect();
  const codec = new AvroCodec();
  const pseudo = hmacPseudonymizer('bench-pseudonym-key!');
  const topic = topics.name('conversationEvents');
  const encode = (e: CanonicalEvent) => {
    const avro = toConversationEvent(e, { pseudonymize: pseudo, ingestTime: Date.now(), defaultSource: 'bench' });
    return { key: avro.thread_id, value: codec.encode('conversation-event', avro) };
  };
  // Batches of 500, same number of events and concurrency as scenario A.
  const batches = Array.from({ length: BATCH_REQUESTS }, () =>
    Array.from({ length: BATCH }, () => encode(canonical())),
  );
  let t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: BATCH_CONNECTIONS }, async () => {
      while (next < batches.length) await producer.send({ topic, acks: -1, messages: batches[next++]! });
    }),
  );
  rows.push({
    scenario: 'baseline: kafkajs send, 500 events/send',
    events: BATCH * BATCH_REQUESTS,
    requests: BATCH_REQUESTS,
    seconds: (performance.now() - t0) / 1000,
  });
  // One event per send, same concurrency as scenario B.
  const singles = Array.from({ length: SINGLE_REQUESTS }, () => encode(canonical()));
  t0 = performance.now();
  next = 0;
  await Promise.all(
    Array.from({ length: SINGLE_CONNECTIONS }, async () => {
      while (next < singles.length) await producer.send({ topic, acks: -1, messages: [singles[next++]!] });
    }),
  );
  rows.push({
    scenario: `baseline: kafkajs send, 1 event/send (${SINGLE_CONNECTIONS} concurrent)`,
    events: SINGLE_REQUESTS,
    requests: SINGLE_REQUESTS,
    seconds: (performance.now() - t0) / 1000,
  });
  await producer.disconnect();
}

async function http(
  scenario: string,
  opts: { amount: number; connections: number; body: () => string; eventsPerRequest: number },
): Promise<void> {
  let non202 = 0;
  const instance = autocannon({
    url: `http://127.0.0.1:${PORT}/v1/events`,
    method: 'POST',
    connections: opts.connections,
    amount: opts.amount,
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: opts.body() }) }],
    // Without a callback autocannon returns a promise that is also the running instance.
  }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  // on() returns the instance, which is the promise awaited below.
  void instance.on('response', (_client: unknown, statusCode: number) => {
    if (statusCode !== 202) non202++;
  });
  const guard = setTimeout(() => instance.stop(), MAX_SECONDS * 1000);
  const result = await instance;
  clearTimeout(guard);
  if (non202 > 0) console.warn(`  ${scenario}: ${non202} responses were not 202`);
  const ok = result.requests.total - non202;
  rows.push({
    scenario,
    events: ok * opts.eventsPerRequest,
    requests: ok,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  });
}

async function main(): Promise<void> {
  const { kafka, topics } = createKafka(config, logger, 'bench-admin');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topics);
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const server = spawn(process.execPath, [tsx, join(ROOT, 'services/cli.ts'), 'ingest'], {
    env: {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      INGEST_PORT: String(PORT),
      INGEST_API_KEYS: `acme:${API_KEY}`,
      LOG_LEVEL: 'error',
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${PORT}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 100) throw new Error('ingest server did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }
    await baselines();
    // Warm-up (JIT, connections), not measured.
    await http('warm-up', {
      amount: 200,
      connections: 8,
      body: () => JSON.stringify(canonical()),
      eventsPerRequest: 1,
    });
    rows.pop();
    await http(`API: POST batches of ${BATCH} (${BATCH_CONNECTIONS} connections)`, {
      amount: BATCH_REQUESTS,
      connections: BATCH_CONNECTIONS,
      eventsPerRequest: BATCH,
      body: () => JSON.stringify(Array.from({ length: BATCH }, canonical)),
    });
    await http(`API: POST single events (${SINGLE_CONNECTIONS} connections)`, {
      amount: SINGLE_REQUESTS,
      connections: SINGLE_CONNECTIONS,
      eventsPerRequest: 1,
      body: () => JSON.stringify(canonical()),
    });
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
    await admin.deleteTopics({ topics: topics.all.map((t) => topics.name(t.key)) }).catch(() => undefined);
    await admin.disconnect();
  }
  const rate = (r: Row) => r.events / r.seconds;
  const baseBatch = rows[0]!;
  const baseSingle = rows[1]!;
  console.log('\ningest benchmark (loopback, local Kafka, acks=all; 2 shared cores)\n');
  console.log('| scenario | events | s | events/s | requests/s | p50 ms | p99 ms | vs baseline |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const baseline = r.scenario.includes('single') ? baseSingle : r.scenario.includes('batches') ? baseBatch : r;
    console.log(
      `| ${r.scenario} | ${r.events} | ${r.seconds.toFixed(1)} | ${Math.round(rate(r))} | ${Math.round(r.requests / r.seconds)} | ${r.p50 ?? '-'} | ${r.p99 ?? '-'} | ${(rate(r) / rate(baseline)).toFixed(2)}x |`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
