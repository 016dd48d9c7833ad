import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/**
 * The foundation SDK ships query builders for Prometheus, Loki & co. but none for the
 * grafana-clickhouse-datasource plugin, so this is the small one the dashboards use.
 * Field names and values are the plugin's own (src/types: CHQuery, QueryType, EditorType;
 * the backend reads `format` as sqlutil.FormatQueryOption).
 */

/** Provisioned in infra/grafana/provisioning/datasources/clickhouse.yaml with this uid. */
export const CLICKHOUSE_DATASOURCE: dashboard.DataSourceRef = {
  type: 'grafana-clickhouse-datasource',
  uid: 'brandpulse-clickhouse',
};

/** The plugin's QueryType: decides the editor tab and how Grafana shapes the frame. */
export type ClickHouseQueryType = 'table' | 'logs' | 'timeseries' | 'traces';

/**
 * sqlutil.FormatQueryOption, the numeric codes the plugin backend expects in `format`
 * (grafana-plugin-sdk-go data/sqlutil: TimeSeries=0, Table=1, Logs=2, Trace=3, Multi=4).
 * A timeseries frame in long form (time, label, value) is pivoted to wide by the backend.
 */
export const ClickHouseFormat = { TimeSeries: 0, Table: 1, Logs: 2, Trace: 3 } as const;
export type ClickHouseFormatCode = (typeof ClickHouseFormat)[keyof typeof ClickHouseFormat];

const FORMAT_FOR: Record<ClickHouseQueryType, ClickHouseFormatCode> = {
  timeseries: ClickHouseFormat.TimeSeries,
  table: ClickHouseFormat.Table,
  logs: ClickHouseFormat.Logs,
  traces: ClickHouseFormat.Trace,
};

export interface ClickHouseQuery extends cog.Dataquery {
  refId: string;
  datasource: dashboard.DataSourceRef;
  editorType: 'sql';
  queryType: ClickHouseQueryType;
  format: ClickHouseFormatCode;
  rawSql: string;
}

export class ClickHouseQueryBuilder implements cog.Builder<cog.Dataquery> {
  private readonly internal: ClickHouseQuery;

  constructor(rawSql = '') {
    this.internal = {
      refId: 'A',
      datasource: CLICKHOUSE_DATASOURCE,
      editorType: 'sql',
      queryType: 'table',
      format: ClickHouseFormat.Table,
      rawSql,
      // cog's marker for "this is a data query"; functions vanish in JSON.stringify.
      _implementsDataqueryVariant: () => undefined,
    };
  }

  build(): ClickHouseQuery {
    return { ...this.internal };
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  datasource(ref: dashboard.DataSourceRef): this {
    this.internal.datasource = ref;
    return this;
  }

  rawSql(sql: string): this {
    this.internal.rawSql = sql;
    return this;
  }

  /** Sets the query type and the matching `format` code (override with `format()`). */
  queryType(queryType: ClickHouseQueryType): this {
    this.internal.queryType = queryType;
    this.internal.format = FORMAT_FOR[queryType];
    return this;
  }

  format(format: ClickHouseFormatCode): this {
    this.internal.format = format;
    return this;
  }
}

/** Shorthands: `timeseriesQuery(sql)`, `tableQuery(sql)`. */
export const timeseriesQuery = (sql: string, refId = 'A') =>
  new ClickHouseQueryBuilder(sql).queryType('timeseries').refId(refId);
export const tableQuery = (sql: string, refId = 'A') => new ClickHouseQueryBuilder(sql).queryType('table').refId(refId);
