/**
 * Who may read what in ClickHouse, generated from infra/brands.yaml and
 * infra/clickhouse/server/readonly-settings.json (`npm run clickhouse:access`; a unit test fails when
 * a checked-in file is stale):
 *
 * - infra/clickhouse/server/users.xml: clickhouse-server's users.d file: the writer, the read-only
 *   `analyst` profile (readonly=1, limits, `changeable_in_readonly` constraints), the global analyst,
 *   and per brand with `analytics.user` a read-only identity with SELECT on the brand's tables and
 *   views only and a row policy `brand = '<brand>'` on every table (views read the tables as the
 *   invoker, so the policy applies through them).
 * - infra/grafana/provisioning/datasources/brands.yaml, dashboards/brands.yaml and brands/<brand>/:
 *   per brand a datasource that logs in as the brand identity and a folder with the dashboards that
 *   read only ClickHouse, pointed at it (in Grafana org `analytics.grafana_org_id`, default the main org).
 * - infra/local/chdb/brand-identities.json: the same identities for the chDB dev front (stack.sh).
 *
 * Pure: render*() take the inputs and return file contents; access-cli.ts writes them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrandsFile } from '../domain/brand-settings.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DATABASE = 'brandpulse';

/** Tables that carry a `brand` column: a brand identity reads them through a row policy. */
export const BRAND_TABLES = [
  'alerts',
  'events',
  'ingest_minute',
  'ingest_minute_by_brand',
  'messages',
  'messages_by_time',
  'moderation_actions',
  'sentiment_minute',
  'thread_events',
  'thread_facts',
  'thread_points',
  'thread_sentiment_day',
  'waiting_points',
] as const;
/** Views over BRAND_TABLES only (with a brand column): granted, filtered by the tables' policies. */
export const BRAND_VIEWS = [
  'alert_annotations',
  'v_messages',
  'v_messages_by_time',
  'v_moderation_actions',
  'v_pipeline_health',
  'v_response_rate',
  'v_sentiment_minute',
  'v_sentiment_recovery',
  'v_sla_breaches',
  'v_team_tone',
  'v_thread_response',
  'v_time_to_moderate',
  'v_unanswered_backlog',
  'v_waiting_periods',
] as const;
/** Everything else in the database: never granted to a brand identity (no brand column, or pipeline-wide). */
export const NOT_FOR_BRANDS = [
  'alert_deliveries',
  'alerter_snapshots',
  'dead_letters',
  'ingest_minute_by_brand_mv',
  'messages_by_time_mv',
  'retention_rules',
  'schema_migrations',
  'sentiment_minute_mv',
  'thread_sentiment_day_mv',
  'v_dead_letters_minute',
] as const;
/** System tables a brand identity may read: catalogue and constants, never rows or query texts. */
export const BRAND_SYSTEM_TABLES = [
  'one',
  'numbers',
  'databases',
  'tables',
  'columns',
  'functions',
  'formats',
  'data_type_families',
  'time_zones',
  'settings',
  'table_engines',
] as const;

export interface ReadonlySettings {
  limits: Record<string, { default: number; min: number; max: number }>;
  defaults: Record<string, string>;
  changeable: string[];
}

export interface BrandIdentity {
  brand: string;
  user: string;
  /** Environment variable holding the password (ClickHouse from_env, Grafana $VAR, stack.sh). */
  passwordEnv: string;
  /** Local-stack default when the variable is unset (never used by compose for production). */
  devPassword: string;
  grafanaOrgId: number;
}

