import { describe, expect, it } from 'vitest';
import { buildRows, stateSelectList, type Accepted } from '../../../services/sink/batch.ts';
import {
  applyEvent,
  contributionOf,
  emptyState,
  sameState,
  type MessageState,
} from '../../../services/sink/message-state.ts';
import type { EnrichedEvent } from '../../../services/shared/events.ts';
import { deleted, edited, enrichment, moderation, posted, T_ZERO } from './fixtures.ts';

const fold = (events: EnrichedEvent[]): MessageState =>
  events.reduce((s, e) => applyEvent(s, e), emptyState('acme', 'x', 'acct', 'th-1', 'm-1'));

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

const timeline = [
  posted('e1', 0, 'm-1', 'this is awful', enrichment('negative', -0.8)),
  edited('e2', 5, 'm-1', 'ok it works now, thanks', enrichment('positive', 0.6, 'praise')),
  moderation('e3', 7, 'hide', 'm-1'),
  moderation('e4', 9, 'relabel', 'm-1', { sentiment: 'neutral' }),
  moderation('e5', 8, 'relabel', 'm-1', { sentiment: 'negative', intent: 'complaint' }),
];

describe('message state resolution', () => {
  it('depends only on the set of events: every arrival order, with duplicates, gives the same state', () => {
    const reference = fold(timeline);
    for (const order of permutations(timeline)) {
      expect(sameState(fold(order), reference)).toBe(true);
      expect(sameState(fold([...order, order[0]!, order[2]!]), reference)).toBe(true);
    }
    // The latest text wins for sentiment, the original post keeps the timing.
    expect(reference.text).toBe('ok it works now, thanks');
    expect(reference.posted_time).toBe(T_ZERO);
    // Latest relabel per field wins: sentiment from e4 (minute 9), intent from e5 (the only one setting it).
    expect(reference).toMatchObject({
      sentiment_label: 'neutral',
      sentiment_score: 0,
      intent: 'complaint',
      needs_reply: 1,
      human_override: 1,
    });
    expect(reference).toMatchObject({
      model_sentiment_label: 'positive',
      model_intent: 'praise',
      visibility_action: 'hide',
      counted: 1,
    });
    expect(reference.first_moderation_time).toBe(T_ZERO + 7 * 60_000);
  });

  it('an edit re-scores the message; an older edit arriving late does not win', () => {
    const s = fold([
      posted('e1', 0, 'm-1', 'bad', enrichment('negative', -0.9)),
      edited('e3', 10, 'm-1', 'great', enrichment('positive', 0.9, 'praise')),
      edited('e2', 5, 'm-1', 'meh', enrichment('neutral', 0)),
    ]);
    expect(s).toMatchObject({
      text: 'great',
      sentiment_label: 'positive',
      intent: 'praise',
      needs_reply: 0,
      human_override: 0,
    });
  });

  it('an edit that arrives before its post is kept, and the post then anchors timing', () => {
    const s1 = fold([edited('e2', 5, 'm-1', 'edited text', enrichment('positive', 0.5))]);
    expect(s1.counted).toBe(0); // no post yet: nothing to count, no minute to count it in
    const s2 = applyEvent(s1, posted('e1', 0, 'm-1', 'original', enrichment('negative', -0.5)));
    expect(s2).toMatchObject({
      posted: 1,
      posted_time: T_ZERO,
      text: 'edited text',
      sentiment_label: 'positive',
      counted: 1,
    });
  });

  it('deletes and spam remove a message from sentiment, a later restore or approve brings it back', () => {
    const p = posted('e1', 0, 'm-1', 'hi', enrichment('neutral', 0));
    expect(fold([p, deleted('e2', 1, 'm-1')]).counted).toBe(0);
    expect(fold([p, moderation('e2', 1, 'delete', 'm-1')]).counted).toBe(0);
    expect(fold([moderation('e3', 2, 'restore', 'm-1'), p, moderation('e2', 1, 'delete', 'm-1')]).counted).toBe(1);
    expect(fold([p, moderation('e2', 1, 'mark_spam', 'm-1')]).counted).toBe(0);
    expect(fold([p, moderation('e3', 2, 'approve', 'm-1'), moderation('e2', 1, 'mark_spam', 'm-1')]).counted).toBe(1);
    // An author delete is final, a moderator restore does not undo it.
    expect(fold([p, deleted('e2', 1, 'm-1'), moderation('e3', 2, 'restore', 'm-1')]).counted).toBe(0);
  });

  it('contribution: minute of the original post, effective label and score', () => {
    const s = fold([
      posted('e1', 3, 'm-1', 'bad', enrichment('negative', -0.7, 'complaint', 'it')),
      edited('e2', 90, 'm-1', 'bad!', enrichment('negative', -0.9, 'complaint', 'it')),
    ]);
    expect(contributionOf(s)).toEqual({
      counted: 1,
      minute: T_ZERO - (T_ZERO % 60_000) + 3 * 60_000,
      language: 'it',
      author_role: 'customer',
      sentiment_label: 'negative',
      sentiment_score: -0.9,
    });
    expect(contributionOf(null).counted).toBe(0);
  });
});

