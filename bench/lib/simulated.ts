import type { CanonicalEvent } from '../../services/ingest/canonical.ts';
import { toConversationEvent } from '../../services/ingest/canonical.ts';
import { hmacPseudonymizer } from '../../services/ingest/pseudonym.ts';
import type { ConversationEvent } from '../../services/shared/events.ts';
import { Simulation } from '../../services/simulator/simulation.ts';

/**
 * The start of a busy weekday morning in the past (last Wednesday 07:00 UTC): brand replies wait
 * for business hours, so a window that ends "now" at night holds far fewer events than one in the
 * day. A fixed kind of window keeps the event mix the same whatever the time of the run.
 */
export function busyWindowStart(now = Date.now()): number {
  const d = new Date(now - 7 * 86_400_000);
  d.setUTCHours(7, 0, 0, 0);
  while (d.getUTCDay() !== 3) d.setUTCDate(d.getUTCDate() + 1);
  return d.getTime();
}

/** N distinct simulated events (no duplicate deliveries), tagged with `source` so each phase can be told apart. */
export function simulatedEvents(n: number, seed: number, source: string): CanonicalEvent[] {
  const start = busyWindowStart();
  const end = start + 12 * 3_600_000;
  const sim = new Simulation({
    seed,
    brands: ['acme', 'globex'],
    start,
    rate: n / (2.5 * 3600),
    flat: true,
    crisisEveryHours: 0,
  });
  const out: CanonicalEvent[] = [];
  for (let t = start; out.length < n; t += 60_000) {
    if (t > end) throw new Error(`the simulation produced ${out.length} events, fewer than the ${n} asked`);
    for (const d of sim.advance(t)) if (!d.duplicate && out.length < n) out.push({ ...d.event, source });
  }
  return out;
}

const pseudonymize = hmacPseudonymizer('bench-pseudonym-key');

/** What the ingest API writes to the raw topic for these events (no sealing: the bench has no key log). */
export function rawEvents(events: readonly CanonicalEvent[], ingestTime: number): ConversationEvent[] {
  return events.map((e) => toConversationEvent(e, { pseudonymize, ingestTime, defaultSource: 'api' }));
}

/** One raw event as the ingest API writes it, accepted at `ingestTime`. */
export function rawEvent(event: CanonicalEvent, ingestTime: number): ConversationEvent {
  return toConversationEvent(event, { pseudonymize, ingestTime, defaultSource: 'api' });
}
