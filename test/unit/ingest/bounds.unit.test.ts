import { afterEach, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../../services/shared/avro.ts';
import type { EnrichedEvent } from '../../../services/shared/events.ts';
import {
  KAFKA_MAX_RECORD_BYTES,
  MAX_EVENT_BYTES,
  MAX_ID_BYTES,
  MAX_LABEL_LENGTH,
  MAX_LANGUAGE_HINT_LENGTH,
  MAX_METADATA_ENTRIES,
  MAX_METADATA_KEY_BYTES,
  MAX_METADATA_VALUE_BYTES,
  MAX_PRIORITY_LENGTH,
  MAX_REASON_BYTES,
  MAX_TEXT_BYTES,
  MAX_URL_BYTES,
} from '../../../services/shared/limits.ts';
import { toConversationEvent, validateEvent } from '../../../services/ingest/canonical.ts';
import { signBody } from '../../../services/ingest/meta/signature.ts';
import { hmacPseudonymizer } from '../../../services/ingest/pseudonym.ts';
import { ACME, harness, META_SECRET, posted } from './harness.ts';

const paths = (input: unknown) => {
  const v = validateEvent(input);
  return v.ok ? [] : v.issues.map((i) => i.path).sort();
};
const messageOf = (input: unknown, path: string) => {
  const v = validateEvent(input);
  return v.ok ? undefined : v.issues.find((i) => i.path === path)?.message;
};
const id = (n: number) => 'i'.repeat(n);

describe('validation at the door: time', () => {
  it('refuses far-future and far-past ISO strings, naming event_time', () => {
    expect(paths(posted({ event_time: '9999-12-31T23:59:59Z' }))).toEqual(['event_time']);
    expect(paths(posted({ event_time: '1899-12-31T23:59:59+14:00' }))).toEqual(['event_time']);
    expect(paths(posted({ event_time: '1999-12-31T23:59:59Z' }))).toEqual(['event_time']);
    expect(paths(posted({ event_time: new Date(Date.now() + 2 * 86_400_000).toISOString() }))).toEqual(['event_time']);
    expect(paths(posted({ event_time: new Date(Date.now() + 3_600_000).toISOString() }))).toEqual([]);
    expect(messageOf(posted({ event_time: '9999-12-31T23:59:59Z' }), 'event_time')).toMatch(
      /between 2000-01-01T00:00:00\.000Z and now \+ 1 day/,
    );
  });

  it('refuses impossible dates, leap seconds, long fractions, 5-digit years, numbers out of the window', () => {
    for (const event_time of [
      '2024-02-30T10:00:00Z',
      '2016-12-31T23:59:60Z',
      '2024-05-01T10:00:00.1234567891Z',
      '12024-05-01T10:00:00Z',
      '2024-05-01T10:00:00+15:00',
      1e300,
      -8.64e15,
      253_402_300_799_000,
      1_714_557_600,
    ]) {
      expect(paths(posted({ event_time })), String(event_time)).toEqual(['event_time']);
    }
  });

  it('uses the window it is given (INGEST_MAX_FUTURE_SKEW_MS and the clock)', () => {
    const now = Date.UTC(2030, 0, 1);
    const inTwoHours = new Date(now + 2 * 3_600_000).toISOString();
    expect(
      validateEvent(posted({ event_time: inTwoHours }), 0, { now: () => now, maxFutureSkewMs: 3_600_000 }).ok,
    ).toBe(false);
    expect(
      validateEvent(posted({ event_time: inTwoHours }), 0, { now: () => now, maxFutureSkewMs: 3 * 3_600_000 }).ok,
    ).toBe(true);
  });
});

describe('validation at the door: sizes and characters', () => {
  it('bounds every id in UTF-8 bytes and refuses control characters in them', () => {
    expect(paths(posted({ thread_id: id(MAX_ID_BYTES) }))).toEqual([]);
    expect(paths(posted({ thread_id: id(MAX_ID_BYTES + 1) }))).toEqual(['thread_id']);
    // 128 characters, 256 bytes: fits; 129 two-byte characters do not.
    expect(paths(posted({ message_id: 'é'.repeat(128) }))).toEqual([]);
    expect(paths(posted({ message_id: 'é'.repeat(129) }))).toEqual(['message_id']);
    expect(paths(posted({ author_platform_id: 'user\u000042' }))).toEqual(['author_platform_id']);
    expect(paths(posted({ account_id: 'acct\n1' }))).toEqual(['account_id']);
    expect(paths(posted({ event_id: id(300), post_id: id(300), parent_id: id(300), agent_id: id(300) }))).toEqual([
      'agent_id',
      'event_id',
      'parent_id',
      'post_id',
    ]);
    expect(paths(posted({ brand: id(65) }))).toEqual(['brand']);
    expect(paths(posted({ platform: 'p'.repeat(41) }))).toEqual(['platform']);
    expect(paths(posted({ priority: 'p'.repeat(MAX_PRIORITY_LENGTH + 1) }))).toEqual(['priority']);
    expect(paths(posted({ language_hint: `en${'-abc'.repeat(12)}` }))).toEqual(['language_hint']);
    expect(paths(posted({ url: `https://example.com/${'a'.repeat(MAX_URL_BYTES)}` }))).toEqual(['url']);
    expect(paths(posted({ url: 'javascript:alert(1)' }))).toEqual(['url']);
  });

  it('bounds text in bytes, refuses NUL and lone surrogates, keeps whole emoji', () => {
    expect(paths(posted({ text: 'a'.repeat(MAX_TEXT_BYTES) }))).toEqual([]);
    expect(paths(posted({ text: '€'.repeat(MAX_TEXT_BYTES / 3 + 1) }))).toEqual(['text']);
    expect(messageOf(posted({ text: '€'.repeat(MAX_TEXT_BYTES / 3 + 1) }), 'text')).toMatch(/at most 262144 bytes/);
    expect(paths(posted({ text: 'hi\u0000there' }))).toEqual(['text']);
    expect(paths(posted({ text: 'broken \ud83d' }))).toEqual(['text']);
    expect(paths(posted({ text: 'fine 😀 ok\n' }))).toEqual([]);
    const moderation = {
      type: 'moderation_action',
      event_time: 1_714_557_800_000,
      brand: 'acme',
      platform: 'forum',
      account_id: 'a',
      thread_id: 't',
      action: 'relabel',
      actor_id: 'agent-7',
    };
    expect(paths({ ...moderation, reason: 'r'.repeat(MAX_REASON_BYTES + 1) })).toEqual(['reason']);
    expect(paths({ ...moderation, relabel_intent: 'x'.repeat(MAX_LABEL_LENGTH + 1) })).toEqual(['relabel_intent']);
  });

  it('bounds metadata: entries, key and value sizes', () => {
    const entries = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    expect(paths(posted({ metadata: entries(MAX_METADATA_ENTRIES) }))).toEqual([]);
    expect(paths(posted({ metadata: entries(MAX_METADATA_ENTRIES + 1) }))).toEqual(['metadata']);
    expect(paths(posted({ metadata: { k: 'v'.repeat(MAX_METADATA_VALUE_BYTES + 1) } }))).toEqual(['metadata.k']);
    expect(paths(posted({ metadata: { [id(MAX_METADATA_KEY_BYTES + 1)]: 'v' } }))).toHaveLength(1);
    expect(paths(posted({ metadata: { 'a\u0000b': 'v' } }))).toEqual(['metadata.a\u0000b']);
    expect(paths(JSON.parse(JSON.stringify(posted()).replace(/}$/, ',"metadata":{"__proto__":"x"}}')))).toEqual([
      'metadata.__proto__',
    ]);
  });

  it('names every failing field of a hostile event at once, and caps the list', () => {
    expect(
      paths(posted({ event_time: '9999-12-31T23:59:59Z', text: 'x\u0000', thread_id: id(1000), message_id: 7 })),
    ).toEqual(['event_time', 'message_id', 'text', 'thread_id']);
    const manyBad = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    const v = validateEvent(posted({ metadata: manyBad }));
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.issues.length).toBeLessThanOrEqual(51);
  });

  it('refuses deeply nested values where a string belongs, without recursing into them', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(paths(posted({ text: deep }))).toEqual(['text']);
    expect(paths(posted({ metadata: { k: deep } }))).toEqual(['metadata.k']);
    expect(paths({ ...posted(), nested: deep })).toEqual(['nested']);
  });
});

