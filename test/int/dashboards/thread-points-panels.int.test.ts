import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fold } from '../../../bench/queries/bulk-load.ts';
import { rawEvent } from '../../../bench/lib/simulated.ts';
import { BRAND_HEALTH } from '../../../dashboards/queries/brand-health.ts';
import { COMMUNITY_TEAM } from '../../../dashboards/queries/community-team.ts';
import { FILTER_VARIABLES, type FilterVariable } from '../../../dashboards/queries/filters.ts';
import type { PanelSql } from '../../../dashboards/queries/types.ts';
import { grafanaIntervalMs, interpolate, type InterpolationContext } from '../../../dashboards/lib/interpolate.ts';
import { applyMigrations } from '../../../services/migrate/apply.ts';
import { createAnalyzer } from '../../../services/nlp/index.ts';
import { REPORT_THREAD_SQL } from '../../../services/report/queries.ts';
import { AvroCodec } from '../../../services/shared/avro.ts';
import type { ClickHouseClient } from '../../../services/shared/clickhouse.ts';
import type { ConversationEvent } from '../../../services/shared/events.ts';
import { Simulation } from '../../../services/simulator/simulation.ts';
import { isolatedClickHouse, isolatedConfig, logger } from '../../support/stack.ts';
import { expectSameFrames, framesOf } from './same-rows.ts';
import { BRAND_HEALTH_BEFORE, COMMUNITY_TEAM_BEFORE, REPORT_BEFORE } from './thread-panels-before.ts';

/**
 * The thread panels and the report read thread_points instead of the views over thread_facts
 * (issue 17): on five weeks of simulated conversations folded by the sink's real writer and thread
 * projector (bench/queries/bulk-load.ts Fold, in batches, one of them replayed), every switched query
 * returns the rows its predecessor returns (thread-panels-before.ts, the definition) for ranges
 * ending now and one in the past, under three filter selections.
 */
const DAY = 86_400_000;
const now = Date.now();
const RANGES = [
  { name: '24h', from: now - DAY, to: now },
  { name: '7d', from: now - 7 * DAY, to: now },
  { name: '30d', from: now - 30 * DAY, to: now },
  { name: 'a past week', from: now - 20 * DAY, to: now - 13 * DAY },
];

/** ORDER BY columns and LIMIT of each panel (none: one row). */
const ORDER: Record<string, { by: string[]; limit?: number }> = {
  firstResponseVsSla: { by: ['time'] },
  longestWaits: { by: ['waiting_s'], limit: 10 },
  firstResponse: { by: ['time'] },
  replyTime: { by: ['time'] },
  resolutionTime: { by: ['time'] },
  slaBreaches: { by: ['time'] }, // ORDER BY time only: the metrics of one bucket come in any order
  agents: { by: ['replies'], limit: 50 },
  sentimentRecovery: { by: ['time'] },
};

const PANELS: { key: string; before: string; after: PanelSql }[] = [
  ...Object.entries(BRAND_HEALTH_BEFORE).map(([key, before]) => ({
    key,
    before,
    after: BRAND_HEALTH[key as keyof typeof BRAND_HEALTH_BEFORE],
  })),
  ...Object.entries(COMMUNITY_TEAM_BEFORE).map(([key, before]) => ({
    key,
    before,
    after: COMMUNITY_TEAM[key as keyof typeof COMMUNITY_TEAM_BEFORE],
  })),
];

/** Five weeks of two brands' conversations, in the sink's batches of six simulated hours, up to now. */
function simulatedBatches(): ConversationEvent[][] {
  const start = now - 35 * DAY;
  const sim = new Simulation({ seed: 17, brands: ['acme', 'globex'], start, rate: 0.004, crisisEveryHours: 0 });
  const batches: ConversationEvent[][] = [];
  for (let t = start; t < now; t = Math.min(now, t + DAY / 4))
    batches.push(sim.advance(Math.min(now, t + DAY / 4)).map((d) => rawEvent(d.event, d.deliverAt)));
  return batches.filter((b) => b.length > 0);
}

let ch: { client: ClickHouseClient; cleanup: () => Promise<void> };
let options: Record<FilterVariable, string[]>;

const query = async <T>(sql: string) => (await ch.client.query({ query: sql, format: 'JSONEachRow' })).json<T>();

beforeAll(async () => {
  const config = isolatedConfig('thread_points_panels');
  ch = await isolatedClickHouse(config);
  await applyMigrations(ch.client, { database: config.CLICKHOUSE_DATABASE });
  const fold = new Fold({ clickhouse: ch.client, codec: new AvroCodec(), analyzer: await createAnalyzer(), logger });
  const batches = simulatedBatches();
  for (const b of batches) await fold.write(b);
  // The sink replays after a crash: the same events again, under new offsets (new dedup tokens).
  await fold.write(batches[Math.floor(batches.length / 2)]!);
  await fold.write(batches.at(-1)!);
  // Most threads first: the narrow selection picks each variable's first option.
  const values = async (v: FilterVariable) =>
    (
      await query<Record<string, string>>(`SELECT ${v} FROM thread_facts GROUP BY ${v} ORDER BY count() DESC, ${v}`)
    ).map((r) => r[v]!);
  options = { brand: await values('brand'), platform: await values('platform'), language: await values('language') };
}, 600_000);

afterAll(async () => ch?.cleanup());

