import { describe, expect, it } from 'vitest';
import { canonicalEventSchema, type CanonicalEvent } from '../../../services/ingest/canonical.ts';
import { brandProfile } from '../../../services/simulator/brands.ts';
import { BusinessHours } from '../../../services/simulator/business-hours.ts';
import { Simulation, type Delivery } from '../../../services/simulator/simulation.ts';

const HOUR = 3_600_000;
// Monday 2026-11-23 00:00 UTC.
const MONDAY = Date.UTC(2026, 10, 23);

function run(
  seed: number,
  hours: number,
  step: number,
  extra: Partial<ConstructorParameters<typeof Simulation>[0]> = {},
): Delivery[] {
  const sim = new Simulation({ seed, brands: ['acme', 'globex'], start: MONDAY, rate: 1, ...extra });
  const out: Delivery[] = [];
  for (let t = MONDAY; t < MONDAY + hours * HOUR;) {
    t = Math.min(t + step, MONDAY + hours * HOUR);
    out.push(...sim.advance(t));
  }
  return out;
}

// One shared two-day history (seed 11) for the statistical checks.
const history = run(11, 48, HOUR);
const posted = history
  .map((d) => d.event)
  .filter((e): e is Extract<CanonicalEvent, { type: 'message_posted' }> => e.type === 'message_posted');

