import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClickHouse } from '../shared/clickhouse.ts';
import { loadBaseConfig, type BaseConfig } from '../shared/config.ts';
import { createKafka, ensureTopics } from '../shared/kafka.ts';
import { REPEAT_GRACE_MS, STOP_SIGNALS, stopTimeoutMs } from '../shared/lifecycle.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import { applyMigrations } from '../migrate/apply.ts';
import { MIGRATIONS_DIR } from '../migrate/migrations.ts';
import { parseStartArgs, servicePlan, whereToLook } from './plan.ts';
import { ensureStack, httpOk } from './stack.ts';
import { Supervisor } from './supervisor.ts';
import { demoCrisis, withDemoCrisis } from './demo.ts';
import { Watch } from './watch.ts';

/**
 * `npm start`: from a fresh clone to a live pipeline. With a Docker engine: `docker compose up`.
 * Without: the local stack (Kafka + chDB), topics, migrations, then every service as a child
 * process and the simulator (live, after a short backfill). Ctrl-C stops the services it started;
 * Kafka and ClickHouse keep running unless --stop-stack. Running it again while it runs starts
 * nothing twice (pid files and /healthz).
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STACK_DIR = process.env.BRANDPULSE_STACK_DIR ?? join(ROOT, '.stack');

function dockerAnswers(): boolean {
  const r = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000, encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim().length > 0;
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  cancelled: () => boolean,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cancelled() && !(await check())) {
    if (Date.now() > until) throw new Error(`${what} did not become ready within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function prepare(config: BaseConfig, logger: Logger): Promise<void> {
  const { kafka, topics } = createKafka(config, logger, 'start');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created = await ensureTopics(admin, topics);
    logger.info({ created }, created.length ? 'topics created' : 'topics exist');
  } finally {
    await admin.disconnect();
  }
  const client = createClickHouse(config, { noDatabase: true });
  try {
    const applied = await applyMigrations(client, { dir: MIGRATIONS_DIR, database: config.CLICKHOUSE_DATABASE });
    logger.info({ database: config.CLICKHOUSE_DATABASE, applied: applied.length }, 'migrations up to date');
  } finally {
    await client.close();
  }
}

function composeUp(logger: Logger, ingestPort: number, config: BaseConfig): void {
  logger.info('a Docker engine answers: docker compose up -d --build --wait');
  const r = spawnSync('docker', ['compose', 'up', '-d', '--build', '--wait'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('docker compose up failed (see above)');
  console.log(
    whereToLook({
      mode: 'compose',
      brands: ['acme', 'globex'],
      clickhouseUrl: 'http://localhost:8123',
      readonlyUser: config.CLICKHOUSE_READONLY_USER,
      readonlyPassword: config.CLICKHOUSE_READONLY_PASSWORD,
      database: config.CLICKHOUSE_DATABASE,
      ingestPort,
      logDir: '',
    }),
  );
}

/** A service's /metrics on loopback, or null when its port is not known (0 = any free port). */
function metricsUrl(variable: string, fallback: number): string | null {
  const port = Number(process.env[variable] ?? fallback);
  return port > 0 ? `http://127.0.0.1:${port}/metrics` : null;
}

/**
 * The first SIGINT, SIGTERM or SIGHUP asks for an orderly stop (services drained, pid files
 * removed). A second one, a second or more later, exits at once: the services still drain, because
 * their IPC channel to this process closes (services/shared/lifecycle.ts). Sooner, it is the same
 * request twice: Ctrl-C reaches npm and this process, and npm forwards it.
 */
class StopRequest {
  reason = '';
  private at = 0;
  readonly requested: Promise<string>;
  private resolve: (reason: string) => void = () => undefined;

  constructor(logger: Logger) {
    this.requested = new Promise((resolve) => (this.resolve = resolve));
    for (const signal of STOP_SIGNALS) {
      process.on(signal, () => {
        if (!this.reason) return this.request(signal);
        if (Date.now() - this.at < REPEAT_GRACE_MS) return;
        logger.warn({ signal }, 'second signal: exiting now; the services drain and exit by themselves');
        process.exit(128 + constants.signals[signal]);
      });
    }
  }

  request(reason: string): void {
    if (this.reason) return;
    this.reason = reason;
    this.at = Date.now();
    this.resolve(reason);
  }
}

