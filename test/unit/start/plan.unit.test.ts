import { describe, expect, it } from 'vitest';
import { parseStartArgs, servicePlan, stopWaves, whereToLook } from '../../../services/start/plan.ts';

describe('npm start plan', () => {
  it('has modest defaults and parses its options', () => {
    expect(parseStartArgs([])).toEqual({
      rate: 5,
      backfillHours: 1,
      seed: 1,
      exitAfter: null,
      stopStack: false,
      simulator: true,
    });
    expect(
      parseStartArgs(['--rate', '2', '--backfill', '30m', '--exit-after', '90', '--stop-stack', '--seed', '4']),
    ).toEqual({ rate: 2, backfillHours: 0.5, seed: 4, exitAfter: 90, stopStack: true, simulator: true });
    expect(parseStartArgs(['--duration', '2m', '--no-simulator'])).toMatchObject({ exitAfter: 120, simulator: false });
    expect(() => parseStartArgs(['--rate', '0'])).toThrow(/--rate must be a positive number/);
    expect(() => parseStartArgs(['--what'])).toThrow(/what/);
  });

  it('starts the API first and the simulator last, pointed at the API', () => {
    const plan = servicePlan(parseStartArgs(['--rate', '3', '--backfill', '2']), 18080);
    expect(plan.map((s) => s.name)).toEqual(['ingest', 'enricher', 'sink', 'alerter', 'dashboard', 'simulator']);
    expect(plan[0]!.healthUrl).toBe('http://127.0.0.1:18080/healthz');
    expect(servicePlan(parseStartArgs([]), 8080, 18090).find((s) => s.name === 'dashboard')).toMatchObject({
      command: ['dashboard', '--port', '18090'],
      healthUrl: 'http://127.0.0.1:18090/healthz',
    });
    expect(plan[5]!.command).toEqual([
      'simulator',
      '--url',
      'http://127.0.0.1:18080',
      '--rate',
      '3',
      '--seed',
      '1',
      '--backfill',
      '2h',
    ]);
    expect(servicePlan(parseStartArgs(['--no-simulator']), 8080).map((s) => s.name)).not.toContain('simulator');
  });

  it('says where to look: Grafana under compose, the report and runnable SQL otherwise', () => {
    const base = {
      brands: ['acme'],
      clickhouseUrl: 'http://127.0.0.1:8123',
      readonlyUser: 'analyst',
      readonlyPassword: 'pw',
      database: 'brandpulse',
      ingestPort: 8080,
      logDir: '/x/logs',
    };
    const compose = whereToLook({ ...base, mode: 'compose' });
    expect(compose).toContain('http://localhost:3000');
    expect(compose).not.toContain('curl');
    const local = whereToLook({ ...base, mode: 'local', dashboardPort: 8090 });
    expect(local).toContain('Live dashboard:       http://127.0.0.1:8090/');
    expect(local).toContain('npm run brandpulse -- report --brand acme --since 24h');
    expect(local).toContain(`curl -s 'http://127.0.0.1:8123/?database=brandpulse' -u analyst:pw --data-binary "SELECT`);
    expect(local).toMatch(/FROM v_sentiment_minute[\s\S]*FROM v_thread_response[\s\S]*FROM v_unanswered_backlog/);
    expect(local).not.toContain('localhost:3000');
  });

  it('stops the traffic source first, then every other service at once', () => {
    const names = servicePlan(parseStartArgs([]), 8080).map((s) => s.name);
    expect(stopWaves(names)).toEqual([['simulator'], ['ingest', 'enricher', 'sink', 'alerter', 'dashboard']]);
    expect(stopWaves(['ingest', 'sink'])).toEqual([['ingest', 'sink']]);
    expect(stopWaves([])).toEqual([]);
  });
});