describe('the workload', () => {
  it('has every kind of point, outcomes open and fixed, and replaced points', async () => {
    const kinds = await query<{ kind: string; n: string }>(`
      SELECT concat(metric, multiIf(
          metric = 'sla', concat('/', sla_metric, if(breached IS NULL, '/open', '/closed'), if(due_at IS NULL, '', '/due')),
          metric = 'resolution', if(due_at IS NULL, '', if(due_at <= now64(3), '/inactivity', '/pending')),
          metric = 'first_response', if(handled_by_moderation = 1, '/moderation', if(end_at IS NULL, '/open', '/answered')),
          '')) AS kind, count() AS n
      FROM thread_points FINAL GROUP BY kind
      UNION ALL SELECT 'waiting' AS kind, count() AS n FROM waiting_points FINAL WHERE sign = 1 HAVING n > 0`);
    const got = kinds.map((k) => k.kind);
    for (const kind of [
      'thread',
      'first_response/answered',
      'first_response/open',
      'first_response/moderation',
      'response_day',
      'next_response',
      'reply',
      'resolution',
      'resolution/inactivity',
      'resolution/pending',
      'sla/first_response/open',
      'sla/first_response/closed',
      'sla/next_response/open',
      'sla/next_response/closed',
      'sla/resolution/open',
      'sla/resolution/open/due',
      'sla/resolution/closed',
      'sla_start',
      'waiting',
      'recovery',
    ])
      expect(got, kind).toContain(kind);
    const [tombstones] = await query<{ n: string }>('SELECT count() AS n FROM thread_points WHERE is_deleted = 1');
    expect(Number(tombstones?.n), 'tombstones').toBeGreaterThan(0);
    // The backlog's points live in waiting_points (0701): answered messages left -1 rows there.
    const [cancelled] = await query<{ n: string }>('SELECT count() AS n FROM waiting_points WHERE sign = -1');
    expect(Number(cancelled?.n), 'cancelled waiting points').toBeGreaterThan(0);
  });
});

type Selection = 'all' | 'one brand' | 'brand, platform, language';

function context(selection: Selection, range: (typeof RANGES)[number], minInterval?: string): InterpolationContext {
  const pick: Record<Selection, FilterVariable[]> = {
    all: [],
    'one brand': ['brand'],
    'brand, platform, language': ['brand', 'platform', 'language'],
  };
  const variables = Object.fromEntries(
    FILTER_VARIABLES.map((v) => [
      v,
      { options: options[v], values: pick[selection].includes(v) ? [options[v][0]!] : ['$__all'] },
    ]),
  );
  const [from, to] = [new Date(range.from), new Date(range.to)];
  return { from, to, intervalMs: grafanaIntervalMs(from, to, 1000, minInterval), variables };
}

describe.each(['all', 'one brand', 'brand, platform, language'] as const)('filters: %s', (selection) => {
  it.each(RANGES.map((r) => [r.name, r] as const))(
    'every switched panel returns the rows of its view-based SQL over %s',
    async (_name, range) => {
      let withRows = 0;
      for (const { key, before, after } of PANELS) {
        const ctx = context(selection, range, after.minInterval);
        const got = await framesOf(ch.client, interpolate(before, ctx), interpolate(after.sql, ctx));
        expectSameFrames(`${key} (${range.name}, ${selection})`, got, ORDER[key]?.by, ORDER[key]?.limit);
        if (got.before.rows.length > 0) withRows++;
      }
      expect(withRows).toBeGreaterThan(PANELS.length / 2);
    },
  );
});

describe('the report', () => {
  it.each(RANGES.map((r) => [r.name, r] as const))(
    'its thread numbers are those of the views over %s',
    async (_name, range) => {
      for (const brand of options.brand) {
        const params = { brand, from: range.from, to: range.to };
        for (const key of ['response', 'backlog', 'breaches'] as const) {
          const got = await framesOf(ch.client, REPORT_BEFORE[key], REPORT_THREAD_SQL[key], params);
          expectSameFrames(`report ${key} (${brand}, ${range.name})`, got, key === 'breaches' ? ['metric'] : []);
          expect(got.before.rows.length, `report ${key} has rows`).toBeGreaterThan(0);
        }
      }
    },
  );
});

/** What EXPLAIN indexes = 1 says of each read of thread_points: the primary key columns its condition uses, and parts kept by Min-Max. */
function pointReads(plan: string): { keys: string[]; minMax: [number, number] | null }[] {
  return plan
    .replace(/[│└─├]/g, ' ') // a join's plan draws its tree
    .split(/ReadFromMergeTree \(/)
    .slice(1)
    .filter((read) => /^[\w.]*thread_points\)/.test(read))
    .map((read) => {
      const primary = /PrimaryKey\s+Keys:\s+((?:\s*\w+\n)+)\s*Condition: (.*)/.exec(read);
      const keys = primary
        ? primary[1]!
            .trim()
            .split(/\s+/)
            .filter((k) => new RegExp(`\\((toDate\\()?${k}\\)? in`).test(primary[2]!))
        : [];
      const mm = /Min-Max[\s\S]*?Parts: (\d+)\/(\d+)/.exec(read);
      return { keys, minMax: mm ? [Number(mm[1]), Number(mm[2])] : null };
    });
}

describe('what a range reads', () => {
  it('every panel with a range reads thread_points by metric and t: the key prunes granules, t prunes old parts', async () => {
    const day = RANGES[0]!;
    for (const { key, after } of PANELS) {
      if (!/\$__(time|date)Filter\((w\.)?(t|toDate\(t\))\)/.test(after.sql)) continue;
      const sql = interpolate(after.sql, context('one brand', day, after.minInterval));
      const rs = await ch.client.query({ query: `EXPLAIN indexes = 1 ${sql}`, format: 'TabSeparatedRaw' });
      const reads = pointReads(await rs.text());
      expect(reads.length, key).toBe(1);
      expect(reads[0]!.keys, key).toEqual(expect.arrayContaining(['metric', 't']));
      // Five weeks span two or three months of parts; a day keeps only its own.
      const [kept, total] = reads[0]!.minMax ?? [0, 0];
      expect(kept, key).toBeLessThan(total);
    }
  });
});
