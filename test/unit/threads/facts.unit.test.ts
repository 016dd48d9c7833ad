import { describe, expect, it } from 'vitest';
import { computeThreadFacts } from '../../../services/threads/facts.ts';
import { BrandSettings } from '../../../services/domain/brand-settings.ts';
import { KEY, Timeline } from './timeline.ts';

const weekdays = {
  mon: ['09:00-17:00'],
  tue: ['09:00-17:00'],
  wed: ['09:00-17:00'],
  thu: ['09:00-17:00'],
  fri: ['09:00-17:00'],
};
const brands = BrandSettings.fromObject({
  defaults: {
    business_hours: { time_zone: 'UTC', week: weekdays, holidays: ['2025-01-08'] },
    sla: [
      {
        first_response: { target: '1h', clock: 'business' },
        next_response: { target: '2h', clock: 'business' },
        resolution: { target: '1d', clock: 'calendar' },
      },
      { priority: 'high', first_response: { target: '10m', clock: 'calendar' } },
    ],
    needs_reply_intents: ['question', 'complaint'],
  },
  brands: { lazy: { inactivity_resolve_after: '24h' } },
});
const settings = brands.forThread(KEY);
const lazy = brands.forThread({ ...KEY, brand: 'lazy' });
// Monday 6 Jan 2025, 10:00 UTC (open hours 09-17 UTC on weekdays, Wed 8 Jan is a holiday).
const T0 = Date.UTC(2025, 0, 6, 10, 0);
const tl = () => new Timeline(T0);
const facts = (t: Timeline, s = settings) => computeThreadFacts(t.key, t.events, s);

describe('first response time and waiting periods', () => {
  it('measures FRT on both clocks and further customer messages do not restart the clock', () => {
    // Question Mon 16:30, follow-up Mon 18:00, reply Tue 09:45: 17h15m calendar, 30m + 45m business.
    const t = tl().customer('q1', 390).customer('q2', 480).brand('r1', 1425);
    const f = facts(t);
    expect(f.first_customer_message_at).toBe(t.at(390));
    expect(f.frt_start_at).toBe(t.at(390));
    expect(f.frt_end_at).toBe(t.at(1425));
    expect(f.frt_calendar_s).toBe(1035 * 60);
    expect(f.frt_business_s).toBe(75 * 60);
    expect(f.frt_breached).toBe(true); // 75 business minutes > 1 h
    expect(f.periods).toHaveLength(1);
    expect(f.periods[0]).toMatchObject({ kind: 'first', end_reason: 'reply', message_ids: ['q1', 'q2'] });
    expect(f.is_waiting).toBe(false);
    expect(f.needs_reply && f.responded && !f.handled_by_moderation).toBe(true);
  });

  it('gives a reply time to every waiting period after the first', () => {
    const t = tl()
      .customer('q1', 0)
      .brand('r1', 20)
      .praise('p1', 30)
      .customer('q2', 60)
      .brand('r2', 200)
      .customer('q3', 210)
      .brand('r3', 215);
    const f = facts(t);
    expect(f.frt_calendar_s).toBe(20 * 60);
    expect(f.periods.map((p) => [p.kind, p.calendar_s, p.breached])).toEqual([
      ['first', 1200, false],
      ['next', 140 * 60, true], // 2h20 > 2h business
      ['next', 300, false],
    ]);
    expect(f.reply_count).toBe(2);
    expect(f.next_response_breach_count).toBe(1);
  });

  it('never counts a bot or automation as a human response', () => {
    const f = facts(tl().customer('q1', 0).bot('auto', 1).brand('r1', 50));
    expect(f.frt_calendar_s).toBe(50 * 60);
    expect(f.first_human_reply_at).toBe(T0 + 50 * 60_000);
  });

  it('ignores brand messages before the first customer message (the brand post)', () => {
    const f = facts(tl().brand('post', -60).customer('q1', 0).brand('r1', 5));
    expect(f.first_human_reply_at).toBe(T0 + 5 * 60_000);
    expect(f.frt_calendar_s).toBe(300);
  });

  it('a simultaneous reply answers the question (0 s), whatever the event ids', () => {
    const f = facts(tl().brand('r1', 0).customer('q1', 0));
    expect(f.frt_calendar_s).toBe(0);
  });

  it('threads whose messages need no reply are not in FRT or the backlog', () => {
    const f = facts(tl().praise('p1', 0).brand('thanks', 5));
    expect(f.needs_reply).toBe(false);
    expect(f.frt_calendar_s).toBeNull();
    expect(f.periods).toEqual([]);
  });

  it('starts FRT at the first message needing a reply when the thread opened with praise', () => {
    const f = facts(tl().praise('p1', 0).customer('q1', 30).brand('r1', 40));
    expect(f.first_customer_message_at).toBe(T0);
    expect(f.frt_start_at).toBe(T0 + 30 * 60_000);
    expect(f.frt_calendar_s).toBe(600);
  });
});