export function identities(file: Pick<BrandsFile, 'brands'>): BrandIdentity[] {
  return Object.entries(file.brands)
    .filter(([, b]) => b.analytics)
    .map(([brand, b]) => ({
      brand,
      user: b.analytics!.user,
      passwordEnv: `CLICKHOUSE_ANALYST_PASSWORD_${brand.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`,
      devPassword: `analyst-${brand}`,
      grafanaOrgId: b.analytics!.grafana_org_id ?? 1,
    }))
    .sort((a, b) => a.brand.localeCompare(b.brand));
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const sqlString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function renderUsersXml(ids: BrandIdentity[], settings: ReadonlySettings): string {
  const limits = Object.entries(settings.limits);
  const profile = [
    '      <readonly>1</readonly>',
    ...limits.map(([n, l]) => `      <${n}>${l.default}</${n}>`),
    ...Object.entries(settings.defaults).map(([n, v]) => `      <${n}>${xml(v)}</${n}>`),
    '      <constraints>',
    ...limits.map(([n, l]) => `        <${n}><min>${l.min}</min><max>${l.max}</max><changeable_in_readonly/></${n}>`),
    ...settings.changeable
      .filter((n) => !(n in settings.limits))
      .map((n) => `        <${n}><changeable_in_readonly/></${n}>`),
    '      </constraints>',
  ];
  const brandUsers = ids.flatMap((id) => [
    `    <${id.user}>`,
    `      <!-- brand ${xml(id.brand)}: reads only its rows, whatever SQL it sends -->`,
    `      <password from_env="${id.passwordEnv}"/>`,
    '      <profile>analyst</profile>',
    '      <networks><ip>::/0</ip></networks>',
    '      <grants>',
    ...[...BRAND_TABLES, ...BRAND_VIEWS].map((t) => `        <query>GRANT SELECT ON ${DATABASE}.${t}</query>`),
    ...BRAND_SYSTEM_TABLES.map((t) => `        <query>GRANT SELECT ON system.${t}</query>`),
    '      </grants>',
    '      <databases>',
    `        <${DATABASE}>`,
    ...BRAND_TABLES.map((t) => `          <${t}><filter>${xml(`brand = ${sqlString(id.brand)}`)}</filter></${t}>`),
    `        </${DATABASE}>`,
    '      </databases>',
    `    </${id.user}>`,
  ]);
  return [
    '<!-- GENERATED by `npm run clickhouse:access` from infra/brands.yaml and readonly-settings.json: do not edit.',
    '     Users of clickhouse-server under compose (mounted as users.d/brandpulse.xml): the writer (default),',
    '     the read-only analyst that sees every brand, and one read-only identity per brand. Passwords come',
    '     from the container environment. docs/security.md says what each can do. -->',
    '<clickhouse>',
    '  <profiles>',
    '    <!-- readonly=1 refuses writes, SET and table functions (file, url, remote, s3, executable...);',
    '         limits are defaults a user may lower (the constraints), never lift. -->',
    '    <analyst>',
    ...profile,
    '    </analyst>',
    '  </profiles>',
    '  <users>',
    '    <default>',
    '      <password from_env="CLICKHOUSE_PASSWORD"/>',
    '      <access_management>1</access_management>',
    '    </default>',
    '    <analyst>',
    '      <password from_env="CLICKHOUSE_READONLY_PASSWORD"/>',
    '      <profile>analyst</profile>',
    '      <networks><ip>::/0</ip></networks>',
    '      <grants>',
    `        <query>GRANT SELECT ON ${DATABASE}.*</query>`,
    '        <query>GRANT SELECT ON system.*</query>',
    '      </grants>',
    '    </analyst>',
    ...brandUsers,
    '  </users>',
    '</clickhouse>',
    '',
  ].join('\n');
}

export function renderGrafanaDatasources(ids: BrandIdentity[]): string {
  const lines = [
    '# GENERATED by `npm run clickhouse:access` from infra/brands.yaml: do not edit.',
    "# One ClickHouse datasource per brand, logged in as the brand's read-only identity (it sees only",
    "# that brand's rows). Same uid scheme as clickhouse.yaml plus the brand.",
    'apiVersion: 1',
    '',
    'datasources:',
  ];
  for (const id of ids) {
    lines.push(
      `  - name: ClickHouse (${id.brand})`,
      `    uid: ${datasourceUid(id)}`,
      `    orgId: ${id.grafanaOrgId}`,
      '    type: grafana-clickhouse-datasource',
      '    access: proxy',
      '    isDefault: false',
      '    editable: false',
      '    jsonData:',
      '      host: clickhouse',
      '      port: 8123',
      '      protocol: http',
      '      secure: false',
      `      username: ${id.user}`,
      `      defaultDatabase: ${DATABASE}`,
      '      dialTimeout: "10"',
      '      queryTimeout: "30"',
      '    secureJsonData:',
      `      password: $${id.passwordEnv}`,
    );
  }
  return lines.join('\n') + '\n';
}

export function renderGrafanaProviders(ids: BrandIdentity[]): string {
  const lines = [
    '# GENERATED by `npm run clickhouse:access` from infra/brands.yaml: do not edit.',
    "# Per brand a folder with the dashboards on the brand's datasource (files under ../brands/<brand>).",
    'apiVersion: 1',
    '',
    'providers:',
  ];
  for (const id of ids) {
    lines.push(
      `  - name: brandpulse-${id.brand}`,
      `    orgId: ${id.grafanaOrgId}`,
      `    folder: brandpulse (${id.brand})`,
      `    folderUid: brandpulse-${id.brand}`,
      '    type: file',
      '    disableDeletion: true',
      '    allowUiUpdates: false',
      '    updateIntervalSeconds: 30',
      '    options:',
      `      path: /etc/grafana/provisioning/brands/${id.brand}`,
      '      foldersFromFilesStructure: false',
    );
  }
  return lines.join('\n') + '\n';
}

export const datasourceUid = (id: BrandIdentity) => `brandpulse-clickhouse-${id.brand}`;
const GLOBAL_DATASOURCE_UID = 'brandpulse-clickhouse';

/**
 * Whether every datasource a dashboard names is the ClickHouse one: only those are copied into brand
 * folders, because only ClickHouse enforces the brand boundary (Pipeline health also reads
 * Prometheus, whose metrics cover every brand; it stays an operators' dashboard).
 */
export function onlyClickHouse(json: string): boolean {
  const types = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.datasource && typeof o.datasource === 'object')
        types.add(String((o.datasource as { type?: unknown }).type));
      Object.values(o).forEach(walk);
    }
  };
  walk(JSON.parse(json));
  types.delete('grafana');
  types.delete('datasource'); // Grafana's built-in annotation/mixed pseudo-datasources
  return types.size > 0 && [...types].every((t) => t === 'grafana-clickhouse-datasource');
}