describe('needs_reply (metrics.md, Relabels)', () => {
  it('a relabel decides it through the needs_reply_intents the enricher stamped, and the latest intent relabel wins', () => {
    const praise = posted('e1', 0, 'm-1', 'love it', enrichment('positive', 0.8, 'praise'));
    expect(fold([praise]).needs_reply).toBe(0);
    expect(fold([praise, moderation('e2', 1, 'relabel', 'm-1', { intent: 'complaint' })])).toMatchObject({
      intent: 'complaint',
      needs_reply: 1,
      relabel_needs_reply: 1,
    });
    // A brand whose needs_reply_intents include praise: the relabel carries that decision.
    const answersPraise = new Set(['praise', 'question']);
    const q = posted('e1', 0, 'm-1', 'is it waterproof?', enrichment('neutral', 0, 'question'));
    expect(fold([q, moderation('e2', 1, 'relabel', 'm-1', { intent: 'praise' }, answersPraise)])).toMatchObject({
      intent: 'praise',
      needs_reply: 1,
    });
    expect(fold([q, moderation('e2', 1, 'relabel', 'm-1', { intent: 'praise' })])).toMatchObject({
      intent: 'praise',
      needs_reply: 0,
    });
    // Latest intent relabel wins whatever the arrival order; a sentiment-only relabel leaves needs_reply alone.
    const later = moderation('e3', 2, 'relabel', 'm-1', { intent: 'complaint' });
    const earlier = moderation('e2', 1, 'relabel', 'm-1', { intent: 'praise' });
    expect(fold([later, q, earlier, moderation('e4', 3, 'relabel', 'm-1', { sentiment: 'positive' })])).toMatchObject({
      intent: 'complaint',
      needs_reply: 1,
      sentiment_label: 'positive',
    });
  });

  it('brand and system messages never need a reply and carry no intent, even when an edit reads like a question', () => {
    const reply = posted('e1', 0, 'm-1', 'thanks for writing', enrichment('positive', 0.5, ''), 'brand');
    const s = fold([
      reply,
      edited('e2', 1, 'm-1', 'did that help?', enrichment('neutral', 0, 'question')),
      moderation('e3', 2, 'relabel', 'm-1', { intent: 'complaint' }),
    ]);
    expect(s).toMatchObject({ author_role: 'brand', intent: '', needs_reply: 0, model_intent: 'question' });
  });

  it('an edit in the same millisecond as its post is the later version, whatever the event ids', () => {
    const s = fold([
      edited('a-edit', 0, 'm-1', 'edited', enrichment('neutral', 0, 'question')),
      posted('z-post', 0, 'm-1', 'original', enrichment('negative', -0.5)),
    ]);
    expect(s).toMatchObject({ text: 'edited', text_event_id: 'a-edit', posted_event_id: 'z-post' });
  });
});

