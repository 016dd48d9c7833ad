import { afterEach, describe, expect, it } from 'vitest';
import { payloadOf } from '../../../services/shared/events.ts';
import { mapMetaNotification } from '../../../services/ingest/meta/mapping.ts';
import { signBody, verifySignature } from '../../../services/ingest/meta/signature.ts';
import { hmacPseudonymizer } from '../../../services/ingest/pseudonym.ts';
import { harness, META_SECRET, PSEUDONYM_KEY } from './harness.ts';

const PAGE = '1111';
const IG = '17841400000000001';
const accounts = new Map([[PAGE, 'acme'], [IG, 'acme']]);

/** A Page `feed` notification as Meta sends it (Graph API webhooks reference). */
function feed(value: Record<string, unknown>, pageId = PAGE) {
  return { object: 'page', entry: [{ id: pageId, time: 1_714_557_700, changes: [{ field: 'feed', value }] }] };
}
const comment = (verb: string, extra: Record<string, unknown> = {}) => ({
  from: { id: '9876', name: 'Jane Customer' },
  post: { status_type: 'added_photos', is_published: true, updated_time: '2024-05-01T10:00:00+0000', permalink_url: 'https://facebook.com/1', promotion_status: 'inactive', id: `${PAGE}_555` },
  message: 'My parcel never arrived',
  post_id: `${PAGE}_555`,
  comment_id: '555_777',
  created_time: 1_714_557_600,
  item: 'comment',
  parent_id: `${PAGE}_555`,
  verb,
  ...extra,
});
const igComment = (extra: Record<string, unknown> = {}) => ({
  object: 'instagram',
  entry: [
    {
      id: IG,
      time: 1_714_557_800,
      changes: [
        { field: 'comments', value: { from: { id: '232323232', username: 'jane' }, media: { id: '123123123', media_product_type: 'FEED' }, id: '17865799348089039', text: 'Wrong size again', ...extra } },
      ],
    },
  ],
});

describe('Meta payload mapping', () => {
  it('maps a Page comment (verb add) to a message_posted that starts a thread', () => {
    const { events, ignored } = mapMetaNotification(feed(comment('add')), accounts);
    expect(ignored).toEqual([]);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'message_posted', brand: 'acme', platform: 'facebook', account_id: PAGE, post_id: `${PAGE}_555`, thread_id: '555_777',
        message_id: '555_777', parent_id: null, kind: 'comment', author_platform_id: '9876', author_role: 'customer',
        text: 'My parcel never arrived', event_time: 1_714_557_600_000, source: 'meta-webhook',
      }),
    ]);
  });

  it('maps a reply into its parent comment thread; the page itself as author is the brand', () => {
    const { events } = mapMetaNotification(feed(comment('add', { comment_id: '555_778', parent_id: '555_777', from: { id: PAGE, name: 'Acme' } })), accounts);
    expect(events[0]).toMatchObject({ thread_id: '555_777', parent_id: '555_777', kind: 'reply', author_role: 'brand' });
  });

  it('maps edited, remove, hide and unhide', () => {
    const types = ['edited', 'remove', 'hide', 'unhide'].map((verb) => mapMetaNotification(feed(comment(verb)), accounts).events[0]);
    expect(types[0]).toMatchObject({ type: 'message_edited', message_id: '555_777', text: 'My parcel never arrived' });
    expect(types[1]).toMatchObject({ type: 'message_deleted', message_id: '555_777', author_platform_id: '9876' });
    expect(types[2]).toMatchObject({ type: 'moderation_action', action: 'hide', actor_id: PAGE, actor_role: 'brand', target_message_id: '555_777', target_author_platform_id: '9876', event_time: 1_714_557_700_000 });
    expect(types[3]).toMatchObject({ type: 'moderation_action', action: 'unhide' });
  });

  it('maps Instagram comments and replies (with or without a changes array)', () => {
    const top = mapMetaNotification(igComment(), accounts).events[0];
    expect(top).toMatchObject({ type: 'message_posted', platform: 'instagram', account_id: IG, post_id: '123123123', thread_id: '17865799348089039', kind: 'comment', author_platform_id: '232323232', text: 'Wrong size again', metadata: { media_product_type: 'FEED' } });
    const reply = mapMetaNotification(igComment({ id: '17865799348089040', parent_id: '17865799348089039' }), accounts).events[0];
    expect(reply).toMatchObject({ thread_id: '17865799348089039', parent_id: '17865799348089039', kind: 'reply' });
    const flat = igComment();
    const { changes, ...entry } = flat.entry[0]!;
    const direct = mapMetaNotification({ object: 'instagram', entry: [{ ...entry, ...changes[0] }] }, accounts).events[0];
    expect(direct).toMatchObject({ message_id: '17865799348089039' });
  });

  it('ignores, with a reason, what is not a comment or not a known account', () => {
    const reaction = mapMetaNotification(feed({ item: 'reaction', verb: 'add', reaction_type: 'like', from: { id: '1' }, post_id: `${PAGE}_1` }), accounts);
    expect(reaction.events).toEqual([]);
    expect(reaction.ignored[0]!.reason).toMatch(/reaction/);
    const unknown = mapMetaNotification(feed(comment('add'), '4242'), accounts);
    expect(unknown.events).toEqual([]);
    expect(unknown.ignored[0]!.reason).toMatch(/not mapped to a brand/);
    expect(mapMetaNotification({ object: 'user', entry: [] }, accounts).ignored).toHaveLength(1);
  });
});