describe('moderation', () => {
  it('a message hidden before any reply makes the thread handled by moderation, not FRT', () => {
    const f = facts(tl().customer('q1', 0, { intent: 'complaint' }).mod('hide', 12, 'q1'));
    expect(f.handled_by_moderation).toBe(true);
    expect(f.responded).toBe(true);
    expect(f.frt_calendar_s).toBeNull();
    expect(f.is_waiting).toBe(false);
    expect(f.periods[0]).toMatchObject({ kind: 'first', end_reason: 'moderation', calendar_s: 720 });
    expect(f.moderated).toEqual([
      expect.objectContaining({
        message_id: 'q1',
        first_action: 'hide',
        calendar_s: 720,
        business_s: 720,
        first_actor_role: 'brand',
      }),
    ]);
  });

  it('removing only one of two waiting messages keeps the thread waiting on the other', () => {
    const f = facts(tl().customer('q1', 0).customer('spam', 1).mod('mark_spam', 2, 'spam'));
    expect(f.is_waiting).toBe(true);
    expect(f.waiting_messages).toEqual([{ message_id: 'q1', posted_at: T0 }]);
    expect(f.wait_started_at).toBe(T0);
  });

  it('a question the customer deleted before a reply is withdrawn: no FRT, no backlog, no response needed', () => {
    const f = facts(tl().customer('q1', 0).deleteByAuthor('q1', 3));
    expect(f.periods[0]).toMatchObject({ kind: 'withdrawn', end_reason: 'withdrawn' });
    expect(f.needs_reply).toBe(false);
    expect(f.is_waiting).toBe(false);
  });

  it('a deletion after the reply changes neither FRT nor moderation handling', () => {
    const f = facts(tl().customer('q1', 0).brand('r1', 10).mod('delete', 20, 'q1'));
    expect(f.frt_calendar_s).toBe(600);
    expect(f.handled_by_moderation).toBe(false);
    expect(f.moderated[0]).toMatchObject({ first_action: 'delete', calendar_s: 1200 });
  });

  it('a moderation action stamped before the post (clock skew) counts at posting time', () => {
    const f = facts(tl().mod('hide', -2, 'q1').customer('q1', 0));
    expect(f.handled_by_moderation).toBe(true);
    expect(f.moderated[0]).toMatchObject({ calendar_s: 0 });
  });

  it('relabels correct sentiment and intent but are not moderation of the message', () => {
    const t = tl()
      .praise('p1', 0)
      .mod('relabel', 5, 'p1', 'brand', { relabel_intent: 'complaint', relabel_sentiment: 'negative' })
      .brand('r1', 30);
    const f = facts(t);
    expect(f.moderated).toEqual([]);
    expect(f.needs_reply).toBe(true); // complaint needs a reply per the brand's intents
    expect(f.frt_calendar_s).toBe(1800);
    expect(f.first_customer_label).toBe('negative');
    expect(f.first_customer_score).toBe(-1);
  });
});

describe('edits', () => {
  it('keep the original time for timing and the latest version for sentiment and intent', () => {
    const t = tl()
      .customer('q1', 0, { sentiment_label: 'negative', sentiment_score: -0.7 })
      .brand('r1', 15)
      .edit('q1', 60, { needs_reply: false, intent: 'praise', sentiment_label: 'positive', sentiment_score: 0.6 });
    const f = facts(t);
    // The edit made the message one that needs no reply: the thread never waited.
    expect(f.needs_reply).toBe(false);
    expect(f.first_customer_label).toBe('positive');
    expect(f.thread_sentiment_score).toBe(0.6);
    const g = facts(tl().praise('p1', 0).brand('r1', 15).edit('p1', 60));
    // An edit that turns praise into a question: the wait counts from the original post.
    expect(g.frt_start_at).toBe(T0);
  });
});

