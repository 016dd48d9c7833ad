import { describe, expect, it } from 'vitest';
import { BrandSettings } from '../../../services/domain/brand-settings.ts';
import { isDeleted, isHidden, isSpam } from '../../../services/domain/message-fold.ts';
import { messageIdOf, type EnrichedEvent } from '../../../services/shared/events.ts';
import { rng } from '../../../services/shared/random.ts';
import { applyEvent, emptyState, type MessageState } from '../../../services/sink/message-state.ts';
import { computeThreadFacts } from '../../../services/threads/facts.ts';
import { buildMessages, dedupeEvents } from '../../../services/threads/messages.ts';
import { toThreadEvent } from '../../../services/threads/thread-event.ts';
import { shuffled } from '../threads/timeline.ts';
import { deleted, edited, enrichment, moderation, posted } from '../sink/fixtures.ts';

/**
 * Property: for random event sets delivered in random orders with duplicates (posts, edits,
 * deletes, hides, spam marks, relabels, brand replies, resolves), the sink's `messages` state and
 * the thread projection's per-message view agree on every message's needs_reply, hidden and
 * deleted state (and intent, sentiment, counted). Both fold with services/domain/message-fold.ts;
 * this guards the adapters in front of it (EnrichedEvent for the sink, thread_events rows for the
 * threads). Seeded: a failure names its seed.
 */
const SEEDS = 400;
const brands = BrandSettings.load();
const key = { brand: 'acme', platform: 'x', account_id: 'acct', thread_id: 'th-1' };
const settings = brands.forThread(key);
/** Some seeds relabel as a brand that answers praise would (its needs_reply_intents differ). */
const ANSWERS_PRAISE: ReadonlySet<string> = new Set([...settings.needsReplyIntents, 'praise']);
const INTENTS = ['question', 'complaint', 'praise', 'spam', 'order', 'other'] as const;
const LABELS = ['negative', 'neutral', 'positive'] as const;

function randomThread(seed: number): EnrichedEvent[] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const minute = () => Math.floor(rand() * 12); // few distinct minutes: many same-time ties
  const intents = rand() < 0.3 ? ANSWERS_PRAISE : settings.needsReplyIntents;
  const analysis = () => {
    const label = pick(LABELS);
    return enrichment(label, label === 'negative' ? -0.7 : label === 'positive' ? 0.7 : 0, pick(INTENTS));
  };
  const events: EnrichedEvent[] = [];
  let n = 0;
  const id = () => `e${String(n++).padStart(3, '0')}-${Math.floor(rand() * 1000)}`;
  const messages = Array.from({ length: 2 + Math.floor(rand() * 4) }, (_, i) => `m${i}`);
  for (const m of messages) {
    const role = rand() < 0.7 ? 'customer' : 'brand';
    // An edit may come before its post (it is in the set anyway); a post may be missing in rare seeds.
    if (rand() < 0.95) events.push(posted(id(), minute(), m, 'text', analysis(), role));
    const more = Math.floor(rand() * 6);
    for (let i = 0; i < more; i++) {
      const r = rand();
      const t = minute();
      if (r < 0.2) events.push(edited(id(), t, m, `edit ${i}`, analysis()));
      else if (r < 0.28) events.push(deleted(id(), t, m));
      else if (r < 0.58)
        events.push(moderation(id(), t, pick(['hide', 'unhide', 'delete', 'restore', 'mark_spam', 'approve']), m));
      else if (r < 0.88) {
        const relabel =
          rand() < 0.7
            ? { intent: pick(INTENTS), ...(rand() < 0.5 ? { sentiment: pick(LABELS) } : {}) }
            : { sentiment: pick(LABELS) };
        events.push(moderation(id(), t, 'relabel', m, relabel, intents));
      } else events.push(moderation(id(), t, pick(['resolve_thread', 'reopen_thread']), null));
    }
  }
  return events;
}

/** The sink's fold of one message's events, in the given order. */
function sinkState(events: readonly EnrichedEvent[], messageId: string): MessageState {
  let s = emptyState(key.brand, key.platform, key.account_id, key.thread_id, messageId);
  for (const e of events) {
    if (messageIdOf(e.event) === messageId) s = applyEvent(s, e);
  }
  return s;
}

/** A delivery: shuffled, with some events delivered twice. */
function delivery(events: readonly EnrichedEvent[], rand: () => number): EnrichedEvent[] {
  const copies = events.filter(() => rand() < 0.2);
  return shuffled([...events, ...copies], rand);
}

describe('messages (sink) and thread_facts (threads) agree on every message', () => {
  it(`for ${SEEDS} random threads in random orders: needs_reply, hidden, deleted, intent, sentiment, counted`, () => {
    let compared = 0;
    let needingReply = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const events = randomThread(seed);
      const rand = rng(seed * 7919);
      const threadView = buildMessages(dedupeEvents(delivery(events, rand).map(toThreadEvent)));
      const sinkOrder = delivery(events, rand);
      for (const [id, m] of threadView) {
        const s = sinkState(sinkOrder, id);
        const context = `seed ${seed}, message ${id}`;
        expect({
          id: context,
          needs_reply: s.needs_reply === 1,
          hidden: isHidden(s),
          deleted: isDeleted(s),
          spam: isSpam(s),
          intent: s.intent,
          sentiment_label: s.sentiment_label,
          sentiment_score: s.sentiment_score,
          gone: s.counted === 0,
        }).toEqual({
          id: context,
          needs_reply: m.needs_reply,
          hidden: m.hidden,
          deleted: m.deleted,
          spam: m.spam,
          intent: m.intent,
          sentiment_label: m.sentiment_label,
          sentiment_score: m.sentiment_score,
          gone: m.gone,
        });
        compared++;
        if (m.needs_reply) needingReply++;
      }
      // The thread's backlog holds only messages the sink also says need a reply.
      const f = computeThreadFacts(key, events.map(toThreadEvent), settings);
      for (const w of f.waiting_messages)
        expect(sinkState(sinkOrder, w.message_id).needs_reply, `seed ${seed}, waiting ${w.message_id}`).toBe(1);
    }
    // The generator exercises both outcomes (a property over only one kind of message proves little).
    expect(compared).toBeGreaterThan(SEEDS * 2);
    expect(needingReply).toBeGreaterThan(compared / 10);
    expect(needingReply).toBeLessThan(compared * 0.9);
  });

  it('the sink state depends only on the set of events: any two deliveries give the same row', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const events = randomThread(seed);
      const rand = rng(seed);
      for (const m of ['m0', 'm1']) {
        const a = sinkState(delivery(events, rand), m);
        const b = sinkState(delivery(events, rand), m);
        expect({ ...a, revision: 0 }, `seed ${seed}, ${m}`).toEqual({ ...b, revision: 0 });
      }
    }
  });
});
