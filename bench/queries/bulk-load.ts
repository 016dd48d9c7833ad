/**
 * The bulk path of bench:queries: months of conversations into the pipeline's tables without
 * Kafka, with rows identical to what the pipeline writes.
 *
 * 1. fold: simulated raw events go through the enricher's batch function (processRecords, Avro in
 *    and out) and the sink's routing and two steps (ClickHouseWriter, ProjectorStep), the same code
 *    the services run, in batches of the sink's size. Only Kafka is left out: records get made-up
 *    coordinates (a topic per fold, one partition, offsets in order), which name the dedup tokens.
 * 2. copy: the folded rows are copied `copies - 1` times inside ClickHouse (INSERT ... SELECT), each
 *    copy with every conversation id (thread, message, event, author) prefixed by `c<j>~`. That is
 *    exactly what folding the same events with prefixed ids gives (copyEvent below): the folds only
 *    compare ids for equality and order, and a common prefix keeps both. The materialized views fire
 *    on the copies as on any insert. test/int/bench/bulk-load.int.test.ts checks the identity.
 */
import type { Analyzer } from '../../services/nlp/index.ts';
import { processRecords } from '../../services/domain/enrich-records.ts';
import type { AvroCodec } from '../../services/shared/avro.ts';
import type { ClickHouseClient } from '../../services/shared/clickhouse.ts';
import { payloadOf, wrapPayload, type ConversationEvent, type Payload } from '../../services/shared/events.ts';
import type { SourceRecord } from '../../services/shared/kafka.ts';
import { offsetRanges, routeRecord, type Accepted } from '../../services/sink/batch.ts';
import { ClickHouseWriter, ProjectorStep, runConcurrently, type BatchStep } from '../../services/sink/steps.ts';
import { ThreadProjector } from '../../services/threads/projector.ts';
import type { Logger } from '../../services/shared/logger.ts';
import type { BrandSettings } from '../../services/domain/brand-settings.ts';

/**
 * The tables the sink writes (the materialized views fill the aggregates from them). One value is
 * not what a fold of the prefixed events writes: thread_facts.point_fingerprint of a `waiting`
 * point hashes its message_id, which the copy prefixes. That only makes the projector write such a
 * point again (same values) if the copied thread ever gets another event; the bench sends none.
 */
export const PIPELINE_TABLES = [
  'events',
  'moderation_actions',
  'messages',
  'thread_events',
  'thread_facts',
  'thread_points',
  'waiting_points',
] as const;

/**
 * Where a copy reads a table's folded rows. waiting_points is a CollapsingMergeTree: which of a
 * key's rows survive depends on their order, and a SELECT over several parts gives none, so its
 * copies take the collapsed rows (FINAL, sign = 1), what the fold's own rows come to in any merge.
 */
const COPY_SOURCE: Partial<Record<string, string>> = { waiting_points: 'waiting_points FINAL WHERE sign = 1 AND' };

/** A column holds a conversation id (prefixed in a copy) when it is named like one of these. */
const ID_COLUMN =
  /^(thread_id|event_id|message_id|parent_id|author_id|target_message_id|target_author_id|waiting_message_ids|mod_message_id)$|_event_id$/;

export const copyPrefix = (j: number) => `c${j}~`;

/** The raw event of copy j: what the fold of copy j reads (the SQL copy must give the same rows). */
export function copyEvent(e: ConversationEvent, j: number): ConversationEvent {
  const p = copyPrefix(j);
  const id = (v: string | null) => (v === null || v === '' ? v : p + v);
  const { type, value: v } = payloadOf(e);
  const value = { ...v } as Record<string, string | null>;
  for (const k of ['message_id', 'parent_id', 'author_id', 'target_message_id', 'target_author_id'])
    if (k in value) value[k] = id(value[k] ?? null);
  const payload = wrapPayload({ type, value } as unknown as Payload);
  return { ...e, event_id: p + e.event_id, thread_id: p + e.thread_id, post_id: id(e.post_id), payload };
}

export interface FoldDeps {
  clickhouse: ClickHouseClient;
  codec: AvroCodec;
  analyzer: Analyzer;
  logger: Logger;
  settings?: BrandSettings;
}

/** The sink's steps as services/sink/main.ts wires them, kept across batches like a running sink. */
export class Fold {
  private readonly steps: BatchStep[];
  private offset = 0;
  readonly stats = { events: 0, batches: 0, rejected: 0 };

  constructor(
    private readonly deps: FoldDeps,
    private readonly topic = 'bulk',
  ) {
    const { clickhouse, logger, settings } = deps;
    this.steps = [
      new ClickHouseWriter(clickhouse),
      new ProjectorStep(new ThreadProjector({ clickhouse, logger, ...(settings ? { settings } : {}) })),
    ];
  }

