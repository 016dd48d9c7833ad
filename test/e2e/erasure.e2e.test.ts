import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../services/migrate/apply.ts';
import { hmacPseudonymizer } from '../../services/ingest/pseudonym.ts';
import { createClickHouse } from '../../services/shared/clickhouse.ts';
import { isolatedClickHouse, isolatedConfig, isolatedKafka, stackEndpoints } from '../support/stack.ts';
import { rows, scalar, waitFor } from '../int/sink/support.ts';

/**
 * Erasure that survives replay, with the real processes: `brandpulse ingest`, `enricher`, `sink`,
 * then `brandpulse erase` / DELETE /v1/authors/…, then `brandpulse replay --swap`; then every String
 * column of every table of the live and the shadow database, and the Kafka log segment files of
 * every topic of this run on the broker's disk, are searched for the marker text and the raw id.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const PORT = 19000 + Math.floor(Math.random() * 900);
const KEY = 'e2e-key-acme-erasure';
const GLOBEX_KEY = 'e2e-key-globex-erasure';
const PSEUDONYM_KEY = 'e2e-pseudonym-key-erasure';
const run = randomBytes(5).toString('hex');
const MARKER = `zqmarker${run}`;
const RAW_ID = `rawuser${run}`;
const OTHER_MARKER = `keepme${run}`;
const CLI_RAW_ID = `cliuser${run}`;
const CLI_MARKER = `climarker${run}`;

/** The broker's log directory: this repo's .stack, or (in a git worktree) the main checkout's. */
function kafkaDataDir(): string {
  const candidates = [process.env.BRANDPULSE_STACK_DIR, join(ROOT, '.stack')];
  const common = spawnSync('git', ['rev-parse', '--git-common-dir'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  if (common) candidates.push(join(dirname(resolve(ROOT, common)), '.stack'));
  for (const c of candidates)
    if (c && existsSync(join(c, 'kafka', 'data', 'meta.properties'))) return join(c, 'kafka', 'data');
  throw new Error(
    `no local Kafka data directory found (tried ${candidates.filter(Boolean).join(', ')}): this test reads the broker's segment files, it needs the local stack`,
  );
}

describe('erase an author, replay with swap: nothing comes back', () => {
  const config = isolatedConfig('erasure');
  const shadow = `${config.CLICKHOUSE_DATABASE}_replay`;
  let kafka: Awaited<ReturnType<typeof isolatedKafka>>;
  let ch: Awaited<ReturnType<typeof isolatedClickHouse>>;
  const services: ChildProcess[] = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
    KAFKA_TOPIC_PREFIX: config.KAFKA_TOPIC_PREFIX,
    CLICKHOUSE_URL: config.CLICKHOUSE_URL,
    CLICKHOUSE_USER: config.CLICKHOUSE_USER,
    CLICKHOUSE_PASSWORD: config.CLICKHOUSE_PASSWORD,
    CLICKHOUSE_DATABASE: config.CLICKHOUSE_DATABASE,
    INGEST_PORT: String(PORT),
    INGEST_API_KEYS: `acme:${KEY},globex:${GLOBEX_KEY}`,
    PSEUDONYM_KEY,
    ENRICHER_METRICS_PORT: '0',
    SINK_METRICS_PORT: '0',
    ENRICHER_GROUP_ID: `e2e-enricher-${run}`,
    SINK_GROUP_ID: `e2e-sink-${run}`,
    LOG_LEVEL: 'warn',
  };
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [tsx, join(ROOT, 'services/cli.ts'), ...args], {
      env,
      encoding: 'utf8',
      timeout: 240_000,
    });
  const post = (events: unknown[], key = KEY) =>
    fetch(`http://127.0.0.1:${PORT}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
  const message = (id: string, author: string, text: string, brand = 'acme') => ({
    type: 'message_posted',
    event_time: new Date(Date.now() - 60_000).toISOString(),
    brand,
    platform: 'instagram',
    account_id: `${brand}_ig`,
    post_id: 'p1',
    thread_id: `th-${id}`,
    message_id: id,
    author_platform_id: author,
    text,
    url: `https://instagram.example/p/${author}/${id}`,
  });

  beforeAll(async () => {
    expect(stackEndpoints().kind).toBe('local');
    kafka = await isolatedKafka(config);
    ch = await isolatedClickHouse(config);
    await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
    for (const name of ['ingest', 'enricher', 'sink']) {
      services.push(
        spawn(process.execPath, [tsx, join(ROOT, 'services/cli.ts'), name], {
          env,
          stdio: ['ignore', 'inherit', 'inherit'],
        }),
      );
    }
    await waitFor(
      'ingest ready',
      () =>
        fetch(`http://127.0.0.1:${PORT}/readyz`).then(
          (r) => r.ok,
          () => false,
        ),
      (ok) => ok,
      60_000,
    );
  }, 120_000);
  afterAll(async () => {
    for (const s of services) {
      if (s.exitCode === null) {
        s.kill('SIGTERM');
        await once(s, 'exit');
      }
    }
    const admin = createClickHouse(config, { noDatabase: true });
    await admin.command({ query: `DROP DATABASE IF EXISTS ${shadow}` }).catch(() => undefined);
    await admin.close();
    await kafka?.cleanup();
    await ch?.cleanup();
  });

  it('blanks texts and ids in ClickHouse and shreds them in Kafka, keeps the counts, and a replay --swap brings nothing back', async () => {
    const res = await post([
      message('m-1', RAW_ID, `I hate this ${MARKER} product`),
      message('m-2', RAW_ID, `Where is my order? ${MARKER}`),
      message('m-3', 'someone-else', `Love it ${OTHER_MARKER}`),
      message('m-4', CLI_RAW_ID, `Terrible ${CLI_MARKER}`),
      {
        type: 'moderation_action',
        event_time: new Date(Date.now() - 30_000).toISOString(),
        brand: 'acme',
        platform: 'instagram',
        account_id: 'acme_ig',
        thread_id: 'th-m-1',
        action: 'hide',
        actor_id: 'agent-1',
        target_message_id: 'm-1',
        target_author_platform_id: RAW_ID,
        reason: `hid ${MARKER}`,
      },
    ]);
    expect(res.status).toBe(202);
    // The same person writing to globex is another author there: acme's erasure leaves it alone.
    expect((await post([message('g-1', RAW_ID, `hola ${OTHER_MARKER}`, 'globex')], GLOBEX_KEY)).status).toBe(202);
    const count = (text: string) =>
      scalar(ch.client, `SELECT count() AS v FROM v_messages WHERE position(text, '${text}') > 0`);
    await waitFor(
      'the marker texts in v_messages',
      () => count(MARKER),
      (n) => n === 2,
    );
    await waitFor(
      'the other texts in v_messages',
      () => Promise.all([count(OTHER_MARKER), count(CLI_MARKER)]),
      ([a, b]) => a === 2 && b === 1,
    );
    const volume = () => scalar(ch.client, "SELECT count() AS v FROM v_messages WHERE brand = 'acme'");
    expect(await volume()).toBe(4);

    // Validation at the door, then the erasure itself: the API for one author, the CLI for another.
    const del = (platform: string, id: string, key = KEY) =>
      fetch(`http://127.0.0.1:${PORT}/v1/authors/${platform}/${encodeURIComponent(id)}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${key}` },
      });
    const bad = await del('Insta gram', RAW_ID);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual(['platform']);
    expect((await del('instagram', RAW_ID, 'not-a-key-at-all')).status).toBe(401);
    const erased = await del('instagram', RAW_ID);
    expect(erased.status).toBe(202);
    expect(await erased.json()).toMatchObject({ status: 'recorded', brand: 'acme', platform: 'instagram' });
    const byCli = cli('erase', '--brand', 'acme', '--author', `instagram:${CLI_RAW_ID}`);
    expect(byCli.status, byCli.stderr).toBe(0);
    expect(JSON.parse(byCli.stdout.trim().split('\n').at(-1)!)).toMatchObject({ status: 'recorded', brand: 'acme' });

    await waitFor(
      'the erased texts blanked in ClickHouse',
      () => Promise.all([count(MARKER), count(CLI_MARKER)]),
      ([a, b]) => a === 0 && b === 0,
    );
    // The erased author's later events are stored without text and id, like the earlier ones.
    expect((await post([message('m-5', RAW_ID, `again ${MARKER}`)])).status).toBe(202);
    await waitFor(
      'the later message stored',
      () => scalar(ch.client, "SELECT count() AS v FROM v_messages WHERE message_id = 'm-5'"),
      (n) => n === 1,
    );
    expect(await volume()).toBe(5);
    expect(
      await rows(
        ch.client,
        "SELECT message_id, text, author_id FROM v_messages WHERE message_id IN ('m-1', 'm-2', 'm-4', 'm-5') ORDER BY message_id",
      ),
    ).toEqual(['m-1', 'm-2', 'm-4', 'm-5'].map((message_id) => ({ message_id, text: '', author_id: '' })));
    expect(await count(OTHER_MARKER)).toBe(2);

    const replay = cli('replay', '--swap');
    expect(replay.status, replay.stderr).toBe(0);
    expect(await volume()).toBe(5);
    expect(await count(OTHER_MARKER)).toBe(2);
    expect(await scalar(ch.client, "SELECT count() AS v FROM v_messages WHERE brand = 'acme' AND text = ''")).toBe(4);

    // Every String column of every table of both databases.
    const pseudonym = hmacPseudonymizer(PSEUDONYM_KEY)('instagram', RAW_ID);
    const needles = [MARKER, RAW_ID, CLI_MARKER, CLI_RAW_ID, pseudonym];
    const columns = await rows<{ database: string; table: string; name: string }>(
      ch.client,
      `
      SELECT c.database AS database, c.table AS table, c.name AS name FROM system.columns c
      JOIN system.tables t ON t.database = c.database AND t.name = c.table
      WHERE c.database IN ('${config.CLICKHOUSE_DATABASE}', '${shadow}') AND t.engine NOT LIKE '%View%' AND c.type LIKE '%String%'`,
    );
    expect(columns.length).toBeGreaterThan(20);
    // globex's rows of the same person are another brand's author: kept (checked below).
    const branded = new Set(
      (
        await rows<{ t: string }>(
          ch.client,
          `SELECT concat(database, '.', table) AS t FROM system.columns
      WHERE database IN ('${config.CLICKHOUSE_DATABASE}', '${shadow}') AND name = 'brand'`,
        )
      ).map((r) => r.t),
    );
    const found: string[] = [];
    for (const c of columns) {
      const notGlobex = branded.has(`${c.database}.${c.table}`) ? " AND brand != 'globex'" : '';
      for (const needle of needles) {
        const n = await scalar(
          ch.client,
          `SELECT count() AS v FROM \`${c.database}\`.\`${c.table}\` WHERE position(toString(\`${c.name}\`), '${needle}') > 0${notGlobex}`,
        );
        if (n > 0)
          found.push(`${c.database}.${c.table}.${c.name} holds ${needle === pseudonym ? 'the pseudonym' : needle}`);
      }
    }
    expect(found).toEqual([]);
    expect(
      await rows(ch.client, "SELECT text, author_id = '' AS blank FROM v_messages WHERE brand = 'globex'"),
    ).toEqual([{ text: `hola ${OTHER_MARKER}`, blank: 0 }]);
    expect(
      await scalar(
        ch.client,
        `SELECT count() AS v FROM \`${config.CLICKHOUSE_DATABASE}\`.messages WHERE position(text, '${OTHER_MARKER}') > 0`,
      ),
    ).toBeGreaterThan(0);

    // Every segment file of every topic of this run, on the broker's disk.
    const data = kafkaDataDir();
    const dirs = readdirSync(data).filter((d) => d.startsWith(config.KAFKA_TOPIC_PREFIX));
    expect(dirs.some((d) => d.includes('author-keys'))).toBe(true);
    expect(dirs.some((d) => d.includes('conversation-events'))).toBe(true);
    let bytes = 0;
    const inKafka: string[] = [];
    for (const d of dirs) {
      for (const f of readdirSync(join(data, d)).filter((x) => x.endsWith('.log'))) {
        const content = readFileSync(join(data, d, f));
        bytes += content.length;
        for (const needle of needles)
          if (content.includes(needle))
            inKafka.push(`${d}/${f} holds ${needle === pseudonym ? 'the pseudonym' : needle}`);
      }
    }
    expect(bytes).toBeGreaterThan(1000);
    expect(inKafka).toEqual([]);
  }, 420_000);
});
