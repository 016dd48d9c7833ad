import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { BrandSettings } from '../domain/brand-settings.ts';
import type { ClickHouseClient } from '../shared/clickhouse.ts';
import { optionsSql } from '../../dashboards/queries/filters.ts';
import { brandsSeen, fetchDashboard, type DashboardData } from './data.ts';
import { escapeHtml } from './format.ts';
import { pageHtml, panelsHtml, RANGES, type RangeKey } from './page.ts';

/**
 * The page's HTTP side: `/` the page, `/panels` the panels alone (what the page's script re-fetches),
 * `/healthz`. Both pages take `?brand=` (one the selector offers) and `?range=` (15m … 30d); anything
 * else is a 400 naming the field. Answers are shared for half a refresh period, so several open tabs
 * cost ClickHouse one set of queries.
 */
export interface DashboardAppOptions {
  /** The read-only analyst's client. */
  client: ClickHouseClient;
  settings: BrandSettings;
  refreshMs: number;
  now?: () => number;
}

const DEFAULT_RANGE: RangeKey = '24h';
// The brand list is asked for at most once a minute, over the last week (a brand quiet for a week is
// still offered if infra/brands.yaml names it).
const BRANDS_TTL_MS = 60_000;

class BadRequest extends Error {}

export function timeZoneOf(settings: BrandSettings, brand: string): string {
  return settings.file.brands[brand]?.business_hours?.time_zone ?? settings.file.defaults.business_hours.time_zone;
}

export function buildDashboardApp(o: DashboardAppOptions): FastifyInstance {
  const now = o.now ?? Date.now;
  const app = Fastify({ logger: false });
  const configured = Object.keys(o.settings.file.brands);
  let brandList: { at: number; brands: Promise<string[]> } | null = null;
  const answers = new Map<string, { at: number; data: Promise<DashboardData> }>();

  /** Brands of infra/brands.yaml and those with messages in the last 7 days (the brand variable's query). */
  function brands(): Promise<string[]> {
    if (!brandList || now() - brandList.at > BRANDS_TTL_MS) {
      const to = now();
      const seen = brandsSeen(o.client, optionsSql('brand'), { brand: '', from: to - RANGES['7d'], to }).catch(
        () => [] as string[],
      );
      brandList = { at: to, brands: seen.then((s) => [...new Set([...configured, ...s])].sort()) };
    }
    return brandList.brands;
  }

  async function selection(query: Record<string, unknown>): Promise<{ brand: string; range: RangeKey; all: string[] }> {
    for (const k of Object.keys(query))
      if (k !== 'brand' && k !== 'range') throw new BadRequest(`${k}: unknown parameter (use brand and range)`);
    const all = await brands();
    const rawRange = query.range ?? DEFAULT_RANGE;
    if (typeof rawRange !== 'string' || !(rawRange in RANGES))
      throw new BadRequest(`range: must be one of ${Object.keys(RANGES).join(', ')}`);
    const brand = query.brand ?? all[0];
    if (typeof brand !== 'string' || !all.includes(brand))
      throw new BadRequest(`brand: unknown brand ${JSON.stringify(brand)} (known: ${all.join(', ') || 'none yet'})`);
    return { brand, range: rawRange as RangeKey, all };
  }

  function data(brand: string, range: RangeKey): Promise<DashboardData> {
    const key = `${brand}\u0000${range}`;
    const hit = answers.get(key);
    if (hit && now() - hit.at < o.refreshMs / 2) return hit.data;
    const to = now();
    const answer = fetchDashboard(o.client, { brand, from: to - RANGES[range], to }, timeZoneOf(o.settings, brand));
    answers.set(key, { at: to, data: answer });
    answer.catch(() => answers.delete(key));
    return answer;
  }

  async function respond(
    reply: FastifyReply,
    query: unknown,
    render: (d: DashboardData, s: { brand: string; range: RangeKey; all: string[] }) => string,
  ) {
    let s;
    try {
      s = await selection((query ?? {}) as Record<string, unknown>);
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err;
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(`<!doctype html><p>Bad request: ${escapeHtml(err.message)}</p><p><a href="/">Back</a></p>`);
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(render(await data(s.brand, s.range), s));
  }

  app.get('/', (req, reply) =>
    respond(reply, req.query, (d, s) => pageHtml(d, { brands: s.all, range: s.range, refreshMs: o.refreshMs })),
  );
  app.get('/panels', (req, reply) => respond(reply, req.query, (d) => panelsHtml(d)));
  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}