describe('resolution cycles and the inactivity rule', () => {
  it('reports the first and the full resolution across reopen cycles', () => {
    const t = tl().customer('q1', 0).brand('r1', 10).resolve(60).reopen(120).brand('r2', 130).resolve(180);
    const f = facts(t);
    expect(f.first_resolution_calendar_s).toBe(3600);
    expect(f.full_resolution_calendar_s).toBe(3 * 3600);
    expect(f.first_resolved_by).toBe('explicit');
    expect(f.reopen_count).toBe(1);
    expect(f.resolve_count).toBe(2);
    expect(f.is_resolved).toBe(true);
    expect(f.resolution_breached).toBe(false);
  });

  it('a new question on a resolved thread reopens it; the full resolution waits for the next resolve', () => {
    const f = facts(tl().customer('q1', 0).brand('r1', 10).resolve(20).customer('q2', 30));
    expect(f.reopen_count).toBe(1);
    expect(f.is_resolved).toBe(false);
    expect(f.first_resolution_calendar_s).toBe(1200);
    expect(f.full_resolution_calendar_s).toBeNull();
    expect(f.is_waiting).toBe(true);
    expect(f.periods.map((p) => p.kind)).toEqual(['first', 'next']);
  });

  it('resolving without a reply ends the wait but is not a response', () => {
    const f = facts(tl().customer('q1', 0).resolve(30));
    expect(f.periods[0]).toMatchObject({ end_reason: 'resolved' });
    expect(f.responded).toBe(false);
    expect(f.is_waiting).toBe(false);
  });

  it('ignores redundant resolves and reopens of an open thread', () => {
    const f = facts(tl().customer('q1', 0).brand('r1', 5).reopen(6).resolve(10).resolve(50));
    expect(f.resolve_count).toBe(1);
    expect(f.reopen_count).toBe(0);
    expect(f.full_resolution_calendar_s).toBe(600);
  });

  it('inactivity rule: silence after the brand reply resolves at that reply; a later question opens a new cycle', () => {
    // Reply at 10 min, next question 30 h later (> 24 h silence).
    const t = tl()
      .customer('q1', 0)
      .brand('r1', 10)
      .praise('thanks', 20)
      .customer('q2', 30 * 60)
      .brand('r2', 30 * 60 + 5);
    const f = facts(t, lazy);
    expect(f.first_resolved_by).toBe('inactivity');
    expect(f.first_resolved_at).toBe(t.at(10));
    expect(f.first_resolution_calendar_s).toBe(600);
    expect(f.reopen_count).toBe(1);
    // The current cycle's last brand reply is the candidate, decided at query time.
    expect(f.pending_inactivity_at).toBe(t.at(30 * 60 + 5));
    expect(f.pending_resolution_calendar_s).toBe((30 * 60 + 5) * 60);
    expect(f.inactivity_resolve_after_s).toBe(24 * 3600);
    // Without the rule: no resolution at all.
    expect(facts(t).first_resolved_at).toBeNull();
    expect(facts(t).pending_inactivity_at).toBeNull();
  });

  it('inactivity rule: a question within the silence window continues the cycle; no candidate while waiting', () => {
    const f = facts(
      tl()
        .customer('q1', 0)
        .brand('r1', 10)
        .customer('q2', 60 * 20),
      lazy,
    );
    expect(f.resolve_count).toBe(0);
    expect(f.pending_inactivity_at).toBeNull();
    expect(f.is_waiting).toBe(true);
  });
});

