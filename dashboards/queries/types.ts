/** One panel's query as the Grafana builders and the live page (services/dashboard) both run it. */
export interface PanelSql {
  /** ClickHouse SQL with Grafana's macros and the dashboard variables (dashboards/lib/interpolate.ts). */
  sql: string;
  /** The smallest bucket a time series may be asked for (Grafana's panel interval); default 1m. */
  minInterval?: string;
}
