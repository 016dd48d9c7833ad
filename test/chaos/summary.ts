import { loadavg } from 'node:os';
import type { Kafka } from 'kafkajs';
import type { CanonicalEvent } from '../../services/ingest/canonical.ts';
import type { AvroCodec } from '../../services/shared/avro.ts';
import type { ClickHouseClient } from '../../services/shared/clickhouse.ts';
import type { Topics } from '../../services/shared/topics.ts';
import type { FaultRunner } from './faults.ts';
import { matchPoison, summarizeDeadLetters } from './ledger.ts';
import type { AckingClient } from './load.ts';
import type { OffsetMonitor } from './monitor.ts';
import { blockedAfterFaults, passedAt, recoveryMs, type FaultWindow } from './progress.ts';
import type { ChaosFigures, FaultResult } from './report.ts';
import { expectedFrom } from './traffic.ts';
import { compareStored, deadLetterTable, readDeadLetters, sentimentCounts, storedPoisonIds } from './verify.ts';

/** Everything the table shows, read and computed once the pipeline drained. */
export interface SummaryInput {
  ch: ClickHouseClient;
  kafka: Kafka;
  topics: Topics;
  codec: AvroCodec;
  events: readonly CanonicalEvent[];
  client: AckingClient;
  faults: FaultRunner;
  monitor: OffsetMonitor;
  /** when the load started */
  t0: number;
  started: number;
  seed: number;
  blockedLimitS: number;
  unexpectedExits: Record<string, number>;
}

/** Faults (other than `self`) that were going on at some point of [from, to]. */
function overlapping(windows: readonly FaultWindow[], self: FaultWindow | null, from: number, to: number): string[] {
  return windows.filter((w) => w !== self && w.start <= to && w.end >= from).map((w) => w.label);
}

export async function summarize(i: SummaryInput): Promise<ChaosFigures> {
  const expected = expectedFrom(i.events, i.client.acked);
  const comparisons = await compareStored(i.ch, expected);
  const sentiment = await sentimentCounts(i.ch);
  const table = await deadLetterTable(i.ch);
  const records = await readDeadLetters(i.kafka, i.topics.name('deadLetters'), i.codec);
  const poisonStored = await storedPoisonIds(i.ch);
  const poisonSent = [...i.faults.kafkaPoison.map((p) => p.sent), ...i.faults.acceptedApiPoison()];

  const tracker = i.monitor.tracker;
  const stalls = tracker.stalls();
  const longest = stalls.reduce<{ key: string; seconds: number } | null>(
    (m, s) => ((s.to - s.from) / 1000 > (m?.seconds ?? 0) ? { key: s.key, seconds: (s.to - s.from) / 1000 } : m),
    null,
  );
  const windows = i.faults.windows;
  const blocked = stalls.reduce<{ key: string; seconds: number } | null>((m, s) => {
    const b = blockedAfterFaults(s, windows) / 1000;
    return b > (m?.seconds ?? 0) ? { key: s.key, seconds: b } : m;
  }, null);

  const faults: FaultResult[] = windows
    .slice()
    .sort((a, b) => a.start - b.start)
    .map((w) => {
      let recovery = recoveryMs(w, tracker.history);
      // The API's own faults: recovered at the first acknowledgement after them.
      if (w.kind === 'kill-ingest' || w.kind === 'restart-kafka') {
        const ack = i.client.firstAckAfter(w.end);
        recovery = ack === null || recovery === null ? null : Math.max(recovery, ack - w.end);
      }
      return {
        label: w.label,
        at: (w.start - i.t0) / 1000,
        lasted: (w.end - w.start) / 1000,
        recovery: recovery === null ? null : recovery / 1000,
        overlapping: overlapping(windows, w, w.start, recovery === null ? Infinity : w.end + recovery),
      };
    });
  for (const p of i.faults.kafkaPoison) {
    const passed = passedAt(tracker.history, p.key, p.offset, p.at);
    faults.push({
      label: `poison ${p.sent.label}: partition got past it`,
      at: (p.at - i.t0) / 1000,
      lasted: 0,
      recovery: passed === null ? null : (passed - p.at) / 1000,
      overlapping: overlapping(windows, null, p.at, passed ?? Infinity),
    });
  }
  faults.sort((a, b) => a.at - b.at);

  return {
    seed: i.seed,
    durationS: (Date.now() - i.started) / 1000,
    acknowledged: i.client.acked.size,
    requests: {
      total: i.client.stats.requests,
      retried503: i.client.stats.retried503,
      retriedNetwork: i.client.stats.retriedNetwork,
      other5xx: i.client.stats.other5xx,
      refused: i.client.stats.refused,
    },
    comparisons,
    sentiment,
    deadLetters: summarizeDeadLetters(records),
    table: { rows: table.rows, distinct: table.distinct },
    poison: matchPoison(poisonSent, records, poisonStored),
    apiPoison: i.faults.apiPoison.map((p) => ({ kind: p.kind, status: p.status, namesField: p.namesField })),
    longestStall: longest,
    worstBlockedAfterFault: blocked,
    faults,
    unexpectedExits: i.unexpectedExits,
    blockedLimitS: i.blockedLimitS,
    loadAverage: loadavg(),
  };
}
