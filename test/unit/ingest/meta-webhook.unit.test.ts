import { afterEach, describe, expect, it } from 'vitest';
import { payloadOf } from '../../../services/shared/events.ts';
import { mapMetaNotification } from '../../../services/ingest/meta/mapping.ts';
import { accounts, comment, ctx, feed, igComment, IG, PAGE, RECEIVED_AT } from './meta-payloads.ts';
import { signBody, verifySignature } from '../../../services/ingest/meta/signature.ts';
import { hmacPseudonymizer } from '../../../services/ingest/pseudonym.ts';
import { harness, META_SECRET, PSEUDONYM_KEY } from './harness.ts';

const map = (body: unknown, c = ctx()) => mapMetaNotification(body, c);
const MIN = 60;

describe('Facebook feed comments', () => {
  it('maps a Page comment (verb add) to a message_posted dated at created_time that starts a thread', () => {
    const { events, ignored } = map(feed(comment('add')));
    expect(ignored).toEqual([]);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'message_posted',
        brand: 'acme',
        platform: 'facebook',
        account_id: PAGE,
        post_id: `${PAGE}_555`,
        thread_id: '555_777',
        message_id: '555_777',
        parent_id: null,
        kind: 'comment',
        author_platform_id: '9876',
        author_role: 'customer',
        text: 'My parcel never arrived',
        event_time: 1_714_557_600_000,
        source: 'meta-webhook',
      }),
    ]);
  });

  it('maps a reply into its parent comment thread; the page itself as author is the brand', () => {
    const { events } = map(
      feed(comment('add', { comment_id: '555_778', parent_id: '555_777', from: { id: PAGE, name: 'Acme' } })),
    );
    expect(events[0]).toMatchObject({
      thread_id: '555_777',
      parent_id: '555_777',
      kind: 'reply',
      author_role: 'brand',
    });
  });

  it('files a reply to a reply under the top-level comment it descends from', () => {
    const c = ctx();
    map(feed(comment('add')), c);
    map(feed(comment('add', { comment_id: '555_778', parent_id: '555_777', from: { id: PAGE, name: 'Acme' } })), c);
    const { events } = map(
      feed(comment('add', { comment_id: '555_779', parent_id: '555_778', message: 'Still nothing' })),
      c,
    );
    expect(events[0]).toMatchObject({
      message_id: '555_779',
      parent_id: '555_778',
      thread_id: '555_777',
      kind: 'reply',
    });
    // Its later edit finds the same thread.
    expect(
      map(feed(comment('edited', { comment_id: '555_779', parent_id: '555_778' }), 1_714_558_000), c).events[0],
    ).toMatchObject({ thread_id: '555_777' });
    // A parent this process never saw: filed under the parent (the documented fallback).
    expect(map(feed(comment('add', { comment_id: '555_901', parent_id: '555_900' })), ctx()).events[0]).toMatchObject({
      thread_id: '555_900',
    });
  });

  it('dates an edit at the notification, not at created_time, and gives each edit its own id', () => {
    const c = ctx();
    const posted = map(feed(comment('add')), c).events[0]!;
    const first = map(feed(comment('edited', { message: 'Arrived, but broken' }), 1_714_557_600 + 10 * MIN), c)
      .events[0]!;
    const second = map(feed(comment('edited', { message: 'Arrived, all fine now' }), 1_714_557_600 + 20 * MIN), c)
      .events[0]!;
    expect(first).toMatchObject({
      type: 'message_edited',
      message_id: '555_777',
      thread_id: '555_777',
      text: 'Arrived, but broken',
      event_time: (1_714_557_600 + 10 * MIN) * 1000,
    });
    expect(second).toMatchObject({
      type: 'message_edited',
      text: 'Arrived, all fine now',
      event_time: (1_714_557_600 + 20 * MIN) * 1000,
    });
    expect(new Set([posted.event_id, first.event_id, second.event_id]).size).toBe(3);
    // A redelivered notification is the same event.
    expect(
      map(feed(comment('edited', { message: 'Arrived, but broken' }), 1_714_557_600 + 10 * MIN), c).events[0]!.event_id,
    ).toBe(first.event_id);
  });

  it('an author removal is a delete at the notification time; a Page removal is moderation by the Page', () => {
    const byAuthor = map(feed(comment('remove'), 1_714_557_600 + 60 * MIN)).events[0];
    expect(byAuthor).toMatchObject({
      type: 'message_deleted',
      message_id: '555_777',
      author_platform_id: '9876',
      event_time: (1_714_557_600 + 60 * MIN) * 1000,
    });
    const byPage = map(feed(comment('remove', { from: { id: PAGE, name: 'Acme' } }), 1_714_557_600 + 5 * MIN))
      .events[0];
    expect(byPage).toMatchObject({
      type: 'moderation_action',
      action: 'delete',
      actor_id: PAGE,
      actor_role: 'brand',
      target_message_id: '555_777',
      event_time: (1_714_557_600 + 5 * MIN) * 1000,
    });
    expect(map(feed(comment('remove', { from: undefined }))).ignored[0]!.reason).toMatch(/cannot tell the author/);
  });

  it('maps hide and unhide as moderation by the Page at the notification time', () => {
    const [hide, unhide] = ['hide', 'unhide'].map(
      (verb, i) => map(feed(comment(verb), 1_714_557_700 + i * MIN)).events[0],
    );
    expect(hide).toMatchObject({
      type: 'moderation_action',
      action: 'hide',
      actor_id: PAGE,
      actor_role: 'brand',
      target_message_id: '555_777',
      target_author_platform_id: '9876',
      event_time: 1_714_557_700_000,
    });
    expect(unhide).toMatchObject({
      type: 'moderation_action',
      action: 'unhide',
      event_time: (1_714_557_700 + MIN) * 1000,
    });
    expect(hide!.event_id).not.toBe(unhide!.event_id);
  });

  it('maps several changes per entry and several entries per body, in order', () => {
    const body = {
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: 1_714_557_700,
          changes: [
            { field: 'feed', value: comment('add') },
            {
              field: 'feed',
              value: comment('add', { comment_id: '555_778', parent_id: '555_777', from: { id: PAGE } }),
            },
          ],
        },
        {
          id: PAGE,
          time: 1_714_557_800,
          changes: [
            { field: 'feed', value: comment('hide') },
            {
              field: 'feed',
              value: {
                item: 'reaction',
                verb: 'add',
                reaction_type: 'like',
                from: { id: '1' },
                post_id: `${PAGE}_555`,
              },
            },
          ],
        },
      ],
    };
    const { events, ignored } = map(body);
    expect(events.map((e) => [e.type, e.thread_id])).toEqual([
      ['message_posted', '555_777'],
      ['message_posted', '555_777'],
      ['moderation_action', '555_777'],
    ]);
    expect(ignored).toEqual([{ entry: 1, change: 1, reason: expect.stringMatching(/reaction/) }]);
  });

  it('refuses a notification time it cannot read instead of dating it now', () => {
    expect(map(feed(comment('edited'), 'soon' as unknown as number)).ignored[0]!.reason).toMatch(/entry\.time/);
    // No time at all: the time it arrived.
    expect(
      map({ object: 'page', entry: [{ id: PAGE, changes: [{ field: 'feed', value: comment('hide') }] }] }).events[0],
    ).toMatchObject({ event_time: RECEIVED_AT });
  });
});

