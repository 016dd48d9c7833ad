import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderAlerting, spikeRuleProvisioning } from '../../../dashboards/alerting.ts';
import { ALERTING_DIR, OUTPUT_DIR, buildDashboards, renderDashboards } from '../../../dashboards/index.ts';
import { ClickHouseQueryBuilder, ClickHouseFormat } from '../../../dashboards/lib/clickhouse.ts';
import { panelsOf, structureProblems } from '../../../dashboards/lib/inspect.ts';
import { FILTER_VARIABLES } from '../../../dashboards/lib/variables.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const PROVISIONING = join(ROOT, 'infra/grafana/provisioning');
const yamlFiles = (dir: string) => readdirSync(join(PROVISIONING, dir)).filter((f) => /\.ya?ml$/.test(f));
const readYaml = (dir: string, file: string) => parse(readFileSync(join(PROVISIONING, dir, file), 'utf8'));

function provisionedDatasourceUids(): Set<string> {
  const uids = yamlFiles('datasources').flatMap((f) =>
    (readYaml('datasources', f).datasources ?? []).map((d: { uid: string }) => d.uid),
  );
  return new Set(uids);
}

describe('generated files', () => {
  it('the checked-in dashboard JSON is what the TypeScript generates (run `npm run dashboards`)', () => {
    const expected = renderDashboards();
    const onDisk = readdirSync(join(ROOT, OUTPUT_DIR))
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(onDisk).toEqual(Object.keys(expected).sort());
    for (const [file, json] of Object.entries(expected)) {
      expect(readFileSync(join(ROOT, OUTPUT_DIR, file), 'utf8'), `${file} is stale: run npm run dashboards`).toBe(json);
    }
  });

  it('the checked-in alert rules are what the TypeScript generates', () => {
    for (const [file, yaml] of Object.entries(renderAlerting())) {
      expect(readFileSync(join(ROOT, ALERTING_DIR, file), 'utf8'), `${file} is stale: run npm run dashboards`).toBe(
        yaml,
      );
    }
  });
});

describe('dashboard structure', () => {
  const dashboards = buildDashboards();

  it('has the four dashboards of the issue', () => {
    expect(
      Object.values(dashboards)
        .map((d) => d.title)
        .sort(),
    ).toEqual(['Brand health', 'Community team', 'Moderation', 'Pipeline health']);
  });

  it('has unique uids, resolvable datasources, and no empty panel; every panel has a unit, thresholds and a description', () => {
    expect(structureProblems(dashboards, provisionedDatasourceUids())).toEqual([]);
  });

  it('catches what it claims to catch', () => {
    const broken = buildDashboards();
    const d = broken['moderation.json']!;
    d.uid = broken['brand-health.json']!.uid;
    const p = panelsOf(d)[0]!;
    p.targets = [];
    p.description = '';
    p.datasource = { type: 'grafana-clickhouse-datasource', uid: 'nope' };
    const problems = structureProblems(broken, provisionedDatasourceUids()).join('\n');
    expect(problems).toMatch(/uid brandpulse-brand-health also used/);
    expect(problems).toMatch(/no targets/);
    expect(problems).toMatch(/no description/);
    expect(problems).toMatch(/"nope".*not provisioned/);
  });

  it('every dashboard filters by brand, platform and language (multi-value with All) and has a time range', () => {
    for (const d of Object.values(dashboards)) {
      const vars = d.templating?.list ?? [];
      for (const name of FILTER_VARIABLES) {
        const v = vars.find((x) => x.name === name);
        expect(v, `${d.title} lacks $${name}`).toBeDefined();
        expect(v).toMatchObject({ type: 'query', multi: true, includeAll: true });
      }
      expect(d.time?.from).toMatch(/^now-/);
    }
  });

  it('the top negative threads table links to the original thread', () => {
    const table = panelsOf(dashboards['brand-health.json']!).find((p) => p.title === 'Top negative threads')!;
    expect(table.type).toBe('table');
    const sql = (table.targets![0] as unknown as { rawSql: string }).rawSql;
    expect(sql).toMatch(/\burl\b/);
    const links = (table.fieldConfig?.overrides ?? []).flatMap((o) => o.properties).filter((p) => p.id === 'links');
    expect(JSON.stringify(links)).toContain('${__data.fields.url}');
  });

  it('shows spike alerts as annotations from ClickHouse', () => {
    for (const file of ['brand-health.json', 'community-team.json', 'moderation.json']) {
      const a = dashboards[file]!.annotations?.list?.find((x) => x.name === 'Negative spikes');
      expect(a?.datasource?.uid).toBe('brandpulse-clickhouse');
      expect(JSON.stringify(a?.target)).toMatch(/FROM alert_annotations/);
    }
  });
});

