import { Random } from '../../services/simulator/random.ts';

/**
 * When each fault happens, decided from the seed alone (pure), so a failing run can be replayed
 * with the same CHAOS_SEED. Kills and poison land anywhere in the middle of the load; the long
 * faults (broker restarts, ClickHouse outages) get a slot each so that they never overlap and
 * each one's recovery can be told apart.
 */
export type FaultKind =
  'kill-sink' | 'kill-enricher' | 'kill-ingest' | 'restart-kafka' | 'clickhouse-outage' | 'api-poison' | 'kafka-poison';

export const FAULT_KINDS: readonly FaultKind[] = [
  'kill-sink',
  'kill-enricher',
  'kill-ingest',
  'restart-kafka',
  'clickhouse-outage',
  'api-poison',
  'kafka-poison',
];

export interface PlannedFault {
  /** ms after the load started */
  at: number;
  kind: FaultKind;
  /** 0-based number of this fault among its kind */
  index: number;
}

export interface ScheduleOptions {
  seed: number;
  loadMs: number;
  counts: Readonly<Record<FaultKind, number>>;
  /** How long a ClickHouse outage lasts. */
  outageMs: number;
  /** Rough time a broker restart takes (stop + start), to keep restarts inside their slot. */
  restartMs: number;
}

/** Faults happen between 5% and 85% of the load, so the last one has load behind it to recover with. */
export const WINDOW = { from: 0.05, to: 0.85 } as const;

export function planFaults(o: ScheduleOptions): PlannedFault[] {
  const rnd = new Random(o.seed ^ 0x5eed);
  const from = o.loadMs * WINDOW.from;
  const to = o.loadMs * WINDOW.to;
  const out: PlannedFault[] = [];
  const long: Array<{ kind: FaultKind; index: number; ms: number }> = [];
  for (let i = 0; i < o.counts['restart-kafka']; i++) long.push({ kind: 'restart-kafka', index: i, ms: o.restartMs });
  for (let i = 0; i < o.counts['clickhouse-outage']; i++)
    long.push({ kind: 'clickhouse-outage', index: i, ms: o.outageMs });
  // Shuffle which slot each long fault gets (Fisher-Yates), then place it at random inside.
  for (let i = long.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [long[i], long[j]] = [long[j]!, long[i]!];
  }
  const slot = long.length > 0 ? (to - from) / long.length : 0;
  long.forEach((f, n) => {
    const start = from + n * slot;
    out.push({ kind: f.kind, index: f.index, at: Math.round(start + rnd.next() * Math.max(0, slot - f.ms)) });
  });
  for (const kind of FAULT_KINDS) {
    if (kind === 'restart-kafka' || kind === 'clickhouse-outage') continue;
    for (let i = 0; i < o.counts[kind]; i++) out.push({ kind, index: i, at: Math.round(rnd.between(from, to)) });
  }
  return out.sort((a, b) => a.at - b.at || a.kind.localeCompare(b.kind) || a.index - b.index);
}
