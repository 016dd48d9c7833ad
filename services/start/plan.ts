import { durationFlag } from '../domain/durations.ts';
import { netSentimentSql } from '../domain/sentiment.ts';
import { parseCommandLine, UsageError } from '../shared/usage.ts';

/**
 * What `npm start` does, decided without side effects (unit-tested): the options, the services
 * to run in order, and the "where to look" text.
 */
export interface StartArgs {
  /** Simulator average events/s. */
  rate: number;
  /** Hours of history generated at start so numbers appear at once. */
  backfillHours: number;
  seed: number;
  /** Stop everything after this many seconds (tests, demos); null = until Ctrl-C. */
  exitAfter: number | null;
  /** Also stop Kafka and ClickHouse of the local stack on exit (default: leave them running). */
  stopStack: boolean;
  simulator: boolean;
}

export const START_USAGE = `usage: npm start [-- options]
  --rate <events/s>       simulated traffic, average over a day (default 5)
  --backfill <h>          hours of history generated first (default 1)
  --seed <n>              simulator seed (default 1)
  --exit-after <s>        stop everything after <s> seconds (alias --duration)
  --stop-stack            on exit also stop Kafka and ClickHouse (local stack); default: leave them up
  --no-simulator          run the pipeline without simulated traffic`;

export function parseStartArgs(argv: string[]): StartArgs {
  const { values } = parseCommandLine(argv, START_USAGE, {
    rate: { type: 'string' },
    backfill: { type: 'string' },
    seed: { type: 'string' },
    'exit-after': { type: 'string' },
    duration: { type: 'string' },
    'stop-stack': { type: 'boolean' },
    'no-simulator': { type: 'boolean' },
  });
  const rate = values.rate === undefined ? 5 : Number(values.rate);
  if (!(rate > 0)) throw new UsageError(`--rate must be a positive number (got "${values.rate}")`);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0)
    throw new UsageError(`--seed must be a non-negative integer (got "${values.seed}")`);
  const exit = values['exit-after'] ?? values.duration;
  return {
    rate,
    backfillHours: values.backfill === undefined ? 1 : durationFlag('backfill', values.backfill, 'h') / 3600,
    seed,
    exitAfter: exit === undefined ? null : durationFlag('exit-after', exit),
    stopStack: values['stop-stack'] ?? false,
    simulator: !(values['no-simulator'] ?? false),
  };
}

export interface ServiceSpec {
  name: string;
  /** `brandpulse <command>` and its arguments. */
  command: string[];
  /** Probed to tell whether it is already running (besides the pid file). */
  healthUrl?: string;
}

/** The services in start order: the API first, the simulator last (it needs the API). */
export function servicePlan(args: StartArgs, ingestPort: number, dashboardPort = 8090): ServiceSpec[] {
  const url = `http://127.0.0.1:${ingestPort}`;
  const services: ServiceSpec[] = [
    { name: 'ingest', command: ['ingest'], healthUrl: `${url}/healthz` },
    { name: 'enricher', command: ['enricher'] },
    { name: 'sink', command: ['sink'] },
    { name: 'alerter', command: ['alerter'] },
    // The live brand-health page: Grafana's panels for machines without Docker (services/dashboard).
    {
      name: 'dashboard',
      command: ['dashboard', '--port', String(dashboardPort)],
      healthUrl: `http://127.0.0.1:${dashboardPort}/healthz`,
    },
  ];
  if (args.simulator) {
    services.push({
      name: 'simulator',
      command: [
        'simulator',
        '--url',
        url,
        '--rate',
        String(args.rate),
        '--seed',
        String(args.seed),
        '--backfill',
        `${args.backfillHours}h`,
      ],
    });
  }
  return services;
}

/** Services that feed traffic into the others: stopped first, so the rest drain a closed door. */
const TRAFFIC_SOURCES = new Set(['simulator']);

/**
 * The order `npm start` stops what it started: the traffic sources, then everything else at once
 * (each drains by itself, and waiting for them one by one only adds their stop times up).
 */
export function stopWaves(names: readonly string[]): string[][] {
  const sources = names.filter((n) => TRAFFIC_SOURCES.has(n));
  const rest = names.filter((n) => !TRAFFIC_SOURCES.has(n));
  return [sources, rest].filter((wave) => wave.length > 0);
}

export interface LookContext {
  mode: 'compose' | 'local';
  brands: string[];
  clickhouseUrl: string;
  readonlyUser: string;
  readonlyPassword: string;
  database: string;
  ingestPort: number;
  logDir: string;
  /** Where `brandpulse dashboard` listens (local mode). */
  dashboardPort?: number;
}

/** What to open or run to see the numbers. */
export function whereToLook(c: LookContext): string {
  const brand = c.brands[0] ?? 'acme';
  const lines = ['', 'brandpulse is running.', ''];
  if (c.mode === 'compose') {
    lines.push('  Grafana dashboards:   http://localhost:3000  (admin / admin; Dashboards → brandpulse)');
    lines.push(`  Ingestion API:        http://localhost:${c.ingestPort}/openapi.json`);
    lines.push('  Logs:                 docker compose logs -f');
    lines.push('  Stop:                 docker compose down  (add -v to delete the data)');
    return lines.join('\n');
  }
  if (c.dashboardPort !== undefined)
    lines.push(
      `  Live dashboard:       http://127.0.0.1:${c.dashboardPort}/  (pick a brand and a time range; refreshes every 5 s)`,
      '',
    );
  const curl = (sql: string) =>
    `curl -s '${c.clickhouseUrl}/?database=${c.database}' -u ${c.readonlyUser}:${c.readonlyPassword} --data-binary "${sql}"`;
  lines.push('  Brand-health report (terminal + HTML + PNG in reports/):');
  lines.push(`    npm run brandpulse -- report --brand ${brand} --since 24h`);
  lines.push('');
  lines.push('  ClickHouse, as the read-only analyst:');
  lines.push(
    `    ${curl(`SELECT brand, platform, sum(messages) AS messages, round(${netSentimentSql('sum(positive)', 'sum(negative)')}, 2) AS net_sentiment FROM v_sentiment_minute WHERE author_role = 'customer' AND minute > now() - INTERVAL 1 HOUR GROUP BY brand, platform ORDER BY messages DESC FORMAT PrettyCompact`)}`,
  );
  lines.push(
    `    ${curl(`SELECT brand, count() AS answered, quantiles(0.5, 0.9)(frt_calendar_s) AS frt_p50_p90_s FROM v_thread_response WHERE frt_calendar_s IS NOT NULL GROUP BY brand FORMAT PrettyCompact`)}`,
  );
  lines.push(
    `    ${curl(`SELECT brand, count() AS waiting, max(age_s) AS oldest_s, countIf(sla_breached = 1) AS past_sla FROM v_unanswered_backlog GROUP BY brand FORMAT PrettyCompact`)}`,
  );
  lines.push('');
  lines.push(`  Ingestion API:        http://127.0.0.1:${c.ingestPort}/openapi.json`);
  lines.push(`  Service logs:         ${c.logDir}/<service>.log`);
  lines.push('  Grafana is only part of the Docker compose stack (docker compose up -d).');
  lines.push('  Ctrl-C stops the services; Kafka and ClickHouse keep running (npm run stack:down stops them).');
  return lines.join('\n');
}
