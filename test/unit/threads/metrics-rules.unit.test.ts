import { describe, expect, it } from 'vitest';
import { BrandSettings } from '../../../services/domain/brand-settings.ts';
import { computeThreadFacts } from '../../../services/threads/facts.ts';
import { buildMessages, dedupeEvents } from '../../../services/threads/messages.ts';
import { KEY, Timeline } from './timeline.ts';

/**
 * The four rules metrics.md states explicitly (same-second order, resolution and moderation,
 * relabels through needs_reply_intents, no needs_reply for brand or system messages) and the
 * resolution SLA applying only to threads that needed a reply. One test (or a few) per rule.
 */
const weekdays = {
  mon: ['09:00-17:00'],
  tue: ['09:00-17:00'],
  wed: ['09:00-17:00'],
  thu: ['09:00-17:00'],
  fri: ['09:00-17:00'],
};
const brands = BrandSettings.fromObject({
  defaults: {
    business_hours: { time_zone: 'UTC', week: weekdays, holidays: [] },
    sla: [
      {
        first_response: { target: '1h', clock: 'calendar' },
        next_response: { target: '1h', clock: 'calendar' },
        resolution: { target: '1d', clock: 'calendar' },
      },
    ],
    needs_reply_intents: ['question', 'technical_issue', 'order', 'pre_purchase', 'complaint'],
  },
  brands: { warm: { needs_reply_intents: ['question', 'complaint', 'praise'] } },
});
const settings = brands.forThread(KEY);
const T0 = Date.UTC(2025, 0, 6, 10, 0); // Monday 10:00 UTC
const tl = (intents = settings.needsReplyIntents) => new Timeline(T0, KEY, intents);
const facts = (t: Timeline, s = settings) => computeThreadFacts(t.key, t.events, s);
const message = (t: Timeline, id: string) => buildMessages(dedupeEvents(t.events)).get(id)!;

describe('same-second order: customer messages, brand and system messages, message actions, thread actions, then event id', () => {
  it('a brand reply in the same second as the question answers it, whatever the event ids', () => {
    const t = tl().brand('r1', 0).customer('q1', 0); // the reply has the smaller event id
    expect(facts(t)).toMatchObject({ frt_calendar_s: 0, is_waiting: false, handled_by_moderation: false });
  });

  it('a hide in the same second as the reply comes after it: the thread was answered, not moderated', () => {
    const f = facts(tl().customer('q1', 0).mod('hide', 5, 'q1').brand('r1', 5));
    expect(f).toMatchObject({ handled_by_moderation: false, frt_calendar_s: 300 });
  });

  it('a resolve in the same second as a question comes after it: the thread ends resolved', () => {
    const f = facts(tl().customer('q1', 0).brand('r1', 5).resolve(10).customer('q2', 10));
    // q2 at minute 10 is taken before the resolve of minute 10: it waits, then the resolve ends the wait.
    expect(f).toMatchObject({
      is_resolved: true,
      is_waiting: false,
      resolve_count: 1,
      reopen_count: 0,
      full_resolution_calendar_s: 600,
    });
    expect(f.periods.at(-1)).toMatchObject({ end_reason: 'resolved' });
  });
});

describe('resolution and moderation', () => {
  it('a follow-up marked spam after a resolve leaves the thread resolved with its full resolution', () => {
    const f = facts(
      tl().customer('q1', 0).brand('r1', 30).resolve(60).customer('spam', 120).mod('mark_spam', 125, 'spam'),
    );
    expect(f).toMatchObject({
      is_resolved: true,
      reopen_count: 0,
      resolve_count: 1,
      full_resolution_calendar_s: 3600,
      resolution_breached: false,
      is_waiting: false,
    });
  });

  it('so does a follow-up hidden, or deleted by its author, before any reply', () => {
    for (const t of [
      tl().customer('q1', 0).brand('r1', 30).resolve(60).customer('q2', 120).mod('hide', 130, 'q2'),
      tl().customer('q1', 0).brand('r1', 30).resolve(60).customer('q2', 120).deleteByAuthor('q2', 130),
    ])
      expect(facts(t)).toMatchObject({ is_resolved: true, reopen_count: 0, full_resolution_calendar_s: 3600 });
  });

  it('a follow-up that needs a reply and is not removed reopens the cycle; removing it after the reply does not undo that', () => {
    expect(facts(tl().customer('q1', 0).brand('r1', 30).resolve(60).customer('q2', 120))).toMatchObject({
      is_resolved: false,
      reopen_count: 1,
      full_resolution_calendar_s: null,
      is_waiting: true,
    });
    const f = facts(
      tl().customer('q1', 0).brand('r1', 30).resolve(60).customer('q2', 120).brand('r2', 130).mod('hide', 140, 'q2'),
    );
    expect(f).toMatchObject({ is_resolved: false, reopen_count: 1, is_waiting: false });
  });
});

