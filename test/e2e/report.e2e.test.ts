import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../services/migrate/apply.ts';
import { MIGRATIONS_DIR } from '../../services/migrate/migrations.ts';
import type { BaseConfig } from '../../services/shared/config.ts';
import { Supervisor } from '../../services/start/supervisor.ts';
import { isolatedClickHouse, isolatedConfig, isolatedKafka, logger } from '../support/stack.ts';
import { serviceEnv } from '../support/start.ts';
import { until, waitFor } from '../support/wait.ts';

/**
 * The report end to end: simulated traffic (with a crisis) goes through the real path — API,
 * Kafka, enricher, sink — into ClickHouse; `brandpulse report` reads the analyst views and writes
 * the terminal summary, the HTML and the PNG.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const envFor = (config: BaseConfig, extra: Record<string, string> = {}) =>
  serviceEnv(config, { LOG_LEVEL: 'warn', ...extra });

const config = isolatedConfig('report');
const dir = mkdtempSync(join(tmpdir(), 'bp-report-'));
let supervisor: Supervisor;
let cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const kafka = await isolatedKafka(config);
  const ch = await isolatedClickHouse(config);
  cleanups = [kafka.cleanup, ch.cleanup];
  await applyMigrations(ch.client, { dir: MIGRATIONS_DIR, database: config.CLICKHOUSE_DATABASE });
  const port = await freePort();
  supervisor = new Supervisor({
    root: ROOT,
    runDir: join(dir, 'run'),
    logDir: join(dir, 'logs'),
    env: envFor(config, { INGEST_PORT: String(port) }),
    logger,
  });
  for (const name of ['ingest', 'enricher', 'sink']) supervisor.start({ name, command: [name] });
  // Two hours of history for both brands, with a crisis on acme 30 minutes ago.
  await until('ingest to be ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 60_000);
  await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'services/cli.ts',
      'simulator',
      '--url',
      `http://127.0.0.1:${port}`,
      '--rate',
      '4',
      '--backfill',
      '2h',
      '--duration',
      '0',
      '--seed',
      '7',
      '--crisis-every',
      '0',
      '--crisis',
      'acme@-30:20',
    ],
    { cwd: ROOT, env: envFor(config) },
  ).catch((err: Error & { stderr?: string }) => {
    throw new Error(`simulator failed: ${err.message}\n${err.stderr ?? ''}`);
  });
  // Wait until the sink has written threads and sentiment.
  const { createClickHouse } = await import('../../services/shared/clickhouse.ts');
  const reader = createClickHouse(config, { readonly: true });
  try {
    await waitFor(
      'the sink to store threads and sentiment',
      async () => {
        const rs = await reader.query({
          query: `SELECT (SELECT count() FROM v_thread_response) AS threads, (SELECT sum(messages) FROM v_sentiment_minute) AS messages`,
          format: 'JSONEachRow',
        });
        return (await rs.json<{ threads: string | number; messages: string | number }>())[0];
      },
      (row) => Number(row?.threads) > 200 && Number(row?.messages) > 1000,
      150_000,
      1_000,
    );
  } finally {
    await reader.close();
  }
});

afterAll(async () => {
  await supervisor?.stopAll();
  for (const c of cleanups) await c();
  rmSync(dir, { recursive: true, force: true });
});

describe('brandpulse report', () => {
  it('prints the summary and writes HTML and PNG from the analyst views', async () => {
    const out = join(dir, 'reports');
    // The real brands file for the report: its times are in acme's zone, Europe/Rome, and say so.
    const env = envFor(config, { BRANDS_FILE: join(ROOT, 'infra/brands.yaml') });
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'services/cli.ts', 'report', '--brand', 'acme', '--since', '3h', '--out', out],
      { cwd: ROOT, env },
    );
    expect(stdout).toMatch(
      /^brand health: acme {3}\d{4}-\d\d-\d\d \d\d:\d\d → \d{4}-\d\d-\d\d \d\d:\d\d Europe\/Rome, UTC\+[12]$/m,
    );
    const volume = Number(/volume\s+([\d,]+) messages/.exec(stdout)?.[1]?.replace(/,/g, ''));
    expect(volume).toBeGreaterThan(500);
    expect(stdout).toMatch(/net sentiment\s+[+-]\d\.\d\d/);
    expect(stdout).toMatch(/negative share\s+\d+\.\d%/);
    expect(stdout).toMatch(/first response p50\/p90\s+\d/);
    expect(stdout).toMatch(/unanswered backlog\s+[\d,]+ waiting/);
    expect(stdout).toMatch(/alerts: /);
    const files = readdirSync(out).sort();
    expect(files.some((f) => /^acme-\d{8}-\d{4}\.html$/.test(f))).toBe(true);
    const html = readFileSync(
      join(
        out,
        files.find((f) => f.endsWith('.html'))!,
      ),
      'utf8',
    );
    expect(html).toContain('<svg');
    expect(html).toMatch(/Europe\/Rome, UTC\+[12] · brandpulse/);
    expect(html).not.toMatch(/<script|src="http/);
    const png = readFileSync(
      join(
        out,
        files.find((f) => f.endsWith('.png'))!,
      ),
    );
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1200);
  });
});
