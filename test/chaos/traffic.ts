import type { CanonicalEvent } from '../../services/ingest/canonical.ts';
import { Simulation } from '../../services/simulator/simulation.ts';
import type { Expected } from './ledger.ts';

/**
 * The chaos load: simulated conversations (posts, replies, edits, deletes, moderation, several
 * languages) for acme and globex, each event with an id of our own so the ledger can find it again.
 * Times sit in a busy weekday morning of last week, inside any sane validation window.
 */
export const CHAOS_BRANDS = ['acme', 'globex'] as const;

function busyWindowStart(now: number): number {
  const d = new Date(now - 7 * 86_400_000);
  d.setUTCHours(7, 0, 0, 0);
  while (d.getUTCDay() !== 3) d.setUTCDate(d.getUTCDate() + 1);
  return d.getTime();
}

export function chaosEvents(n: number, seed: number, tag: string, now = Date.now()): CanonicalEvent[] {
  const start = busyWindowStart(now);
  const sim = new Simulation({
    seed,
    brands: CHAOS_BRANDS,
    start,
    rate: Math.max(1, n / (2.5 * 3600)),
    flat: true,
    crisisEveryHours: 0,
  });
  const out: CanonicalEvent[] = [];
  for (let t = start; out.length < n; t += 60_000) {
    if (t > start + 24 * 3_600_000)
      throw new Error(`the simulation produced ${out.length} events, fewer than the ${n} asked`);
    // Duplicate deliveries are the simulator's own resends: the ledger wants each event once.
    for (const d of sim.advance(t))
      if (!d.duplicate && out.length < n)
        out.push({ ...d.event, event_id: `chaos-${tag}-${out.length}`, source: 'chaos' });
  }
  return out;
}

/** What the tables and views must hold, given the acknowledged events. */
export function expectedFrom(events: readonly CanonicalEvent[], acked: ReadonlySet<string>): Expected {
  const ev = new Set<string>();
  const messages = new Set<string>();
  const moderation = new Set<string>();
  const threads = new Set<string>();
  for (const e of events) {
    if (!acked.has(e.event_id!)) continue;
    ev.add(e.event_id!);
    if (e.type === 'message_posted') {
      messages.add(`${e.brand}/${e.message_id}`);
      threads.add(`${e.brand}/${e.thread_id}`);
    }
    if (e.type === 'moderation_action') moderation.add(e.event_id!);
  }
  return { events: ev, messages, moderation, threads };
}
