import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import type { BaseConfig } from './config.ts';

export type { ClickHouseClient };

export interface ClickHouseOptions {
  /** Connect as the read-only analyst user instead of the writer. */
  readonly?: boolean;
  /** Override the database (tests use one per run). */
  database?: string;
  /** Connect without selecting a database, e.g. to create it. */
  noDatabase?: boolean;
}

/** The one way services and tools get a ClickHouse client. */
export function createClickHouse(config: BaseConfig, options: ClickHouseOptions = {}): ClickHouseClient {
  return createClient({
    url: config.CLICKHOUSE_URL,
    username: options.readonly ? config.CLICKHOUSE_READONLY_USER : config.CLICKHOUSE_USER,
    password: options.readonly ? config.CLICKHOUSE_READONLY_PASSWORD : config.CLICKHOUSE_PASSWORD,
    ...(options.noDatabase ? {} : { database: options.database ?? config.CLICKHOUSE_DATABASE }),
    request_timeout: 60_000,
    clickhouse_settings: { date_time_input_format: 'best_effort' },
    // Failed requests reject with a ClickHouseError that callers handle; the client's own error
    // log would print each of them a second time.
    log: { level: ClickHouseLogLevel.OFF },
  });
}

const EPOCH = '1970-01-01T00:00:00.000Z';

/**
 * An epoch-ms instant as text a DateTime64(3) column reads exactly: Unix seconds with three
 * decimals ("1700000000.123"), which ClickHouse parses in both basic and best_effort input modes.
 * The sink writes several times per row; this is ~10x cheaper than Date#toISOString. (A bare
 * integer would be read as seconds, so it is always written as this string.)
 */
export function dateTime64(ms: number): string {
  const t = Math.round(ms);
  // best_effort (the client's input mode) takes Unix seconds only from 9 digits on (1973-03-03);
  // earlier instants, mostly 0 = unset, go as ISO text.
  if (t < 100_000_000_000) return t === 0 ? EPOCH : new Date(t).toISOString();
  const s = Math.floor(t / 1000);
  const f = t - s * 1000;
  return `${s}.${f < 10 ? '00' : f < 100 ? '0' : ''}${f}`;
}

/** An epoch-ms instant as text a DateTime (whole seconds) column reads: Unix seconds, ISO before 1973. */
export function dateTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 100_000_000 ? (s === 0 ? EPOCH : new Date(s * 1000).toISOString()) : String(s);
}

/**
 * Inserts rows built as objects (one builder per table, so every row has the same keys in the same
 * order) as JSONCompactEachRow: the column names go once in the query instead of in every row,
 * which halves the bytes of our wide rows (messages, thread_facts) that ClickHouse has to parse.
 */
export async function insertRows(
  client: ClickHouseClient,
  table: string,
  rows: Array<Record<string, unknown>>,
  settings: ClickHouseSettings = {},
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!) as [string, ...string[]];
  const values = rows.map((r) => columns.map((c) => r[c]));
  await client.insert({ table, values, format: 'JSONCompactEachRow', columns, clickhouse_settings: settings });
}