describe('ClickHouseQueryBuilder', () => {
  it('builds the plugin query model with the numeric format matching the query type', () => {
    const q = new ClickHouseQueryBuilder('SELECT 1').queryType('timeseries').refId('B').build();
    expect(JSON.parse(JSON.stringify(q))).toEqual({
      refId: 'B',
      datasource: { type: 'grafana-clickhouse-datasource', uid: 'brandpulse-clickhouse' },
      editorType: 'sql',
      queryType: 'timeseries',
      format: ClickHouseFormat.TimeSeries,
      rawSql: 'SELECT 1',
    });
    expect(new ClickHouseQueryBuilder('SELECT 1').queryType('table').build().format).toBe(1);
    expect(new ClickHouseQueryBuilder('SELECT 1').queryType('logs').build().format).toBe(2);
  });
});

describe('provisioning YAML', () => {
  it('every file parses', () => {
    for (const dir of ['datasources', 'dashboards', 'alerting']) {
      for (const f of yamlFiles(dir)) expect(readYaml(dir, f)?.apiVersion, `${dir}/${f}`).toBe(1);
    }
  });

  it('the ClickHouse datasource uses the read-only analyst: username under jsonData, password from the environment', () => {
    const ds = readYaml('datasources', 'clickhouse.yaml').datasources[0];
    expect(ds.type).toBe('grafana-clickhouse-datasource');
    expect(ds.jsonData.username).toBe('analyst');
    expect(ds.jsonData).not.toHaveProperty('password');
    expect(ds.secureJsonData.password).toBe('$CLICKHOUSE_READONLY_PASSWORD');
    expect(ds.jsonData).toMatchObject({
      host: expect.any(String),
      port: expect.any(Number),
      protocol: expect.stringMatching(/^(http|native)$/),
    });
  });

  it('the dashboards provider reads the folder the generator writes', () => {
    const provider = readYaml('dashboards', 'brandpulse.yaml').providers[0];
    expect(provider.type).toBe('file');
    expect(provider.options.path).toBe('/etc/grafana/provisioning/dashboards');
    expect(OUTPUT_DIR).toBe('infra/grafana/provisioning/dashboards');
  });

  it('the spike rule queries a provisioned datasource, fires on a threshold, and has no $ for Grafana to expand', () => {
    const rule = spikeRuleProvisioning().groups[0]!.rules[0]!;
    const uids = provisionedDatasourceUids();
    for (const q of rule.data)
      expect(q.datasourceUid === '__expr__' || uids.has(q.datasourceUid ?? ''), q.refId).toBe(true);
    expect(rule.data.find((q) => q.refId === rule.condition)?.model).toMatchObject({
      type: 'threshold',
      expression: 'A',
    });
    expect(JSON.stringify(rule.annotations)).not.toContain('$');
    expect(JSON.stringify(rule.data[0])).not.toContain('$');
  });

  it('the example contact point is a webhook that the root policy routes to', () => {
    const cp = readYaml('alerting', 'contact-points.yaml');
    expect(cp.contactPoints[0].receivers[0].type).toBe('webhook');
    expect(cp.policies[0].receiver).toBe(cp.contactPoints[0].name);
  });
});