  /** One sink batch: enrich (processRecords), route (routeRecord), write (both steps side by side). */
  async write(events: readonly ConversationEvent[]): Promise<void> {
    const { codec, analyzer } = this.deps;
    const raw: SourceRecord[] = events.map((e) => ({
      topic: `${this.topic}.raw`,
      partition: 0,
      offset: String(this.offset++),
      key: Buffer.from(e.thread_id),
      value: codec.encode('conversation-event', e),
    }));
    const out = processRecords(raw, codec, analyzer);
    const enriched: SourceRecord[] = out.enriched.map((m, i) => ({
      topic: this.topic,
      partition: 0,
      offset: raw[i]!.offset,
      key: null,
      value: m.value as Buffer,
    }));
    const accepted: Accepted[] = [];
    for (const r of enriched) {
      const routed = routeRecord(codec, r);
      if (routed.ok) accepted.push(routed.accepted);
      else this.stats.rejected++;
    }
    this.stats.rejected += out.deadLetters.length;
    if (out.deadLetters.length > 0)
      throw new Error(`the enricher refused ${out.deadLetters.length} simulated events: ${out.reasons.join(', ')}`);
    await runConcurrently(this.steps, { accepted, ranges: offsetRanges(enriched) });
    this.stats.events += accepted.length;
    this.stats.batches++;
  }
}

interface Column {
  name: string;
  type: string;
  default_kind: string;
}

/** The SELECT list of copy `j` of a table's rows: id columns prefixed, '' and NULL kept (no aliases: an alias named like its column would shadow it). */
async function copySelect(
  clickhouse: ClickHouseClient,
  table: string,
  j: string,
): Promise<{ columns: string[]; select: string }> {
  const rs = await clickhouse.query({
    query:
      'SELECT name, type, default_kind FROM system.columns WHERE database = currentDatabase() AND table = {table:String} ORDER BY position',
    query_params: { table },
    format: 'JSONEachRow',
  });
  const cols = (await rs.json<Column>()).filter((c) => c.default_kind !== 'MATERIALIZED' && c.default_kind !== 'ALIAS');
  const prefix = `concat('c', toString(${j}), '~')`;
  const select = cols.map((c) => {
    if (!ID_COLUMN.test(c.name)) return c.name;
    if (c.type.startsWith('Array(')) return `arrayMap(x -> if(x = '', x, concat(${prefix}, x)), ${c.name})`;
    return `if(${c.name} = '', ${c.name}, concat(${prefix}, ${c.name}))`;
  });
  return { columns: cols.map((c) => c.name), select: select.join(', ') };
}

/** Copies per INSERT ... SELECT: each statement stays well under the client's 60 s request timeout. */
const COPIES_PER_STATEMENT = 5;

/**
 * Copies 1 .. copies-1 of every pipeline table's rows (the folded rows are those whose thread_id
 * carries no copy prefix), a few copies per INSERT ... SELECT. Each statement done is recorded in
 * bench_copies, so an interrupted load resumes where it stopped (BENCH_QUERIES_DATABASE).
 */
export async function copyTables(
  clickhouse: ClickHouseClient,
  copies: number,
  tables: readonly string[] = PIPELINE_TABLES,
  progress?: (msg: string) => void,
): Promise<void> {
  if (copies <= 1) return;
  await clickhouse.command({
    query:
      'CREATE TABLE IF NOT EXISTS bench_copies (table String, first UInt32) ENGINE = MergeTree ORDER BY (table, first)',
  });
  const rs = await clickhouse.query({ query: 'SELECT table, first FROM bench_copies', format: 'JSONEachRow' });
  const done = new Set((await rs.json<{ table: string; first: number }>()).map((r) => `${r.table}/${r.first}`));
  for (const table of tables) {
    const { columns, select } = await copySelect(clickhouse, table, 'j');
    for (let first = 1; first < copies; first += COPIES_PER_STATEMENT) {
      if (done.has(`${table}/${first}`)) continue;
      const last = Math.min(copies, first + COPIES_PER_STATEMENT);
      await clickhouse.command({
        query: `INSERT INTO ${table} (${columns.join(', ')})
                SELECT ${select} FROM (SELECT * FROM ${COPY_SOURCE[table] ?? `${table} WHERE`} NOT match(thread_id, '^c[0-9]+~')) ARRAY JOIN range(${first}, ${last}) AS j`,
        clickhouse_settings: { insert_deduplicate: 0, max_insert_threads: '1' },
      });
      await clickhouse.insert({ table: 'bench_copies', values: [{ table, first }], format: 'JSONEachRow' });
    }
    progress?.(`copied ${table}`);
  }
}
