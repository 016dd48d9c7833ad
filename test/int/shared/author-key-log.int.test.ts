import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { AuthorKeyLog, AuthorSealer } from '../../../services/shared/author-key-log.ts';
import {
  authorRefFunction,
  keyRecord,
  MasterKeys,
  newDataKey,
  sealedKeyId,
} from '../../../services/shared/author-keys.ts';
import { durableProducer } from '../../../services/shared/kafka.ts';
import { payloadOf, type ConversationEvent } from '../../../services/shared/events.ts';
import { sampleEvents } from '../../support/events.ts';
import { isolatedConfig, isolatedKafka, logger } from '../../support/stack.ts';

/** The author-key log against real Kafka: syncs that run side by side, and the sealer's remembered authors. */
describe('author key log (real Kafka)', () => {
  const config = isolatedConfig('authorkeys');
  const master = new MasterKeys(['int-test-master-secret-0000']);
  let kafka: Awaited<ReturnType<typeof isolatedKafka>>;
  let log: AuthorKeyLog;
  let producer: Producer;
  let topic: string;
  beforeAll(async () => {
    kafka = await isolatedKafka(config);
    topic = kafka.topics.name('authorKeys');
    log = new AuthorKeyLog({ kafka: kafka.kafka, topic, master, logger });
    producer = durableProducer(kafka.kafka);
    await Promise.all([log.start(), producer.connect()]);
  });
  afterAll(async () => {
    await producer?.disconnect();
    await log?.stop();
    await kafka?.cleanup();
  });

  const writeKey = async (ref: string) => {
    const key = newDataKey();
    await producer.send({ topic, acks: -1, messages: [keyRecord(ref, key, master, Date.now())] });
    return key;
  };

  it('every sync sees the keys written before it was called, also while another sync is in flight', async () => {
    for (let round = 0; round < 10; round++) {
      const first = await writeKey(`ref-a-${round}`);
      const early = log.sync();
      const second = await writeKey(`ref-b-${round}`);
      const late = Array.from({ length: 4 }, () => log.sync());
      await early;
      expect(log.store.currentKey(`ref-a-${round}`)?.id).toBe(first.id);
      await Promise.all(late);
      expect(log.store.currentKey(`ref-b-${round}`)?.id).toBe(second.id);
    }
  });

  it('the sealer seals an author id once per key and blanks it once the author is erased', async () => {
    const pseudonymKey = 'int-test-pseudonym-key-000';
    const keyProducer = durableProducer(kafka.kafka);
    const sealer = new AuthorSealer({ log, producer: keyProducer, topic, master, pseudonymKey });
    const posted = (sampleEvents() as unknown as ConversationEvent[]).find(
      (e) => payloadOf(e).type === 'message_posted',
    )!;
    const twice = [posted, { ...posted, event_id: `${posted.event_id}-2` }];
    const [a, b] = await sealer.seal(twice);
    const authorOf = (e: ConversationEvent) => {
      const p = payloadOf(e);
      return p.type === 'message_posted' ? p.value : null;
    };
    expect(authorOf(a!)!.author_id).toBe(authorOf(b!)!.author_id);
    expect(authorOf(a!)!.text).not.toBe(authorOf(b!)!.text);
    const ref = authorRefFunction(pseudonymKey)(posted.brand, authorOf(posted)!.author_id);
    expect(sealedKeyId(authorOf(a!)!.author_id)).toBe(log.store.currentKey(ref)!.id);
    expect(log.store.open(authorOf(a!)!.author_id, posted.brand)).toBe(authorOf(posted)!.author_id);
    // Erased: the next events of this author go out blank, not with the remembered sealed id.
    log.store.apply(`erased/${ref}`, JSON.stringify({ v: 1, erased_at: Date.now(), request_id: 'int' }));
    const [c] = await sealer.seal([posted]);
    expect(authorOf(c!)!.author_id).toBe('');
    expect(authorOf(c!)!.text).toBe('');
    await keyProducer.disconnect();
  });
});
