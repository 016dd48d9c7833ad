import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../services/migrate/apply.ts';
import { MIGRATIONS_DIR } from '../../services/migrate/migrations.ts';
import { createClickHouse, type ClickHouseClient } from '../../services/shared/clickhouse.ts';
import { isolatedClickHouse, isolatedConfig } from '../support/stack.ts';
import { until } from '../support/start.ts';
import { seed } from '../int/dashboards/seed.ts';

/**
 * `brandpulse dashboard` in a real browser (Debian's chromium driven by playwright-core): seeded
 * conversations in a database of this run, the real command as a child process, the page opened,
 * a brand picked from the selector; the numbers on the page are checked against SQL run here
 * directly as the analyst, times against the brand's zone, and a new alert must appear by the
 * page's own refresh.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RANGE_MS = 6 * 3_600_000;

const config = isolatedConfig('dashboard');
let writer: ClickHouseClient;
let analyst: ClickHouseClient;
let cleanup: () => Promise<void> = async () => undefined;
let server: ChildProcess | undefined;
let output = '';
let url = '';
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  const db = await isolatedClickHouse(config);
  writer = db.client;
  cleanup = db.cleanup;
  await applyMigrations(writer, { dir: MIGRATIONS_DIR, database: config.CLICKHOUSE_DATABASE });
  await seed(writer);
  analyst = createClickHouse(config, { readonly: true });

  server = spawn(
    process.execPath,
    ['--import', 'tsx', 'services/cli.ts', 'dashboard', '--port', '0', '--refresh', '1s'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        CLICKHOUSE_URL: config.CLICKHOUSE_URL,
        CLICKHOUSE_DATABASE: config.CLICKHOUSE_DATABASE,
        CLICKHOUSE_READONLY_USER: config.CLICKHOUSE_READONLY_USER,
        CLICKHOUSE_READONLY_PASSWORD: config.CLICKHOUSE_READONLY_PASSWORD,
        // The writer's credentials are not given: the page must make do with the analyst's.
        CLICKHOUSE_USER: 'nobody',
        CLICKHOUSE_PASSWORD: 'wrong',
        BRANDS_FILE: join(ROOT, 'infra/brands.yaml'),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  server.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  await until(
    'the dashboard prints its URL',
    () => /brandpulse dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.test(output) || server!.exitCode !== null,
    60_000,
    100,
  );
  url = /brandpulse dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1] ?? '';
  if (!url) throw new Error(`the dashboard did not start:\n${output}`);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
  // Each page is a dozen ClickHouse queries; on a busy shared engine one can wait its turn for long.
  page.setDefaultTimeout(120_000);
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  await analyst?.close();
  await cleanup();
});

async function sql<T = Record<string, unknown>>(query: string): Promise<T[]> {
  const rs = await analyst.query({
    query,
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return rs.json<T>();
}

/** Everything the test reads off the page, in one go (the refresh replaces the panels under our feet). */
interface Snapshot {
  brand: string;
  timeZone: string;
  updated: number;
  stats: Record<string, number | null>;
  languages: Record<string, { net: number; negative: number; volume: number }>;
  series: Record<string, Record<string, { t: number; v: number }[]>>;
  alerts: { started: number; text: string }[];
  errors: string[];
}

function snapshot(p: Page): Promise<Snapshot> {
  return p.evaluate(() => {
    // The project compiles without the DOM library: what this function uses of it, structurally.
    interface El {
      getAttribute(name: string): string | null;
      querySelector(selector: string): El | null;
      querySelectorAll(selector: string): Iterable<El>;
      textContent: string | null;
      dataset: Record<string, string | undefined>;
    }
    const document = (globalThis as unknown as { document: El & { body: El } }).document;
    const num = (s: string | null | undefined) => (s === null || s === undefined || s === '' ? null : Number(s));
    const panel = (key: string) => document.querySelector(`[data-panel="${key}"]`)!;
    const stats: Record<string, number | null> = {};
    for (const key of ['backlog', 'oldest', 'responseRate', 'openAlerts'])
      stats[key] = num(panel(key).querySelector('output')?.getAttribute('data-value'));
    const languages: Snapshot['languages'] = {};
    for (const row of panel('sentimentByLanguage').querySelectorAll('tbody tr')) {
      const [net, negative, volume] = [...row.querySelectorAll('[data-value]')].map((el) =>
        Number(el.getAttribute('data-value')),
      );
      languages[row.querySelector('[data-language]')!.getAttribute('data-language')!] = {
        net: net!,
        negative: negative!,
        volume: volume!,
      };
    }
    const series: Snapshot['series'] = {};
    for (const key of ['netSentiment', 'volumeByPlatform', 'firstResponse', 'slaBreaches']) {
      series[key] = {};
      for (const g of panel(key).querySelectorAll('[data-series]')) {
        series[key][g.getAttribute('data-series')!] = [...g.querySelectorAll('[data-v]')].map((el) => ({
          t: Number(el.getAttribute('data-t')),
          v: Number(el.getAttribute('data-v')),
        }));
      }
    }
    const alerts = [...panel('spikeAlerts').querySelectorAll('[data-alert-started]')].map((li) => ({
      started: Number(li.getAttribute('data-alert-started')),
      text: li.textContent ?? '',
    }));
    return {
      brand: document.body.dataset.brand!,
      timeZone: document.body.dataset.timeZone!,
      updated: Number(document.querySelector('[data-updated]')!.getAttribute('data-updated')),
      stats,
      languages,
      series,
      alerts,
      errors: [...document.querySelectorAll('[data-error]')].map((e) => e.textContent ?? ''),
    };
  });
}