describe('SLA', () => {
  it('an unanswered thread carries the deadline at which it breaches (business clock over a holiday)', () => {
    // Tue 7 Jan 16:30: 30 open minutes Tue, Wed 8 is a holiday, so 1 business hour ends Thu 09:30.
    const t = new Timeline(Date.UTC(2025, 0, 7, 16, 30)).customer('q1', 0);
    const f = facts(t);
    expect(f.is_waiting).toBe(true);
    expect(f.wait_started_at).toBe(t.at(0));
    expect(f.wait_sla_deadline_at).toBe(Date.UTC(2025, 0, 9, 9, 30));
    expect(f.periods[0]).toMatchObject({ end_at: null, breached: null, sla_target_s: 3600, sla_clock: 'business' });
    expect(f.resolution_deadline_at).toBe(t.at(24 * 60)); // 1 day calendar
  });

  it('picks targets by priority (latest priority set on the thread wins)', () => {
    const f = facts(tl().customer('q1', 0, { priority: 'high' }).brand('r1', 11));
    expect(f.priority).toBe('high');
    expect(f.frt_sla).toEqual({ target: 600, clock: 'calendar' });
    expect(f.frt_breached).toBe(true);
    expect(f.next_response_sla).toEqual({ target: 7200, clock: 'business' });
    expect(facts(tl().customer('q1', 0)).priority).toBe('normal');
  });
});

describe('sentiment recovery', () => {
  it('a thread that started negative recovers when the customer’s last message after the first reply is neutral or positive', () => {
    const t = tl()
      .customer('q1', 0, { sentiment_label: 'negative', sentiment_score: -0.8 })
      .brand('r1', 10)
      .customer('q2', 20, { sentiment_label: 'negative', sentiment_score: -0.4 })
      .praise('p1', 30, { sentiment_score: 0.5 });
    const f = facts(t);
    expect(f.started_negative).toBe(true);
    expect(f.recovered).toBe(true);
    expect(f.recovery_label).toBe('positive');
    expect(f.sentiment_change).toBeCloseTo(1.3, 10);
    expect(f.thread_sentiment_score).toBeCloseTo((-0.8 - 0.4 + 0.5) / 3, 10);
  });

  it('is unknown while the customer has not written after the reply, and false when still negative', () => {
    const base = () => tl().customer('q1', 0, { sentiment_label: 'negative', sentiment_score: -0.8 }).brand('r1', 10);
    expect(facts(base()).recovered).toBeNull();
    const f = facts(base().customer('q2', 20, { sentiment_label: 'negative', sentiment_score: -0.9 }));
    expect(f.recovered).toBe(false);
    expect(f.sentiment_change).toBeCloseTo(-0.1, 10);
    expect(facts(tl().customer('q1', 0).brand('r1', 1).praise('p', 2)).recovered).toBeNull(); // did not start negative
  });

  it('thread sentiment is the mean of the last five non-neutral customer messages, brand replies excluded', () => {
    const t = tl();
    const scores = [-0.9, 0.1, 0.2, 0.3, 0.4, 0.5];
    scores.forEach((s, i) =>
      t.customer(`c${i}`, i, { sentiment_label: s < 0 ? 'negative' : 'positive', sentiment_score: s }),
    );
    t.customer('n', 10).brand('b', 11, { sentiment_label: 'negative', sentiment_score: -1 });
    expect(facts(t).thread_sentiment_score).toBeCloseTo(0.3, 10);
  });
});

describe('thread language', () => {
  it('is the language the customer opened the thread in, not what came later or what the brand wrote', () => {
    const t = tl()
      .brand('post', 0, { language: 'en' })
      .customer('q1', 5, { language: 'it' })
      .customer('q2', 10, { language: 'en' })
      .brand('r1', 20, { language: 'it' });
    expect(facts(t).language).toBe('it');
  });

  it('skips customer messages without a detected language, follows an edit, and is empty when there is none', () => {
    expect(facts(tl().customer('q1', 0).customer('q2', 5, { language: 'es' })).language).toBe('es');
    expect(facts(tl().customer('q1', 0, { language: 'fr' }).edit('q1', 1, { language: 'de' })).language).toBe('de');
    expect(facts(tl().brand('post', 0, { language: 'en' })).language).toBe('');
  });

  it('does not depend on arrival order', () => {
    const t = tl().customer('q1', 5, { language: 'pt' }).customer('q0', 5, { language: 'it' });
    const reversed = { ...t, events: [...t.events].reverse() } as Timeline;
    // Same minute: the lower event id (q1, pushed first) opened the thread.
    expect(facts(t).language).toBe('pt');
    expect(facts(reversed).language).toBe('pt');
  });
});
