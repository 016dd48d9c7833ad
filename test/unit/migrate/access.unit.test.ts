import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  BRAND_SYSTEM_TABLES,
  BRAND_TABLES,
  BRAND_VIEWS,
  DATABASE,
  identities,
  onlyClickHouse,
  OUTPUTS,
  renderAccess,
  ROOT,
  type ReadonlySettings,
} from '../../../services/migrate/access.ts';
import { BrandSettings } from '../../../services/domain/brand-settings.ts';

const brands = BrandSettings.load(join(ROOT, 'infra/brands.yaml')).file;
const files = renderAccess(brands);
const ids = identities(brands);
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

/** Balanced tags and nothing outside the root: enough to catch a broken generator. */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]!);
  }
  return stack.length === 0;
}

describe('generated access files (npm run clickhouse:access)', () => {
  it('are checked in as generated, with no stale brand dashboard left', () => {
    for (const [path, content] of Object.entries(files))
      expect(read(path), `${path} is stale: run npm run clickhouse:access`).toBe(content);
    const onDisk = readdirSync(join(ROOT, OUTPUTS.brandDashboards), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.json'),
    );
    expect(onDisk.map((f) => `${OUTPUTS.brandDashboards}/${f}`).sort()).toEqual(
      Object.keys(files)
        .filter((f) => f.startsWith(OUTPUTS.brandDashboards))
        .sort(),
    );
  });

  it('give every brand with analytics.user its identity; acme and globex have one', () => {
    expect(ids.map((i) => [i.brand, i.user, i.passwordEnv])).toEqual([
      ['acme', 'acme_analyst', 'CLICKHOUSE_ANALYST_PASSWORD_ACME'],
      ['globex', 'globex_analyst', 'CLICKHOUSE_ANALYST_PASSWORD_GLOBEX'],
    ]);
  });

  it("users.xml: each brand identity has a row policy on every brand table and SELECT on the brand's objects only", () => {
    const xml = files[OUTPUTS.users]!;
    expect(wellFormed(xml)).toBe(true);
    for (const id of ids) {
      const block = xml.slice(xml.indexOf(`<${id.user}>`), xml.indexOf(`</${id.user}>`));
      expect(block).toContain(`<password from_env="${id.passwordEnv}"/>`);
      expect(block).toContain('<profile>analyst</profile>');
      for (const t of BRAND_TABLES) expect(block).toContain(`<${t}><filter>brand = '${id.brand}'</filter></${t}>`);
      const grants = [...block.matchAll(/<query>GRANT SELECT ON ([\w.]+)<\/query>/g)].map((m) => m[1]);
      expect(grants.sort()).toEqual(
        [
          ...[...BRAND_TABLES, ...BRAND_VIEWS].map((t) => `${DATABASE}.${t}`),
          ...BRAND_SYSTEM_TABLES.map((t) => `system.${t}`),
        ].sort(),
      );
      expect(block).not.toMatch(/\*<\/query>|access_management/);
    }
  });

  it('users.xml: the analyst profile is readonly=1 with the limits and changeable settings both stacks share', () => {
    const xml = files[OUTPUTS.users]!;
    const profile = xml.slice(xml.indexOf('<analyst>'), xml.indexOf('</analyst>'));
    const settings = JSON.parse(read(OUTPUTS.settings)) as ReadonlySettings;
    expect(profile).toContain('<readonly>1</readonly>');
    for (const [name, l] of Object.entries(settings.limits)) {
      expect(profile).toContain(`<${name}>${l.default}</${name}>`);
      expect(profile).toContain(`<${name}><min>${l.min}</min><max>${l.max}</max><changeable_in_readonly/></${name}>`);
    }
    expect(settings.limits.max_execution_time!.max).toBeLessThanOrEqual(30);
    for (const name of settings.changeable)
      expect(profile).toMatch(new RegExp(`<${name}>(<min>.*)?<changeable_in_readonly/>`));
    // The Grafana plugin sends max_execution_time = queryTimeout: it must be within the cap.
    const grafana = parse(read('infra/grafana/provisioning/datasources/clickhouse.yaml')).datasources[0];
    expect(Number(grafana.jsonData.queryTimeout)).toBeLessThanOrEqual(settings.limits.max_execution_time!.max);
  });

  it('copies into brand folders only dashboards that read nothing but ClickHouse (not Pipeline health)', () => {
    const copied = Object.keys(files)
      .filter((f) => f.startsWith(`${OUTPUTS.brandDashboards}/acme/`))
      .map((f) => f.split('/').pop());
    expect(copied).toEqual(['brand-health.json', 'community-team.json', 'moderation.json']);
    expect(onlyClickHouse(read(`${OUTPUTS.dashboards}/pipeline-health.json`))).toBe(false);
  });

  it("Grafana: one datasource per brand as the brand identity, and the brand's dashboards use only it", () => {
    const ds = parse(files[OUTPUTS.datasources]!).datasources as Array<{
      uid: string;
      jsonData: { username: string; queryTimeout: string };
      secureJsonData: { password: string };
    }>;
    expect(ds.map((d) => [d.uid, d.jsonData.username, d.secureJsonData.password])).toEqual(
      ids.map((i) => [`brandpulse-clickhouse-${i.brand}`, i.user, `$${i.passwordEnv}`]),
    );
    const providers = parse(files[OUTPUTS.providers]!).providers as Array<{
      folderUid: string;
      options: { path: string };
    }>;
    expect(providers.map((p) => p.options.path)).toEqual(ids.map((i) => `/etc/grafana/provisioning/brands/${i.brand}`));
    for (const id of ids) {
      const dir = join(ROOT, OUTPUTS.brandDashboards, id.brand);
      expect(existsSync(dir)).toBe(true);
      for (const f of readdirSync(dir)) {
        const json = read(`${OUTPUTS.brandDashboards}/${id.brand}/${f}`);
        const uids = [...json.matchAll(/"type": "grafana-clickhouse-datasource",\s*"uid": "([^"]+)"/g)].map(
          (m) => m[1],
        );
        expect(uids.length, f).toBeGreaterThan(0);
        expect(new Set(uids), f).toEqual(new Set([`brandpulse-clickhouse-${id.brand}`]));
      }
    }
  });
});
