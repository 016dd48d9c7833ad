import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../../services/shared/clickhouse.ts';
import { deleteRunTopics, dropRunDatabase, isolatedConfig } from '../support/stack.ts';
import { runStart, servicePorts, startEnv, until } from '../support/start.ts';

/**
 * `npm start` end to end: on the test stack, with its own topics, database, ports and pid
 * directory, it starts every service and the simulator; customer messages, thread metrics and
 * the backlog appear in ClickHouse; the demo crisis (brought forward to 12 s into the live run)
 * fires a spike alert, cold start on the backfilled hour, that `npm start` prints with its numbers,
 * sample messages and top terms; a live line reports the flow; a second start leaves the running
 * one alone; SIGTERM then stops every child. --exit-after (set here only as a bound on a hung test)
 * and the other ways it is stopped: start-stop.e2e.test.ts.
 */
const config = isolatedConfig('start');
const dir = mkdtempSync(join(tmpdir(), 'bp-start-'));

afterAll(async () => {
  await dropRunDatabase(config);
  await deleteRunTopics(config);
  rmSync(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('brings up the pipeline with simulated traffic, prints the demo spike alert, is harmless twice, and stops its children', async () => {
    const ports = await servicePorts();
    const port = Number(ports.INGEST_PORT);
    const env = startEnv(config, {
      ...ports,
      BRANDPULSE_RUN_DIR: join(dir, 'run'),
      BRANDPULSE_LOG_DIR: join(dir, 'logs'),
      BRANDPULSE_DEMO_CRISIS: 'acme@0.2:3',
    });
    const first = runStart(env, ['--exit-after', '300', '--rate', '8', '--backfill', '1h', '--seed', '3']);
    await until('the services to start', () => first.output().includes('brandpulse is running.'), 120_000, 1000);
    const pids = readdirSync(join(dir, 'run')).sort();
    expect(pids).toEqual(['alerter.pid', 'dashboard.pid', 'enricher.pid', 'ingest.pid', 'simulator.pid', 'sink.pid']);
    // The live page, for machines without Grafana: its URL printed, and it answers.
    expect(first.output()).toContain(`Live dashboard:       http://127.0.0.1:${ports.DASHBOARD_PORT}/`);
    await until(
      'the dashboard page',
      async () => (await fetch(`http://127.0.0.1:${ports.DASHBOARD_PORT}/`).catch(() => null))?.ok === true,
      60_000,
    );

    // A second start while the first runs: nothing is started twice.
    const second = runStart(env, ['--exit-after', '5']);
    expect((await second.exited).code).toBe(0);
    expect(second.output()).toContain('Everything was already running: nothing to do.');
    expect(second.output().match(/already running: left alone/g)).toHaveLength(6);

    // Numbers appear in ClickHouse while it runs.
    const ch = createClickHouse(config, { readonly: true });
    const scalar = async (sql: string) =>
      Number((await (await ch.query({ query: sql, format: 'JSONEachRow' })).json<{ n: number | string }>())[0]?.n ?? 0);
    try {
      await until(
        'customer messages in ClickHouse',
        async () =>
          (await scalar(`SELECT sum(messages) AS n FROM v_sentiment_minute WHERE author_role = 'customer'`)) > 100,
        100_000,
      );
      // First responses come with the backfilled brand replies, a few sink batches later.
      await until(
        'first response times in ClickHouse',
        async () => (await scalar(`SELECT count() AS n FROM v_thread_response WHERE frt_calendar_s IS NOT NULL`)) > 0,
        60_000,
      );
      expect(
        await scalar(`SELECT uniqExact(language) AS n FROM v_messages WHERE author_role = 'customer'`),
      ).toBeGreaterThanOrEqual(4);

      // The demo crisis: a live spike alert for acme, printed for a person (times in the brand's zone: UTC in the
      // test brands file), and stored.
      const alertLine =
        /^ALERT {2}negative spike for acme, ([^:]+): (\d+) negative messages in .*, ([\d.]+)× normal .* since \d\d:\d\d:\d\d \((?:UTC|\w+\/\w+)\)$/m;
      await until('the spike alert printed by npm start', () => alertLine.test(first.output()), 150_000, 1000);
      const [line, where, observed, ratio] = alertLine.exec(first.output())!;
      expect(line).not.toContain('backfilled history');
      expect(Number(observed)).toBeGreaterThanOrEqual(8);
      expect(Number(ratio)).toBeGreaterThanOrEqual(2);
      const block = first.output().slice(first.output().indexOf(line));
      expect(block).toMatch(/\n {2}top terms: \S+/);
      expect(block).toMatch(/\n {2}> \S+/); // a sample message
      const platform = where === 'all platforms' ? '' : where;
      expect(
        await scalar(
          `SELECT count() AS n FROM alerts FINAL WHERE brand = 'acme' AND platform = '${platform}' AND kind = 'start'`,
        ),
      ).toBeGreaterThanOrEqual(1);
      // The compact live line: events in and stored per second, the consumers' lag, the open alerts.
      await until(
        'a live line',
        () =>
          /^live {2}in [\d.]+ ev\/s {2}stored [\d.]+ ev\/s {2}lag enricher \d+ · sink \d+ · alerter \d+ {2}alerts open/m.test(
            first.output(),
          ),
        60_000,
        1000,
      );
    } finally {
      await ch.close();
    }

    // Everything seen: stop it now rather than at --exit-after, which only bounds a run whose checks hang.
    process.kill(first.child.pid!, 'SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(first.output()).toMatch(/"reason":"SIGTERM".*stopping the services started by this run/);
    expect(existsSync(join(dir, 'run', 'ingest.pid'))).toBe(false);
    expect(readdirSync(join(dir, 'run'))).toEqual([]);
    // The API is gone with it.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 420_000);
});
