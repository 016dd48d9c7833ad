import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BaseConfig } from '../../services/shared/config.ts';
import { deleteRunTopics, isolatedConfig } from '../support/stack.ts';

/**
 * The image runs compiled JavaScript with plain node (Dockerfile): this builds the tree the way its
 * build stage does (`tsc -p tsconfig.build.json`, each .js where its .ts was, next to the data files
 * the code finds relative to itself), then runs every command's --help, `ingest openapi`,
 * `migrate --list`, a real `topics`, `ingest` and `enricher` from it without tsx.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = mkdtempSync(join(tmpdir(), 'bp-build-'));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)],
  );
}

function node(
  args: string[],
  env: NodeJS.ProcessEnv = cleanEnv(),
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: OUT, env, timeout: 120_000, encoding: 'utf8', maxBuffer: 16 << 20 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

/** No loader inherited from the test runner: what runs is what node itself can run. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

beforeAll(() => {
  const build = spawnSyncOk(TSC, ['-p', join(ROOT, 'tsconfig.build.json'), '--outDir', OUT]);
  expect(build).toBe('');
  // The Dockerfile's runtime tree: package.json ("type": "module"), dependencies, schemas, infra,
  // and every non-TypeScript file of services/ and dashboards/ (models, openapi.json) in its place.
  cpSync(join(ROOT, 'package.json'), join(OUT, 'package.json'));
  for (const dir of ['node_modules', 'schemas', 'infra']) symlinkSync(join(ROOT, dir), join(OUT, dir));
  for (const file of [...files(join(ROOT, 'services')), ...files(join(ROOT, 'dashboards'))].filter(
    (f) => !f.endsWith('.ts'),
  )) {
    const target = join(OUT, relative(ROOT, file));
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(file, target);
  }
}, 240_000);

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

function spawnSyncOk(file: string, args: string[]): string {
  const r = spawnSync(process.execPath, [file, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  return `${r.stdout}${r.stderr}`.trim();
}

describe('npm run build: runnable JavaScript for every command', () => {
  it('leaves no .ts import specifier in the emitted JavaScript', () => {
    const emitted = files(join(OUT, 'services')).filter((f) => f.endsWith('.js'));
    expect(emitted.length).toBeGreaterThan(100);
    const offenders = emitted.filter((f) =>
      /(?:from\s+|import\(\s*)['"]\.{1,2}\/[^'"]+\.ts['"]/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it("runs every command's --help with plain node", async () => {
    const help = await node(['services/cli.js', '--help']);
    expect(help.code).toBe(0);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((m) => m[1]!);
    expect(commands).toEqual(
      expect.arrayContaining(['ingest', 'enricher', 'sink', 'alerter', 'init', 'simulator', 'dashboard']),
    );
    // Two at a time: the machine has two cores.
    for (let i = 0; i < commands.length; i += 2) {
      const runs = await Promise.all(
        commands
          .slice(i, i + 2)
          .map(async (command) => ({ command, r: await node(['services/cli.js', command, '--help']) })),
      );
      for (const { command, r } of runs) {
        expect({ command, code: r.code, stderr: r.stderr }).toEqual({ command, code: 0, stderr: '' });
        expect(r.stdout, command).toMatch(/^usage: /);
      }
    }
  });

  it('prints the checked-in OpenAPI document and the migrations from the compiled tree', async () => {
    const openapi = await node(['services/cli.js', 'ingest', 'openapi']);
    expect(openapi.code).toBe(0);
    expect(JSON.parse(openapi.stdout)).toEqual(
      JSON.parse(readFileSync(join(ROOT, 'services/ingest/openapi.json'), 'utf8')),
    );
    const list = await node(['services/cli.js', 'migrate', '--list']);
    expect(list.code).toBe(0);
    const sqlFiles = readdirSync(join(ROOT, 'infra/clickhouse/migrations')).filter((f) => f.endsWith('.sql'));
    expect(list.stdout.trim().split('\n')).toHaveLength(sqlFiles.length);
  });
});

describe('compiled services against the stack', () => {
  let config: BaseConfig;
  let env: NodeJS.ProcessEnv;
  const children: ChildProcess[] = [];
  const port = 19900 + Math.floor(Math.random() * 90);
  const metricsPort = port + 1;

  beforeAll(() => {
    config = isolatedConfig('cli_build');
    env = cleanEnv({
      KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: config.KAFKA_TOPIC_PREFIX,
      CLICKHOUSE_URL: config.CLICKHOUSE_URL,
      CLICKHOUSE_USER: config.CLICKHOUSE_USER,
      CLICKHOUSE_PASSWORD: config.CLICKHOUSE_PASSWORD,
      CLICKHOUSE_DATABASE: config.CLICKHOUSE_DATABASE,
      INGEST_PORT: String(port),
      INGEST_API_KEYS: 'acme:build-key-acme-0001',
      PSEUDONYM_KEY: 'build-pseudonym-key-0001',
      ENRICHER_GROUP_ID: `${config.KAFKA_TOPIC_PREFIX}enricher`,
      ENRICHER_METRICS_PORT: String(metricsPort),
    });
  });

  afterAll(async () => {
    await Promise.all(
      children.map((c) =>
        c.exitCode === null ? new Promise((r) => c.once('exit', r).kill('SIGKILL')) : Promise.resolve(),
      ),
    );
    await deleteRunTopics(config);
  });

  it('topics, ingest and enricher run from JavaScript: the topics, an accepted event, a ready enricher, a clean stop', async () => {
    // topics, not init: the shared chDB front runs one query at a time, and the migrations' many
    // statements are the int tier's business; `migrate --list` above loads the same modules.
    const topics = await node(['services/cli.js', 'topics'], env);
    expect({ code: topics.code, stderr: topics.stderr }).toEqual({ code: 0, stderr: '' });
    expect(topics.stdout).toContain(`${config.KAFKA_TOPIC_PREFIX}brandpulse.conversation-events.v1`);

    const ingest = spawn(process.execPath, ['services/cli.js', 'ingest'], { cwd: OUT, env, stdio: 'ignore' });
    const enricher = spawn(process.execPath, ['services/cli.js', 'enricher'], { cwd: OUT, env, stdio: 'ignore' });
    children.push(ingest, enricher);
    await until(() => ok(`http://127.0.0.1:${port}/readyz`), 60_000, 'ingest /readyz');
    const res = await fetch(`http://127.0.0.1:${port}/v1/events`, {
      method: 'POST',
      headers: { authorization: 'Bearer build-key-acme-0001', 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message_posted',
        event_time: new Date().toISOString(),
        brand: 'acme',
        platform: 'instagram',
        account_id: 'acme_ig',
        post_id: 'p1',
        thread_id: 'c1',
        message_id: 'c1',
        author_platform_id: 'user-42',
        text: 'Where is my order?',
        language_hint: 'en',
      }),
    });
    expect(res.status).toBe(202);
    // The enricher loads the models from services/nlp/models next to its compiled code.
    await until(() => ok(`http://127.0.0.1:${metricsPort}/readyz`), 90_000, 'enricher /readyz');

    const exits = [ingest, enricher].map((c) => new Promise<number | null>((r) => c.once('exit', (code) => r(code))));
    ingest.kill('SIGTERM');
    enricher.kill('SIGTERM');
    expect(await Promise.all(exits)).toEqual([0, 0]);
  });
});

async function ok(url: string): Promise<boolean> {
  return fetch(url).then(
    (r) => r.ok,
    () => false,
  );
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
