import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { CLICKHOUSE_DATASOURCE } from './clickhouse.ts';

/**
 * The three filters every dashboard has (time range is the dashboard's own picker).
 * Each is a multi-value ClickHouse query variable with "All", and panels filter with
 * `$__conditionalAll(col IN (${v:singlequote}), $v)`: under "All" the plugin replaces the
 * whole condition by 1=1, so the common case costs ClickHouse nothing and a brand with
 * thousands of values never turns into a giant IN list.
 */
export const FILTER_VARIABLES = ['brand', 'platform', 'language'] as const;
export type FilterVariable = (typeof FILTER_VARIABLES)[number];

/** Where the options come from: distinct values seen in the selected time range. */
const OPTION_SOURCE = 'v_messages';
const TIME_COLUMN = 'posted_time';

function optionsSql(variable: FilterVariable): string {
  // platform and language narrow to the selected brands, so the lists stay short.
  const where = [`$__timeFilter(${TIME_COLUMN})`];
  if (variable !== 'brand') where.push(conditionalAll('brand', 'brand'));
  return `SELECT DISTINCT ${variable} FROM ${OPTION_SOURCE} WHERE ${where.join(' AND ')} ORDER BY ${variable}`;
}

export function filterVariable(variable: FilterVariable): QueryVariableBuilder {
  return new QueryVariableBuilder(variable)
    .label(variable[0]!.toUpperCase() + variable.slice(1))
    .datasource(CLICKHOUSE_DATASOURCE)
    .query(optionsSql(variable))
    .multi(true)
    .includeAll(true)
    .current({ selected: true, text: ['All'], value: ['$__all'] })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

export const filterVariables = () => FILTER_VARIABLES.map(filterVariable);

/** `$__conditionalAll(column IN (${variable:singlequote}), $variable)` */
export function conditionalAll(column: string, variable: FilterVariable): string {
  return `$__conditionalAll(${column} IN (\${${variable}:singlequote}), $${variable})`;
}

/**
 * The WHERE fragment for the dashboard filters, given the column that holds each one in the
 * queried view (omit a filter the view cannot honour, e.g. language on pipeline metrics).
 */
export function dashboardFilters(columns: Partial<Record<FilterVariable, string>>): string {
  return FILTER_VARIABLES.filter((v) => columns[v] !== undefined)
    .map((v) => conditionalAll(columns[v]!, v))
    .join(' AND ');
}