describe('an accepted event always fits in a Kafka record', () => {
  it('the largest event the bounds allow, enriched, is under the broker limit', () => {
    const biggest = posted({
      event_id: id(MAX_ID_BYTES),
      account_id: id(MAX_ID_BYTES),
      post_id: id(MAX_ID_BYTES),
      thread_id: id(MAX_ID_BYTES),
      message_id: id(MAX_ID_BYTES),
      parent_id: id(MAX_ID_BYTES),
      author_platform_id: id(MAX_ID_BYTES),
      agent_id: id(MAX_ID_BYTES),
      brand: 'b'.repeat(64),
      platform: 'p'.repeat(40),
      source: 's'.repeat(40),
      priority: 'p'.repeat(MAX_PRIORITY_LENGTH),
      language_hint: `pt${'-abcdefgh'.repeat(3)}`.slice(0, MAX_LANGUAGE_HINT_LENGTH),
      url: `https://example.com/${'u'.repeat(MAX_URL_BYTES - 20)}`,
      // 4-byte characters: the most bytes per character.
      text: '😀'.repeat(MAX_TEXT_BYTES / 4),
      metadata: Object.fromEntries(
        Array.from({ length: MAX_METADATA_ENTRIES }, (_, i) => [
          `${i}`.padEnd(MAX_METADATA_KEY_BYTES, 'k'),
          '€'.repeat(MAX_METADATA_VALUE_BYTES / 3 - 1) + 'v',
        ]),
      ),
    });
    const v = validateEvent(biggest);
    expect(v.ok, JSON.stringify(v.ok ? [] : v.issues)).toBe(true);
    const codec = new AvroCodec();
    const event = toConversationEvent(biggest, {
      pseudonymize: hmacPseudonymizer('k'.repeat(16)),
      ingestTime: Date.now(),
      defaultSource: 'api',
    });
    const raw = codec.encode('conversation-event', event);
    expect(raw.length).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    const enriched: EnrichedEvent = {
      event,
      enrichment: {
        language: 'pt',
        language_supported: true,
        sentiment_score: -0.5,
        sentiment_label: 'negative',
        sentiment_confidence: 0.9,
        intent: 'technical_issue',
        needs_reply: true,
        model_version: 'm'.repeat(64),
        human_override: false,
      },
      enriched_time: Date.now(),
    };
    // Dead letters carry the original bytes plus headers: keep room for them too.
    expect(codec.encode('enriched-event', enriched).length * 1.5).toBeLessThan(KAFKA_MAX_RECORD_BYTES);
  });
});

