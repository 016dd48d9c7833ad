import { describe, expect, it } from 'vitest';
import { AuthorKeyStore, MasterKeys, newDataKey, seal, sealedKeyId } from '../../../services/shared/author-keys.ts';
import { openEvent, sealEvent } from '../../../services/shared/sealed-event.ts';
import { payloadOf, type ConversationEvent } from '../../../services/shared/events.ts';
import { sampleEvents } from '../../support/events.ts';

/** Ingest seals an author's id once per key and reuses it (services/shared/author-key-log.ts, AuthorSealer). */
describe('sealEvent with an author id sealed before', () => {
  const key = newDataKey();
  const store = new AuthorKeyStore(new MasterKeys(['unit-master-secret-000000']));
  store.remember('ref-1', key);
  const posted = (sampleEvents() as unknown as ConversationEvent[]).find(
    (e) => payloadOf(e).type === 'message_posted',
  )!;
  const p = payloadOf(posted);
  if (p.type !== 'message_posted') throw new Error('sample has no post');

  it('puts the given sealed id in the author field and still seals the text afresh', () => {
    const sealedId = seal(p.value.author_id, key, posted.brand);
    const a = payloadOf(sealEvent(posted, key, { plain: p.value.author_id, sealed: sealedId }));
    const b = payloadOf(sealEvent(posted, key, { plain: p.value.author_id, sealed: sealedId }));
    if (a.type !== 'message_posted' || b.type !== 'message_posted') throw new Error('type changed');
    expect(a.value.author_id).toBe(sealedId);
    expect(b.value.author_id).toBe(sealedId);
    expect(a.value.text).not.toBe(b.value.text);
    expect(sealedKeyId(a.value.text)).toBe(key.id);
    expect(openEvent(sealEvent(posted, key, { plain: p.value.author_id, sealed: sealedId }), store)).toEqual(posted);
  });

  it('ignores a sealed id given for someone else', () => {
    const other = seal('someone-else', key, posted.brand);
    const a = payloadOf(sealEvent(posted, key, { plain: 'someone-else', sealed: other }));
    if (a.type !== 'message_posted') throw new Error('type changed');
    expect(a.value.author_id).not.toBe(other);
    expect(store.open(a.value.author_id, posted.brand)).toBe(p.value.author_id);
  });

  it('gives fresh keys and IVs from the random pool', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => newDataKey().id));
    expect(ids.size).toBe(5000);
    const sealed = new Set(Array.from({ length: 5000 }, () => seal('same text', key, 'acme')));
    expect(sealed.size).toBe(5000);
  });
});
