import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { CLICKHOUSE_DATASOURCE } from './clickhouse.ts';
import { FILTER_VARIABLES, optionsSql, type FilterVariable } from '../queries/filters.ts';

/**
 * The three filters every dashboard has (time range is the dashboard's own picker), each a
 * multi-value ClickHouse query variable with "All"; how panels filter: dashboards/queries/filters.ts.
 */
export { FILTER_VARIABLES, dashboardFilters, type FilterVariable } from '../queries/filters.ts';

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