describe('the API and the Meta webhook apply the same checks', () => {
  let app: ReturnType<typeof harness>['app'] | undefined;
  afterEach(async () => {
    await app?.close();
  });

  it('POST /v1/events: 400 naming event_time for far-future and far-past ISO times, nothing published', async () => {
    const h = harness();
    app = h.app;
    for (const event_time of ['9999-12-31T23:59:59Z', '1899-12-31T23:59:59+14:00']) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { ...ACME, 'content-type': 'application/json' },
        payload: posted({ event_time }),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        error: 'invalid_events',
        issues: [{ index: 0, path: 'event_time' }],
        results: [{ index: 0, status: 'invalid' }],
      });
    }
    expect(h.publisher.published).toEqual([]);
  });

  it('POST /v1/events: deeply nested JSON is a 400, not a crash', async () => {
    const h = harness();
    app = h.app;
    const body = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...ACME, 'content-type': 'application/json' },
      payload: body,
    });
    expect(res.statusCode).toBe(400);
  });

  it('a Meta notification with an absurd time is acknowledged to Meta and its event ignored, naming event_time', async () => {
    const h = harness();
    app = h.app;
    const notification = (time: number) => ({
      object: 'instagram',
      entry: [
        {
          id: '17841400000000001',
          time,
          changes: [
            {
              field: 'comments',
              value: { from: { id: '2323', username: 'jane' }, media: { id: '123' }, id: '178657', text: 'hi' },
            },
          ],
        },
      ],
    });
    const body = Buffer.from(JSON.stringify(notification(253_402_300_799)));
    const res = await h.app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, META_SECRET) },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().accepted).toBe(0);
    expect(JSON.stringify(res.json().ignored)).toMatch(/event_time must be between/);
    expect(h.publisher.published).toEqual([]);
  });
});
