/**
 * The scale runs (issue 18), on their own 3-broker stack (never the shared one):
 *   npx tsx test/e2e/scale/run.ts [broker-kill] [rebalance] [throughput]
 * - broker-kill: load through the API; SIGKILL broker 2, restart it, then SIGKILL broker 3, then
 *   broker 1 too (one broker left: below min.insync.replicas=2); restart both. Every acknowledged
 *   event is stored exactly once, and with one broker left the API answers 503 + Retry-After and
 *   acknowledges nothing.
 * - rebalance: 2 enrichers and 2 sinks, scaled to 3, one of each SIGKILLed under load, scaled down
 *   and back: 0 lost, 0 duplicated in every table and view, and thread_facts and messages equal a
 *   rebuild by one replayer (`brandpulse replay` into a shadow database).
 * - throughput: the same preloaded events drained by 1, 2, 3 enrichers + sinks: events/s.
 * Prints markdown tables (also in <dir>/report.md); exits 1 when a check fails. Settings: SCALE_*.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClickHouse } from '../../../services/shared/clickhouse.ts';
import { loadBaseConfig } from '../../../services/shared/config.ts';
import { createKafka } from '../../../services/shared/kafka.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { batchesOf, paced } from '../../chaos/load.ts';
import { until } from '../../chaos/processes.ts';
import { CHAOS_BRANDS, chaosEvents } from '../../chaos/traffic.ts';
import { CountingClient, renderChecks, sameAsRebuild, storedOnce, type Check } from './checks.ts';
import { fullyInSync, groupMembers, groupProgress, ScaledPipeline, ScaleStack } from './scale-stack.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const env = (k: string, d: number) => Number(process.env[k] ?? d);
const DIR = resolve(ROOT, process.env.SCALE_STACK_DIR ?? '.stack/scale');
const RATE = env('SCALE_RATE', 150);
const started = Date.now();
const log = (line: string) =>
  console.log(`[scale ${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${line}`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const keys = new Map(CHAOS_BRANDS.map((b) => [b, `dev-key-${b}`]));

const stack = new ScaleStack({
  root: ROOT,
  dir: DIR,
  brokers: 3,
  kafkaPort: env('SCALE_KAFKA_PORT', 39092),
  controllerPort: env('SCALE_KAFKA_CONTROLLER_PORT', 39093),
  clickhousePort: env('SCALE_CLICKHOUSE_PORT', 38123),
});
const base = loadBaseConfig({
  KAFKA_BROKERS: stack.kafkaBrokers,
  CLICKHOUSE_URL: stack.clickhouseUrl,
  LOG_LEVEL: 'warn',
});
const { kafka } = createKafka(base, createLogger('scale', 'silent'), 'scale');
const ch = createClickHouse(base, { noDatabase: true });

/** Every pipeline started, so a failed run still stops its services (they are not detached). */
const pipelines: ScaledPipeline[] = [];

async function pipelineFor(name: string): Promise<ScaledPipeline> {
  const p = await ScaledPipeline.create({
    root: ROOT,
    logDir: join(DIR, 'logs', name),
    kafkaBrokers: stack.kafkaBrokers,
    clickhouseUrl: stack.clickhouseUrl,
    prefix: `${name}.`,
    database: `scale_${name}`,
  });
  pipelines.push(p);
  await p.init();
  return p;
}

async function drained(
  p: ScaledPipeline,
  prefix: string,
  timeoutMs = env('SCALE_DRAIN_SECONDS', 600) * 1000,
): Promise<number> {
  const t = Date.now();
  await until(
    'the pipeline to drain',
    async () => {
      const e = await groupProgress(kafka, p.groups.enricher, `${prefix}brandpulse.conversation-events.v1`);
      const s = await groupProgress(kafka, p.groups.sink, `${prefix}brandpulse.enriched-events.v1`);
      return e.end > 0 && e.committed >= e.end && s.committed >= s.end;
    },
    timeoutMs,
    1_000,
  );
  return (Date.now() - t) / 1000;
}