describe('Instagram comments', () => {
  it('maps comments and replies (with or without a changes array) at the notification time', () => {
    const top = map(igComment()).events[0];
    expect(top).toMatchObject({
      type: 'message_posted',
      platform: 'instagram',
      account_id: IG,
      post_id: '123123123',
      thread_id: '17865799348089039',
      kind: 'comment',
      author_platform_id: '232323232',
      text: 'Wrong size again',
      event_time: 1_714_557_800_000,
      metadata: { media_product_type: 'FEED' },
    });
    const reply = map(igComment({ id: '17865799348089040', parent_id: '17865799348089039' })).events[0];
    expect(reply).toMatchObject({ thread_id: '17865799348089039', parent_id: '17865799348089039', kind: 'reply' });
    const flat = igComment();
    const { changes, ...entry } = flat.entry[0]!;
    const direct = map({ object: 'instagram', entry: [{ ...entry, ...changes[0] }] }).events[0];
    expect(direct).toMatchObject({ message_id: '17865799348089039' });
  });

  it('repairs broken text from the platform rather than losing the comment', () => {
    expect(map(igComment({ text: 'broken \ud83d emoji\u0000' })).events[0]).toMatchObject({
      text: 'broken \ufffd emoji',
    });
  });

  it('ignores, with a reason, what is not a comment or not a known account', () => {
    const reaction = map(
      feed({ item: 'reaction', verb: 'add', reaction_type: 'like', from: { id: '1' }, post_id: `${PAGE}_1` }),
    );
    expect(reaction.events).toEqual([]);
    expect(reaction.ignored[0]!.reason).toMatch(/reaction/);
    const unknown = map(feed(comment('add'), 1_714_557_700, '4242'));
    expect(unknown.events).toEqual([]);
    expect(unknown.ignored[0]!.reason).toMatch(/not mapped to a brand/);
    expect(map({ object: 'user', entry: [] }).ignored).toHaveLength(1);
    expect(accounts.size).toBe(3);
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
    const ok = await app.inject({
      url: '/webhooks/meta?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    const bad = await app.inject({
      url: '/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444',
    });
    expect(bad.statusCode).toBe(403);
  });

  it('publishes signed notifications pseudonymized; rejects unsigned or wrongly signed ones', async () => {
    const { app, publisher } = (current = harness());
    const raw = Buffer.from(JSON.stringify(feed(comment('add'))));
    const unsigned = await app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: { 'content-type': 'application/json' },
      payload: raw,
    });
    expect(unsigned.statusCode).toBe(401);
    const forged = await app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, 'guess') },
      payload: raw,
    });
    expect(forged.statusCode).toBe(401);
    expect(publisher.published).toHaveLength(0);

    const res = await app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, META_SECRET) },
      payload: raw,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().accepted).toBe(1);
    const [event] = publisher.published;
    expect(event).toMatchObject({ brand: 'acme', platform: 'facebook', source: 'meta-webhook', thread_id: '555_777' });
    const p = payloadOf(event!);
    expect(p.type).toBe('message_posted');
    expect((p.value as { author_id: string }).author_id).toBe(hmacPseudonymizer(PSEUDONYM_KEY)('facebook', '9876'));
    expect(JSON.stringify(event)).not.toContain('9876');

    // A redelivery of the same notification gets the same event id.
    const again = await app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, META_SECRET) },
      payload: raw,
    });
    expect(again.json().event_ids).toEqual(res.json().event_ids);
  });

  it('answers 503 with Retry-After when Kafka fails, so that Meta redelivers', async () => {
    const { app, publisher } = (current = harness());
    publisher.mode = 'fail';
    const raw = Buffer.from(JSON.stringify(igComment()));
    const res = await app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, META_SECRET) },
      payload: raw,
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('7');
  });
});