describe('X-Hub-Signature-256', () => {
  const body = Buffer.from(JSON.stringify(feed(comment('add'))));
  it('accepts the HMAC of the exact body and rejects anything else', () => {
    const sig = signBody(body, META_SECRET);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(body, sig, META_SECRET)).toBe(true);
    expect(verifySignature(body, sig.toUpperCase().replace('SHA256=', 'sha256='), META_SECRET)).toBe(true);
    expect(verifySignature(body, signBody(body, 'other-secret'), META_SECRET)).toBe(false);
    expect(verifySignature(Buffer.concat([body, Buffer.from(' ')]), sig, META_SECRET)).toBe(false);
    expect(verifySignature(body, undefined, META_SECRET)).toBe(false);
    expect(verifySignature(body, 'sha1=abc', META_SECRET)).toBe(false);
    expect(verifySignature(body, 'sha256=abc', META_SECRET)).toBe(false);
  });
});

describe('/webhooks/meta', () => {
  let current: ReturnType<typeof harness> | undefined;
  afterEach(async () => current?.app.close());

  it('answers the GET verification challenge only with the right token', async () => {
    const { app } = (current = harness());
    const ok = await app.inject({ url: '/webhooks/meta?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    const bad = await app.inject({ url: '/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444' });
    expect(bad.statusCode).toBe(403);
  });

  it('publishes signed notifications pseudonymized; rejects unsigned or wrongly signed ones', async () => {
    const { app, publisher } = (current = harness());
    const raw = Buffer.from(JSON.stringify(feed(comment('add'))));
    const unsigned = await app.inject({ method: 'POST', url: '/webhooks/meta', headers: { 'content-type': 'application/json' }, payload: raw });
    expect(unsigned.statusCode).toBe(401);
    const forged = await app.inject({ method: 'POST', url: '/webhooks/meta', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, 'guess') }, payload: raw });
    expect(forged.statusCode).toBe(401);
    expect(publisher.published).toHaveLength(0);

    const res = await app.inject({ method: 'POST', url: '/webhooks/meta', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, META_SECRET) }, payload: raw });
    expect(res.statusCode).toBe(200);
    expect(res.json().accepted).toBe(1);
    const [event] = publisher.published;
    expect(event).toMatchObject({ brand: 'acme', platform: 'facebook', source: 'meta-webhook', thread_id: '555_777' });
    const p = payloadOf(event!);
    expect(p.type).toBe('message_posted');
    expect((p.value as { author_id: string }).author_id).toBe(hmacPseudonymizer(PSEUDONYM_KEY)('facebook', '9876'));
    expect(JSON.stringify(event)).not.toContain('9876');

    // A redelivery of the same notification gets the same event id.
    const again = await app.inject({ method: 'POST', url: '/webhooks/meta', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, META_SECRET) }, payload: raw });
    expect(again.json().event_ids).toEqual(res.json().event_ids);
  });

  it('answers 503 with Retry-After when Kafka fails, so that Meta redelivers', async () => {
    const { app, publisher } = (current = harness());
    publisher.mode = 'fail';
    const raw = Buffer.from(JSON.stringify(igComment()));
    const res = await app.inject({ method: 'POST', url: '/webhooks/meta', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, META_SECRET) }, payload: raw });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('7');
  });
});