async function brokerKill(): Promise<{ checks: Check[]; measures: Array<[string, string]> }> {
  const p = await pipelineFor('bk');
  for (const m of ['ingest', 'enricher-1', 'sink-1']) p.start(m);
  await until('ingest /readyz', () => p.ready(), 120_000, 500);
  const seconds = env('SCALE_BK_SECONDS', 150);
  const events = chaosEvents(Math.round(RATE * seconds), 18, 'bk');
  const client = new CountingClient({ url: p.url, keys, deadline: Date.now() + (seconds + 900) * 1000 });
  const t0 = Date.now();
  const marks: Array<[string, string]> = [];
  const mark = (what: string) => {
    marks.push([what, `${((Date.now() - t0) / 1000).toFixed(1)} s`]);
    log(what);
  };
  let outage = { from: 0, to: 0 };
  const faults = (async () => {
    const topics = await (async () => {
      const a = kafka.admin();
      await a.connect();
      try {
        return (await a.listTopics()).filter((t) => t.startsWith('bk.'));
      } finally {
        await a.disconnect();
      }
    })();
    await sleep(15_000);
    mark('SIGKILL broker 2');
    await stack.killBroker(2);
    await sleep(20_000);
    await stack.startBroker(2);
    mark('broker 2 restarted (port open)');
    await until('every partition in sync on 3 replicas', () => fullyInSync(kafka, topics, 3), 120_000, 1_000);
    mark('every partition back to 3 in-sync replicas');
    await stack.killBroker(3);
    mark('SIGKILL broker 3 (another one)');
    await sleep(20_000);
    await stack.killBroker(1);
    outage = { from: Date.now(), to: 0 };
    mark('SIGKILL broker 1 too: one broker left, below min.insync.replicas=2');
    await sleep(25_000);
    outage.to = Date.now();
    await Promise.all([stack.startBroker(1), stack.startBroker(3)]);
    mark('brokers 1 and 3 restarted');
  })();
  await Promise.all([paced(client, batchesOf(events, 50), RATE, 4), faults]);
  mark(`load done: ${client.acked.size} of ${events.length} acknowledged`);
  const drainS = await drained(p, 'bk.');
  mark(`drained in ${drainS.toFixed(1)} s`);
  const exits = p.unexpectedExits();
  await p.stopAll();

  const db = createClickHouse(base, { database: 'scale_bk' });
  const { checks } = await storedOnce(db, events, client.acked);
  await db.close();
  // With one broker left, requests that start 5 s into the outage (leaders had time to notice) must not be acknowledged.
  const inOutage = client.answers.filter((a) => a.at >= outage.from + 5_000 && a.at <= outage.to);
  const ok2xx = inOutage.filter((a) => typeof a.status === 'number' && a.status < 300).length;
  const s503 = client.answers.filter((a) => a.status === 503);
  checks.push({
    name: 'one broker left: the API acknowledges nothing',
    ok: inOutage.length > 0 && ok2xx === 0,
    detail: `${inOutage.length} answers in the outage, ${ok2xx} 2xx`,
  });
  checks.push({
    name: 'it answers 503 with Retry-After',
    ok: s503.length > 0 && s503.every((a) => a.retryAfter),
    detail: `${s503.length} 503s, ${s503.filter((a) => !a.retryAfter).length} without Retry-After`,
  });
  return {
    checks,
    measures: [
      ...marks,
      ['events sent / acknowledged', `${events.length} / ${client.acked.size}`],
      [
        'requests / 503 / network errors / other 5xx',
        `${client.stats.requests} / ${client.stats.retried503} / ${client.stats.retriedNetwork} / ${client.stats.other5xx}`,
      ],
      ['services that exited by themselves (not restarted by the run)', String(exits)],
    ],
  };
}

