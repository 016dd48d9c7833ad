/**
 * The read-only analyst is read-only, and a brand identity sees only its brand (issue 14), on the
 * chDB dev front (infra/local/chdb/policy.py). Runs its own server with the current code and a users
 * file with a global analyst and a brand identity for acme; the schema is the real migrations.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickHouseError, createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../services/migrate/apply.ts';
import { freePort, startChdb, stopChdb } from '../support/chdb-server.ts';

const DB = 'brandpulse';
const MARKER = 'GLOBEX_SECRET_9d41';
const dir = mkdtempSync(join(tmpdir(), 'chdb-readonly-'));
let child: ChildProcess | undefined;
let url = '';
let writer: ClickHouseClient;
let analyst: ClickHouseClient;
let acme: ClickHouseClient;

async function refusal(p: Promise<unknown>): Promise<ClickHouseError> {
  const err = await p.then(
    () => new Error('expected a ClickHouse refusal, but the query succeeded'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClickHouseError);
  return err as ClickHouseError;
}

async function expectCode(p: Promise<unknown>, code: string, type: string): Promise<void> {
  const err = await refusal(p);
  expect({ code: err.code, type: err.type }, err.message).toEqual({ code, type });
}

async function rows(
  c: ClickHouseClient,
  query: string,
  settings: Record<string, string | number> = {},
  params: Record<string, string> = {},
): Promise<unknown[]> {
  const rs = await c.query({ query, format: 'JSONEachRow', clickhouse_settings: settings, query_params: params });
  return rs.json();
}

beforeAll(async () => {
  writeFileSync(
    join(dir, 'users.json'),
    JSON.stringify({
      default: { password: 'w', readonly: false },
      analyst: { password: 'a', readonly: true },
      acme_analyst: { password: 'x', brand: 'acme' },
    }),
  );
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  child = await startChdb(port, join(dir, 'data'), join(dir, 'users.json'));
  writer = createClient({ url, username: 'default', password: 'w' });
  await applyMigrations(writer, { database: DB });
  const w = createClient({ url, username: 'default', password: 'w', database: DB });
  for (const brand of ['acme', 'globex']) {
    const text = brand === 'globex' ? MARKER : 'acme text';
    await w.command({
      query: `INSERT INTO messages (brand, platform, thread_id, message_id, revision, posted, posted_time, text, text_time, author_id, counted, sentiment_label)
              VALUES ('${brand}', 'x', '${brand}-t1', '${brand}-m1', 1, 1, now64(3), '${text}', now64(3), '${brand}-author', 1, 'negative')`,
    });
    await w.command({
      query: `INSERT INTO events (event_id, event_type, brand, platform, thread_id, message_id, event_time, ingest_time) VALUES ('${brand}-e1', 'message_posted', '${brand}', 'x', '${brand}-t1', '${brand}-m1', now64(3), now64(3))`,
    });
    await w.command({
      query: `INSERT INTO moderation_actions (event_id, brand, platform, thread_id, action, action_time, reason) VALUES ('${brand}-a1', '${brand}', 'x', '${brand}-t1', 'hide', now64(3), '${text}')`,
    });
    await w.command({
      query: `INSERT INTO thread_facts (brand, platform, thread_id, version, needs_reply, is_waiting, waiting_kind, waiting_message_ids, waiting_message_posted_at) VALUES ('${brand}', 'x', '${brand}-t1', 1, 1, 1, 'first', ['${brand}-m1'], [now64(3)])`,
    });
    await w.command({
      query: `INSERT INTO alerts (alert_id, kind, brand, platform, started_at, detected_at, sample_messages, summary) VALUES ('${brand}-al1', 'start', '${brand}', '', now64(3), now64(3), ['${text}'], '${text}')`,
    });
  }
  await w.command({
    query: `INSERT INTO dead_letters (stage, reason, detail, source_topic) VALUES ('sink', 'bad', 'globex ${MARKER}', 't')`,
  });
  await w.close();
  analyst = createClient({
    url,
    username: 'analyst',
    password: 'a',
    database: DB,
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
  acme = createClient({ url, username: 'acme_analyst', password: 'x', database: DB });
});

afterAll(async () => {
  await Promise.all([writer?.close(), analyst?.close(), acme?.close()]);
  if (child) await stopChdb(child);
  rmSync(dir, { recursive: true, force: true });
});

describe('the read-only analyst on the dev front', () => {
  it('cannot read or write host files, reach URLs or other servers', async () => {
    await expectCode(analyst.query({ query: "SELECT * FROM file('/etc/passwd', 'LineAsString')" }), '164', 'READONLY');
    await expectCode(analyst.query({ query: "SELECT * FROM file('users.json', 'LineAsString')" }), '164', 'READONLY');
    const target = join(dir, 'written-by-analyst.csv');
    await expectCode(
      analyst.command({ query: `INSERT INTO FUNCTION file('${target}', 'CSV', 'a String') VALUES ('x')` }),
      '164',
      'READONLY',
    );
    expect(existsSync(target)).toBe(false);
    await expectCode(analyst.query({ query: `SELECT * FROM url('${url}/ping', 'LineAsString')` }), '164', 'READONLY');
    await expectCode(analyst.query({ query: "SELECT * FROM remote('127.0.0.1', system.one)" }), '164', 'READONLY');
    await expectCode(
      analyst.query({ query: `SELECT * FROM s3('${url}/bucket/key.csv', 'CSV', 'a String')` }),
      '164',
      'READONLY',
    );
    await expectCode(
      analyst.query({ query: "SELECT * FROM executable('x.sh', 'TSV', 'a String')" }),
      '164',
      'READONLY',
    );
    // What readonly=1 does not stop in chDB, the front refuses: DESCRIBE infers a table function's
    // schema by reading the file or fetching the URL, and the file() function reads any host file.
    const secret = join(dir, 'secret.csv');
    writeFileSync(secret, 'secret_header_1,secret_header_2\nv1,v2\n');
    const described = await refusal(analyst.query({ query: `DESCRIBE file('${secret}', 'CSVWithNames')` }));
    expect({ code: described.code, type: described.type }).toEqual({ code: '497', type: 'ACCESS_DENIED' });
    expect(described.message).not.toContain('secret_header_1');
    await expectCode(analyst.query({ query: `DESCRIBE url('${url}/ping', 'LineAsString')` }), '497', 'ACCESS_DENIED');
    await expectCode(
      analyst.query({ query: `EXPLAIN SELECT * FROM file('${secret}', 'CSVWithNames')` }),
      '497',
      'ACCESS_DENIED',
    );
    await expectCode(analyst.query({ query: "SELECT file('/etc/hostname')" }), '497', 'ACCESS_DENIED');
    await expectCode(analyst.query({ query: "SELECT * FROM python('Handler')" }), '497', 'ACCESS_DENIED');
    await expectCode(
      analyst.query({ query: "SELECT * FROM merge('brandpulse', '^messages$')" }),
      '497',
      'ACCESS_DENIED',
    );
    await expectCode(
      analyst.query({ query: "SELECT * FROM gcs('http://127.0.0.1:1/b/k', 'CSV', 'a String')" }),
      '497',
      'ACCESS_DENIED',
    );
  });

  it('cannot KILL, run SYSTEM, write, smuggle a second statement or lift its limits', async () => {
    await expectCode(analyst.command({ query: 'KILL QUERY WHERE 1' }), '497', 'ACCESS_DENIED');
    await expectCode(analyst.command({ query: 'SELECT 1; KILL QUERY WHERE 1' }), '62', 'SYNTAX_ERROR');
    // readonly=1 in chDB lets SYSTEM STOP MERGES and UNDROP through: the front refuses every SYSTEM.
    await expectCode(analyst.command({ query: 'SYSTEM STOP MERGES' }), '497', 'ACCESS_DENIED');
    await expectCode(analyst.command({ query: 'SYSTEM FLUSH LOGS' }), '497', 'ACCESS_DENIED');
    await expectCode(analyst.command({ query: 'UNDROP TABLE messages' }), '497', 'ACCESS_DENIED');
    const outfile = join(dir, 'outfile-by-analyst.txt');
    await expectCode(analyst.command({ query: `SELECT 1 INTO OUTFILE '${outfile}'` }), '497', 'ACCESS_DENIED');
    expect(existsSync(outfile)).toBe(false);
    await expectCode(analyst.command({ query: 'CREATE TEMPORARY TABLE tmp (a UInt8)' }), '164', 'READONLY');
    await expectCode(
      analyst.insert({ table: 'messages', values: [{ brand: 'acme' }], format: 'JSONEachRow' }),
      '164',
      'READONLY',
    );
    await expectCode(analyst.command({ query: 'SET max_execution_time = 0' }), '164', 'READONLY');
    await expectCode(analyst.query({ query: 'SELECT 1 SETTINGS max_execution_time = 0' }), '164', 'READONLY');
    await expectCode(
      analyst.query({ query: 'SELECT 1', clickhouse_settings: { max_execution_time: 0 } }),
      '452',
      'SETTING_CONSTRAINT_VIOLATION',
    );
    await expectCode(
      analyst.query({ query: 'SELECT 1', clickhouse_settings: { max_execution_time: 3600 } }),
      '452',
      'SETTING_CONSTRAINT_VIOLATION',
    );
    await expectCode(
      analyst.query({ query: 'SELECT 1', clickhouse_settings: { max_result_rows: '0' } }),
      '452',
      'SETTING_CONSTRAINT_VIOLATION',
    );
    await expectCode(
      analyst.query({ query: 'SELECT 1', clickhouse_settings: { max_memory_usage: '0' } }),
      '452',
      'SETTING_CONSTRAINT_VIOLATION',
    );
    await expectCode(analyst.query({ query: 'SELECT 1', clickhouse_settings: { max_threads: 64 } }), '164', 'READONLY');
    await expectCode(analyst.query({ query: 'SELECT 1', clickhouse_settings: { readonly: '0' } }), '164', 'READONLY');
  });

  it('runs with a 30 s time limit, result and memory caps, and is stopped by them', async () => {
    expect(
      await rows(
        analyst,
        "SELECT getSetting('max_execution_time') AS t, getSetting('max_result_rows') AS r, getSetting('max_result_bytes') AS b, getSetting('max_memory_usage') AS m, getSetting('readonly') AS ro",
      ),
    ).toEqual([{ t: 30, r: 1000000, b: 268435456, m: 2147483648, ro: 1 }]);
    await expectCode(analyst.query({ query: 'SELECT number FROM numbers(2000000)' }), '396', 'TOO_MANY_ROWS_OR_BYTES');
    await expectCode(
      analyst.query({
        query: 'SELECT count() FROM numbers_mt(1000000000000) WHERE sipHash64(number) = 0',
        clickhouse_settings: { max_execution_time: 1 },
      }),
      '159',
      'TIMEOUT_EXCEEDED',
    );
  });

  it('still answers what @clickhouse/client and Grafana send: format settings, lower limits, parameters, sessions', async () => {
    const got = await rows(
      analyst,
      "SELECT toUInt64(7) AS n, {b:String} AS b, getSetting('max_execution_time') AS t, count() AS c FROM messages WHERE brand = {b:String}",
      {
        output_format_json_quote_64bit_integers: 1,
        max_execution_time: 20,
        date_time_output_format: 'iso',
        max_result_rows: 500,
      },
      { b: 'acme' },
    );
    expect(got).toEqual([{ n: '7', b: 'acme', t: 20, c: '1' }]); // 64-bit integers quoted, as asked
    const p = await analyst.query({
      query: 'SELECT count() AS c FROM v_messages WHERE brand = {b:String}',
      format: 'JSONEachRow',
      query_params: { b: 'globex' },
    });
    expect(await p.json()).toEqual([{ c: 1 }]);
    for (const query of [
      'SHOW TABLES',
      'DESCRIBE TABLE messages',
      'EXISTS TABLE messages',
      "SELECT name FROM system.columns WHERE table = 'messages' LIMIT 1",
      'EXPLAIN SELECT 1',
    ]) {
      expect((await rows(analyst, query)).length).toBeGreaterThan(0);
    }
    const session = createClient({ url, username: 'analyst', password: 'a', session_id: `s-${Date.now()}` });
    await session.command({ query: `USE ${DB}` });
    expect(await rows(session, 'SELECT currentDatabase() AS db')).toEqual([{ db: DB }]);
    await session.close();
  });

  it('delays a write by one analyst query at most: writers go before queued analyst queries', async () => {
    const slow = () =>
      analyst
        .query({
          query: 'SELECT count() FROM numbers_mt(1000000000000) WHERE sipHash64(number) = 0',
          clickhouse_settings: { max_execution_time: 2 },
        })
        .then(
          () => ({ end: Date.now(), code: 'ok' }),
          (e: ClickHouseError) => ({ end: Date.now(), code: e.code }),
        );
    const started = Date.now();
    const analysts = [slow(), slow(), slow()];
    const w = createClient({ url, username: 'default', password: 'w', database: DB });
    await w.command({
      query:
        "INSERT INTO dead_letters (stage, reason, detail, source_topic) VALUES ('sink', 'probe', 'write behind analysts', 't')",
    });
    const writeEnd = Date.now();
    await w.close();
    const done = await Promise.all(analysts);
    expect(done.map((d) => d.code)).toEqual(['159', '159', '159']);
    // One analyst query may be running when the write arrives (2 s here, 30 s by default); the
    // others wait for the write.
    expect(done.filter((d) => d.end > writeEnd).length).toBeGreaterThanOrEqual(2);
    expect(writeEnd - started).toBeLessThan(2_000 + 1_500);
  });
});

describe('a brand identity (acme) on the dev front', () => {
  const leaks = (data: unknown) => {
    const text = JSON.stringify(data);
    return text.includes('globex') || text.includes(MARKER);
  };

  it('sees its own rows in every table and view, and no other brand in any of them', async () => {
    const objects = (await rows(
      writer,
      `SELECT name FROM system.tables WHERE database = '${DB}' ORDER BY name`,
    )) as Array<{ name: string }>;
    expect(objects.length).toBeGreaterThan(20);
    for (const { name } of objects) {
      const data = await rows(acme, `SELECT * FROM ${DB}.${name}`);
      expect(leaks(data), `${name}: ${JSON.stringify(data).slice(0, 300)}`).toBe(false);
    }
    expect(await rows(acme, 'SELECT brand, text FROM v_messages')).toEqual([{ brand: 'acme', text: 'acme text' }]);
    expect(await rows(acme, 'SELECT count() AS c FROM messages')).toEqual([{ c: 1 }]);
  });

  it('sees no other brand through subqueries, UNION, JOIN, IN, CTEs, view(), aggregates or system tables', async () => {
    const queries = [
      'SELECT * FROM (SELECT * FROM messages)',
      'SELECT text FROM messages UNION ALL SELECT text FROM brandpulse.messages UNION ALL SELECT summary FROM alerts',
      'SELECT a.text, b.text FROM messages AS a CROSS JOIN v_messages AS b',
      "SELECT * FROM events WHERE thread_id IN (SELECT thread_id FROM thread_events UNION ALL SELECT 'globex-t1')",
      'SELECT (SELECT groupArray(text) FROM messages) AS all_texts',
      'WITH t AS (SELECT * FROM v_moderation_actions) SELECT * FROM t',
      'SELECT * FROM view(SELECT brand, text FROM messages)',
      'SELECT brand, count() FROM messages GROUP BY brand WITH TOTALS',
      'SELECT uniqExact(brand) AS brands, groupUniqArray(author_id) AS authors FROM messages',
      'SELECT * FROM v_unanswered_backlog',
      'SELECT * FROM alert_annotations',
      'SELECT * FROM messages FINAL',
      'SELECT * FROM system.parts',
      'SELECT * FROM system.processes',
      'SELECT * FROM system.errors',
      'SELECT * FROM system.mutations',
      'SELECT * FROM system.query_log',
      'SELECT * FROM information_schema.tables',
    ];
    for (const query of queries) {
      const data = await rows(acme, query).catch((e: ClickHouseError) => ({ refused: e.code }));
      expect(leaks(data), `${query}: ${JSON.stringify(data).slice(0, 300)}`).toBe(false);
    }
  });

  it('cannot probe other brands through errors, PREWHERE, index readers, merge() or by changing the filter', async () => {
    // An error raised by the user's predicate would tell "a globex row matches": the brand filter runs first.
    expect(await rows(acme, `SELECT count() AS c FROM messages WHERE throwIf(text = '${MARKER}', 'leak')`)).toEqual([
      { c: 0 },
    ]);
    expect(
      await rows(acme, `SELECT count() AS c FROM v_messages WHERE throwIf(author_id = 'globex-author', 'leak')`),
    ).toEqual([{ c: 0 }]);
    expect(
      await rows(acme, `SELECT count() AS c FROM messages GROUP BY text HAVING throwIf(text = '${MARKER}', 'leak')`),
    ).toEqual([]);
    expect(await rows(acme, `SELECT text FROM messages ORDER BY throwIf(text = '${MARKER}', 'leak')`)).toEqual([
      { text: 'acme text' },
    ]);
    expect(
      await rows(
        acme,
        `SELECT count() AS c FROM messages AS a JOIN v_messages AS b ON a.message_id = b.message_id AND throwIf(a.text = '${MARKER}', 'leak') = 0`,
      ),
    ).toEqual([{ c: 1 }]);
    expect(
      await rows(acme, `SELECT (SELECT count() FROM messages WHERE throwIf(text = '${MARKER}', 'leak') = 0) AS c`),
    ).toEqual([{ c: 1 }]);
    expect(
      await rows(
        acme,
        `SELECT count() AS c FROM messages WHERE brand = 'globex' OR throwIf(author_id = 'globex-author', 'leak')`,
      ),
    ).toEqual([{ c: 0 }]);
    await expectCode(
      acme.query({ query: `SELECT count() FROM messages PREWHERE throwIf(text = '${MARKER}', 'leak')` }),
      '497',
      'ACCESS_DENIED',
    );
    await expectCode(
      acme.query({ query: "SELECT * FROM mergeTreeIndex('brandpulse', 'messages')" }),
      '497',
      'ACCESS_DENIED',
    );
    await expectCode(acme.query({ query: "SELECT * FROM merge('brandpulse', '^messages$')" }), '497', 'ACCESS_DENIED');
    await expectCode(
      acme.query({ query: 'SELECT * FROM messages SETTINGS additional_table_filters = {}' }),
      '164',
      'READONLY',
    );
    await expectCode(
      acme.query({ query: 'SELECT * FROM messages', clickhouse_settings: { additional_table_filters: '{}' } as never }),
      '164',
      'READONLY',
    );
    await expectCode(
      acme.query({ query: 'SELECT * FROM messages', clickhouse_settings: { optimize_move_to_prewhere: 1 } }),
      '164',
      'READONLY',
    );
    await expectCode(acme.query({ query: "SELECT * FROM file('/etc/passwd', 'LineAsString')" }), '164', 'READONLY');
  });

  it('covers a table created after the server started (the filters are computed per query)', async () => {
    await writer.command({
      query: `CREATE TABLE ${DB}.late (brand LowCardinality(String), v String) ENGINE = MergeTree ORDER BY brand`,
    });
    await writer.command({ query: `CREATE TABLE ${DB}.late_nobrand (v String) ENGINE = MergeTree ORDER BY v` });
    await writer.command({ query: `INSERT INTO ${DB}.late VALUES ('acme', 'a'), ('globex', '${MARKER}')` });
    await writer.command({ query: `INSERT INTO ${DB}.late_nobrand VALUES ('${MARKER}')` });
    expect(await rows(acme, 'SELECT * FROM late')).toEqual([{ brand: 'acme', v: 'a' }]);
    expect(await rows(acme, 'SELECT * FROM late_nobrand')).toEqual([]);
    // A table on the right of IN is read through the filter too.
    expect(await rows(acme, `SELECT ('globex', '${MARKER}') IN late AS found, ('acme', 'a') IN late AS own`)).toEqual([
      { found: 0, own: 1 },
    ]);
    expect(await rows(writer, `SELECT ('globex', '${MARKER}') IN ${DB}.late AS found`)).toEqual([{ found: 1 }]);
  });
});
