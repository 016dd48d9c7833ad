/**
 * The dashboard filters inside panel SQL, kept free of the Grafana SDK so the live page
 * (services/dashboard) can import the panel queries without it.
 *
 * Panels filter with `$__conditionalAll(col IN (${v:singlequote}), $v)`: under "All" the plugin
 * replaces the whole condition by 1=1, so the common case costs ClickHouse nothing and a brand
 * with thousands of values never turns into a giant IN list.
 */
export const FILTER_VARIABLES = ['brand', 'platform', 'language'] as const;
export type FilterVariable = (typeof FILTER_VARIABLES)[number];

/** `$__conditionalAll(column IN (${variable:singlequote}), $variable)` */
export function conditionalAll(column: string, variable: FilterVariable): string {
  return `$__conditionalAll(${column} IN (\${${variable}:singlequote}), $${variable})`;
}

/**
 * Where a variable's options come from: the values with counted messages in the selected range, from
 * the sentiment aggregate (the lead's choice for issue 17). It is sorted by brand and minute and holds
 * a row per minute and value, where v_messages, sorted by thread, read every message of every brand
 * under FINAL (~2 s on 10M messages). So the options are by the minute of the post (a minute counts
 * when it starts inside the range) and only values with a message counted in sentiment appear
 * (posted, not deleted, not spam: counts net out to 0 when every message of a value was retracted).
 */
const OPTION_SOURCE = 'sentiment_minute';
const TIME_COLUMN = 'minute';

/** The variable's options query (the page's brand selector runs it too). */
export function optionsSql(variable: FilterVariable): string {
  // platform and language narrow to the selected brands, so the lists stay short.
  const where = [`$__timeFilter(${TIME_COLUMN})`];
  if (variable !== 'brand') where.push(conditionalAll('brand', 'brand'));
  return `SELECT ${variable} FROM ${OPTION_SOURCE} WHERE ${where.join(' AND ')} GROUP BY ${variable} HAVING sumMerge(messages) > 0 ORDER BY ${variable}`;
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
