/**
 * The ClickHouse HTTP interface as @clickhouse/client and plain fetch use it. Runs against whatever
 * CLICKHOUSE_URL points at (the chDB dev server of infra/local/chdb, or a real server); the restart
 * case always spawns its own chDB server (test/support/chdb-server.ts) on a free port and data dir.
 * What read-only users and brand identities may do: clickhouse-readonly.int.test.ts.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { ClickHouseError, createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, startChdb, stopChdb as stop } from '../support/chdb-server.ts';

function endpoints() {
  let stack:
    | {
        clickhouseUrl: string;
        clickhouseUser: string;
        clickhousePassword: string;
        readonlyUser: string;
        readonlyPassword: string;
      }
    | undefined;
  try {
    const provided = inject('stack' as never) as unknown as typeof stack; // the global setup's provide() is untyped
    stack = provided;
  } catch {
    stack = undefined;
  }
  const url = process.env.CLICKHOUSE_URL ?? stack?.clickhouseUrl;
  if (!url) throw new Error('CLICKHOUSE_URL is not set and no stack was provided by the global setup');
  return {
    url,
    user: process.env.CLICKHOUSE_USER ?? stack?.clickhouseUser ?? 'default',
    password: process.env.CLICKHOUSE_PASSWORD ?? stack?.clickhousePassword ?? 'brandpulse',
    roUser: process.env.CLICKHOUSE_READONLY_USER ?? stack?.readonlyUser ?? 'analyst',
    roPassword: process.env.CLICKHOUSE_READONLY_PASSWORD ?? stack?.readonlyPassword ?? 'analyst',
  };
}

const ep = endpoints();
const DB = `test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const auth = { Authorization: basic(ep.user, ep.password) };

function httpUrl(params: Record<string, string>, base = ep.url): string {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

async function expectClickHouseError(p: Promise<unknown>, code: string, type?: string): Promise<ClickHouseError> {
  const err = await p.then(
    () => {
      throw new Error(`expected ClickHouseError ${code}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClickHouseError);
  const ch = err as ClickHouseError;
  expect(ch.code).toBe(code);
  if (type) expect(ch.type).toBe(type);
  return ch;
}

const quote64 = { output_format_json_quote_64bit_integers: 1 } as const;
let admin: ClickHouseClient;
let client: ClickHouseClient;
let readonly: ClickHouseClient;

beforeAll(async () => {
  admin = createClient({ url: ep.url, username: ep.user, password: ep.password });
  await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${DB}` });
  // 64-bit integers quoted in JSON output explicitly: the default changed across server versions.
  client = createClient({
    url: ep.url,
    username: ep.user,
    password: ep.password,
    database: DB,
    clickhouse_settings: quote64,
  });
  readonly = createClient({ url: ep.url, username: ep.roUser, password: ep.roPassword, database: DB });
});

afterAll(async () => {
  await client?.close();
  await readonly?.close();
  await admin?.command({ query: `DROP DATABASE IF EXISTS ${DB}` });
  await admin?.close();
});

describe('ClickHouse HTTP interface', () => {
  it('answers /ping, / and /replicas_status with Ok.', async () => {
    expect(await client.ping()).toEqual({ success: true });
    for (const path of ['/ping', '/', '/replicas_status']) {
      const res = await fetch(new URL(path, ep.url));
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('Ok.\n');
    }
  });

  it('binds query parameters of String, UInt64, DateTime64(3) and Array(String)', async () => {
    const rs = await client.query({
      query:
        'SELECT {s:String} AS s, {n:UInt64} AS n, {t:DateTime64(3)} AS t, {a:Array(String)} AS a, {id:Identifier} AS ident FROM (SELECT 1 AS x)',
      query_params: {
        s: "it's a \\ back\tslash\nline",
        n: '18446744073709551615',
        t: new Date('2024-01-02T03:04:05.678Z'),
        a: ['x', "y'z", 'w,v'],
        id: 'x',
      },
      format: 'JSONEachRow',
      clickhouse_settings: { session_timezone: 'UTC' },
    });
    expect(await rs.json()).toEqual([
      {
        s: "it's a \\ back\tslash\nline",
        n: '18446744073709551615',
        t: '2024-01-02 03:04:05.678',
        a: ['x', "y'z", 'w,v'],
        ident: 1,
      },
    ]);
  });

  it('accepts URLs longer than 64 KiB, as ClickHouse does up to 1 MiB', async () => {
    // A batch's IN list of thread ids travels as a query parameter in the URL.
    const ids = Array.from({ length: 8000 }, (_, i) => `thread-${i.toString().padStart(6, '0')}`);
    const rs = await client.query({
      query: 'SELECT length({ids:Array(String)}) AS n, has({ids:Array(String)}, {probe:String}) AS found',
      query_params: { ids, probe: 'thread-007999' },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ n: '8000', found: 1 }]);
  });

  it('applies settings from the URL to that query only', async () => {
    const quoted = await client.query({ query: 'SELECT toUInt64(42) AS n', format: 'JSONEachRow' });
    expect(await quoted.json()).toEqual([{ n: '42' }]); // the client-level setting
    const plain = await client.query({
      query: "SELECT toUInt64(42) AS n, getSetting('max_result_rows') AS m",
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0, max_result_rows: '1000' },
    });
    expect(await plain.json()).toEqual([{ n: 42, m: 1000 }]);
    const after = await client.query({
      query: "SELECT toUInt64(42) AS n, getSetting('max_result_rows') AS m",
      format: 'JSONEachRow',
    });
    expect(await after.json()).toEqual([{ n: '42', m: 0 }]);
  });

  it('uses default_format and echoes query_id', async () => {
    const res = await fetch(httpUrl({ default_format: 'JSONEachRow', query_id: 'qid-default-format', database: DB }), {
      method: 'POST',
      headers: auth,
      body: 'SELECT 1 AS x, currentDatabase() AS db',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-clickhouse-query-id')).toBe('qid-default-format');
    expect(res.headers.get('x-clickhouse-format')).toBe('JSONEachRow');
    expect(await res.text()).toBe(`{"x":1,"db":"${DB}"}\n`);

    const queryId = `qid-${randomBytes(4).toString('hex')}`;
    const rs = await client.query({ query: 'SELECT 1 AS x', format: 'JSON', query_id: queryId });
    expect(rs.query_id).toBe(queryId);
    expect(rs.response_headers['x-clickhouse-query-id']).toBe(queryId);
    expect((await rs.json<{ x: number }>()).data).toEqual([{ x: 1 }]);
  });

  it('takes the query in the URL, the body, or the URL followed by the body', async () => {
    const get = await fetch(httpUrl({ query: 'SELECT 7' }), { headers: auth });
    expect(await get.text()).toBe('7\n');
    const both = await fetch(httpUrl({ query: 'SELECT number FROM numbers(10) WHERE number' }), {
      method: 'POST',
      headers: auth,
      body: '> 7 ORDER BY number FORMAT CSV',
    });
    expect(both.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await both.text()).toBe('8\n9\n');
    // user/password URL parameters authenticate too, and the user's read-only flag follows them.
    const asParams = await fetch(httpUrl({ query: 'SELECT 8', user: ep.user, password: ep.password }), {
      method: 'POST',
    });
    expect(await asParams.text()).toBe('8\n');
    const roWrite = await fetch(httpUrl({ user: ep.roUser, password: ep.roPassword }), {
      method: 'POST',
      body: `CREATE TABLE ${DB}.nope (a UInt8) ENGINE = Memory`,
    });
    expect(roWrite.headers.get('x-clickhouse-exception-code')).toBe('164');
  });

  it('inserts JSONEachRow with insert() and reads back the exact rows', async () => {
    await client.command({
      query: `CREATE TABLE events (id UInt64, brand LowCardinality(String), ts DateTime64(3, 'UTC'), tags Array(String), score Nullable(Float64), body String)
              ENGINE = MergeTree ORDER BY id`,
    });
    const rows = [
      {
        id: 1,
        brand: 'acme',
        ts: '2024-05-01 10:00:00.123',
        tags: ['a', 'b'],
        score: 0.5,
        body: 'héllo "quoted" \\ back',
      },
      { id: 2, brand: 'globex', ts: '2024-05-01 10:00:01.000', tags: [], score: null, body: 'line\nbreak\ttab' },
      { id: 3, brand: 'acme', ts: '2024-05-01 10:00:02.999', tags: ["it's"], score: -1.25, body: '' },
    ];
    const res = await client.insert({ table: 'events', values: rows, format: 'JSONEachRow' });
    expect(res.executed).toBe(true);
    expect(res.summary?.written_rows).toBe('3');
    const rs = await client.query({
      query: 'SELECT id, brand, ts, tags, score, body FROM events ORDER BY id',
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual(rows.map((r) => ({ ...r, id: String(r.id) })));
  });

  it('inserts JSONCompactEachRow, CSV, TabSeparated, gzip bodies and RowBinary', async () => {
    await client.command({ query: 'CREATE TABLE kv (k UInt64, v String) ENGINE = MergeTree ORDER BY k' });
    await client.insert({ table: 'kv', values: [[1, 'one']], format: 'JSONCompactEachRow' });
    await client.insert({
      table: 'kv',
      values: Readable.from(['2,"two, with comma"\n'], { objectMode: false }),
      format: 'CSV',
    });
    await client.insert({
      table: 'kv',
      values: Readable.from(['3\tthree\n'], { objectMode: false }),
      format: 'TabSeparated',
    });
    const gz = createClient({
      url: ep.url,
      username: ep.user,
      password: ep.password,
      database: DB,
      compression: { request: true, response: true },
      clickhouse_settings: quote64,
    });
    try {
      await gz.insert({ table: 'kv', values: [{ k: 4, v: 'four (gzip)' }], format: 'JSONEachRow' });
      const rb = Buffer.concat([Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([4]), Buffer.from('five')]);
      const res = await fetch(httpUrl({ query: 'INSERT INTO kv FORMAT RowBinary', database: DB }), {
        method: 'POST',
        headers: auth,
        body: rb,
      });
      expect(res.status).toBe(200);
      const gzRes = await fetch(httpUrl({ query: 'INSERT INTO kv FORMAT JSONEachRow', database: DB }), {
        method: 'POST',
        headers: { ...auth, 'Content-Encoding': 'gzip' },
        body: gzipSync('{"k":6,"v":"six"}\n'),
      });
      expect(gzRes.status).toBe(200);
      const rs = await gz.query({ query: 'SELECT k, v FROM kv ORDER BY k', format: 'JSONCompactEachRow' });
      expect(await rs.json()).toEqual([
        ['1', 'one'],
        ['2', 'two, with comma'],
        ['3', 'three'],
        ['4', 'four (gzip)'],
        ['5', 'five'],
        ['6', 'six'],
      ]);
    } finally {
      await gz.close();
    }
  });

  it('inserts a 10k-row JSONEachRow batch', async () => {
    await client.command({
      query:
        'CREATE TABLE batch (id UInt64, brand String, ts DateTime64(3), text String) ENGINE = MergeTree ORDER BY id',
    });
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      id: i,
      brand: `b${i % 17}`,
      ts: 1_714_557_600_000 + i,
      text: `message ${i} about something`,
    }));
    const t0 = performance.now();
    await client.insert({
      table: 'batch',
      values: rows,
      format: 'JSONEachRow',
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
    const ms = performance.now() - t0;
    console.info(`10k-row JSONEachRow insert: ${ms.toFixed(0)} ms (${Math.round(10_000 / (ms / 1000))} rows/s)`);
    const rs = await client.query({
      query: 'SELECT count() AS c, sum(id) AS s, uniqExact(brand) AS b FROM batch',
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ c: '10000', s: String((9_999 * 10_000) / 2), b: '17' }]);
  });

  it('reports errors the way ClickHouse does', async () => {
    await expectClickHouseError(client.query({ query: 'SELEC 1' }), '62', 'SYNTAX_ERROR');
    await expectClickHouseError(client.query({ query: 'SELECT * FROM no_such_table' }), '60', 'UNKNOWN_TABLE');
    await expectClickHouseError(client.query({ query: 'SELECT * FROM no_such_db_x.t' }), '81', 'UNKNOWN_DATABASE');
    await expectClickHouseError(client.query({ query: 'SELECT no_such_column' }), '47', 'UNKNOWN_IDENTIFIER');
    await expectClickHouseError(
      client.insert({ table: 'no_such_table', values: [{ a: 1 }], format: 'JSONEachRow' }),
      '60',
    );

    const syntax = await fetch(httpUrl({ query: 'SELEC 1' }), { headers: auth });
    expect(syntax.status).toBe(400);
    expect(syntax.headers.get('x-clickhouse-exception-code')).toBe('62');
    expect(await syntax.text()).toMatch(/^Code: 62\. DB::Exception: .*\(SYNTAX_ERROR\) \(version [^)]+\)\n$/s);
    const unknown = await fetch(httpUrl({ query: 'SELECT * FROM no_such_table', database: DB }), { headers: auth });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-clickhouse-exception-code')).toBe('60');
  });

  it('refuses wrong or missing passwords with 516 AUTHENTICATION_FAILED', async () => {
    const bad = createClient({ url: ep.url, username: ep.user, password: `${ep.password}-wrong` });
    try {
      await expectClickHouseError(bad.query({ query: 'SELECT 1' }), '516', 'AUTHENTICATION_FAILED');
      expect((await bad.ping()).success).toBe(true); // /ping needs no credentials
    } finally {
      await bad.close();
    }
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: basic('nobody', 'x') },
      { 'X-ClickHouse-User': ep.user, 'X-ClickHouse-Key': 'wrong' },
    ];
    for (const headers of attempts) {
      const res = await fetch(httpUrl({ query: 'SELECT 1' }), { headers });
      expect(res.status).toBe(403);
      expect(res.headers.get('x-clickhouse-exception-code')).toBe('516');
      expect(await res.text()).toMatch(/^Code: 516\. DB::Exception: .*\(AUTHENTICATION_FAILED\)/);
    }
    const headerAuth = await fetch(httpUrl({ query: 'SELECT 1' }), {
      headers: { 'X-ClickHouse-User': ep.user, 'X-ClickHouse-Key': ep.password },
    });
    expect(await headerAuth.text()).toBe('1\n');
  });

  it('lets the read-only user read but refuses its writes with 164 READONLY', async () => {
    await client.command({ query: 'CREATE TABLE ro_target (a UInt32) ENGINE = MergeTree ORDER BY a' });
    await client.insert({ table: 'ro_target', values: [{ a: 1 }], format: 'JSONEachRow' });
    for (const query of [
      'SELECT count() FROM ro_target',
      'WITH 2 AS x SELECT x',
      'SHOW TABLES',
      'DESCRIBE TABLE ro_target',
      'EXISTS TABLE ro_target',
    ]) {
      const rs = await readonly.query({ query, format: 'JSONEachRow' });
      expect((await rs.json()).length).toBeGreaterThan(0);
    }
    await expectClickHouseError(
      readonly.insert({ table: 'ro_target', values: [{ a: 2 }], format: 'JSONEachRow' }),
      '164',
      'READONLY',
    );
    await expectClickHouseError(
      readonly.command({ query: 'CREATE TABLE ro_new (a UInt8) ENGINE = Memory' }),
      '164',
      'READONLY',
    );
    await expectClickHouseError(readonly.command({ query: 'DROP TABLE ro_target' }), '164', 'READONLY');
    await expectClickHouseError(readonly.command({ query: 'TRUNCATE TABLE ro_target' }), '164', 'READONLY');
    await expectClickHouseError(readonly.command({ query: 'ALTER TABLE ro_target DELETE WHERE 1' }), '164', 'READONLY');
    // Nothing changed, and the refusal did not leak into the read-write user's requests.
    await client.insert({ table: 'ro_target', values: [{ a: 3 }], format: 'JSONEachRow' });
    const rs = await client.query({
      query: 'SELECT groupArray(a) AS a FROM (SELECT a FROM ro_target ORDER BY a)',
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ a: [1, 3] }]);
    // GET implies readonly, as on the real server.
    const get = await fetch(httpUrl({ query: 'DROP TABLE ro_target', database: DB }), { headers: auth });
    expect(get.headers.get('x-clickhouse-exception-code')).toBe('164');
  });

  it('deduplicates inserts that carry the same insert_deduplication_token', async () => {
    await client.command({
      query:
        'CREATE TABLE dedup (id UInt64, v String) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100',
    });
    const batch = Array.from({ length: 50 }, (_, i) => ({ id: i, v: `v${i}` }));
    for (let i = 0; i < 2; i++) {
      await client.insert({
        table: 'dedup',
        values: batch,
        format: 'JSONEachRow',
        clickhouse_settings: { insert_deduplication_token: 'batch-1' },
      });
    }
    const count = async () =>
      (
        await (
          await client.query({ query: 'SELECT count() AS c FROM dedup', format: 'JSONEachRow' })
        ).json<{ c: string }>()
      )[0]?.c;
    expect(await count()).toBe('50');
    await client.insert({
      table: 'dedup',
      values: batch,
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: 'batch-2' },
    });
    expect(await count()).toBe('100');
  });

  it('keeps SET per session_id', async () => {
    const session_id = `s-${randomBytes(4).toString('hex')}`;
    await client.command({ query: 'SET max_result_rows = 77', session_id });
    const inSession = await client.query({
      query: "SELECT getSetting('max_result_rows') AS m",
      format: 'JSONEachRow',
      session_id,
    });
    expect(await inSession.json()).toEqual([{ m: 77 }]);
    const outside = await client.query({ query: "SELECT getSetting('max_result_rows') AS m", format: 'JSONEachRow' });
    expect(await outside.json()).toEqual([{ m: 0 }]);
  });
});

// ---------- a private chDB server: persistence across restarts ----------

describe('chDB server process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chdb-http-'));
  const usersFile = join(dir, 'users.json');
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child) await stop(child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps data across a restart and stops cleanly on SIGTERM', async () => {
    writeFileSync(
      usersFile,
      JSON.stringify({ default: { password: 'p1', readonly: false }, viewer: { password: 'p2', readonly: true } }),
    );
    const port = await freePort();
    child = await startChdb(port, join(dir, 'data'), usersFile);
    const c1 = createClient({ url: `http://127.0.0.1:${port}`, username: 'default', password: 'p1' });
    await c1.command({ query: 'CREATE DATABASE keep' });
    await c1.command({ query: 'CREATE TABLE keep.t (id UInt64, s String) ENGINE = MergeTree ORDER BY id' });
    await c1.insert({
      table: 'keep.t',
      values: [
        { id: 1, s: 'before restart' },
        { id: 2, s: 'also' },
      ],
      format: 'JSONEachRow',
    });
    await c1.close();
    expect(await stop(child)).toBe(0);

    child = await startChdb(port, join(dir, 'data'), usersFile);
    const c2 = createClient({ url: `http://127.0.0.1:${port}`, username: 'viewer', password: 'p2' });
    const rs = await c2.query({ query: 'SELECT toUInt32(id) AS id, s FROM keep.t ORDER BY id', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([
      { id: 1, s: 'before restart' },
      { id: 2, s: 'also' },
    ]);
    await expectClickHouseError(c2.command({ query: 'DROP DATABASE keep' }), '164', 'READONLY');
    await c2.close();
    expect(await stop(child)).toBe(0);
    child = undefined;
  });
});
