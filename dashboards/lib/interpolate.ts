/**
 * What Grafana + grafana-clickhouse-datasource do to a panel's rawSql before ClickHouse sees
 * it, reproduced so tests can run every panel's query against the real engine:
 *
 * 1. frontend, CHDatasource.applyConditionalAll: each `$__conditionalAll(cond, $var)` (last
 *    first) becomes `1=1` when $var is "All" (value `$__all`) or empty, else `cond` verbatim;
 * 2. frontend, templateSrv.replace: `$var`, `${var}`, `${var:format}`, `[[var]]` and the
 *    global `$__interval`, `$__interval_ms`, `$__from`, `$__to`; the plugin's default format
 *    joins a multi-value as `'a','b'` and passes a single value through raw;
 * 3. backend, sqlds.Interpolate with the plugin's pkg/macros: macros longest name first,
 *    `\$__name\b` then a bracketed argument list split on depth-1 commas, trimmed.
 */

export interface VariableValue {
  /** Selected values; ['$__all'] means "All". */
  values: string[];
  /** Every option the variable offers (what "All" expands to without a custom allValue). */
  options: string[];
  allValue?: string;
}

export interface InterpolationContext {
  from: Date;
  to: Date;
  /** The panel's interval, as Grafana computes it (see `grafanaIntervalMs`). */
  intervalMs: number;
  variables: Record<string, VariableValue>;
}

const ALL = '$__all';

// ---------- 1. $__conditionalAll ----------

/** The plugin's getMacroArgs: args of the bracket group starting at `open`, or [] if unclosed. */
function macroArgs(sql: string, open: number): string[] {
  const args: string[] = [];
  const re = /\(|\)|,/g;
  const s = sql.substring(open);
  let depth = 0;
  let last = 1;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    if (m[0] === '(') depth++;
    else if (m[0] === ')') depth--;
    if (m[0] === ',' && depth === 1) {
      args.push(s.substring(last, re.lastIndex - 1));
      last = re.lastIndex;
    }
    if (depth === 0) {
      args.push(s.substring(last, re.lastIndex - 1));
      return args;
    }
  }
  return [];
}

export function applyConditionalAll(sql: string, variables: Record<string, VariableValue>): string {
  const macro = '$__conditionalAll(';
  let at = sql.lastIndexOf(macro);
  while (at !== -1) {
    const params = macroArgs(sql, at + macro.length - 1);
    if (params.length !== 2) return sql;
    const ref = /(?<=\$\{)[\w\d]+(?=\})|(?<=\$)[\w\d]+/.exec(params[1]!.trim());
    let phrase = params[0]!;
    if (ref) {
      const v = variables[ref[0]];
      const value = v ? v.values.toString() : undefined;
      if (value === '' || value === ALL) phrase = '1=1';
    }
    sql = sql.replace(`${macro}${params[0]},${params[1]})`, phrase);
    at = sql.lastIndexOf(macro);
  }
  return sql;
}

// ---------- 2. template variables ----------

// Grafana's variableRegex (public/app/features/variables/utils.ts).
const VARIABLE_RE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

function formatValue(value: string | string[], format: string | undefined): string {
  const list = Array.isArray(value) ? value : [value];
  switch (format) {
    case undefined: // the plugin's own format function
      return Array.isArray(value) ? `'${value.join("','")}'` : value;
    case 'singlequote':
      return list.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(',');
    case 'doublequote':
      return list.map((v) => `"${v.replace(/"/g, '\\"')}"`).join(',');
    case 'sqlstring':
      return list.map((v) => `'${v.replace(/'/g, "''")}'`).join(',');
    case 'csv':
      return list.join(',');
    case 'raw':
      return list.join(',');
    default:
      throw new Error(`template format ${format} is not emulated; add it to dashboards/lib/interpolate.ts`);
  }
}

function builtins(ctx: InterpolationContext): Record<string, string> {
  return {
    __interval: `${Math.round(ctx.intervalMs / 1000)}s`,
    __interval_ms: String(ctx.intervalMs),
    __from: String(ctx.from.getTime()),
    __to: String(ctx.to.getTime()),
  };
}

export function replaceTemplateVariables(sql: string, ctx: InterpolationContext): string {
  const globals = builtins(ctx);
  // The groups of VARIABLE_RE: $bare, [[bracketName:bracketFormat]], ${braced.field:bracedFormat}.
  type Group = string | undefined;
  return sql.replace(
    VARIABLE_RE,
    (
      match: string,
      bare: Group,
      bracketName: Group,
      bracketFormat: Group,
      braced: Group,
      _field: Group,
      bracedFormat: Group,
    ) => {
      const name = (bare ?? bracketName ?? braced)!; // one of the three alternatives matched
      const format = bracketFormat ?? bracedFormat;
      if (name in globals) return globals[name]!;
      const v = ctx.variables[name];
      if (!v) return match; // Grafana leaves unknown names (and plugin macros) alone
      const isAll = v.values.length === 1 && v.values[0] === ALL;
      const value: string | string[] = isAll ? (v.allValue ?? v.options) : v.values;
      return formatValue(value, format);
    },
  );
}

// ---------- 3. backend macros (pkg/macros/macros.go via sqlds) ----------

const unix = (d: Date) => Math.floor(d.getTime() / 1000);
const toDateTime = (d: Date) => `toDateTime(${unix(d)})`;
const toDateTime64 = (d: Date) => `fromUnixTimestamp64Milli(${d.getTime()})`;
const toDate = (d: Date) => `toDate('${d.toISOString().slice(0, 10)}')`;

