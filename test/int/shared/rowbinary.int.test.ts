import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRowBinary, insertRows, type ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import { classify } from '../../../services/shared/errors.ts';
import { isolatedClickHouse, isolatedConfig } from '../../support/stack.ts';

/**
 * insertRowBinary against the real engine: every column type the sink's tables use reads back as
 * the JSON insert of the same values stores it, a retried insert with the same token is dropped,
 * materialized views see the rows, and a table with a CHECK constraint still refuses a bad row.
 */
const COLUMNS = `
  s String, lc LowCardinality(String), ns Nullable(String), u8 UInt8, nu8 Nullable(UInt8), u16 UInt16, u32 UInt32,
  u64 UInt64, f Nullable(Float64), t DateTime64(3, 'UTC'), nt Nullable(DateTime64(3, 'UTC')), m DateTime('UTC'),
  d Nullable(Date), at Array(DateTime64(3, 'UTC')), ant Array(Nullable(DateTime64(3, 'UTC'))),
  al Array(LowCardinality(String)), af Array(Nullable(Float64)), au Array(UInt16), an Array(Nullable(UInt8)),
  dflt UInt8 DEFAULT 7`;

const row = (s: string, t: number) => ({
  s,
  lc: 'facebook',
  ns: s === 'a' ? null : 'x\ty "q" \\ é 💬',
  u8: 1,
  nu8: null,
  u16: 65_535,
  u32: 4_000_000_000,
  u64: '18446744073709551615',
  f: -0.125,
  t,
  nt: s === 'a' ? t + 1 : null,
  m: t,
  d: '2024-03-05',
  at: [t, t + 1000],
  ant: [null, t],
  al: ['first', 'next'],
  af: [null, 1.5],
  au: [0, 3],
  an: [1, null],
});

describe('insertRowBinary (real ClickHouse engine)', () => {
  const config = isolatedConfig('rowbinary');
  let ch: { client: ClickHouseClient; cleanup: () => Promise<void> };
  const read = async (table: string) =>
    (await ch.client.query({ query: `SELECT * EXCEPT (k) FROM ${table} ORDER BY s, k`, format: 'JSONEachRow' })).json<
      Record<string, unknown>
    >();

  beforeAll(async () => {
    ch = await isolatedClickHouse(config);
    for (const table of ['binary_rows', 'json_rows']) {
      await ch.client.command({
        query: `CREATE TABLE ${table} (k UInt64 DEFAULT rowNumberInAllBlocks(), ${COLUMNS})
                ENGINE = MergeTree ORDER BY s SETTINGS non_replicated_deduplication_window = 100`,
      });
    }
  });
  afterAll(async () => ch?.cleanup());

  it('stores what the JSON insert of the same row stores, once per dedup token', async () => {
    const t = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const rows = [row('a', t), row('b', 86_400_123)];
    await insertRowBinary(ch.client, 'binary_rows', rows, { insert_deduplication_token: 'batch-1' });
    await insertRowBinary(ch.client, 'binary_rows', rows, { insert_deduplication_token: 'batch-1' }); // a retry
    // The JSON path takes instants as text (shared/clickhouse.ts dateTime64); the rest as is.
    const asText = (ms: number) => `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
    const json = rows.map((r) => ({
      ...r,
      t: r.t === 86_400_123 ? '1970-01-02T00:00:00.123Z' : asText(r.t),
      nt: r.nt === null ? null : asText(r.nt),
      m: r.m === 86_400_123 ? '1970-01-02T00:00:00Z' : String(Math.floor(r.m / 1000)),
      at: r.at.map((x) => (x < 1e11 ? new Date(x).toISOString() : asText(x))),
      ant: r.ant.map((x) => (x === null ? null : x < 1e11 ? new Date(x).toISOString() : asText(x))),
    }));
    await insertRows(ch.client, 'json_rows', json);
    const binary = await read('binary_rows');
    expect(binary).toHaveLength(2);
    expect(binary).toEqual(await read('json_rows'));
    expect(binary[0]).toMatchObject({ s: 'a', dflt: 7, t: '2026-01-02 03:04:05.678', d: '2024-03-05' });
  });

  it('feeds materialized views like any insert', async () => {
    await ch.client.command({
      query: `CREATE TABLE mv_target (s String, n UInt64) ENGINE = SummingMergeTree ORDER BY s`,
    });
    await ch.client.command({
      query: `CREATE MATERIALIZED VIEW rows_mv TO mv_target AS SELECT s, count() AS n FROM binary_rows GROUP BY s`,
    });
    await insertRowBinary(ch.client, 'binary_rows', [row('c', 1_700_000_000_000), row('c', 1_700_000_000_001)]);
    const [r] = await (
      await ch.client.query({ query: `SELECT sum(n) AS n FROM mv_target WHERE s = 'c'`, format: 'JSONEachRow' })
    ).json<{ n: number | string }>();
    expect(Number(r!.n)).toBe(2);
  });

  // The local engine drops a binary block that violates a constraint without an error: such tables get JSON.
  it('a table with a CHECK constraint refuses a violating row as data', async () => {
    await ch.client.command({
      query: `CREATE TABLE checked (s String, t DateTime64(3, 'UTC')) ENGINE = MergeTree ORDER BY s`,
    });
    await ch.client.command({ query: `ALTER TABLE checked ADD CONSTRAINT no_bad CHECK s != 'bad'` });
    const err = await insertRowBinary(ch.client, 'checked', [
      { s: 'good', t: 1_700_000_000_123 },
      { s: 'bad', t: 1_700_000_000_123 },
    ]).catch((e: unknown) => e);
    expect(classify(err)).toBe('data');
    await insertRowBinary(ch.client, 'checked', [{ s: 'good', t: 1_700_000_000_123 }]);
    expect(await (await ch.client.query({ query: 'SELECT s, t FROM checked', format: 'JSONEachRow' })).json()).toEqual([
      { s: 'good', t: '2023-11-14 22:13:20.123' },
    ]);
  });

  it('a row naming a column the table does not have is a deployment fault', async () => {
    const err = await insertRowBinary(ch.client, 'checked', [{ s: 'x', nope: 1 }]).catch((e: unknown) => e);
    expect(classify(err)).toBe('fatal');
  });
});
