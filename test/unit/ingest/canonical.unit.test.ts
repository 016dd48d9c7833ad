import { describe, expect, it } from 'vitest';
import { AvroCodec } from '../../../services/shared/avro.ts';
import { payloadOf } from '../../../services/shared/events.ts';
import {
  deriveEventId,
  toConversationEvent,
  validateEvent,
  type CanonicalEvent,
} from '../../../services/ingest/canonical.ts';
import { hmacPseudonymizer } from '../../../services/ingest/pseudonym.ts';
import { posted } from './harness.ts';

const pseudonymize = hmacPseudonymizer('unit-test-pseudonym-key');
const convert = (e: CanonicalEvent) =>
  toConversationEvent(e, { pseudonymize, ingestTime: 1_714_557_600_500, defaultSource: 'api' });
const codec = new AvroCodec();

const examples: CanonicalEvent[] = [
  posted(),
  posted({
    message_id: 'm-2',
    parent_id: 'm-1',
    author_platform_id: 'page-1',
    author_role: 'brand',
    agent_id: 'agent-7',
    priority: 'high',
    url: 'https://instagram.com/p/1',
  }),
  {
    type: 'message_edited',
    event_time: 1_714_557_700_000,
    brand: 'acme',
    platform: 'instagram',
    account_id: 'acct-1',
    thread_id: 'thread-1',
    message_id: 'm-1',
    author_platform_id: 'raw-user-42',
    text: 'Found it',
  },
  {
    type: 'message_deleted',
    event_time: '2024-05-01T12:00:00+02:00',
    brand: 'acme',
    platform: 'instagram',
    account_id: 'acct-1',
    thread_id: 'thread-1',
    message_id: 'm-1',
    author_platform_id: 'raw-user-42',
  },
  {
    type: 'moderation_action',
    event_time: 1_714_557_800_000,
    brand: 'acme',
    platform: 'forum',
    account_id: 'acct-1',
    thread_id: 'thread-1',
    action: 'ban_author',
    actor_id: 'agent-7',
    target_message_id: 'm-1',
    target_author_platform_id: 'raw-user-42',
    reason: 'spam',
    metadata: { queue: 'eu' },
  },
];

describe('canonical events', () => {
  it('accepts every event type and converts it to an Avro record the codec round-trips', () => {
    for (const e of examples) {
      const v = validateEvent(e);
      expect(v.ok, JSON.stringify(v)).toBe(true);
      const avro = convert(e);
      expect(codec.decode('conversation-event', codec.encode('conversation-event', avro))).toEqual(avro);
    }
  });

  it('converts the envelope: time in epoch ms from ISO or ms, ingest time, defaults', () => {
    const avro = convert(examples[3]!);
    expect(avro.event_time).toBe(Date.UTC(2024, 4, 1, 10, 0, 0));
    expect(avro.ingest_time).toBe(1_714_557_600_500);
    expect(avro.source).toBe('api');
    expect(avro.post_id).toBeNull();
    expect(avro.metadata).toEqual({});
    const reply = payloadOf(convert(examples[1]!));
    expect(reply).toMatchObject({
      type: 'message_posted',
      value: { kind: 'reply', parent_id: 'm-1', author_role: 'brand', agent_id: 'agent-7' },
    });
    const first = payloadOf(convert(examples[0]!));
    expect(first).toMatchObject({
      type: 'message_posted',
      value: { kind: 'comment', author_role: 'customer', parent_id: null },
    });
    expect(payloadOf(convert(examples[4]!))).toMatchObject({
      type: 'moderation_action',
      value: { action: 'ban_author', actor_role: 'brand', reason: 'spam' },
    });
  });

  it('replaces raw author ids with keyed pseudonyms; the raw id never appears in the record', () => {
    for (const e of examples) {
      const bytes = codec.encode('conversation-event', convert(e));
      expect(bytes.includes(Buffer.from('raw-user-42'))).toBe(false);
    }
    const author = (payloadOf(convert(examples[0]!)).value as { author_id: string }).author_id;
    expect(author).toMatch(/^[0-9a-f]{32}$/);
    expect(author).toBe(pseudonymize('instagram', 'raw-user-42'));
    expect(hmacPseudonymizer('another-deployment-key')('instagram', 'raw-user-42')).not.toBe(author);
    expect(pseudonymize('facebook', 'raw-user-42')).not.toBe(author);
    const ban = payloadOf(convert(examples[4]!)).value as { target_author_id: string };
    expect(ban.target_author_id).toBe(pseudonymize('forum', 'raw-user-42'));
  });

  it('derives a stable event id from the source ids, and keeps a given one', () => {
    const a = convert(posted());
    const again = toConversationEvent(posted(), { pseudonymize, ingestTime: 1, defaultSource: 'import' });
    expect(a.event_id).toBe(again.event_id);
    expect(a.event_id).toBe(deriveEventId(posted()));
    // The same instant written as ISO or as epoch ms is the same event.
    expect(deriveEventId(posted({ event_time: Date.UTC(2024, 4, 1, 10) }))).toBe(a.event_id);
    expect(deriveEventId(posted({ message_id: 'm-9' }))).not.toBe(a.event_id);
    expect(deriveEventId(posted({ brand: 'globex' }))).not.toBe(a.event_id);
    expect(deriveEventId({ ...posted(), type: 'message_deleted' } as unknown as CanonicalEvent)).not.toBe(a.event_id);
    expect(convert(posted({ event_id: 'client-id-1' })).event_id).toBe('client-id-1');
  });

  it('names every failing field, including unknown ones and type-specific ones', () => {
    const v = validateEvent(
      {
        type: 'message_posted',
        brand: 'a c m e',
        platform: 'Facebook',
        event_time: 1_700_000_000,
        thread_id: '',
        extra: 1,
        metadata: { n: 5 },
      },
      3,
    );
    expect(v.ok).toBe(false);
    if (v.ok) return;
    const paths = v.issues.map((i) => i.path).sort();
    expect(paths).toEqual(
      [
        'account_id',
        'author_platform_id',
        'brand',
        'event_time',
        'extra',
        'message_id',
        'metadata.n',
        'platform',
        'text',
        'thread_id',
      ].sort(),
    );
    expect(v.issues.every((i) => i.index === 3)).toBe(true);
    expect(v.issues.find((i) => i.path === 'extra')?.message).toBe('unknown field');
  });

  it('rejects an unknown type, a non-object, bad enums and bad dates', () => {
    const paths = (input: unknown) => {
      const v = validateEvent(input);
      return v.ok ? [] : v.issues.map((i) => i.path);
    };
    expect(paths({ ...posted(), type: 'message_liked' })).toEqual(['type']);
    expect(paths('hello')).toEqual(['']);
    expect(paths({ ...examples[4]!, action: 'nuke' })).toEqual(['action']);
    expect(paths({ ...examples[4]!, relabel_sentiment: 'angry' })).toEqual(['relabel_sentiment']);
    expect(paths(posted({ event_time: '2024-05-01 10:00' }))).toEqual(['event_time']);
    expect(paths(posted({ event_time: '2024-05-01T10:00:00' }))).toEqual(['event_time']);
    expect(paths(posted({ language_hint: 'English' }))).toEqual(['language_hint']);
    expect(paths(posted({ url: 'not a url' }))).toEqual(['url']);
    expect(paths({ ...posted(), text: undefined, message_id: 42 })).toEqual(
      expect.arrayContaining(['text', 'message_id']),
    );
  });
});