type Macro = (args: string[], ctx: InterpolationContext) => string;

export function oneArg(name: string, args: string[]): string {
  if (args.length !== 1)
    throw new Error(`$__${name}: unexpected number of arguments: expected 1 argument, received ${args.length}`);
  return args[0]!;
}

const MACROS: Record<string, Macro> = {
  fromTime: (_a, c) => toDateTime(c.from),
  toTime: (_a, c) => toDateTime(c.to),
  fromTime_ms: (_a, c) => toDateTime64(c.from),
  toTime_ms: (_a, c) => toDateTime64(c.to),
  timeFilter: (a, c) => {
    const col = oneArg('timeFilter', a);
    return `${col} >= ${toDateTime(c.from)} AND ${col} <= ${toDateTime(c.to)}`;
  },
  timeFilter_ms: (a, c) => {
    const col = oneArg('timeFilter_ms', a);
    return `${col} >= ${toDateTime64(c.from)} AND ${col} <= ${toDateTime64(c.to)}`;
  },
  dateFilter: (a, c) => {
    const col = oneArg('dateFilter', a);
    return `${col} >= ${toDate(c.from)} AND ${col} <= ${toDate(c.to)}`;
  },
  timeInterval: (a, c) =>
    `toStartOfInterval(toDateTime(${oneArg('timeInterval', a)}), INTERVAL ${Math.floor(Math.max(c.intervalMs / 1000, 1))} second)`,
  timeInterval_ms: (a, c) =>
    `toStartOfInterval(toDateTime64(${oneArg('timeInterval_ms', a)}, 3), INTERVAL ${Math.floor(Math.max(c.intervalMs, 1))} millisecond)`,
  interval_s: (_a, c) => String(Math.floor(Math.max(c.intervalMs / 1000, 1))),
};

/** sqlds parseArgs: the bracketed list right after the macro name, or none. */
function parseArgs(rest: string): { args: string[]; length: number } {
  if (!rest.startsWith('(')) return { args: [], length: 0 };
  const args: string[] = [];
  let depth = 0;
  let arg = '';
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i]!;
    if (ch === '(') {
      depth++;
      if (depth === 1) continue;
    } else if (ch === ')') {
      depth--;
      if (depth === 0) {
        args.push(arg.trim());
        return { args, length: i + 1 };
      }
    } else if (ch === ',' && depth === 1) {
      args.push(arg.trim());
      arg = '';
      continue;
    }
    arg += ch;
  }
  throw new Error('failed to parse macro arguments (missing close bracket?)');
}

/**
 * Expands every `$__name(args)` of `macros` in `sql` the way sqlds does (longest name first, arguments
 * split on depth-1 commas), then fails on any `$__` left. Grafana's expansions are MACROS below; the
 * live page (services/dashboard/sql.ts) passes its own, with bound parameters.
 */
export function expandMacros(sql: string, macros: Record<string, (args: string[]) => string>): string {
  const names = Object.keys(macros).sort((a, b) => b.length - a.length);
  for (const name of names) {
    const re = new RegExp(`\\$__${name}\\b`, 'g');
    const matches: { full: string; args: string[] }[] = [];
    for (const m of sql.matchAll(re)) {
      const end = m.index + m[0].length;
      const { args, length } = parseArgs(sql.substring(end));
      matches.push({ full: sql.substring(m.index, end + length), args });
    }
    for (const m of matches) sql = sql.split(m.full).join(macros[name]!(m.args));
  }
  const leftover = /\$__\w+/.exec(sql);
  if (leftover) throw new Error(`${leftover[0]} is neither a Grafana variable nor a clickhouse-datasource macro`);
  return sql;
}

export function applyMacros(sql: string, ctx: InterpolationContext): string {
  return expandMacros(
    sql,
    Object.fromEntries(Object.entries(MACROS).map(([name, macro]) => [name, (args: string[]) => macro(args, ctx)])),
  );
}

/** The full path: conditional alls, template variables, then backend macros. */
export function interpolate(rawSql: string, ctx: InterpolationContext): string {
  return applyMacros(replaceTemplateVariables(applyConditionalAll(rawSql, ctx.variables), ctx), ctx);
}

// ---------- the interval Grafana sends with a panel query ----------

// rangeutil.roundInterval from @grafana/data.
const ROUNDING: [number, number][] = [
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [350, 200],
  [750, 500],
  [1500, 1000],
  [3500, 2000],
  [7500, 5000],
  [12500, 10000],
  [17500, 15000],
  [25000, 20000],
  [45000, 30000],
  [90000, 60000],
  [210000, 120000],
  [450000, 300000],
  [750000, 600000],
  [1050000, 900000],
  [1500000, 1200000],
  [2700000, 1800000],
  [5400000, 3600000],
  [9000000, 7200000],
  [16200000, 10800000],
  [32400000, 21600000],
  [86400000, 43200000],
  [604800000, 86400000],
  [1814400000, 604800000],
  [3628800000, 2592000000],
];

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** rangeutil.calculateInterval: range / resolution rounded, never below the panel's min interval. */
export function grafanaIntervalMs(from: Date, to: Date, resolution: number, minInterval?: string): number {
  const raw = (to.getTime() - from.getTime()) / resolution;
  const rounded = ROUNDING.find(([limit]) => raw < limit)?.[1] ?? 31536000000;
  if (!minInterval) return rounded;
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(minInterval);
  if (!m) throw new Error(`unsupported interval ${minInterval}`);
  return Math.max(rounded, Number(m[1]) * UNIT_MS[m[2]!]!);
}
