import { afterEach, describe, expect, it } from 'vitest';
import { payloadOf } from '../../../services/shared/events.ts';
import { mapMetaNotification } from '../../../services/ingest/meta/mapping.ts';
import { signBody } from '../../../services/ingest/meta/signature.ts';
import { harness, META_SECRET } from './harness.ts';
import {
  accounts,
  ctx,
  PHONE_ID,
  pseudonymize,
  USER_PHONE,
  WABA,
  waEcho,
  waStatus,
  waText,
  whatsapp,
} from './meta-payloads.ts';

const map = (body: unknown, c = ctx()) => mapMetaNotification(body, c);
const S = 1_714_558_000;
const thread = `whatsapp:${PHONE_ID}:${pseudonymize('whatsapp', USER_PHONE)}`;
const WAMID = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=';

describe('WhatsApp Business (Cloud API webhooks)', () => {
  it('maps a customer text message to a private message in the conversation thread, at its timestamp', () => {
    const { events, ignored } = map(whatsapp('messages', waText(WAMID, String(S), 'My router is down')));
    expect(ignored).toEqual([]);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'message_posted',
        platform: 'whatsapp',
        account_id: PHONE_ID,
        post_id: null,
        thread_id: thread,
        kind: 'private_message',
        author_platform_id: USER_PHONE,
        author_role: 'customer',
        text: 'My router is down',
        event_time: S * 1000,
        metadata: { whatsapp_type: 'text' },
      }),
    ]);
    // Message ids embed the phone number: only their keyed hash is kept.
    expect(events[0]!.type === 'message_posted' && events[0]!.message_id).toBe(
      `wamid:${pseudonymize('whatsapp', WAMID)}`,
    );
    expect(JSON.stringify(events[0]!.thread_id)).not.toContain(USER_PHONE);
  });

  it('takes the text of captions, buttons and list replies; keeps replies as parents', () => {
    const image = map(
      whatsapp('messages', {
        messages: [
          {
            from: USER_PHONE,
            id: 'wamid.2',
            timestamp: String(S),
            type: 'image',
            image: { caption: 'This arrived broken', mime_type: 'image/jpeg', sha256: 'abc', id: '2754859441498128' },
            context: { from: '15550783881', id: WAMID },
          },
        ],
      }),
    );
    expect(image.events[0]).toMatchObject({
      text: 'This arrived broken',
      parent_id: `wamid:${pseudonymize('whatsapp', WAMID)}`,
      metadata: { whatsapp_type: 'image' },
    });
    const button = map(
      whatsapp('messages', {
        messages: [
          {
            from: USER_PHONE,
            id: 'wamid.3',
            timestamp: String(S),
            type: 'interactive',
            interactive: { type: 'button_reply', button_reply: { id: 'b1', title: 'Talk to an agent' } },
          },
        ],
      }),
    );
    expect(button.events[0]).toMatchObject({ text: 'Talk to an agent' });
  });

  it('ignores statuses, reactions and unsupported messages, saying why', () => {
    const { events, ignored } = map(
      whatsapp('messages', {
        ...waStatus('wamid.out.1', 'delivered', String(S)),
        messages: [
          {
            from: USER_PHONE,
            id: 'wamid.4',
            timestamp: String(S),
            type: 'reaction',
            reaction: { message_id: 'wamid.out.1', emoji: '👍' },
          },
          {
            from: USER_PHONE,
            id: 'wamid.5',
            timestamp: String(S),
            type: 'unsupported',
            errors: [{ code: 131051, title: 'Message type unknown' }],
            unsupported: { type: 'poll_update' },
          },
        ],
      }),
    );
    expect(events).toEqual([]);
    expect(ignored.map((i) => i.reason)).toEqual([
      expect.stringMatching(/"reaction"/),
      expect.stringMatching(/"unsupported"/),
      expect.stringMatching(/1 status update/),
    ]);
  });

  it('maps the business messages Meta echoes (smb_message_echoes): replies, edits and revokes', () => {
    const reply = map(
      whatsapp(
        'smb_message_echoes',
        waEcho({
          id: 'wamid.out.2',
          timestamp: String(S + 600),
          type: 'text',
          text: { body: 'Restart it, then tell us' },
        }),
      ),
    ).events[0];
    expect(reply).toMatchObject({
      type: 'message_posted',
      thread_id: thread,
      author_platform_id: PHONE_ID,
      author_role: 'brand',
      text: 'Restart it, then tell us',
      event_time: (S + 600) * 1000,
    });
    const edit = (id: string, t: number, body: string) =>
      waEcho({
        id,
        timestamp: String(t),
        type: 'edit',
        edit: { original_message_id: 'wamid.out.2', message: { type: 'text', text: { body } } },
      });
    const e1 = map(whatsapp('smb_message_echoes', edit('wamid.out.3', S + 700, 'Restart it, please'))).events[0]!;
    const e2 = map(whatsapp('smb_message_echoes', edit('wamid.out.4', S + 800, 'Restart it now'))).events[0]!;
    expect(e1).toMatchObject({
      type: 'message_edited',
      message_id: `wamid:${pseudonymize('whatsapp', 'wamid.out.2')}`,
      text: 'Restart it, please',
      event_time: (S + 700) * 1000,
    });
    expect(e2.event_id).not.toBe(e1.event_id);
    const revoke = map(
      whatsapp(
        'smb_message_echoes',
        waEcho({
          id: 'wamid.out.5',
          timestamp: String(S + 900),
          type: 'revoke',
          revoke: { original_message_id: 'wamid.out.2' },
        }),
      ),
    ).events[0];
    expect(revoke).toMatchObject({
      type: 'message_deleted',
      message_id: `wamid:${pseudonymize('whatsapp', 'wamid.out.2')}`,
      author_platform_id: PHONE_ID,
    });
    // The echo's "to" may be formatted: it is still the same conversation.
    const formatted = map(
      whatsapp('smb_message_echoes', {
        message_echoes: [
          {
            from: '15550783881',
            to: '+1 650-555-1234',
            id: 'wamid.out.6',
            timestamp: String(S),
            type: 'text',
            text: { body: 'hi' },
          },
        ],
      }),
    ).events[0];
    expect(formatted!.thread_id).toBe(thread);
  });

  it('maps the brand by phone number id, or by WhatsApp Business Account id; others are ignored', () => {
    expect(
      map(whatsapp('messages', waText('wamid.6', String(S), 'hi')), ctx({ accounts: new Map([[WABA, 'globex']]) }))
        .events[0],
    ).toMatchObject({ brand: 'globex' });
    const unknown = map(whatsapp('messages', waText('wamid.6', String(S), 'hi')), ctx({ accounts: new Map() }));
    expect(unknown.events).toEqual([]);
    expect(unknown.ignored[0]!.reason).toMatch(/not mapped to a brand/);
    expect(accounts.get(PHONE_ID)).toBe('acme');
  });

  it('refuses an unreadable timestamp rather than dating the message now', () => {
    expect(map(whatsapp('messages', waText('wamid.7', 'yesterday', 'hi'))).ignored[0]!.reason).toMatch(/^timestamp: /);
  });
});

describe('POST /webhooks/whatsapp and /webhooks/meta', () => {
  let current: ReturnType<typeof harness> | undefined;
  afterEach(async () => current?.app.close());

  it('checks X-Hub-Signature-256 and publishes the conversation pseudonymized', async () => {
    const { app, publisher } = (current = harness());
    const raw = Buffer.from(JSON.stringify(whatsapp('messages', waText(WAMID, String(S), 'My router is down'))));
    const unsigned = await app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json' },
      payload: raw,
    });
    expect(unsigned.statusCode).toBe(401);
    for (const url of ['/webhooks/whatsapp', '/webhooks/meta']) {
      const res = await app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, META_SECRET) },
        payload: raw,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().accepted).toBe(1);
    }
    expect(publisher.published).toHaveLength(2);
    expect(publisher.published[0]!.event_id).toBe(publisher.published[1]!.event_id);
    const stored = JSON.stringify(publisher.published[0]);
    expect(stored).not.toContain(USER_PHONE);
    expect(stored).not.toContain('MTY1MDM4Nzk0Mzk');
    expect(payloadOf(publisher.published[0]!)).toMatchObject({
      type: 'message_posted',
      value: { author_role: 'customer', kind: 'private_message' },
    });
  });
});
