import type { EnrichedEvent } from '../shared/events.ts';
import type { ClickHouseClient } from '../shared/clickhouse.ts';
import { buildRows, dedupToken, messageIdentity, stateFromRow, stateSelectList, type Accepted, type OffsetRange } from './batch.ts';
import { deadLetterRow, type DeadLetter } from './dead-letters.ts';
import { messageKey, type MessageState } from './message-state.ts';

/** One flush of the sink: the decoded events, the dead letters and the offset ranges they came from. */
export interface BatchContext {
  accepted: Accepted[];
  rejected: DeadLetter[];
  ranges: OffsetRange[];
}

/**
 * A step the sink runs for every batch, in order, after dead letters were sent and before offsets
 * are committed. Steps must be idempotent: after a crash the same events come again (possibly cut
 * into different batches).
 */
export interface BatchStep {
  readonly name: string;
  run(ctx: BatchContext): Promise<void>;
}

/** Writes events, moderation actions, dead letters and message states (-> sentiment MV). */
export class ClickHouseWriter implements BatchStep {
  readonly name = 'clickhouse';
  constructor(private readonly clickhouse: ClickHouseClient) {}

  async run(ctx: BatchContext): Promise<void> {
    const prior = await this.readStates(ctx.accepted);
    const rows = buildRows(ctx.accepted, prior);
    const insert = async (table: string, values: Record<string, unknown>[]) => {
      if (values.length === 0) return;
      await this.clickhouse.insert({
        table, values, format: 'JSONEachRow',
        clickhouse_settings: { insert_deduplication_token: dedupToken(ctx.ranges, table) },
      });
    };
    await insert('events', rows.events);
    await insert('moderation_actions', rows.moderation);
    await insert('dead_letters', ctx.rejected.map((d) => deadLetterRow(d)));
    // Last: its rows carry the retracted contributions, so they must be written exactly once per
    // state change (the token covers a retry of this same insert; a replay after a crash finds the
    // states already stored and writes nothing).
    await insert('messages', rows.messages);
  }

  /** Stored states of the messages a batch touches, in one query. */
  async readStates(batch: Accepted[]): Promise<Map<string, MessageState>> {
    const keys = new Map<string, [string, string, string]>();
    for (const a of batch) {
      const id = messageIdentity(a.event);
      if (id) keys.set(id.key, [id.brand, id.thread_id, id.message_id]);
    }
    const out = new Map<string, MessageState>();
    if (keys.size === 0) return out;
    // Filter on the sort key prefix (brand, thread_id) in SQL and on the exact message here.
    const result = await this.clickhouse.query({
      query: `SELECT ${stateSelectList()} FROM messages FINAL
              WHERE brand IN {brands:Array(String)} AND thread_id IN {threads:Array(String)}`,
      query_params: { brands: [...new Set([...keys.values()].map((k) => k[0]))], threads: [...new Set([...keys.values()].map((k) => k[1]))] },
      format: 'JSONEachRow',
    });
    for (const row of await result.json<Record<string, unknown>>()) {
      const s = stateFromRow(row);
      const key = messageKey(s.brand, s.thread_id, s.message_id);
      if (keys.has(key)) out.set(key, s);
    }
    return out;
  }
}

/** What the sink needs of the threads engineer's ThreadProjector (services/threads/projector.ts). */
export interface Projector {
  project(batch: EnrichedEvent[], dedupToken: string): Promise<void>;
}

/** Runs the thread projector on the batch's events, with a token derived from the offset ranges. */
export class ProjectorStep implements BatchStep {
  readonly name = 'threads';
  constructor(private readonly projector: Projector) {}

  async run(ctx: BatchContext): Promise<void> {
    if (ctx.accepted.length === 0) return;
    await this.projector.project(ctx.accepted.map((a) => a.event), dedupToken(ctx.ranges, 'threads'));
  }
}
