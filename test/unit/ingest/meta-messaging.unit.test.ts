import { describe, expect, it } from 'vitest';
import { mapMetaNotification } from '../../../services/ingest/meta/mapping.ts';
import {
  ctx,
  customerMessage,
  IG,
  messageEdit,
  messaging,
  PAGE,
  pageEcho,
  pseudonymize,
  PSID,
} from './meta-payloads.ts';

const map = (body: unknown) => mapMetaNotification(body, ctx());
const T = 1_714_557_900_000;

describe('Messenger (messaging entries of object page)', () => {
  const thread = `messenger:${PAGE}:${pseudonymize('messenger', PSID)}`;

  it('maps a customer message and the Page echo into one thread: customer, then brand reply', () => {
    const { events, ignored } = map(
      messaging([
        customerMessage('mid.1', T, 'Where is my order #123?'),
        pageEcho('mid.2', T + 600_000, 'It ships tomorrow!'),
      ]),
    );
    expect(ignored).toEqual([]);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'message_posted',
        platform: 'messenger',
        account_id: PAGE,
        post_id: null,
        thread_id: thread,
        message_id: 'mid.1',
        kind: 'private_message',
        author_platform_id: PSID,
        author_role: 'customer',
        text: 'Where is my order #123?',
        event_time: T,
      }),
      expect.objectContaining({
        type: 'message_posted',
        thread_id: thread,
        message_id: 'mid.2',
        author_platform_id: PAGE,
        author_role: 'brand',
        text: 'It ships tomorrow!',
        event_time: T + 600_000,
        metadata: { meta_app_id: '1517776481860111' },
      }),
    ]);
    // The customer's raw id is not in the thread key.
    expect(thread).not.toContain(PSID);
  });

  it('maps each message edit as its own event at the edit time; reads and deliveries are ignored', () => {
    const body = messaging([
      messageEdit('mid.1', T + 60_000, 'Where is my order #124?', 1),
      messageEdit('mid.1', T + 120_000, 'Where is order #125?', 2),
      { sender: { id: PSID }, recipient: { id: PAGE }, timestamp: T + 130_000, read: { watermark: T + 125_000 } },
      { sender: { id: PSID }, recipient: { id: PAGE }, delivery: { mids: ['mid.2'], watermark: T + 125_000 } },
    ]);
    const { events, ignored } = map(body);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'message_edited',
        message_id: 'mid.1',
        thread_id: thread,
        text: 'Where is my order #124?',
        event_time: T + 60_000,
        author_platform_id: PSID,
      }),
      expect.objectContaining({
        type: 'message_edited',
        message_id: 'mid.1',
        text: 'Where is order #125?',
        event_time: T + 120_000,
      }),
    ]);
    expect(events[0]!.event_id).not.toBe(events[1]!.event_id);
    expect(ignored.map((i) => i.reason)).toEqual([
      expect.stringMatching(/"read" is not a message/),
      expect.stringMatching(/"delivery" is not a message/),
    ]);
  });

  it('keeps replies to a message as parents, attachments as metadata, and Meta ids as event ids', () => {
    const { events } = map(
      messaging([
        customerMessage('mid.3', T, '', {
          attachments: [{ type: 'image', payload: { url: 'https://x' } }],
          reply_to: { mid: 'mid.2' },
        }),
      ]),
    );
    expect(events[0]).toMatchObject({ parent_id: 'mid.2', text: '', metadata: { attachments: 'image' } });
    expect(map(messaging([customerMessage('mid.3', T, '')])).events[0]!.event_id).toBe(events[0]!.event_id);
  });

  it('maps standby events (another app controls the conversation) like messaging ones', () => {
    const body = { object: 'page', entry: [{ id: PAGE, time: T, standby: [customerMessage('mid.9', T, 'hello?')] }] };
    expect(map(body).events[0]).toMatchObject({ message_id: 'mid.9', author_role: 'customer' });
  });
});

describe('Instagram Direct (messaging entries of object instagram)', () => {
  const thread = `instagram_dm:${IG}:${pseudonymize('instagram_dm', PSID)}`;

  it('maps messages, echoes of the account own messages, and unsends', () => {
    const { events, ignored } = map(
      messaging(
        [
          customerMessage('ig.mid.1', T, 'Do you ship to Spain?', {}, IG),
          pageEcho('ig.mid.2', T + 300_000, 'Yes, in 3 days', IG),
          {
            sender: { id: PSID },
            recipient: { id: IG },
            timestamp: T + 900_000,
            message: { mid: 'ig.mid.1', is_deleted: 'true' },
          },
          { sender: { id: PSID }, recipient: { id: IG }, timestamp: T + 950_000, read: { mid: 'ig.mid.2' } },
        ],
        'instagram',
      ),
    );
    expect(events).toEqual([
      expect.objectContaining({
        type: 'message_posted',
        platform: 'instagram_dm',
        account_id: IG,
        thread_id: thread,
        author_role: 'customer',
        kind: 'private_message',
      }),
      expect.objectContaining({
        type: 'message_posted',
        thread_id: thread,
        author_platform_id: IG,
        author_role: 'brand',
        text: 'Yes, in 3 days',
      }),
      expect.objectContaining({
        type: 'message_deleted',
        thread_id: thread,
        message_id: 'ig.mid.1',
        author_platform_id: PSID,
        event_time: T + 900_000,
      }),
    ]);
    expect(ignored).toHaveLength(1);
  });
});
