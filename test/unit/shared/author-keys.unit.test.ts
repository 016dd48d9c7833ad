import { describe, expect, it } from 'vitest';
import {
  AuthorKeyStore,
  MasterKeys,
  authorRefFunction,
  erasedRecord,
  isSealed,
  keyRecord,
  keyRecordKey,
  newDataKey,
  seal,
  sealedKeyId,
  unseal,
} from '../../../services/shared/author-keys.ts';
import { authorOf, openEvent, sealEvent } from '../../../services/shared/sealed-event.ts';
import { payloadOf, type MessagePosted, type ModerationAction } from '../../../services/shared/events.ts';
import { posted, moderation } from '../sink/fixtures.ts';
import { parseAuthor } from '../../../services/shared/erasure-log.ts';

const master = new MasterKeys(['unit-test-master-key-0123456789abcdef']);
const ref = authorRefFunction('unit-test-pseudonym-key');

describe('sealing a field', () => {
  it('round-trips under its key and brand, and names its key without naming the author', () => {
    const key = newDataKey();
    const sealed = seal('Where is my order? ✨', key, 'acme');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('order');
    expect(sealedKeyId(sealed)).toBe(key.id);
    expect(unseal(sealed, key.key, 'acme')).toBe('Where is my order? ✨');
    // A fresh IV each time: the same text never gives the same bytes (no equality leak).
    expect(seal('same', key, 'acme')).not.toBe(seal('same', key, 'acme'));
  });

  it('does not open under another key, another brand, or with a flipped byte', () => {
    const key = newDataKey();
    const sealed = seal('secret', key, 'acme');
    expect(unseal(sealed, newDataKey().key, 'acme')).toBeNull();
    expect(unseal(sealed, key.key, 'globex')).toBeNull();
    const raw = Buffer.from(sealed.slice(5), 'base64url');
    raw[raw.length - 1]! ^= 1;
    expect(unseal(`bpk1:${raw.toString('base64url')}`, key.key, 'acme')).toBeNull();
    expect(unseal('bpk1:AAAA', key.key, 'acme')).toBeNull();
  });
});

describe('master keys', () => {
  it('wrap data keys bound to their record key, and an older master key still unwraps after rotation', () => {
    const key = newDataKey();
    const w = master.wrap(key.key, 'key/r/1');
    expect(master.unwrap(w.kek, w.wrapped, 'key/r/1')).toEqual(key.key);
    expect(master.unwrap(w.kek, w.wrapped, 'key/other/1')).toBeNull();
    const rotated = new MasterKeys(['unit-test-master-key-NEW-0123456789abc', 'unit-test-master-key-0123456789abcdef']);
    expect(rotated.currentId).not.toBe(master.currentId);
    expect(rotated.unwrap(w.kek, w.wrapped, 'key/r/1')).toEqual(key.key);
    expect(new MasterKeys(['unit-test-master-key-NEW-0123456789abc']).unwrap(w.kek, w.wrapped, 'key/r/1')).toBeNull();
    expect(master.openString(master.sealString('pseudo', 'erasure/1'), 'erasure/1')).toBe('pseudo');
    expect(master.openString(master.sealString('pseudo', 'erasure/1'), 'erasure/2')).toBeNull();
  });

  it('author refs are per brand and keyed', () => {
    expect(ref('acme', 'p1')).toBe(ref('acme', 'p1'));
    expect(ref('acme', 'p1')).not.toBe(ref('globex', 'p1'));
    expect(authorRefFunction('another-key-0000000')('acme', 'p1')).not.toBe(ref('acme', 'p1'));
  });
});

describe('the key store, fed as compaction would', () => {
  const load = (records: Array<{ key: string; value: string | null }>) => {
    const store = new AuthorKeyStore(master);
    for (const r of records) store.apply(r.key, r.value);
    return store;
  };

  it('opens what its keys sealed; a tombstone or an erasure marker makes it unreadable for good', () => {
    const r = ref('acme', 'p1');
    const key = newDataKey();
    const record = keyRecord(r, key, master, 1);
    const sealed = seal('hello', key, 'acme');
    const store = load([record]);
    expect(store.open(sealed, 'acme')).toBe('hello');
    expect(store.currentKey(r)?.id).toBe(key.id);
    expect(store.open('plain, from before sealing', 'acme')).toBe('plain, from before sealing');

    expect(load([record, { key: keyRecordKey(r, key.id), value: null }]).open(sealed, 'acme')).toBeNull();
    // A key written after the marker (an ingest that had not seen it yet) opens nothing either.
    const late = load([erasedRecord(r, 'req-1', 2), record]);
    expect(late.isErased(r)).toBe(true);
    expect(late.open(sealed, 'acme')).toBeNull();
  });

  it('counts unreadable records instead of failing on them', () => {
    const store = load([
      { key: 'key/r/1', value: 'not json' },
      { key: 'key/r/2', value: JSON.stringify({ v: 1, kek: 'nope', wrapped: 'AAAA' }) },
      { key: 'erased/r', value: '{}' },
    ]);
    expect(store.unreadable).toBe(3);
    expect(store.size).toEqual({ keys: 0, erased: 0 });
  });
});

describe('sealing an event', () => {
  it('seals texts, url, author and a moderation target and reason; opens them back, blank once the key is gone', () => {
    const event = posted('e1', 0, 'm1', 'my order is late', { language: 'en' } as never).event;
    (payloadOf(event).value as MessagePosted).url = 'https://x.example/u1/m1';
    const key = newDataKey();
    const sealed = sealEvent(event, key);
    const v = payloadOf(sealed).value as MessagePosted;
    expect([v.text, v.url, v.author_id].every(isSealed)).toBe(true);
    expect(v.message_id).toBe('m1');
    const store = new AuthorKeyStore(master);
    store.remember(ref('acme', 'u1'), key);
    expect(openEvent(sealed, store)).toEqual(event);
    const empty = new AuthorKeyStore(master);
    expect(payloadOf(openEvent(sealed, empty)).value).toMatchObject({
      text: '',
      url: null,
      author_id: '',
      message_id: 'm1',
    });

    const mod = moderation('e2', 1, 'hide', 'm1').event;
    Object.assign(payloadOf(mod).value, { target_author_id: 'u1', reason: 'quoted: my order is late' });
    const m = payloadOf(sealEvent(mod, key)).value as ModerationAction;
    expect(isSealed(m.target_author_id) && isSealed(m.reason)).toBe(true);
    expect(m.actor_id).toBe('agent-1');
    expect(payloadOf(openEvent(sealEvent(mod, key), empty)).value).toMatchObject({
      target_author_id: null,
      reason: null,
    });
    expect(authorOf(moderation('e3', 1, 'assign', null).event)).toBeNull();
  });

  it("an erased author's new events are stored without text and id", () => {
    const event = posted('e1', 0, 'm1', 'again', { language: 'en' } as never).event;
    expect(payloadOf(sealEvent(event, null)).value).toMatchObject({
      text: '',
      author_id: '',
      url: null,
      message_id: 'm1',
    });
  });
});

describe('the erase command line', () => {
  it('reads <platform>:<id>, the id may hold colons', () => {
    expect(parseAuthor('instagram:user-42')).toEqual({ platform: 'instagram', id: 'user-42' });
    expect(parseAuthor('whatsapp:+39:123')).toEqual({ platform: 'whatsapp', id: '+39:123' });
    expect(parseAuthor('user-42')).toMatch(/platform/);
    expect(parseAuthor('Insta:1')).toMatch(/lower-case/);
    expect(parseAuthor('x:')).toMatch(/platform user id/);
  });
});