async function rebalance(): Promise<{ checks: Check[]; measures: Array<[string, string]> }> {
  const p = await pipelineFor('rb');
  for (const m of ['ingest', 'enricher-1', 'enricher-2', 'sink-1', 'sink-2']) p.start(m);
  await until('ingest /readyz', () => p.ready(), 120_000, 500);
  const seconds = env('SCALE_RB_SECONDS', 240);
  const events = chaosEvents(Math.round(RATE * seconds), 19, 'rb');
  const client = new CountingClient({ url: p.url, keys, deadline: Date.now() + (seconds + 900) * 1000 });
  const t0 = Date.now();
  let loadEnd = 0;
  const marks: Array<[string, string]> = [];
  // Each step waits for the groups to settle (a member joining takes a while on a busy machine:
  // conditions, not a fixed schedule); a step is marked with whether the load was still running.
  const settle = async (enrichers: number, sinks: number) => {
    await until(
      `groups of ${enrichers} enrichers and ${sinks} sinks`,
      async () =>
        (await groupMembers(kafka, p.groups.enricher)) === enrichers &&
        (await groupMembers(kafka, p.groups.sink)) === sinks,
      300_000,
      1_000,
    );
  };
  const step = async (what: string, act: () => Promise<unknown> | void, enrichers: number, sinks: number) => {
    await act();
    await settle(enrichers, sinks);
    marks.push([
      `${what}; groups settled (${enrichers} enrichers, ${sinks} sinks)`,
      `${((Date.now() - t0) / 1000).toFixed(1)} s${loadEnd ? ' (after the load)' : ''}`,
    ]);
    log(what);
  };
  const plan = (async () => {
    await step('start: 2 enrichers, 2 sinks', () => undefined, 2, 2);
    await step(
      'scale up: enricher-3 and sink-3 join',
      () => {
        p.start('enricher-3');
        p.start('sink-3');
      },
      3,
      3,
    );
    await step('SIGKILL sink-1 under load (mid-batch; stays down)', () => p.kill('sink-1'), 3, 2);
    await step('SIGKILL enricher-2 (stays down)', () => p.kill('enricher-2'), 2, 2);
    await step(
      'scale down: sink-3 and enricher-3 stop (SIGTERM)',
      () => Promise.all([p.stop('sink-3'), p.stop('enricher-3')]),
      1,
      1,
    );
    await step(
      'scale up again: sink-1 and enricher-2 restart',
      () => {
        p.start('sink-1');
        p.start('enricher-2');
      },
      2,
      2,
    );
    await step('SIGKILL sink-2 (stays down: one sink left)', () => p.kill('sink-2'), 2, 1);
  })();
  const load = paced(client, batchesOf(events, 50), RATE, 4).then(() => {
    loadEnd = Date.now();
  });
  await Promise.all([load, plan]);
  log(`load done: ${client.acked.size} of ${events.length} acknowledged`);
  const drainS = await drained(p, 'rb.');
  log(`drained in ${drainS.toFixed(1)} s; rebuilding with one replayer`);
  const exits = p.unexpectedExits();
  await p.stopAll();
  await p.command(['replay', '--database', 'scale_rb_rebuild']);
  const db = createClickHouse(base, { database: 'scale_rb' });
  const { checks } = await storedOnce(db, events, client.acked);
  checks.push(
    // points_revision counts the writes that changed a thread's points: more of them live than in one pass.
    await sameAsRebuild(db, 'scale_rb', 'scale_rb_rebuild', 'thread_facts', "concat(brand, '/', thread_id)", [
      'version',
      'computed_at',
      'points_revision',
    ]),
  );
  checks.push(
    await sameAsRebuild(
      db,
      'scale_rb',
      'scale_rb_rebuild',
      'thread_points',
      "concat(brand, '/', metric, '/', toString(t), '/', platform, '/', account_id, '/', thread_id, '/', toString(idx))",
      ['version'],
    ),
  );
  checks.push(
    await sameAsRebuild(
      db,
      'scale_rb',
      'scale_rb_rebuild',
      'waiting_points',
      "concat(brand, '/', toString(t), '/', platform, '/', account_id, '/', thread_id, '/', toString(idx))",
      [],
      'sign = 1',
    ),
  );
  checks.push(
    await sameAsRebuild(db, 'scale_rb', 'scale_rb_rebuild', 'messages', "concat(brand, '/', message_id)", [
      'revision',
      'updated_at',
      'prev_counted',
      'prev_minute',
      'prev_language',
      'prev_author_role',
      'prev_sentiment_label',
      'prev_sentiment_score',
    ]),
  );
  await db.close();
  return {
    checks,
    measures: [
      ...marks,
      ['events sent / acknowledged', `${events.length} / ${client.acked.size}`],
      ['drain after the load', `${drainS.toFixed(1)} s`],
      ['members that exited by themselves', String(exits)],
    ],
  };
}