const sum = (points: { v: number }[] = []) => points.reduce((s, p) => s + p.v, 0);
/** The time filter the page used, as Grafana's ($__timeFilter has whole seconds). */
const window = (col: string, to: number) =>
  `${col} >= toDateTime(${Math.floor((to - RANGE_MS) / 1000)}) AND ${col} <= toDateTime(${Math.floor(to / 1000)})`;

describe('brandpulse dashboard in chromium', () => {
  it('answers a bad brand or range with a 400 naming the field', async () => {
    const bad = await fetch(`${url}?brand=nope`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('brand: unknown brand &quot;nope&quot; (known: acme, globex)');
    const range = await fetch(`${url}?brand=acme&range=2h`);
    expect(range.status).toBe(400);
    expect(await range.text()).toContain('range: must be one of 15m, 1h, 6h, 24h, 7d, 30d');
  });

  it('picks a brand and shows its panels with the numbers SQL gives, times in the brand zone', async () => {
    const t0 = Date.now();
    await page.goto(`${url}?range=6h`);
    console.log(`dashboard: first page in ${Date.now() - t0} ms`);
    expect(await page.locator('body').getAttribute('data-brand')).toBe('acme');
    await page.selectOption('select[name=brand]', 'globex');
    await page.waitForURL(/brand=globex/);
    await page.locator('body[data-brand="globex"] [data-panel="spikeAlerts"]').waitFor();
    await expect.poll(async () => (await snapshot(page)).brand).toBe('globex');
    const s = await snapshot(page);
    expect(s.errors).toEqual([]);
    expect(s.timeZone).toBe('Europe/Madrid');
    expect(await page.locator('header').textContent()).toMatch(/times in Europe\/Madrid \((CET|CEST)\)/);

    const [backlog] = await sql<{ n: number; oldest: number }>(
      `SELECT count() AS n, max(age_s) AS oldest FROM v_unanswered_backlog WHERE brand = 'globex'`,
    );
    expect(s.stats.backlog).toBe(backlog!.n);
    expect(backlog!.n).toBeGreaterThan(0);
    // The age grows while we look: the page's figure is from its last refresh, at most a few seconds old.
    expect(Math.abs(s.stats.oldest! - backlog!.oldest)).toBeLessThan(30);

    const langs = await sql<{ language: string; pos: number; neg: number; messages: number }>(
      `SELECT language, sum(positive) AS pos, sum(negative) AS neg, sum(messages) AS messages FROM v_sentiment_minute
       WHERE brand = 'globex' AND author_role = 'customer' AND ${window('minute', s.updated)} GROUP BY language`,
    );
    expect(Object.keys(s.languages).sort()).toEqual(langs.map((l) => l.language).sort());
    for (const l of langs) {
      expect(s.languages[l.language]!.volume).toBe(l.messages);
      expect(s.languages[l.language]!.net).toBeCloseTo((l.pos - l.neg) / (l.pos + l.neg), 9);
      expect(s.languages[l.language]!.negative).toBeCloseTo(l.neg / l.messages, 9);
    }

    const platforms = await sql<{ platform: string; messages: number }>(
      `SELECT platform, sum(messages) AS messages FROM v_sentiment_minute
       WHERE brand = 'globex' AND author_role = 'customer' AND ${window('minute', s.updated)} GROUP BY platform`,
    );
    expect(Object.keys(s.series.volumeByPlatform!).sort()).toEqual(platforms.map((p) => p.platform).sort());
    for (const p of platforms) expect(sum(s.series.volumeByPlatform![p.platform])).toBe(p.messages);
    // acme has the seeded burst on top: the page really switched brands.
    const [acme] = await sql<{ n: number }>(
      `SELECT sum(messages) AS n FROM v_sentiment_minute WHERE brand = 'acme' AND author_role = 'customer'`,
    );
    expect(platforms.reduce((t, p) => t + p.messages, 0)).toBeLessThan(acme!.n);

    const breaches = await sql<{ metric: string; n: number }>(
      `SELECT metric, count() AS n FROM v_sla_breaches WHERE brand = 'globex' AND ${window('deadline_at', s.updated)} GROUP BY metric`,
    );
    expect(breaches.length).toBeGreaterThan(0);
    for (const b of breaches) expect(sum(s.series.slaBreaches![b.metric])).toBe(b.n);

    const frt = await sql<{ t: number; p50: number; p90: number }>(
      `SELECT toUnixTimestamp(toStartOfHour(frt_start_at)) * 1000 AS t,
         quantile(0.5)(if(frt_sla_clock = 'calendar', frt_calendar_s, frt_business_s)) AS p50,
         quantile(0.9)(if(frt_sla_clock = 'calendar', frt_calendar_s, frt_business_s)) AS p90
       FROM v_thread_response WHERE brand = 'globex' AND frt_end_at IS NOT NULL AND handled_by_moderation = 0 AND ${window('frt_start_at', s.updated)}
       GROUP BY t ORDER BY t`,
    );
    expect(frt.length).toBeGreaterThan(0);
    expect(s.series.firstResponse!.p50).toEqual(frt.map((r) => ({ t: r.t, v: r.p50 })));
    expect(s.series.firstResponse!.p90).toEqual(frt.map((r) => ({ t: r.t, v: r.p90 })));

    // The seeded alerts are acme's; globex has none yet.
    expect(s.alerts).toEqual([]);
    expect(s.stats.openAlerts).toBe(0);
  });

  it('shows a new spike alert with its sample messages by its own refresh, in the brand zone', async () => {
    const started = Date.now() - 4 * 60_000;
    const ch = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    await writer.insert({
      table: 'alerts',
      format: 'JSONEachRow',
      values: [
        {
          alert_id: 'e2e-globex',
          kind: 'start',
          brand: 'globex',
          platform: 'instagram',
          started_at: ch(started),
          detected_at: ch(started + 60_000),
          ended_at: null,
          window_s: 300,
          observed: 25,
          baseline: 3,
          ratio: 8.3,
          score: 6,
          peak_ratio: 8.3,
          negative_share: 0.8,
          baseline_share: 0.2,
          volume: 31,
          sample_messages: ['El pedido no llega, fatal', ''],
          sample_message_ids: ['m1', 'm2'],
          sample_urls: ['', ''],
          top_terms: ['pedido'],
          summary: 'Negative spike for globex on instagram: 25 negative messages in 5 min',
          detector_version: 'e2e',
          emitted_at: ch(started + 61_000),
        },
      ],
    });
    const inserted = Date.now();
    const alert = page.locator('[data-panel="spikeAlerts"] li.open');
    await alert.waitFor();
    console.log(`dashboard: a new alert on the page ${Date.now() - inserted} ms after its insert (refresh every 1 s)`);
    const s = await snapshot(page);
    expect(s.stats.openAlerts).toBe(1);
    expect(s.alerts).toHaveLength(1);
    expect(s.alerts[0]!.started).toBe(started);
    expect(s.alerts[0]!.text).toContain('Negative spike for globex on instagram: 25 negative messages in 5 min');
    // The sample message is listed; the blanked one (an erased author) is not.
    expect(await alert.locator('.samples li').allTextContents()).toEqual(['“El pedido no llega, fatal”']);
    // Madrid's wall clock (sv-SE formats as YYYY-MM-DD HH:MM), not UTC's.
    const madrid = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Madrid',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).format(started);
    expect(s.alerts[0]!.text).toContain(`${madrid} → ongoing`);
    expect(madrid).not.toBe(ch(started).slice(0, 16));
    // Refreshed in place: no navigation happened.
    expect(navigations).toEqual([]);
  });
});