describe('buildRows', () => {
  const rec = (i: number) => ({ topic: 't', partition: 0, offset: String(i), key: null, value: null });
  const batch = (events: EnrichedEvent[]): Accepted[] => events.map((event, i) => ({ record: rec(i), event }));

  it('writes one row per changed message with the contribution it replaces', () => {
    const first = buildRows(
      batch([
        posted('e1', 0, 'm-1', 'bad', enrichment('negative', -0.8)),
        posted('e2', 1, 'm-2', 'good', enrichment('positive', 0.8)),
      ]),
      new Map(),
    );
    expect(first.events).toHaveLength(2);
    expect(first.messages.map((m) => [m.message_id, m.revision, m.prev_counted, m.counted])).toEqual([
      ['m-1', 1, 0, 1],
      ['m-2', 1, 0, 1],
    ]);

    const prior = first.states;
    const second = buildRows(batch([moderation('e3', 2, 'relabel', 'm-1', { sentiment: 'positive' })]), prior);
    expect(second.moderation).toHaveLength(1);
    expect(second.messages).toHaveLength(1);
    expect(second.messages[0]).toMatchObject({
      message_id: 'm-1',
      revision: 2,
      prev_counted: 1,
      prev_sentiment_label: 'negative',
      prev_sentiment_score: -0.8,
      sentiment_label: 'positive',
      counted: 1,
    });
  });

  it('carries the post time it replaces (messages_by_time tombstones the old key when it moved)', () => {
    const MIN = 60_000;
    // An edit first: a state, but no post yet.
    const first = buildRows(batch([edited('e2', 9, 'm-1', 'edit', enrichment('neutral', 0))]), new Map());
    expect(first.messages[0]).toMatchObject({ posted: 0, prev_posted: 0, prev_posted_time: 0 });
    // The post arrives: posted 0 -> 1, nothing to replace.
    const second = buildRows(batch([posted('e5', 5, 'm-1', 'post', enrichment('negative', -0.5))]), first.states);
    expect(second.messages[0]).toMatchObject({
      posted: 1,
      posted_time: T_ZERO + 5 * MIN,
      prev_posted: 0,
      prev_posted_time: 0,
    });
    // Any later change of the posted message names the post time it replaces, unchanged here.
    const third = buildRows(batch([moderation('e6', 6, 'hide', 'm-1')]), second.states);
    expect(third.messages[0]).toMatchObject({
      posted_time: T_ZERO + 5 * MIN,
      prev_posted: 1,
      prev_posted_time: T_ZERO + 5 * MIN,
    });
    // A second, earlier post of the same id moves posted_time: the old one is in prev_posted_time.
    const fourth = buildRows(batch([posted('e1', 1, 'm-1', 'post', enrichment('negative', -0.5))]), third.states);
    expect(fourth.messages[0]).toMatchObject({
      revision: 4,
      posted_time: T_ZERO + 1 * MIN,
      prev_posted: 1,
      prev_posted_time: T_ZERO + 5 * MIN,
    });
  });

  it('reads every number of a state back as a number, so a read-back state equals the fold', () => {
    // A number read back as text ("0" !== 0) made sameState fail: a replay rewrote the row.
    const select = stateSelectList().split(', ');
    const template = emptyState('', '', '', '', '');
    for (const [k, v] of Object.entries(template))
      if (typeof v === 'number') expect(select, k).not.toContain(`toString(${k}) AS ${k}`);
  });

  it('replaying events that are already stored writes no message rows (crash-retry safety)', () => {
    const events = [
      posted('e1', 0, 'm-1', 'bad', enrichment('negative', -0.8)),
      edited('e2', 1, 'm-1', 'fine', enrichment('neutral', 0)),
    ];
    const first = buildRows(batch(events), new Map());
    const replay = buildRows(batch([...events].reverse()), first.states);
    expect(replay.messages).toEqual([]);
    expect(replay.events).toHaveLength(2); // the ingest log is deduplicated by event_id in ClickHouse
  });

  it('moderation actions without a target message change no message state', () => {
    const rows = buildRows(batch([moderation('e1', 0, 'resolve_thread', null)]), new Map());
    expect(rows.messages).toEqual([]);
    expect(rows.moderation).toHaveLength(1);
  });
});