async function throughput(): Promise<{ checks: Check[]; measures: Array<[string, string]> }> {
  const n = env('SCALE_TP_EVENTS', 24_000);
  const measures: Array<[string, string]> = [];
  const checks: Check[] = [];
  for (const k of (process.env.SCALE_TP_INSTANCES ?? '1,2,3').split(',').map(Number)) {
    const name = `tp${k}`;
    const p = await pipelineFor(name);
    p.start('ingest');
    await until('ingest /readyz', () => p.ready(), 120_000, 500);
    // Every member in its group before the events come: eager rebalances as members join one by one
    // would otherwise be measured as throughput (a first attempt did: 1161, 649, 251 events/s).
    for (let i = 1; i <= k; i++) {
      p.start(`enricher-${i}`);
      p.start(`sink-${i}`);
    }
    await until(
      `${k} members in each group`,
      async () =>
        (await groupMembers(kafka, p.groups.enricher)) === k && (await groupMembers(kafka, p.groups.sink)) === k,
      300_000,
      1_000,
    );
    const events = chaosEvents(n, 20 + k, name);
    const client = new CountingClient({ url: p.url, keys, deadline: Date.now() + 300_000 });
    const sent = paced(client, batchesOf(events, 500), 1e9, 4);
    const samples: Array<[number, number]> = [];
    const topic = `${name}.brandpulse.enriched-events.v1`;
    const raw = `${name}.brandpulse.conversation-events.v1`;
    await until(
      `${k} instances to drain`,
      async () => {
        const s = await groupProgress(kafka, p.groups.sink, topic);
        const e = await groupProgress(kafka, p.groups.enricher, raw);
        samples.push([Date.now(), s.committed]);
        return e.committed >= e.end && s.committed >= n;
      },
      600_000,
      1_000,
    );
    await sent;
    // From the first committed batch to 95%.
    const first = samples.find(([, c]) => c > 0)!;
    const last = samples.find(([, c]) => c >= 0.95 * n)!;
    const rate = (last[1] - first[1]) / ((last[0] - first[0]) / 1000);
    measures.push([`${k} enricher(s) + ${k} sink(s), ${n} events: events/s to ClickHouse`, rate.toFixed(0)]);
    log(`${k} instance(s) per group: ${rate.toFixed(0)} events/s`);
    await p.stopAll();
    const db = createClickHouse(base, { database: `scale_${name}` });
    const r = await storedOnce(db, events, client.acked);
    await db.close();
    checks.push({
      name: `${k} instance(s): every table and view exact`,
      ok: r.checks.every((c) => c.ok),
      detail:
        r.checks
          .filter((c) => !c.ok)
          .map((c) => c.detail)
          .join('; ') || 'ok',
    });
  }
  measures.push(['machine', `${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the end`]);
  return { checks, measures };
}

const SCENARIOS = { 'broker-kill': brokerKill, rebalance, throughput } as const;

async function main(): Promise<number> {
  const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SCENARIOS);
  for (const w of wanted)
    if (!(w in SCENARIOS)) throw new Error(`unknown scenario ${w}: ${Object.keys(SCENARIOS).join(', ')}`);
  log(`own stack in ${DIR}: Kafka ${stack.kafkaBrokers}, ClickHouse ${stack.clickhouseUrl}`);
  await stack.prepare();
  await stack.up();
  const report: string[] = [];
  let failed = 0;
  try {
    for (const w of wanted) {
      log(`--- ${w}`);
      const r = await SCENARIOS[w as keyof typeof SCENARIOS]();
      const table = renderChecks(w, r.checks, r.measures);
      console.log(`\n${table}`);
      report.push(table);
      writeFileSync(join(DIR, 'report.md'), report.join('\n'));
      failed += r.checks.filter((c) => !c.ok).length;
    }
  } finally {
    await Promise.all(pipelines.map((p) => p.stopAll().catch(() => undefined)));
    await ch.close().catch(() => undefined);
    if (process.env.SCALE_KEEP_STACK !== '1')
      await stack.down().catch((err: unknown) => log(`stack down failed: ${(err as Error).message}`));
  }
  log(failed === 0 ? 'all checks passed' : `${failed} check(s) FAILED (logs in ${join(DIR, 'logs')})`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
