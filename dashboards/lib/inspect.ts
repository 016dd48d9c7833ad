import { VariableType, type Dashboard, type Panel, type RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';
import { CLICKHOUSE_DATASOURCE, type ClickHouseQuery } from './clickhouse.ts';
import { PROMETHEUS_DATASOURCE } from './prometheus.ts';

/** Read-side helpers over built dashboards, shared by the tests. */

export interface QueryPanel {
  dashboard: string;
  panel: Panel;
  targets: ClickHouseQuery[];
}

/** Every non-row panel, including those nested in collapsed rows. */
export function panelsOf(d: Dashboard): Panel[] {
  const out: Panel[] = [];
  for (const p of d.panels ?? []) {
    if (p.type === 'row') out.push(...((p as RowPanel).panels ?? []));
    else out.push(p);
  }
  return out;
}

/** A panel target as JSON: the fields of either query model we use. */
type AnyTarget = Partial<ClickHouseQuery> & { expr?: string; datasource?: { type?: string; uid?: string } };

const isPrometheus = (t: AnyTarget) => t.datasource?.type === PROMETHEUS_DATASOURCE.type;

/** Every panel with ClickHouse SQL targets (the panels whose SQL the integration test runs). */
export function queryPanels(dashboards: Record<string, Dashboard>): QueryPanel[] {
  return Object.values(dashboards).flatMap((d) =>
    panelsOf(d)
      .map((panel) => ({
        dashboard: d.uid ?? '?',
        panel,
        targets: ((panel.targets ?? []) as AnyTarget[]).filter(
          (t) => t.datasource?.type === CLICKHOUSE_DATASOURCE.type,
        ) as ClickHouseQuery[],
      }))
      .filter((p) => p.targets.length > 0),
  );
}

export interface PromPanel {
  dashboard: string;
  panel: Panel;
  exprs: string[];
}

/** Every panel with Prometheus targets, with their PromQL. */
export function promPanels(dashboards: Record<string, Dashboard>): PromPanel[] {
  return Object.values(dashboards).flatMap((d) =>
    panelsOf(d)
      .map((panel) => ({
        dashboard: d.uid ?? '?',
        panel,
        exprs: ((panel.targets ?? []) as AnyTarget[]).filter(isPrometheus).map((t) => t.expr ?? ''),
      }))
      .filter((p) => p.exprs.length > 0),
  );
}

/** Problems that would make a dashboard load wrong or show an empty/broken panel. */
export function structureProblems(dashboards: Record<string, Dashboard>, datasourceUids: Set<string>): string[] {
  const problems: string[] = [];
  const uids = new Map<string, string>();
  const resolves = (ref: { uid?: string } | undefined, where: string) => {
    if (!ref?.uid || !datasourceUids.has(ref.uid))
      problems.push(`${where}: datasource ${JSON.stringify(ref)} is not provisioned`);
  };
  for (const [file, d] of Object.entries(dashboards)) {
    if (!d.uid) problems.push(`${file}: no uid`);
    else if (uids.has(d.uid)) problems.push(`${file}: uid ${d.uid} also used by ${uids.get(d.uid)}`);
    else uids.set(d.uid, file);
    const ids = new Set<number>();
    for (const p of d.panels ?? []) {
      if (p.id === undefined || ids.has(p.id))
        problems.push(`${file}: panel "${p.title}" has a missing or duplicate id ${p.id}`);
      else ids.add(p.id);
    }
    for (const v of d.templating?.list ?? [])
      if (v.type === VariableType.Query) resolves(v.datasource, `${file} variable ${v.name}`);
    for (const a of d.annotations?.list ?? [])
      if (a.datasource?.type !== 'grafana') resolves(a.datasource, `${file} annotation ${a.name}`);
    for (const p of panelsOf(d)) {
      const where = `${file} panel "${p.title}"`;
      resolves(p.datasource, where);
      if (!p.description?.trim()) problems.push(`${where}: no description`);
      if (!p.fieldConfig?.defaults?.unit) problems.push(`${where}: no unit`);
      if (!p.fieldConfig?.defaults?.thresholds?.steps?.length) problems.push(`${where}: no thresholds`);
      const targets = (p.targets ?? []) as unknown as AnyTarget[];
      if (targets.length === 0) problems.push(`${where}: no targets`);
      for (const t of targets) {
        if (t.datasource?.type !== p.datasource?.type)
          problems.push(`${where}: target ${t.refId} queries another datasource type than its panel`);
        if (isPrometheus(t)) {
          if (!t.expr?.trim()) problems.push(`${where}: target ${t.refId} has no PromQL`);
        } else {
          if (!t.rawSql?.trim()) problems.push(`${where}: target ${t.refId} has no SQL`);
          if (t.editorType !== 'sql') problems.push(`${where}: target ${t.refId} is not a SQL-editor query`);
        }
        resolves(t.datasource, `${where} target ${t.refId}`);
      }
    }
  }
  return problems;
}
