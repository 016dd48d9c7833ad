import { rawEvent } from '../../../bench/lib/simulated.ts';
import { processRecords } from '../../../services/domain/enrich-records.ts';
import type { Analyzer } from '../../../services/nlp/index.ts';
import type { AvroCodec } from '../../../services/shared/avro.ts';
import type { ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import type { EnrichedEvent } from '../../../services/shared/events.ts';
import type { SourceRecord } from '../../../services/shared/kafka.ts';
import { Simulation } from '../../../services/simulator/simulation.ts';
import { offsetRanges, routeRecord, type Accepted } from '../../../services/sink/batch.ts';
import { ClickHouseWriter } from '../../../services/sink/steps.ts';
import { deleted, edited, enrichment, moderation, posted } from '../../unit/sink/fixtures.ts';

/**
 * A workload for the time-keyed copy of messages (messages_by_time, migration 0710): simulated
 * conversations over the last `days` days, delivered in the simulator's order (late, duplicated and
 * out-of-order deliveries, edits, deletes, moderation, relabels), plus hand-made messages whose
 * posted_time moves: a second and a third earlier post (the second crossing a month), two posts in
 * one batch, an edit before its post, a tie in post time. Cut into sink-sized batches.
 */
export function simulatedBatches(codec: AvroCodec, analyzer: Analyzer, now: number, days: number): Accepted[][] {
  const start = now - days * 86_400_000;
  const sim = new Simulation({ seed: 17, brands: ['acme', 'globex'], start, rate: 0.004, crisisEveryHours: 48 });
  const raw: SourceRecord[] = [];
  for (let t = start; t <= now; t += 60_000)
    for (const d of sim.advance(t))
      raw.push({
        topic: 'raw',
        partition: 0,
        offset: String(raw.length),
        key: Buffer.from(d.event.thread_id),
        value: codec.encode('conversation-event', rawEvent(d.event, d.deliverAt)),
      });
  const out = processRecords(raw, codec, analyzer, now);
  const accepted: Accepted[] = [];
  out.enriched.forEach((m, i) => {
    const record = { topic: 'sim', partition: 0, offset: raw[i]!.offset, key: null, value: m.value as Buffer };
    const routed = routeRecord(codec, record);
    if (!routed.ok) throw new Error(`simulated event refused: ${routed.rejected.detail}`);
    accepted.push(routed.accepted);
  });
  const batches: Accepted[][] = [];
  for (let i = 0; i < accepted.length; i += 250) batches.push(accepted.slice(i, i + 250));
  return batches;
}

const spam = (id: string, minute: number, target: string) => moderation(id, minute, 'mark_spam', target);

/** The hand-made batches (brand acme, November 2023; see fixtures.ts), as the sink would get them. */
export function movingPostBatches(): Accepted[][] {
  const neg = enrichment('negative', -0.7);
  const pos = enrichment('positive', 0.6, 'praise');
  const post = (id: string, minute: number, messageId: string) => posted(id, minute, messageId, `post ${id}`, neg);
  const thread = (e: EnrichedEvent, t: string): EnrichedEvent => ({ ...e, event: { ...e.event, thread_id: t } });
  const a = [
    posted('mv-p2', 0, 'm-move', 'first post seen', neg),
    edited('mv-e', 3, 'm-move', 'edited text', pos),
    post('sb-p2', 10, 'm-same-batch'),
    post('sb-p1', 5, 'm-same-batch'),
    edited('ef-e', 20, 'm-edit-first', 'the edit came first', neg),
    thread(posted('md-p', 30, 'm-moderated', 'spam spam', neg), 'th-2'),
    posted('tie-b', 40, 'm-tie', 'tie b', neg),
  ];
  const b = [
    // About 14.6 days earlier: October, another partition.
    post('mv-p1', -21_000, 'm-move'),
    posted('ef-p', 15, 'm-edit-first', 'the post', pos),
    thread(moderation('md-h', 31, 'hide', 'm-moderated'), 'th-2'),
    thread(moderation('md-r', 32, 'relabel', 'm-moderated', { sentiment: 'positive', intent: 'spam' }), 'th-2'),
    posted('tie-a', 40, 'm-tie', 'tie a', neg), // same time, smaller id: wins, posted_time unchanged
  ];
  const c = [
    post('mv-p0', -21_100, 'm-move'),
    thread(spam('md-s', 33, 'm-moderated'), 'th-2'),
    thread(deleted('md-d', 34, 'm-moderated'), 'th-2'),
    thread(moderation('md-a', 35, 'approve', 'm-moderated'), 'th-2'),
  ];
  let offset = 0;
  const accepted = (events: EnrichedEvent[]): Accepted[] =>
    events.map((event) => ({
      record: { topic: 'made', partition: 0, offset: String(offset++), key: null, value: null },
      event,
    }));
  return [accepted(a), accepted(b), accepted(c)];
}

/** Runs the sink's ClickHouse step on each batch, as the sink does (dedup tokens from the offsets). */
export async function writeBatches(writer: ClickHouseWriter, batches: Accepted[][]): Promise<void> {
  for (const accepted of batches) await writer.run({ accepted, ranges: offsetRanges(accepted.map((x) => x.record)) });
}

/** Every row of a query as sorted JSON lines (order-insensitive comparison of whole tables). */
export async function sortedRows(client: ClickHouseClient, query: string): Promise<string[]> {
  const rs = await client.query({ query, format: 'JSONEachRow' });
  return (await rs.json<Record<string, unknown>>()).map((r) => JSON.stringify(r)).sort();
}
