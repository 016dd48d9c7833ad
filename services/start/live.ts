/**
 * What `npm start` shows while it runs, computed without side effects (unit-tested): a compact
 * live line from the services' /metrics, and the spike alerts the alerter stored, written for a
 * person. services/start/watch.ts does the reading and the printing.
 */
import type { AlertEvent } from '../alerter/alert.ts';

/** Sum of every sample of `name` in a Prometheus text exposition whose labels include `match`. */
export function metricSum(text: string, name: string, match: Readonly<Record<string, string>> = {}): number | null {
  let found = false;
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    const m = /^[^{\s]+(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries(
      [...(m[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]),
    );
    if (Object.entries(match).some(([k, v]) => labels[k] !== v)) continue;
    const v = Number(m[2]);
    if (!Number.isFinite(v)) continue;
    found = true;
    sum += v;
  }
  return found ? sum : null;
}

/** One reading of the pipeline: counters as totals (events accepted, events stored) and lag per service. */
export interface Reading {
  at: number;
  accepted: number | null;
  stored: number | null;
  lag: Record<string, number | null>;
}

export interface OpenAlert {
  brand: string;
  platform: string;
}

function rate(now: number | null, before: number | null, seconds: number): string {
  if (now === null || before === null || seconds <= 0) return '–';
  const r = Math.max(0, now - before) / seconds;
  return r >= 100 ? r.toFixed(0) : r.toFixed(1);
}

/** `live  in 5.2 ev/s  stored 5.1 ev/s  lag enricher 0 · sink 12 · alerter 0  alerts open 1: acme (all platforms)` */
export function liveLine(now: Reading, before: Reading | null, open: readonly OpenAlert[]): string {
  const seconds = before ? (now.at - before.at) / 1000 : 0;
  const lag = Object.entries(now.lag)
    .map(([service, n]) => `${service} ${n === null ? '–' : n}`)
    .join(' · ');
  const alerts = open.length === 0 ? 'alerts open 0' : `alerts open ${open.length}: ${open.map(alertKey).join(', ')}`;
  const inRate = rate(now.accepted, before?.accepted ?? null, seconds);
  const storedRate = rate(now.stored, before?.stored ?? null, seconds);
  return `live  in ${inRate} ev/s  stored ${storedRate} ev/s  lag ${lag}  ${alerts}`;
}

function alertKey(a: OpenAlert): string {
  return `${a.brand} (${a.platform || 'all platforms'})`;
}

/** An alert event as the alerts table holds it: the alerter's fields, samples opened to their texts and terms to words. */
export type StoredAlert = Pick<
  AlertEvent,
  | 'alert_id'
  | 'kind'
  | 'brand'
  | 'platform'
  | 'started_at'
  | 'detected_at'
  | 'ended_at'
  | 'window_s'
  | 'observed'
  | 'baseline'
  | 'ratio'
  | 'peak_ratio'
  | 'negative_share'
  | 'baseline_share'
> & { sample_messages: string[]; top_terms: string[] };

/** HH:MM:SS in `timeZone` (the brand's), with the zone named once per alert. */
function clock(t: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(t);
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const oneLine = (s: string, max: number) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * A spike alert written for a person: who, how far above normal, since when, what people say.
 * `history` marks an alert decided on backfilled (old) events rather than live ones.
 */
export function describeStoredAlert(a: StoredAlert, timeZone: string, history = false): string {
  const where = `${a.brand}, ${a.platform || 'all platforms'}`;
  const zone = `(${timeZone})`;
  if (a.kind === 'end') {
    const ended = a.ended_at ?? a.detected_at;
    const span = `${clock(a.started_at, timeZone)} → ${clock(ended, timeZone)} ${zone}`;
    return `ALERT OVER  negative spike for ${where}: ${span}, peak ${a.peak_ratio.toFixed(1)}× normal`;
  }
  const minutes = a.window_s >= 60 ? `${a.window_s / 60} min` : `${a.window_s} s`;
  const lines = [
    `ALERT  negative spike for ${where}${history ? ' (in the backfilled history)' : ''}: ` +
      `${a.observed} negative messages in ${minutes}, ${a.ratio.toFixed(1)}× normal (${a.baseline.toFixed(1)} expected), ` +
      `negative share ${pct(a.negative_share)} vs ${pct(a.baseline_share)} usually, ` +
      `since ${clock(a.started_at, timeZone)} ${zone}`,
  ];
  if (a.top_terms.length > 0) lines.push(`  top terms: ${a.top_terms.join(', ')}`);
  for (const text of a.sample_messages.filter((t) => t !== '')) lines.push(`  > ${oneLine(text, 110)}`);
  return lines.join('\n');
}
