import type { Comparison, DeadLetterSummary, PoisonOutcome } from './ledger.ts';

/**
 * The end-of-run table and its verdict (pure). `npm run chaos` exits 1 when a check fails:
 * anything acknowledged lost or duplicated, a partition blocked longer than the limit after its
 * fault ended, a record dead-lettered twice; also a poison record that vanished (neither stored
 * nor dead-lettered) and API poison answered 2xx instead of 4xx.
 */
export interface FaultResult {
  label: string;
  /** seconds after the load started */
  at: number;
  /** how long the fault itself lasted, s */
  lasted: number;
  /** s from the fault's end to every concerned partition (or the API) moving again; null = never */
  recovery: number | null;
  /** Other faults that began before this one had recovered (they delay its recovery). */
  overlapping: string[];
}

export interface ApiPoisonResult {
  kind: string;
  status: number | string;
  namesField: boolean;
}

export interface ChaosFigures {
  seed: number;
  durationS: number;
  acknowledged: number;
  requests: { total: number; retried503: number; retriedNetwork: number; other5xx: number; refused: number };
  comparisons: Comparison[];
  sentiment: { counted: number; inMinuteView: number };
  deadLetters: DeadLetterSummary;
  table: { rows: number; distinct: number };
  poison: PoisonOutcome[];
  apiPoison: ApiPoisonResult[];
  longestStall: { key: string; seconds: number } | null;
  worstBlockedAfterFault: { key: string; seconds: number } | null;
  faults: FaultResult[];
  unexpectedExits: Record<string, number>;
  blockedLimitS: number;
  /** os.loadavg() at the end (1, 5, 15 min): the figures depend on how busy the machine was. */
  loadAverage: number[];
}

/** `group|topic|partition` as a table cell can hold it: "group on topic/partition". */
export function partitionName(key: string): string {
  const [group, topic, partition] = key.split('|');
  return `${group} on ${topic}/${partition}`;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export function checks(f: ChaosFigures): Check[] {
  const lost = f.comparisons.reduce((n, c) => n + c.lost, 0);
  const dup = f.comparisons.reduce((n, c) => n + c.duplicated, 0);
  const sentimentDiff = f.sentiment.inMinuteView - f.sentiment.counted;
  const blocked = f.worstBlockedAfterFault?.seconds ?? 0;
  const vanished = f.poison.filter((p) => p.deadLetters === 0 && !p.stored);
  // Only a 4xx is the door refusing: 2xx let it in, and no answer at all proves nothing.
  const notRefused = f.apiPoison.filter((p) => !(typeof p.status === 'number' && p.status >= 400 && p.status < 500));
  return [
    {
      name: 'nothing acknowledged lost',
      ok: f.acknowledged > 0 && lost === 0,
      detail: `${lost} lost across ${f.comparisons.length} reads`,
    },
    {
      name: 'nothing duplicated',
      ok: dup === 0 && sentimentDiff === 0,
      detail: `${dup} duplicated ids; v_sentiment_minute ${sentimentDiff >= 0 ? '+' : ''}${sentimentDiff} vs counted messages`,
    },
    {
      name: `no partition blocked > ${f.blockedLimitS} s after its fault ended`,
      ok: blocked <= f.blockedLimitS,
      detail: f.worstBlockedAfterFault
        ? `worst ${blocked.toFixed(1)} s (${partitionName(f.worstBlockedAfterFault.key)})`
        : 'no stall',
    },
    {
      name: 'no record dead-lettered twice',
      ok: f.deadLetters.twice.length === 0,
      detail: `${f.deadLetters.twice.length} records with several dead letters`,
    },
    {
      name: 'every poison record in Kafka dead-lettered (or stored)',
      ok: vanished.length === 0,
      detail: vanished.length
        ? `vanished: ${vanished.map((p) => p.label).join(', ')}`
        : `${f.poison.length} of ${f.poison.length} accounted for`,
    },
    {
      name: 'API poison refused at the door (4xx)',
      ok: notRefused.length === 0,
      detail: `${f.apiPoison.length - notRefused.length} of ${f.apiPoison.length} refused`,
    },
  ];
}

const fmtS = (s: number | null) => (s === null ? 'never' : `${s.toFixed(1)} s`);

/** At most three names, then how many more. */
export function shortList(names: readonly string[]): string {
  if (names.length === 0) return '–';
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} +${names.length - 3}`;
}

export function renderTable(f: ChaosFigures): string {
  const lines: string[] = [];
  const row = (...cells: Array<string | number>) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push(
    `chaos run, seed ${f.seed}, ${Math.round(f.durationS)} s, load average ${f.loadAverage.map((x) => x.toFixed(1)).join(' / ')} (1/5/15 min)`,
    '',
  );
  lines.push('| Measure | Value |', '| --- | ---: |');
  row('acknowledged events (2xx)', f.acknowledged);
  row(
    'requests / resent after 503 / after a network error / other 5xx / refused (4xx)',
    `${f.requests.total} / ${f.requests.retried503} / ${f.requests.retriedNetwork} / ${f.requests.other5xx} / ${f.requests.refused}`,
  );
  for (const c of f.comparisons)
    row(`${c.name}: stored / lost / duplicated`, `${c.stored} / ${c.lost} / ${c.duplicated}`);
  row(
    'customer messages counted in v_messages / in v_sentiment_minute',
    `${f.sentiment.counted} / ${f.sentiment.inMinuteView}`,
  );
  row(
    'dead-letter topic: records / distinct source records / dead-lettered twice',
    `${f.deadLetters.records} / ${f.deadLetters.distinct} / ${f.deadLetters.twice.length}`,
  );
  row('dead_letters table: rows / distinct source records', `${f.table.rows} / ${f.table.distinct}`);
  for (const r of f.deadLetters.byReason) row(`dead letters ${r.stage} · ${r.reason}`, r.records);
  for (const p of f.poison)
    row(`poison ${p.label}: dead letters`, `${p.deadLetters}${p.stored ? ' (stored as an event)' : ''}`);
  for (const p of f.apiPoison) row(`API poison ${p.kind}: status${p.namesField ? ' (names the field)' : ''}`, p.status);
  row(
    'longest stall of any partition with lag',
    f.longestStall ? `${f.longestStall.seconds.toFixed(1)} s (${partitionName(f.longestStall.key)})` : '0 s',
  );
  row(
    'longest blocked after its fault ended',
    f.worstBlockedAfterFault
      ? `${f.worstBlockedAfterFault.seconds.toFixed(1)} s (${partitionName(f.worstBlockedAfterFault.key)})`
      : '0 s',
  );
  const exits = Object.entries(f.unexpectedExits).filter(([, n]) => n > 0);
  row(
    'unexpected exits (restarted by the harness)',
    exits.length ? exits.map(([k, n]) => `${k} ${n}`).join(', ') : 'none',
  );
  lines.push('', '| Fault | at | lasted | recovery | overlapped by |', '| --- | ---: | ---: | ---: | --- |');
  for (const x of f.faults)
    row(x.label, `${x.at.toFixed(0)} s`, `${x.lasted.toFixed(1)} s`, fmtS(x.recovery), shortList(x.overlapping));
  lines.push('', '| Check | Result |', '| --- | --- |');
  for (const c of checks(f)) row(c.name, `${c.ok ? 'ok' : 'FAILED'}: ${c.detail}`);
  return lines.join('\n');
}
