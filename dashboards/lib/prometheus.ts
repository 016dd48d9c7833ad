import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';

/** Provisioned in infra/grafana/provisioning/datasources/prometheus.yaml with this uid. */
export const PROMETHEUS_DATASOURCE: DataSourceRef = { type: 'prometheus', uid: 'brandpulse-prometheus' };

/** One PromQL query of a panel and how its series are named in the legend (`{{label}}` expands). */
export interface PromTarget {
  expr: string;
  legend: string;
}

/** A range query for graphs; an instant query for stats and tables (one value per series, now). */
export function promQuery(t: PromTarget, refId = 'A', instant = false) {
  const q = new prometheus.DataqueryBuilder()
    .datasource(PROMETHEUS_DATASOURCE)
    .refId(refId)
    .expr(t.expr)
    .legendFormat(t.legend)
    .editorMode(prometheus.QueryEditorMode.Code);
  return instant ? q.instant() : q.range();
}
