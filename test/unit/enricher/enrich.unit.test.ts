import { describe, expect, it } from 'vitest';
import { processRecords } from '../../../services/enricher/enricher.ts';
import { enrichEvent, HUMAN_MODEL_VERSION } from '../../../services/domain/enrichment.ts';
import type { Analyzer } from '../../../services/nlp/index.ts';
import { AvroCodec } from '../../../services/shared/avro.ts';
import type { EnrichedEvent } from '../../../services/shared/events.ts';
import { DLQ_HEADERS } from '../../../services/shared/dead-letters.ts';
import { deleted, edited, enrichment, moderation, posted } from '../sink/fixtures.ts';
import { confluentFramed } from '../../support/confluent.ts';

/** A stand-in analyzer: negative when the text says "bad", so tests can see re-scoring. */
const analyzer: Analyzer = {
  modelVersion: 'fixed-test-model-1',
  analyze: ({ text }) => ({
    language: 'en',
    languageSupported: true,
    intent: text.includes('?') ? 'question' : 'other',
    needsReply: text.includes('?'),
    modelVersion: 'fixed-test-model-1',
    sentiment: text.includes('bad')
      ? { score: -0.8, label: 'negative', confidence: 0.9 }
      : { score: 0.7, label: 'positive', confidence: 0.9 },
  }),
};

const codec = new AvroCodec();
const e = enrichment('neutral', 0);

describe('enrichEvent', () => {
  it('scores posts and re-scores edits with the current model', () => {
    expect(enrichEvent(posted('e1', 0, 'm-1', 'bad service?', e).event, analyzer, 5).enrichment).toMatchObject({
      sentiment_label: 'negative',
      intent: 'question',
      needs_reply: true,
      model_version: 'fixed-test-model-1',
      human_override: false,
    });
    expect(enrichEvent(edited('e2', 1, 'm-1', 'all good now', e).event, analyzer, 5).enrichment).toMatchObject({
      sentiment_label: 'positive',
      sentiment_score: 0.7,
    });
  });

  it('brand and system posts keep their tone but get no intent and never need a reply', () => {
    for (const role of ['brand', 'system'] as const) {
      const ev = posted('e6', 0, 'm-2', 'bad news, sorry: can you DM us your order number?', e);
      const p = (ev.event.payload as { 'dev.brandpulse.events.MessagePosted': { author_role: string } })[
        'dev.brandpulse.events.MessagePosted'
      ];
      p.author_role = role;
      expect(enrichEvent(ev.event, analyzer, 5).enrichment).toMatchObject({
        sentiment_label: 'negative',
        sentiment_score: -0.8,
        intent: '',
        needs_reply: false,
      });
    }
    // the same text from a customer is a request
    expect(
      enrichEvent(posted('e7', 0, 'm-3', 'bad news, sorry: can you DM us your order number?', e).event, analyzer, 5)
        .enrichment,
    ).toMatchObject({ intent: 'question', needs_reply: true });
  });

  it('a relabel carries the human override itself', () => {
    const out = enrichEvent(
      moderation('e3', 2, 'relabel', 'm-1', { sentiment: 'negative', intent: 'complaint' }).event,
      analyzer,
      5,
    );
    expect(out.enrichment).toEqual({
      language: 'und',
      language_supported: false,
      sentiment_score: -1,
      sentiment_label: 'negative',
      sentiment_confidence: 1,
      intent: 'complaint',
      needs_reply: true,
      model_version: HUMAN_MODEL_VERSION,
      human_override: true,
    });
  });

  it("a relabelled intent needs a reply when the brand's needs_reply_intents say so (metrics.md, Relabels)", () => {
    const relabel = moderation('e3', 2, 'relabel', 'm-1', { intent: 'praise' }).event;
    // infra/brands.yaml: praise needs no reply by default ...
    expect(enrichEvent(relabel, analyzer, 5).enrichment).toMatchObject({ intent: 'praise', needs_reply: false });
    // ... but a brand that answers every praise says so, and the relabel carries that decision.
    const answersPraise = () => new Set(['praise', 'complaint']);
    expect(enrichEvent(relabel, analyzer, 5, answersPraise).enrichment).toMatchObject({
      intent: 'praise',
      needs_reply: true,
    });
    // A sentiment-only relabel decides nothing about needs_reply.
    expect(
      enrichEvent(moderation('e4', 2, 'relabel', 'm-1', { sentiment: 'positive' }).event, analyzer, 5, answersPraise)
        .enrichment,
    ).toMatchObject({ intent: '', needs_reply: false });
  });

  it('deletes and other moderation actions carry no enrichment', () => {
    expect(enrichEvent(deleted('e4', 3, 'm-1').event, analyzer, 5).enrichment).toBeNull();
    expect(enrichEvent(moderation('e5', 3, 'hide', 'm-1').event, analyzer, 5).enrichment).toBeNull();
  });
});

describe('processRecords', () => {
  it('publishes enriched events keyed by thread and dead-letters undecodable records with their bytes', () => {
    const good = confluentFramed(codec, 'conversation-event', posted('e1', 0, 'm-1', 'bad', e).event);
    const poison = Buffer.from('{"json":"not avro"}');
    const out = processRecords(
      [
        { topic: 'raw', partition: 2, offset: '7', key: Buffer.from('th-1'), value: good },
        { topic: 'raw', partition: 2, offset: '8', key: Buffer.from('th-1'), value: poison },
      ],
      codec,
      analyzer,
      123,
    );
    expect(out.enriched).toHaveLength(1);
    expect(out.enriched[0]!.key).toBe('th-1');
    const decoded = codec.decode<EnrichedEvent>('enriched-event', out.enriched[0]!.value as Buffer);
    expect(decoded.event.event_id).toBe('e1');
    expect(decoded.enrichment?.sentiment_label).toBe('negative');
    expect(decoded.enriched_time).toBe(123);
    expect(out.deadLetters).toHaveLength(1);
    expect(out.deadLetters[0]!.value).toEqual(poison);
    expect(out.deadLetters[0]!.headers).toMatchObject({
      [DLQ_HEADERS.reason]: 'decode:bad-magic',
      [DLQ_HEADERS.offset]: '8',
      [DLQ_HEADERS.stage]: 'enricher',
    });
  });
});
