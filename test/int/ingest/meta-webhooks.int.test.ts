import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadOf } from '../../../services/shared/events.ts';
import { signBody } from '../../../services/ingest/meta/signature.ts';
import { createIngestService, type IngestService } from '../../../services/ingest/service.ts';
import { isolatedConfig, isolatedKafka, logger } from '../../support/stack.ts';
import {
  comment,
  customerMessage,
  feed,
  messageEdit,
  messaging,
  PAGE,
  pageEcho,
  PHONE_ID,
  USER_PHONE,
  waEcho,
  waStatus,
  waText,
  whatsapp,
} from '../../unit/ingest/meta-payloads.ts';
import { consumeUntil, ingestConfigFor } from './support.ts';

/**
 * Meta webhooks through the real service into real Kafka, signed with the app secret as Meta signs
 * them: a Facebook comment edited twice and removed, a Messenger conversation and a WhatsApp one.
 */
const SECRET = 'meta-int-secret';

describe('Meta webhooks against real Kafka', () => {
  let kafka: Awaited<ReturnType<typeof isolatedKafka>>;
  let service: IngestService;
  let base: string;

  beforeAll(async () => {
    const config = isolatedConfig('meta');
    kafka = await isolatedKafka(config);
    service = createIngestService(
      ingestConfigFor(config, { META_APP_SECRET: SECRET, META_ACCOUNTS: `${PAGE}:acme,${PHONE_ID}:acme` }),
      logger,
    );
    base = await service.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await service?.close();
    await kafka?.cleanup();
  });

  const send = async (path: string, body: unknown, secret = SECRET) => {
    const raw = Buffer.from(JSON.stringify(body));
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, secret) },
      body: raw,
    });
    return {
      status: res.status,
      json: (await res.json()) as { accepted: number; event_ids?: string[]; ignored: unknown[] },
    };
  };

  it('stores each edit and removal at its own time, one thread per conversation, nothing raw', async () => {
    const created = 1_714_557_600;
    const now = Math.floor(Date.now() / 1000);
    const steps = [
      await send('/webhooks/meta', feed(comment('add'), created + 5)),
      await send('/webhooks/meta', feed(comment('edited', { message: 'Arrived broken' }), created + 600)),
      await send('/webhooks/meta', feed(comment('edited', { message: 'Arrived, fine now' }), created + 1200)),
      await send('/webhooks/meta', feed(comment('remove'), created + 3600)),
      await send(
        '/webhooks/meta',
        messaging([
          customerMessage('mid.1', now * 1000 - 600_000, 'Where is my order?'),
          pageEcho('mid.2', now * 1000 - 300_000, 'Tomorrow!'),
        ]),
      ),
      await send('/webhooks/meta', messaging([messageEdit('mid.1', now * 1000 - 200_000, 'Where is order 7?', 1)])),
      await send(
        '/webhooks/whatsapp',
        whatsapp('messages', {
          ...waText('wamid.in.1', String(now - 500), 'Router down'),
          ...waStatus('wamid.out.0', 'read', String(now - 400)),
        }),
      ),
      await send(
        '/webhooks/whatsapp',
        whatsapp(
          'smb_message_echoes',
          waEcho({ id: 'wamid.out.1', timestamp: String(now - 100), type: 'text', text: { body: 'Restart it' } }),
        ),
      ),
    ];
    expect(steps.map((s) => s.status)).toEqual(Array(8).fill(200));
    expect(steps.map((s) => s.json.accepted)).toEqual([1, 1, 1, 1, 2, 1, 1, 1]);
    expect((await send('/webhooks/meta', feed(comment('add')), 'wrong-secret')).status).toBe(401);

    const ids = new Set(steps.flatMap((s) => s.json.event_ids ?? []));
    expect(ids.size).toBe(9);
    const records = await consumeUntil(
      kafka.kafka,
      kafka.topics.name('conversationEvents'),
      (r) => r.filter((x) => ids.has(x.event.event_id)).length >= ids.size,
    );
    const events = records.map((r) => r.event).filter((e) => ids.has(e.event_id));

    const facebook = events.filter((e) => e.platform === 'facebook');
    expect(facebook.map((e) => [payloadOf(e).type, e.event_time, e.thread_id])).toEqual([
      ['message_posted', created * 1000, '555_777'],
      ['message_edited', (created + 600) * 1000, '555_777'],
      ['message_edited', (created + 1200) * 1000, '555_777'],
      ['message_deleted', (created + 3600) * 1000, '555_777'],
    ]);
    const messenger = events.filter((e) => e.platform === 'messenger');
    expect(new Set(messenger.map((e) => e.thread_id)).size).toBe(1);
    expect(
      messenger.map((e) => {
        const p = payloadOf(e);
        return p.type === 'message_posted' ? p.value.author_role : p.type;
      }),
    ).toEqual(['customer', 'brand', 'message_edited']);
    const wa = events.filter((e) => e.platform === 'whatsapp');
    expect(new Set(wa.map((e) => e.thread_id)).size).toBe(1);
    expect(wa.map((e) => (payloadOf(e).value as { author_role: string }).author_role)).toEqual(['customer', 'brand']);
    // Every private conversation is keyed by a pseudonym; no raw user id or phone number is stored.
    for (const e of events) expect(JSON.stringify(e)).not.toMatch(new RegExp(`9876|2468013579|${USER_PHONE}`));
  });
});