// Several of these simulate hours of traffic: seconds of CPU, more on a busy 2-core runner than the 5 s default.
describe('simulation', () => {
  it('is deterministic for a seed, however time is sliced', () => {
    const a = run(5, 6, HOUR);
    const b = run(5, 6, 7 * 60_000 + 13);
    expect(a.length).toBeGreaterThan(500);
    expect(b.map((d) => [d.deliverAt, d.event.event_id])).toEqual(a.map((d) => [d.deliverAt, d.event.event_id]));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = run(6, 6, HOUR);
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });

  it('delivers in delivery order and every event is valid for the ingestion API', () => {
    const unordered = history.filter((d, i) => i > 0 && d.deliverAt < history[i - 1]!.deliverAt);
    expect(unordered).toEqual([]);
    const invalid = history.map((d) => canonicalEventSchema.safeParse(d.event)).filter((r) => !r.success);
    expect(invalid.map((r) => r.error?.issues).slice(0, 3)).toEqual([]);
  }, 30_000);

  it('keeps the requested daily rate within 25% once replies flow', () => {
    const day2 = history.filter((d) => d.deliverAt >= MONDAY + 24 * HOUR && !d.duplicate);
    const rate = day2.length / (24 * 3600);
    expect(rate).toBeGreaterThan(0.75);
    expect(rate).toBeLessThan(1.25);
  });

  it('mixes customer intents, languages (Italian first), platforms and every workflow action', () => {
    const first = posted.filter((e) => e.author_role === 'customer' && e.parent_id === null);
    const intents = new Map<string, number>();
    for (const e of first) intents.set(e.metadata!.sim_intent!, (intents.get(e.metadata!.sim_intent!) ?? 0) + 1);
    for (const intent of [
      'question',
      'technical_issue',
      'order',
      'pre_purchase',
      'complaint',
      'praise',
      'spam',
      'abuse',
      'other',
    ]) {
      expect(intents.get(intent) ?? 0, intent).toBeGreaterThan(first.length * 0.01);
    }
    const languages = new Map<string, number>();
    for (const e of posted.filter((p) => p.author_role === 'brand'))
      languages.set(e.language_hint!, (languages.get(e.language_hint!) ?? 0) + 1);
    const ranked = [...languages.entries()].sort((a, b) => b[1] - a[1]).map(([l]) => l);
    expect(ranked[0]).toBe('it');
    expect(new Set(ranked)).toEqual(new Set(['it', 'en', 'es', 'fr', 'de', 'pt']));
    expect(new Set(history.map((d) => d.event.platform)).size).toBeGreaterThanOrEqual(8);
    const actions = new Set(
      history.map((d) => d.event).flatMap((e) => (e.type === 'moderation_action' ? [e.action] : [])),
    );
    for (const a of [
      'hide',
      'delete',
      'ban_author',
      'mark_spam',
      'approve',
      'escalate',
      'assign',
      'resolve_thread',
      'reopen_thread',
      'relabel',
    ])
      expect(actions, a).toContain(a);
    const types = new Set(history.map((d) => d.event.type));
    expect(types).toEqual(new Set(['message_posted', 'message_edited', 'message_deleted', 'moderation_action']));
    expect(posted.some((e) => e.author_role === 'system')).toBe(true);
    expect(posted.some((e) => /\p{Extended_Pictographic}/u.test(e.text))).toBe(true);
    expect(posted.some((e) => /#\w+/.test(e.text))).toBe(true);
  });

  it('schedules human brand replies inside business hours, except the on-call ones', () => {
    const hours = {
      acme: new BusinessHours(brandProfile('acme').hours),
      globex: new BusinessHours(brandProfile('globex').hours),
    };
    const replies = posted.filter((e) => e.author_role === 'brand');
    expect(replies.length).toBeGreaterThan(100);
    const outside = replies.filter((e) => !hours[e.brand as 'acme'].isOpen(e.event_time as number));
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.every((e) => e.metadata?.sim_on_call === 'true')).toBe(true);
    expect(outside.length).toBeLessThan(replies.length * 0.1);
  });

  it('answers night messages in the morning: the reply delay depends on when the customer wrote', () => {
    const firstByThread = new Map<string, number>();
    const delays: { posted: number; delay: number }[] = [];
    for (const e of [...posted].sort((a, b) => (a.event_time as number) - (b.event_time as number))) {
      if (e.author_role === 'customer' && e.parent_id === null) firstByThread.set(e.thread_id, e.event_time as number);
      if (
        e.author_role === 'brand' &&
        e.brand === 'acme' &&
        e.metadata?.sim_on_call !== 'true' &&
        firstByThread.has(e.thread_id)
      ) {
        const t = firstByThread.get(e.thread_id)!;
        delays.push({ posted: t, delay: (e.event_time as number) - t });
        firstByThread.delete(e.thread_id);
      }
    }
    const hours = new BusinessHours(brandProfile('acme').hours);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const open = delays.filter((d) => hours.isOpen(d.posted)).map((d) => d.delay);
    const closed = delays.filter((d) => !hours.isOpen(d.posted)).map((d) => d.delay);
    expect(median(closed)).toBeGreaterThan(3 * median(open));
  });

  it('delivers some events late, out of order and twice', () => {
    const lag = history.map((d) => d.deliverAt - (d.event.event_time as number));
    expect(lag.every((l) => l >= 0)).toBe(true);
    expect(lag.filter((l) => l > 5 * 60_000).length).toBeGreaterThan(history.length * 0.01);
    let outOfOrder = 0;
    const lastTime = new Map<string, number>();
    for (const d of history) {
      const t = d.event.event_time as number;
      if (t < (lastTime.get(d.event.thread_id) ?? -Infinity)) outOfOrder++;
      lastTime.set(d.event.thread_id, Math.max(t, lastTime.get(d.event.thread_id) ?? -Infinity));
    }
    expect(outOfOrder).toBeGreaterThan(10);
    const dups = history.filter((d) => d.duplicate);
    expect(dups.length).toBeGreaterThan(0);
    const ids = new Set(history.filter((d) => !d.duplicate).map((d) => d.event.event_id));
    expect(dups.every((d) => ids.has(d.event.event_id))).toBe(true);
  }, 30_000);

  it('an injected crisis is a negative spike on one brand', () => {
    const crisisStart = MONDAY + 14 * HOUR;
    const events = run(3, 16, HOUR, {
      crisisEveryHours: 0,
      crises: [{ brand: 'acme', start: crisisStart, durationMs: HOUR, topic: 'outage', platform: 'x', multiplier: 6 }],
    });
    const firsts = (from: number, to: number, brand: string) =>
      events
        .map((d) => d.event)
        .filter(
          (e) =>
            e.type === 'message_posted' &&
            e.brand === brand &&
            e.parent_id === null &&
            (e.event_time as number) >= from &&
            (e.event_time as number) < to,
        );
    const during = firsts(crisisStart, crisisStart + HOUR, 'acme');
    const before = firsts(crisisStart - HOUR, crisisStart, 'acme');
    expect(during.length).toBeGreaterThan(3 * before.length);
    expect(during.filter((e) => e.metadata?.sim_crisis === 'outage').length).toBeGreaterThan(during.length / 2);
    expect(firsts(crisisStart, crisisStart + HOUR, 'globex').length).toBeLessThan(during.length / 2);
    expect(events.some((d) => d.event.metadata?.sim_crisis && d.event.brand === 'globex')).toBe(false);
  }, 30_000);

  it("starts random crises only after a brand's scripted one, so the scripted spike is the one seen", () => {
    const crisis = {
      brand: 'acme',
      start: MONDAY + 2 * HOUR,
      durationMs: HOUR,
      topic: 'outage' as const,
      platform: 'x',
      multiplier: 6,
    };
    const events = run(4, 12, HOUR, { crisisEveryHours: 1, crises: [crisis] }).map((d) => d.event);
    const crisisAt = (brand: string) =>
      events
        .filter(
          (e) => e.brand === brand && e.metadata?.sim_crisis && e.type === 'message_posted' && e.parent_id === null,
        )
        .map((e) => e.event_time as number);
    const acme = crisisAt('acme');
    const calm = crisis.start + crisis.durationMs + HOUR;
    expect(acme.filter((t) => t < crisis.start)).toEqual([]); // no random crisis before it …
    expect(acme.filter((t) => t >= crisis.start + crisis.durationMs && t < calm)).toEqual([]); // … nor in the hour after it
    expect(acme.some((t) => t >= calm)).toBe(true); // random crises afterwards, as usual
    expect(crisisAt('globex').some((t) => t < crisis.start)).toBe(true); // other brands keep theirs
    // A scripted crisis without a topic is about one topic all along.
    const untitled = run(4, 3, HOUR, {
      crisisEveryHours: 0,
      crises: [{ brand: 'acme', start: MONDAY + HOUR, durationMs: HOUR, multiplier: 6 }],
    });
    const topics = new Set(untitled.map((d) => d.event.metadata?.sim_crisis).filter(Boolean));
    expect(topics.size).toBe(1);
  }, 30_000);
});
