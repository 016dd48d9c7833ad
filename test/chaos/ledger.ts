/**
 * What was promised against what was stored (pure). The load client's ledger holds every event the
 * API acknowledged (2xx); each table or view read gives id -> copies. Lost: acknowledged, absent.
 * Duplicated: present more than once where readers see it (FINAL tables, views). Dead letters are
 * judged from the dead-letter topic (the source of truth, it keeps the bytes): a record is
 * dead-lettered twice when two dead letters name the same source topic/partition/offset.
 */
export interface Expected {
  /** Acknowledged event ids (every type). */
  events: ReadonlySet<string>;
  /** `brand/message_id` of acknowledged message_posted events. */
  messages: ReadonlySet<string>;
  /** Acknowledged moderation_action event ids. */
  moderation: ReadonlySet<string>;
  /** `brand/thread_id` of every acknowledged event. */
  threads: ReadonlySet<string>;
}

export interface Comparison {
  name: string;
  expected: number;
  stored: number;
  lost: number;
  duplicated: number;
  /** A few lost ids, for the log. */
  lostSample: string[];
  duplicatedSample: string[];
}

/** `copies` holds every id the read returned with how many rows it had; ids not expected are ignored. */
export function compare(name: string, expected: ReadonlySet<string>, copies: ReadonlyMap<string, number>): Comparison {
  let stored = 0;
  const lost: string[] = [];
  const dup: string[] = [];
  for (const id of expected) {
    const n = copies.get(id) ?? 0;
    if (n === 0) lost.push(id);
    else stored++;
    if (n > 1) dup.push(id);
  }
  return {
    name,
    expected: expected.size,
    stored,
    lost: lost.length,
    duplicated: dup.length,
    lostSample: lost.slice(0, 5),
    duplicatedSample: dup.slice(0, 5),
  };
}

export interface DeadLetterRecord {
  stage: string;
  reason: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  /** The event id inside the original bytes, when they decode. */
  eventId: string | null;
  /** The original bytes, to recognise garbage poison. */
  value: Buffer | null;
}

export function originOf(d: Pick<DeadLetterRecord, 'sourceTopic' | 'sourcePartition' | 'sourceOffset'>): string {
  return `${d.sourceTopic}/${d.sourcePartition}@${d.sourceOffset}`;
}

export interface DeadLetterSummary {
  records: number;
  distinct: number;
  /** Origins with more than one dead letter, and how many each. */
  twice: Array<{ origin: string; copies: number }>;
  byReason: Array<{ stage: string; reason: string; records: number }>;
}

export function summarizeDeadLetters(records: readonly DeadLetterRecord[]): DeadLetterSummary {
  const byOrigin = new Map<string, number>();
  const byReason = new Map<string, number>();
  for (const r of records) {
    byOrigin.set(originOf(r), (byOrigin.get(originOf(r)) ?? 0) + 1);
    const k = `${r.stage}\u0000${r.reason}`;
    byReason.set(k, (byReason.get(k) ?? 0) + 1);
  }
  return {
    records: records.length,
    distinct: byOrigin.size,
    twice: [...byOrigin].filter(([, n]) => n > 1).map(([origin, copies]) => ({ origin, copies })),
    byReason: [...byReason]
      .map(([k, n]) => ({ stage: k.split('\u0000')[0]!, reason: k.split('\u0000')[1]!, records: n }))
      .sort((a, b) => b.records - a.records || a.stage.localeCompare(b.stage) || a.reason.localeCompare(b.reason)),
  };
}

/** A poison record that reached Kafka: where it was written (Kafka poison) and/or the id inside. */
export interface PoisonSent {
  label: string;
  eventId: string | null;
  /** `topic/partition@offset` where it was produced (null when it went through the API). */
  origin: string | null;
  value: Buffer | null;
}

export interface PoisonOutcome {
  label: string;
  /** Dead letters that are this record (by origin, exact bytes, or the id inside). */
  deadLetters: number;
  origins: string[];
  /** Stored as an ordinary event instead (its id is in the events table). */
  stored: boolean;
}

/**
 * The dead letters of each poison record. A poison record can be dead-lettered by the stage that
 * read it, or (valid Avro with absurd values) by a later stage at a new coordinate: it is matched
 * by where it was written, its exact bytes, or the event id inside.
 */
export function matchPoison(
  sent: readonly PoisonSent[],
  records: readonly DeadLetterRecord[],
  storedIds: ReadonlySet<string> = new Set(),
): PoisonOutcome[] {
  return sent.map((p) => {
    const hits = records.filter(
      (r) =>
        (p.origin !== null && originOf(r) === p.origin) ||
        (p.eventId !== null && r.eventId === p.eventId) ||
        (p.value !== null && r.value !== null && r.value.equals(p.value)),
    );
    return {
      label: p.label,
      deadLetters: hits.length,
      origins: [...new Set(hits.map(originOf))],
      stored: p.eventId !== null && storedIds.has(p.eventId),
    };
  });
}
