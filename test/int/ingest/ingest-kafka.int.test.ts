import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadOf } from '../../../services/shared/events.ts';
import { signBody } from '../../../services/ingest/meta/signature.ts';
import { createIngestService, type IngestService } from '../../../services/ingest/service.ts';
import { isolatedConfig, isolatedKafka, logger } from '../../support/stack.ts';
import { consumeUntil, event, ingestConfigFor, post } from './support.ts';

describe('ingest against real Kafka', () => {
  let kafka: Awaited<ReturnType<typeof isolatedKafka>>;
  let service: IngestService;
  let base: string;

  beforeAll(async () => {
    const config = isolatedConfig('ingest');
    kafka = await isolatedKafka(config);
    service = createIngestService(
      ingestConfigFor(config, { META_APP_SECRET: 'meta-secret', META_ACCOUNTS: '1111:acme' }),
      logger,
    );
    base = await service.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await service?.close();
    await kafka?.cleanup();
  });

  it('events posted come back from the topic decoded, keyed by thread, in order within each thread', async () => {
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const threads = ['t-a', 't-b', 't-c', 't-d'];
    const batch = threads.flatMap((t) => [0, 1, 2].map((n) => event(t, n)));
    const a = await post(base, batch);
    expect(a.status).toBe(202);
    const nd = await post(base, threads.map((t) => JSON.stringify(event(t, 3))).join('\n'), 'application/x-ndjson');
    expect(nd.status).toBe(202);
    const singles = await Promise.all(threads.map((t) => post(base, event(t, 4))));
    expect(singles.map((s) => s.status)).toEqual([202, 202, 202, 202]);
    const webhookBody = Buffer.from(
      JSON.stringify({
        object: 'page',
        entry: [
          {
            id: '1111',
            time: 1_714_557_700,
            changes: [
              {
                field: 'feed',
                value: {
                  from: { id: '9876' },
                  post_id: '1111_5',
                  comment_id: '5_7',
                  parent_id: '1111_5',
                  created_time: 1_714_557_600,
                  item: 'comment',
                  verb: 'add',
                  message: 'hi',
                },
              },
            ],
          },
        ],
      }),
    );
    const hook = await fetch(`${base}/webhooks/meta`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(webhookBody, 'meta-secret') },
      body: webhookBody,
    });
    expect(hook.status).toBe(200);

    const acked = new Set<string>([
      ...a.json.results.map((r: { event_id: string }) => r.event_id),
      ...nd.json.results.map((r: { event_id: string }) => r.event_id),
      ...singles.flatMap((s) => s.json.results.map((r: { event_id: string }) => r.event_id)),
      ...((await hook.json()) as { event_ids: string[] }).event_ids,
    ]);
    expect(acked.size).toBe(21);
    const records = await consumeUntil(
      kafka.kafka,
      kafka.topics.name('conversationEvents'),
      (r) => new Set(r.map((x) => x.event.event_id)).size >= acked.size,
    );
    expect(new Set(records.map((r) => r.event.event_id))).toEqual(acked);
    for (const r of records) {
      expect(r.key).toBe(r.event.thread_id);
      expect(JSON.stringify(r.event)).not.toMatch(/raw-user|9876/);
    }
    for (const t of threads) {
      const inThread = records.filter((r) => r.event.thread_id === t);
      // One partition per thread, and the thread's messages in the order they were sent.
      expect(new Set(inThread.map((r) => r.partition)).size).toBe(1);
      expect(inThread.map((r) => (payloadOf(r.event).value as { message_id: string }).message_id)).toEqual(
        [0, 1, 2, 3, 4].map((n) => `${t}-m${n}`),
      );
    }
    const fromHook = records.find((r) => r.event.source === 'meta-webhook');
    expect(fromHook?.event).toMatchObject({ platform: 'facebook', thread_id: '5_7', brand: 'acme' });
  });

  it('a rejected batch leaves nothing in the topic', async () => {
    const bad = await post(base, [event('t-z', 0), event('t-z', 1, { text: null })]);
    expect(bad.status).toBe(400);
    const marker = await post(base, event('t-marker', 0));
    expect(marker.status).toBe(202);
    const records = await consumeUntil(kafka.kafka, kafka.topics.name('conversationEvents'), (r) =>
      r.some((x) => x.event.thread_id === 't-marker'),
    );
    expect(records.filter((r) => r.event.thread_id === 't-z')).toEqual([]);
  });

  it('far-future and far-past ISO event times get 400 naming event_time, and nothing reaches the topic', async () => {
    for (const eventTime of [
      '9999-12-31T23:59:59Z',
      '1899-12-31T23:59:59+14:00',
      new Date(Date.now() + 3 * 86_400_000).toISOString(),
    ]) {
      const res = await post(base, event('t-poison', 0, { event_time: eventTime }));
      expect(res.status, eventTime).toBe(400);
      expect(res.json.issues).toEqual([
        expect.objectContaining({
          index: 0,
          path: 'event_time',
          message: expect.stringMatching(/^must be between 2000-01-01T00:00:00.000Z and now \+ 1 day/),
        }),
      ]);
    }
    const oversize = await post(
      base,
      event('t-poison', 1, { text: 'x'.repeat(300 * 1024), thread_id: 't'.repeat(257) }),
    );
    expect(oversize.status).toBe(400);
    expect(oversize.json.issues.map((i: { path: string }) => i.path).sort()).toEqual(['text', 'thread_id']);
    const marker = await post(base, event('t-after-poison', 0));
    expect(marker.status).toBe(202);
    const records = await consumeUntil(kafka.kafka, kafka.topics.name('conversationEvents'), (r) =>
      r.some((x) => x.event.thread_id === 't-after-poison'),
    );
    expect(
      records.filter((r) => r.event.thread_id.startsWith('t-poison') || r.event.thread_id.startsWith('ttt')),
    ).toEqual([]);
  });
});
