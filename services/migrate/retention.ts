import type { ClickHouseSettings } from '@clickhouse/client';
import type { ClickHouseClient } from '../shared/clickhouse.ts';
import type { BrandsFile } from '../domain/brand-settings.ts';

/**
 * Retention per brand: brands.yaml `retention_days` becomes a TTL DELETE rule per brand on every
 * ClickHouse table that holds texts (or the author ids and moderation reasons stored with them).
 * Counted from when the text was written; aggregates (sentiment_minute, thread_facts, thread_points,
 * waiting_points, events) keep their counts. Why a generated TTL and not dictGet() in a checksummed migration: a dictionary named
 * in a TTL is resolved in the background merge's context, not the table's database (test databases
 * and the replay shadow database would read the wrong one), and brand values in a forward-only file
 * would need a new migration for every retention change.
 */
export interface TextTable {
  table: string;
  /** SQL for the instant the text was written (DateTime64 columns of the table). */
  writtenAt: string;
}

const MESSAGE_WRITTEN_AT = 'greatest(posted_time, text_time, removal_time, visibility_time, spam_time)';

export const TEXT_TABLES: readonly TextTable[] = [
  // posted_time is 1970 while only an edit, a delete or a moderation action has arrived (any may
  // precede the post). Such a row lives from when the sink wrote it (updated_at): most of those events
  // leave no time of their own in the row (a delete by the author, an assign or a reply by a moderator
  // only set first_moderation_time, a relabel its own times), and a 1970 instant made the next merge
  // delete the row, so the writer reading states back lost the event before its post arrived.
  { table: 'messages', writtenAt: `if(posted = 1, ${MESSAGE_WRITTEN_AT}, greatest(text_time, updated_at))` },
  // The time-keyed copy of the posted messages (migration 0710) holds the same texts and the same
  // time columns, so a row expires with the messages row it copies. A tombstone carries the new
  // state's times at the old posted_time: never earlier than the row it hides, so it outlives it.
  { table: 'messages_by_time', writtenAt: MESSAGE_WRITTEN_AT },
  { table: 'moderation_actions', writtenAt: 'action_time' },
  { table: 'alerts', writtenAt: 'detected_at' },
];

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The TTL clause for one table, or null when every brand keeps its texts forever. */
export function ttlClause(t: TextTable, file: Pick<BrandsFile, 'defaults' | 'brands'>): string | null {
  const own = new Map<number | null, string[]>();
  for (const [brand, spec] of Object.entries(file.brands)) {
    if (spec.retention_days === undefined) continue; // inherits the default rule
    const list = own.get(spec.retention_days) ?? [];
    list.push(brand);
    own.set(spec.retention_days, list);
  }
  const at = `toDateTime(${t.writtenAt})`;
  const rules: string[] = [];
  for (const [days, brands] of [...own.entries()].sort((a, b) => (a[0] ?? Infinity) - (b[0] ?? Infinity))) {
    if (days === null) continue;
    rules.push(`${at} + toIntervalDay(${days}) WHERE brand IN (${brands.sort().map(quote).join(', ')})`);
  }
  const fallback = file.defaults.retention_days;
  if (fallback != null) {
    const listed = [...own.values()].flat().sort();
    rules.push(
      listed.length
        ? `${at} + toIntervalDay(${fallback}) WHERE brand NOT IN (${listed.map(quote).join(', ')})`
        : `${at} + toIntervalDay(${fallback})`,
    );
  }
  return rules.length ? rules.join(', ') : null;
}

/**
 * Applies each table's TTL when it differs from the one recorded in retention_rules (migration 0006),
 * then records it. MODIFY TTL materializes the rule on existing parts, once per change.
 */
export async function applyRetention(
  client: ClickHouseClient,
  database: string,
  file: Pick<BrandsFile, 'defaults' | 'brands'>,
  /** Cluster mode (cluster.ts alterStatements): the TTL goes ON CLUSTER to the tables holding the rows. */
  alter: (table: string, change: string) => string[] = (table, change) => [`ALTER TABLE ${table} ${change}`],
): Promise<string[]> {
  const s = { clickhouse_settings: { database } as ClickHouseSettings };
  const applied = new Map(
    (
      await (
        await client.query({
          query: 'SELECT table_name, argMax(ttl, applied_at) AS ttl FROM retention_rules GROUP BY table_name',
          format: 'JSONEachRow',
          ...s,
        })
      ).json<{ table_name: string; ttl: string }>()
    ).map((r) => [r.table_name, r.ttl]),
  );
  const changed: string[] = [];
  for (const t of TEXT_TABLES) {
    const want = ttlClause(t, file) ?? '';
    if ((applied.get(t.table) ?? '') === want) continue;
    for (const query of alter(t.table, want ? `MODIFY TTL ${want}` : 'REMOVE TTL'))
      await client.command({ query, ...s });
    await client.insert({
      table: 'retention_rules',
      values: [{ table_name: t.table, ttl: want }],
      format: 'JSONEachRow',
      ...s,
    });
    changed.push(t.table);
  }
  return changed;
}