/** A generated dashboard (infra/grafana/provisioning/dashboards/*.json) re-pointed at the brand's datasource. */
export function brandDashboard(json: string, id: BrandIdentity): string {
  const d = JSON.parse(json) as Record<string, unknown>;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      if (o.type === 'grafana-clickhouse-datasource' && o.uid === GLOBAL_DATASOURCE_UID) o.uid = datasourceUid(id);
      return o;
    }
    return v;
  };
  const out = walk(d) as Record<string, unknown>;
  out.uid = `${String(d.uid)}-${id.brand}`.slice(0, 40);
  out.title = `${String(d.title)} (${id.brand})`;
  return JSON.stringify(out, null, 2) + '\n';
}

export const OUTPUTS = {
  users: 'infra/clickhouse/server/users.xml',
  datasources: 'infra/grafana/provisioning/datasources/brands.yaml',
  providers: 'infra/grafana/provisioning/dashboards/brands.yaml',
  brandDashboards: 'infra/grafana/provisioning/brands',
  localIdentities: 'infra/local/chdb/brand-identities.json',
  settings: 'infra/clickhouse/server/readonly-settings.json',
  dashboards: 'infra/grafana/provisioning/dashboards',
} as const;

/** Every generated file, path relative to the repository -> content. */
export function renderAccess(file: Pick<BrandsFile, 'brands'>, root = ROOT): Record<string, string> {
  const ids = identities(file);
  const settings = JSON.parse(readFileSync(join(root, OUTPUTS.settings), 'utf8')) as ReadonlySettings;
  const out: Record<string, string> = {
    [OUTPUTS.users]: renderUsersXml(ids, settings),
    [OUTPUTS.datasources]: renderGrafanaDatasources(ids),
    [OUTPUTS.providers]: renderGrafanaProviders(ids),
    [OUTPUTS.localIdentities]:
      JSON.stringify(
        ids.map((id) => ({
          brand: id.brand,
          user: id.user,
          password_env: id.passwordEnv,
          dev_password: id.devPassword,
        })),
        null,
        2,
      ) + '\n',
  };
  const dashboards = readdirSync(join(root, OUTPUTS.dashboards))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ f, json: readFileSync(join(root, OUTPUTS.dashboards, f), 'utf8') }))
    .filter(({ json }) => onlyClickHouse(json));
  for (const id of ids) {
    for (const { f, json } of dashboards) out[`${OUTPUTS.brandDashboards}/${id.brand}/${f}`] = brandDashboard(json, id);
  }
  return out;
}
