import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { Readable } from 'node:stream';
import type { BaseConfig } from './config.ts';
import { FatalError } from './errors.ts';
import { encodeRows, type Column } from './rowbinary.ts';

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

/** What an insert needs to know of a table: its column types, and whether it has CHECK constraints. */
interface TableShape {
  types: Map<string, string>;
  checked: boolean;
}

/** Per client and table, as the server reports them (read once, again when a row names a new column). */
const tableShapes = new WeakMap<ClickHouseClient, Map<string, Promise<TableShape>>>();

async function tableShape(client: ClickHouseClient, table: string, refresh = false): Promise<TableShape> {
  let tables = tableShapes.get(client);
  if (!tables) tableShapes.set(client, (tables = new Map<string, Promise<TableShape>>()));
  let shape = refresh ? undefined : tables.get(table);
  if (!shape) {
    shape = readShape(client, table);
    tables.set(table, shape);
    shape.catch(() => tables.delete(table));
  }
  return shape;
}

async function readShape(client: ClickHouseClient, table: string): Promise<TableShape> {
  // Through exec: schema metadata, not data, so it stays out of what callers count as reads.
  const result = await client.exec({
    query: `SELECT name, type,
              (SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = {table:String}
                 AND create_table_query LIKE '%CONSTRAINT % CHECK %') AS checks
            FROM system.columns WHERE database = currentDatabase() AND table = {table:String}
            FORMAT JSONEachRow`,
    query_params: { table },
  });
  let text = '';
  for await (const chunk of result.stream) text += String(chunk);
  const rows = text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { name: string; type: string; checks: number | string });
  return { types: new Map(rows.map((c) => [c.name, c.type])), checked: rows.some((r) => Number(r.checks) > 0) };
}

/**
 * Inserts rows built as objects (one builder per table: every row has the same keys) as RowBinary
 * (shared/rowbinary.ts) for the columns the first row names, typed as the server reports them.
 * Instants go as epoch ms numbers. Costs the sink a fraction of JSON text: no JSON.stringify of
 * every value and its garbage, and ClickHouse (the local chDB front too) reads binary without
 * parsing text. Same settings (dedup tokens) and errors as insertRows; the columns a row leaves
 * out get their defaults.
 *
 * A table with CHECK constraints gets JSON text instead: the local engine's streaming insert
 * (binary formats, infra/local/chdb/engine.py) reports success for a block that violates one and
 * stores nothing, where clickhouse-server refuses it (VIOLATED_CONSTRAINT), which the sink must see
 * to isolate the row. Constraints are read with the column types (a constraint added while the
 * sink runs is seen after its next restart).
 */
export async function insertRowBinary(
  client: ClickHouseClient,
  table: string,
  rows: Array<Record<string, unknown>>,
  settings: ClickHouseSettings = {},
): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(rows[0]!);
  let shape = await tableShape(client, table);
  if (names.some((n) => !shape.types.has(n))) shape = await tableShape(client, table, true);
  const columns: Column[] = names.map((name) => {
    const type = shape.types.get(name);
    // What ClickHouse answers an insert naming an unknown column (NO_SUCH_COLUMN_IN_TABLE): a deployment fault.
    if (!type) throw new FatalError(`no column ${name} in table ${table} (a migration missing?)`);
    return { name, type };
  });
  if (shape.checked) return insertRows(client, table, asJsonRows(columns, rows), settings);
  const body = encodeRows(columns, rows);
  const list = names.map((n) => `\`${n}\``).join(', ');
  const result = await client.exec({
    query: `INSERT INTO ${table} (${list}) FORMAT RowBinary`,
    values: Readable.from([body]),
    clickhouse_settings: settings,
  });
  // Nothing comes back from an insert; the response must still be read for the socket to be reused.
  result.stream.resume();
  await new Promise<void>((resolve, reject) => {
    result.stream.once('end', resolve);
    result.stream.once('error', reject);
  });
}

/**
 * A row of insertRowBinary's conventions as insertRows (JSON) reads it: instants as text (a bare
 * number is seconds there).
 */
function asJsonRows(columns: Column[], rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  const convert = columns.map((c) => jsonValue(c.type));
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    columns.forEach((c, i) => (out[c.name] = convert[i]!(row[c.name])));
    return out;
  });
}

function jsonValue(type: string): (v: unknown) => unknown {
  const inner = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(type);
  if (inner) return jsonValue(inner[1]!);
  const array = /^Array\((.*)\)$/.exec(type);
  if (array) {
    const item = jsonValue(array[1]!);
    return (v) => (Array.isArray(v) ? v.map(item) : v);
  }
  if (type.startsWith('DateTime64')) return (v) => (typeof v === 'number' ? dateTime64(v) : v);
  if (type.startsWith('DateTime')) return (v) => (typeof v === 'number' ? dateTime(v) : v);
  return (v) => v;
}