export async function run(argv: string[]): Promise<void> {
  const args = parseStartArgs(argv);
  const startedAt = Date.now();
  const config = loadBaseConfig();
  const logger = createLogger('start', config.LOG_LEVEL);
  const ingestPort = Number(process.env.INGEST_PORT ?? 8080);
  const dashboardPort = Number(process.env.DASHBOARD_PORT ?? 8090);
  // Each service bounds its own drain (BRANDPULSE_STOP_TIMEOUT_MS); SIGKILL only a little after that.
  const stopDeadlineMs = stopTimeoutMs() + 5_000;

  if (process.env.BRANDPULSE_NO_DOCKER !== '1' && dockerAnswers()) {
    composeUp(logger, ingestPort, config);
    return;
  }

  // From here on a stop request is honoured whenever it comes, even while services are starting.
  const stop = new StopRequest(logger);
  await ensureStack(ROOT, config, logger);
  await prepare(config, logger);

  const supervisor = new Supervisor({
    root: ROOT,
    runDir: process.env.BRANDPULSE_RUN_DIR ?? join(STACK_DIR, 'run'),
    logDir: process.env.BRANDPULSE_LOG_DIR ?? join(STACK_DIR, 'logs'),
    env: { ...process.env, INGEST_PORT: String(ingestPort) },
    logger,
  });
  const crisis = args.simulator ? demoCrisis(process.env) : null;
  for (const spec of withDemoCrisis(servicePlan(args, ingestPort, dashboardPort), crisis)) {
    if (stop.reason) break;
    const pid = supervisor.runningPid(spec.name);
    if (pid !== null || (spec.healthUrl && (await httpOk(spec.healthUrl)))) {
      logger.info({ service: spec.name, pid }, 'already running: left alone');
      continue;
    }
    if (spec.name === 'simulator')
      await waitFor(
        'the ingestion API',
        () => httpOk(`http://127.0.0.1:${ingestPort}/readyz`),
        60_000,
        () => stop.reason !== '',
      );
    if (stop.reason) break;
    const r = supervisor.start(spec);
    logger.info({ service: spec.name, pid: r.child.pid }, 'started');
  }
  const logDir = process.env.BRANDPULSE_LOG_DIR ?? join(STACK_DIR, 'logs');
  if (!stop.reason) {
    console.log(
      whereToLook({
        mode: 'local',
        brands: ['acme', 'globex'],
        clickhouseUrl: config.CLICKHOUSE_URL,
        readonlyUser: config.CLICKHOUSE_READONLY_USER,
        readonlyPassword: config.CLICKHOUSE_READONLY_PASSWORD,
        database: config.CLICKHOUSE_DATABASE,
        ingestPort,
        logDir,
        dashboardPort,
      }),
    );
    if (crisis && supervisor.running.some((r) => r.spec.name === 'simulator')) {
      console.log(
        `\n  Demo: a negative spike (${crisis}: brand@minutes-from-now:minutes) starts soon; its alert prints here.`,
      );
      console.log('  (BRANDPULSE_DEMO_CRISIS=off npm start for calm traffic.)');
    }
    if (supervisor.running.length === 0) {
      console.log('\nEverything was already running: nothing to do.');
      return;
    }
  }

  // Run until a signal (Ctrl-C, SIGTERM, SIGHUP: the terminal closed), --exit-after, or every child has exited.
  if (args.exitAfter !== null)
    setTimeout(() => stop.request(`--exit-after ${args.exitAfter}s`), args.exitAfter * 1000).unref();
  for (const r of supervisor.running) {
    void r.exited.then((code) => {
      if (!stop.reason)
        logger.warn({ service: r.spec.name, code }, `exited (log: ${join(logDir, `${r.spec.name}.log`)})`);
      if (supervisor.running.every((x) => x.child.exitCode !== null || x.child.signalCode !== null))
        stop.request('every service exited');
    });
  }
  // The live line and the alerts, instead of log lines (services/start/watch.ts).
  const watch = new Watch({
    config,
    since: startedAt,
    ingestMetrics: `http://127.0.0.1:${ingestPort}/metrics`,
    sinkMetrics: metricsUrl('SINK_METRICS_PORT', 9465),
    lagMetrics: {
      enricher: metricsUrl('ENRICHER_METRICS_PORT', 9464),
      sink: metricsUrl('SINK_METRICS_PORT', 9465),
      alerter: metricsUrl('ALERTER_METRICS_PORT', 9466),
    },
  });
  watch.start();
  const stopReason = await stop.requested;
  watch.stop();
  logger.info({ reason: stopReason }, 'stopping the services started by this run');
  await supervisor.stopAll(stopDeadlineMs);
  if (args.stopStack) spawnSync('bash', [join(ROOT, 'infra/local/stack.sh'), 'down'], { stdio: 'inherit' });
  logger.info(
    args.stopStack ? 'stopped (stack too)' : 'stopped; Kafka and ClickHouse keep running (npm run stack:down)',
  );
}
