import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../services/alerter/alert.ts';
import { DEFAULT_PARAMS } from '../../../services/alerter/params.ts';
import { Alerter } from '../../../services/alerter/service.ts';
import { AlertStore } from '../../../services/alerter/store.ts';
import { IDEMPOTENCY_HEADER, parseEndpoints, verifySignature } from '../../../services/alerter/webhook.ts';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import { AvroCodec } from '../../../services/shared/avro.ts';
import { createClickHouse, type ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import type { BaseConfig } from '../../../services/shared/config.ts';
import type { EnrichedEvent } from '../../../services/shared/events.ts';
import type { KafkaContext } from '../../../services/shared/kafka.ts';
import { isolatedClickHouse, isolatedConfig, isolatedKafka, logger } from '../../support/stack.ts';
import { until } from '../../support/wait.ts';

const SECRET = 'int-test-secret';
const HOUR = 3_600_000;
const codec = new AvroCodec();

function enriched(i: number, time: number, negative: boolean, platform: string): EnrichedEvent {
  return {
    event: {
      event_id: `ev-${i}`,
      event_time: time,
      ingest_time: time + 50,
      brand: 'acme',
      platform,
      account_id: 'acct',
      post_id: null,
      thread_id: `th-${i}`,
      source: 'test',
      metadata: {},
      payload: {
        'dev.brandpulse.events.MessagePosted': {
          message_id: `m-${i}`,
          parent_id: null,
          kind: 'comment',
          author_id: `u-${i}`,
          author_role: 'customer',
          agent_id: null,
          text: negative ? 'checkout broken again, payment failed' : 'love it',
          language_hint: null,
          url: `https://example.test/${i}`,
          priority: null,
        },
      },
    },
    enrichment: {
      language: 'en',
      language_supported: true,
      sentiment_score: negative ? -0.8 : 0.7,
      sentiment_label: negative ? 'negative' : 'positive',
      sentiment_confidence: 0.9,
      intent: negative ? 'complaint' : 'praise',
      needs_reply: negative,
      model_version: 'test',
      human_override: false,
    },
    enriched_time: time + 100,
  };
}

describe('alerter against real Kafka and ClickHouse', () => {
  let config: BaseConfig;
  let kafka: KafkaContext & { cleanup: () => Promise<void> };
  let ch: { client: ClickHouseClient; cleanup: () => Promise<void> };
  let server: Server;
  const received: { key: string; valid: boolean; body: string }[] = [];
  let hookUrl = '';

  beforeAll(async () => {
    config = isolatedConfig('alerter');
    kafka = await isolatedKafka(config);
    ch = await isolatedClickHouse(config);
    const admin = createClickHouse(config, { noDatabase: true });
    await applyMigrations(admin, { database: config.CLICKHOUSE_DATABASE });
    await admin.close();
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        received.push({
          key: headers[IDEMPOTENCY_HEADER] ?? '',
          valid: verifySignature(SECRET, headers, body, Math.floor(Date.now() / 1000)),
          body,
        });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await kafka?.cleanup();
    await ch?.cleanup();
  });

  const newAlerter = (groupId: string, now?: () => number) =>
    new Alerter(
      { kafka: kafka.kafka, codec, store: new AlertStore(ch.client), logger, now },
      {
        sourceTopic: kafka.topics.name('enrichedEvents'),
        alertsTopic: kafka.topics.name('alerts'),
        groupId,
        params: DEFAULT_PARAMS,
        endpoints: parseEndpoints([`json=${hookUrl}`]),
        delivery: { secret: SECRET, policy: { maxAttempts: 5, baseMs: 100, maxMs: 1_000 } },
        maxAlertAgeMs: 15 * 60_000,
        snapshotIntervalMs: 0,
        idleMs: 1_000,
        maxClockSkewMs: 5 * 60_000,
      },
    );

  /** The next offset to read per partition of the source topic once everything is read. */
  async function endOffsets(): Promise<Record<string, string>> {
    const admin = kafka.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(kafka.topics.name('enrichedEvents'));
      return Object.fromEntries(offsets.filter((o) => o.high !== '0').map((o) => [String(o.partition), o.high]));
    } finally {
      await admin.disconnect();
    }
  }

  it('turns a spike into one alert on the topic, one row in ClickHouse and exactly one webhook, across restarts', async () => {
    const onset = Date.now() - 20_000;
    // Eight hours of ordinary traffic (60 customer messages an hour, 10% negative), then a spike of 30
    // negative messages in 20 s on instagram.
    const events: EnrichedEvent[] = [];
    let i = 0;
    for (let t = onset - 8 * HOUR; t < onset; t += 60_000)
      events.push(enriched(i++, t, i % 10 === 0, i % 2 ? 'instagram' : 'facebook'));
    for (let k = 0; k < 30; k++) events.push(enriched(i++, onset + k * 666, true, 'instagram'));
    const producer = kafka.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: kafka.topics.name('enrichedEvents'),
      acks: -1,
      messages: events.map((e) => ({ key: e.event.thread_id, value: codec.encode('enriched-event', e) })),
    });
    await producer.disconnect();

    const first = newAlerter('alerter-a');
    await first.start();
    await until('webhooks for the brand-wide and instagram alerts', () => received.length >= 2, 60_000);
    await first.drain();
    await first.stop();
    const snapshotted = first.positions(); // what its last snapshot holds
    expect(Object.keys(snapshotted).length).toBeGreaterThan(0);

    // A restart that resumes from its snapshot, then one with no snapshot at all (another group:
    // replays the whole topic and re-derives the same alerts): neither may emit or send them again.
    const end = await endOffsets();
    for (const group of ['alerter-a', 'alerter-b']) {
      let clockRead = 0; // when the alerter last read its clock
      const again = newAlerter(group, () => (clockRead = Date.now()));
      await again.start();
      // alerter-a resumes where its snapshot left off; alerter-b has none and reads from the start.
      expect(again.positions()).toEqual(group === 'alerter-a' ? snapshotted : {});
      const caughtUp = await until(
        `${group} to read the whole topic`,
        () => isDeepStrictEqual(again.positions(), end),
        60_000,
      );
      // Then its idle timer (every second, once the input is idle for idleMs = 1 s) advances event time
      // with the wall clock: the step where a restart could raise an alert a second time. With no
      // input left, a clock read 1.5 s after catching up is that timer's.
      await until(`${group}'s idle timer`, () => clockRead >= caughtUp + 1_500, 30_000);
      await again.drain();
      await again.stop();
      // The replay really re-derived both alerts, and recognised them as already emitted.
      if (group === 'alerter-b') expect(again.stats.alreadyEmitted).toBeGreaterThanOrEqual(2);
      expect(again.stats.alerts).toBe(0);
    }

    const starts = received.filter((r) => r.key.endsWith(':start'));
    expect(starts).toHaveLength(2);
    expect(new Set(starts.map((r) => r.key)).size).toBe(2);
    expect(starts.every((r) => r.valid)).toBe(true);
    const bodies = starts.map((r) => JSON.parse(r.body).alert as AlertEvent);
    expect(bodies.map((b) => b.platform).sort()).toEqual(['', 'instagram']);
    const insta = bodies.find((b) => b.platform === 'instagram')!;
    expect(insta.observed).toBeGreaterThanOrEqual(8);
    expect(insta.detected_at - onset).toBeLessThanOrEqual(60_000);
    expect(insta.top_terms.map((t) => t.term)).toContain('checkout');

    const rows = await (
      await ch.client.query({
        query: 'SELECT alert_id, kind, platform, observed FROM alerts FINAL ORDER BY platform',
        format: 'JSONEachRow',
      })
    ).json<{ alert_id: string; kind: string; platform: string }>();
    expect(rows.map((r) => [r.platform, r.kind])).toEqual([
      ['', 'start'],
      ['instagram', 'start'],
    ]);
    expect(rows.map((r) => `${r.alert_id}:start`).sort()).toEqual(starts.map((r) => r.key).sort());

    const admin = kafka.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(kafka.topics.name('alerts'));
    await admin.disconnect();
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(2);
  });
});
