import { describe, expect, it } from 'vitest';
import { computeThreadFacts } from '../../../services/threads/facts.ts';
import { BrandSettings } from '../../../services/domain/brand-settings.ts';
import { KEY, Timeline, shuffled } from './timeline.ts';
import { rng } from '../../../services/shared/random.ts';

/**
 * The metrics are a function of the SET of a thread's events: shuffling the arrival order,
 * delivering duplicates (same event_id) and delivering some events hours after the rest must give
 * exactly the facts of in-order delivery.
 */
const settings = BrandSettings.load();
const acme = settings.forThread({ ...KEY, brand: 'acme' });
const globex = settings.forThread({ ...KEY, brand: 'globex' }); // has the 24 h inactivity rule
const T0 = Date.UTC(2025, 3, 17, 15, 0); // Thu before Easter 2025: nights, a weekend and Easter Monday ahead

function handBuilt(): Timeline[] {
  return [
    new Timeline(T0)
      .customer('q1', 0, { sentiment_label: 'negative', sentiment_score: -0.9 })
      .bot('auto', 0)
      .customer('q2', 5)
      .brand('r1', 300)
      .customer('q3', 400, { sentiment_label: 'positive', sentiment_score: 0.4 })
      .edit('q3', 401, { sentiment_label: 'neutral' })
      .brand('r2', 900)
      .resolve(901)
      .reopen(2000)
      .brand('r3', 2100)
      .resolve(2200),
    new Timeline(T0)
      .customer('q1', 0)
      .mod('hide', 3, 'q1')
      .customer('q2', 10)
      .mod('delete', 11, 'q2', 'system')
      .customer('q3', 20)
      .brand('r1', 5000),
    new Timeline(T0)
      .customer('q1', 0)
      .brand('r1', 1)
      .praise('p', 2)
      .customer('q2', 60 * 30)
      .deleteByAuthor('q2', 60 * 31)
      .customer('q3', 60 * 50),
    new Timeline(T0)
      .mod('hide', -5, 'q1')
      .customer('q1', 0)
      .brand('r1', 0)
      .brand('r2', 0)
      .customer('q2', 0)
      .resolve(0)
      .reopen(0),
  ];
}

/** A random but valid timeline: messages, replies, bots, edits, deletes, moderation, cycles, equal timestamps. */
function randomTimeline(seed: number): Timeline {
  const rand = rng(seed);
  const t = new Timeline(T0);
  const ids: string[] = [];
  let min = 0;
  const labels = ['negative', 'neutral', 'positive'] as const;
  for (let i = 0; i < 25; i++) {
    // Equal timestamps are common (minute resolution, step 0) to exercise tie-breaking.
    min += [0, 1, 7, 45, 600, 1700][Math.floor(rand() * 6)]!;
    const r = rand();
    const label = labels[Math.floor(rand() * 3)]!;
    const o = {
      sentiment_label: label,
      sentiment_score: label === 'negative' ? -rand() : label === 'positive' ? rand() : 0,
    };
    const target = ids[Math.floor(rand() * ids.length)] ?? 'nope';
    if (r < 0.3) {
      ids.push(`c${i}`);
      t.customer(`c${i}`, min, { ...o, needs_reply: rand() < 0.8, priority: rand() < 0.1 ? 'high' : '' });
    } else if (r < 0.5) {
      ids.push(`b${i}`);
      t.brand(`b${i}`, min);
    } else if (r < 0.55) t.bot(`s${i}`, min);
    else if (r < 0.62) t.edit(target, min, { ...o, needs_reply: rand() < 0.5 });
    else if (r < 0.66) t.deleteByAuthor(target, min);
    else if (r < 0.78)
      t.mod(
        (['hide', 'unhide', 'delete', 'restore', 'mark_spam', 'assign', 'escalate'] as const)[Math.floor(rand() * 7)]!,
        min,
        target,
        rand() < 0.3 ? 'system' : 'brand',
      );
    else if (r < 0.82)
      t.mod('relabel', min, target, 'brand', {
        relabel_sentiment: label,
        relabel_intent: rand() < 0.5 ? 'complaint' : '',
      });
    else if (r < 0.92) t.resolve(min);
    else t.reopen(min);
  }
  return t;
}

describe('order independence', () => {
  const timelines = [...handBuilt(), ...Array.from({ length: 60 }, (_, i) => randomTimeline(1000 + i))];

  it('shuffled, duplicated and late deliveries give the facts of in-order delivery', () => {
    const rand = rng(42);
    let compared = 0;
    for (const t of timelines) {
      for (const s of [acme, globex]) {
        const expected = computeThreadFacts(t.key, t.events, s);
        for (let trial = 0; trial < 5; trial++) {
          // Duplicates: a third of the events delivered twice (copies, not the same object).
          const withDups = [...t.events, ...t.events.filter(() => rand() < 0.33).map((e) => ({ ...e }))];
          // Lateness: a random subset arrives after everything else (hours later in wall-clock terms).
          const late = withDups.filter(() => rand() < 0.2);
          const onTime = withDups.filter((e) => !late.includes(e));
          const delivered = [...shuffled(onTime, rand), ...shuffled(late, rand)];
          expect(computeThreadFacts(t.key, delivered, s)).toEqual(expected);
          compared++;
        }
      }
    }
    expect(compared).toBe(timelines.length * 2 * 5);
  });

  it('the random timelines exercise the interesting cases (so the property is not vacuous)', () => {
    const all = timelines.map((t) => computeThreadFacts(t.key, t.events, globex));
    expect(all.some((f) => f.handled_by_moderation)).toBe(true);
    expect(all.some((f) => f.reopen_count > 0)).toBe(true);
    expect(all.some((f) => f.first_resolved_by === 'inactivity')).toBe(true);
    expect(all.some((f) => f.is_waiting)).toBe(true);
    expect(all.some((f) => f.reply_count > 0)).toBe(true);
    expect(all.some((f) => f.periods.some((p) => p.kind === 'withdrawn'))).toBe(true);
    expect(all.some((f) => f.recovered !== null)).toBe(true);
    expect(all.some((f) => f.moderated.length > 0)).toBe(true);
  });

  it('a late event changes the facts exactly as if it had arrived in order', () => {
    const t = new Timeline(T0).customer('q1', 0).customer('q2', 10).brand('r1', 60);
    const [q1, ...rest] = t.events;
    const early = computeThreadFacts(KEY, rest, acme);
    expect(early.frt_start_at).toBe(t.at(10));
    expect(computeThreadFacts(KEY, [...rest, q1!], acme)).toEqual(computeThreadFacts(KEY, t.events, acme));
    expect(computeThreadFacts(KEY, [...rest, q1!], acme).frt_start_at).toBe(t.at(0));
  });

  it('copies of one event_id that disagree resolve to the latest enrichment, whatever the order', () => {
    const t = new Timeline(T0).customer('q1', 0, { sentiment_label: 'negative', sentiment_score: -0.5 });
    const newer = { ...t.events[0]!, enriched_time: 2, sentiment_label: 'positive', sentiment_score: 0.5 };
    const a = computeThreadFacts(KEY, [t.events[0]!, newer], acme);
    const b = computeThreadFacts(KEY, [newer, t.events[0]!], acme);
    expect(a).toEqual(b);
    expect(a.first_customer_label).toBe('positive');
  });
});