describe('resolution SLA only for threads that needed a reply', () => {
  it('a spam-only, a praise-only and a withdrawn thread never get a resolution deadline', () => {
    const spamOnly = facts(tl().customer('q1', 0).mod('mark_spam', 2, 'q1'));
    const praiseOnly = facts(tl().praise('p1', 0));
    const withdrawn = facts(tl().customer('q1', 0).deleteByAuthor('q1', 60));
    for (const f of [spamOnly, praiseOnly, withdrawn])
      expect(f).toMatchObject({
        resolution_sla: null,
        resolution_deadline_at: null,
        resolution_breached: null,
        is_resolved: false,
      });
    expect(spamOnly.handled_by_moderation).toBe(true);
    expect(withdrawn.periods[0]).toMatchObject({ kind: 'withdrawn', calendar_s: 3600 });
  });

  it('a thread with a real question has one, answered or not', () => {
    expect(facts(tl().customer('q1', 0)).resolution_deadline_at).toBe(T0 + 86_400_000);
    expect(
      facts(
        tl()
          .customer('q1', 0)
          .brand('r1', 5)
          .resolve(60 * 25),
      ),
    ).toMatchObject({ resolution_breached: true });
  });
});

describe('relabels decide needs_reply through the brand needs_reply_intents', () => {
  it('model says praise, a human relabels it complaint: the message needs a reply and enters the backlog', () => {
    const t = tl().praise('p1', 0).relabel('p1', 5, { intent: 'complaint' });
    expect(message(t, 'p1')).toMatchObject({ intent: 'complaint', needs_reply: true });
    expect(facts(t)).toMatchObject({
      needs_reply: true,
      is_waiting: true,
      waiting_messages: [{ message_id: 'p1', posted_at: T0 }],
    });
  });

  it('a brand that answers praise: relabelling a question to praise still needs a reply there, not elsewhere', () => {
    const warm = brands.forThread({ ...KEY, brand: 'warm' });
    const warmThread = new Timeline(T0, { ...KEY, brand: 'warm' }, warm.needsReplyIntents)
      .customer('q1', 0)
      .relabel('q1', 1, { intent: 'praise' });
    expect(facts(warmThread, warm)).toMatchObject({ needs_reply: true, is_waiting: true });
    expect(facts(tl().customer('q1', 0).relabel('q1', 1, { intent: 'praise' }))).toMatchObject({
      needs_reply: false,
      is_waiting: false,
    });
  });

  it('the latest intent relabel wins; a sentiment-only relabel changes nothing about needs_reply', () => {
    const t = tl()
      .praise('p1', 0)
      .relabel('p1', 5, { intent: 'complaint' })
      .relabel('p1', 3, { intent: 'praise' })
      .relabel('p1', 9, { sentiment: 'negative' });
    expect(message(t, 'p1')).toMatchObject({
      intent: 'complaint',
      needs_reply: true,
      sentiment_label: 'negative',
      sentiment_score: -1,
    });
  });
});

describe('brand and system messages never need a reply', () => {
  it('not even when an edit reads like a question or a human relabels them complaint', () => {
    const t = tl()
      .customer('q1', 0)
      .brand('r1', 5)
      .edit('r1', 6, { needs_reply: true, intent: 'question' })
      .bot('auto', 7)
      .relabel('auto', 8, { intent: 'complaint' });
    expect(message(t, 'r1')).toMatchObject({ needs_reply: false, intent: '' });
    expect(message(t, 'auto')).toMatchObject({ needs_reply: false, intent: '' });
    expect(facts(t)).toMatchObject({
      is_waiting: false,
      frt_calendar_s: 300,
      periods: [expect.objectContaining({ end_reason: 'reply' })],
    });
  });
});
