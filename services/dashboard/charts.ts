import { escapeHtml, formatInstant, formatTick, wallClock } from './format.ts';

/**
 * Server-side SVG time charts for the page: lines (nulls break the line) and stacked bars, on the
 * buckets Grafana would draw. Each point carries its instant and value (data-t, data-v) and a
 * tooltip in the brand's time zone. Pure.
 */
export const PALETTE = ['#3b5bdb', '#d64545', '#2f9e6e', '#f08c00', '#7048e8', '#1098ad', '#c2255c', '#5c940d'];
const GRID = '#e4e7eb';
const MUTED = '#616e7c';
const FONT = 'font-family="DejaVu Sans, Verdana, Arial, sans-serif"';

export interface Series {
  name: string;
  color: string;
  /** One value per bucket; null = no data. */
  values: (number | null)[];
}

export interface ChartSpec {
  /** Bucket starts, epoch ms. */
  buckets: number[];
  intervalMs: number;
  series: Series[];
  kind: 'line' | 'stacked';
  format: (v: number) => string;
  timeZone: string;
  min?: number;
  max?: number;
  /** The values are durations in seconds: ticks at round minutes and hours. */
  durations?: boolean;
  /** Dashed horizontal lines, e.g. the negative-share thresholds. */
  marks?: { value: number; color: string }[];
}

const W = 560;
const H = 220;
const PLOT = { left: 52, top: 12, right: 12, bottom: 26 };
const r1 = (n: number) => Math.round(n * 10) / 10;

/** The bucket starts from `from` to `to`, aligned like ClickHouse's toStartOfInterval (multiples since the epoch). */
export function bucketsOf(from: number, to: number, intervalMs: number): number[] {
  const out: number[] = [];
  for (let t = Math.floor(from / intervalMs) * intervalMs; t <= to; t += intervalMs) out.push(t);
  return out;
}

const MIN = 60_000;
const TICK_STEPS = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * MIN);

/**
 * Where the time axis gets a label: at round wall-clock times of the brand's zone (every hour, every
 * midnight …, at most ~7), on the bucket that contains one; the label is that round time.
 */
export function timeTicks(
  buckets: readonly number[],
  intervalMs: number,
  timeZone: string,
): { index: number; at: number }[] {
  if (buckets.length === 0) return [];
  const span = buckets[buckets.length - 1]! + intervalMs - buckets[0]!;
  const step = TICK_STEPS.find((s) => span / s <= 7) ?? TICK_STEPS[TICK_STEPS.length - 1]!;
  const ticks: { index: number; at: number }[] = [];
  buckets.forEach((t, index) => {
    const start = wallClock(t, timeZone);
    const end = wallClock(t + intervalMs, timeZone);
    // The first round time at or after the bucket's start, if it falls inside the bucket.
    const round = Math.ceil(start / step) * step;
    if (round < end) ticks.push({ index, at: t + (round - start) });
  });
  return ticks;
}

const DURATION_STEPS = [
  1, 5, 10, 15, 30, 60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
];

/** Round tick values covering [min, max]; for durations (seconds), round minutes, hours and days. */
export function niceTicks(min: number, max: number, count = 4, durations = false): number[] {
  if (max <= min) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step =
    (durations ? DURATION_STEPS.find((s) => s >= raw) : undefined) ??
    [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step)
    ticks.push(Math.round(v / step) * step);
  if (ticks[ticks.length - 1]! < max) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

function range(spec: ChartSpec): [number, number] {
  const totals =
    spec.kind === 'stacked'
      ? spec.buckets.map((_, i) => spec.series.reduce((s, x) => s + (x.values[i] ?? 0), 0))
      : spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const marks = (spec.marks ?? []).map((m) => m.value);
  const lo = spec.min ?? Math.min(0, ...totals, ...marks);
  const hi = spec.max ?? Math.max(lo + 1e-9, ...totals, ...marks);
  const ticks = niceTicks(lo, hi, 4, spec.durations);
  return [ticks[0]!, ticks[ticks.length - 1]!];
}

export function timeChart(spec: ChartSpec): string {
  const pw = W - PLOT.left - PLOT.right;
  const ph = H - PLOT.top - PLOT.bottom;
  const [lo, hi] = range(spec);
  const y = (v: number) => r1(PLOT.top + ph - ((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo)) * ph);
  const n = Math.max(1, spec.buckets.length);
  const step = pw / n;
  const x = (i: number) => r1(PLOT.left + i * step + step / 2);
  const span = (spec.buckets[spec.buckets.length - 1] ?? 0) + spec.intervalMs - (spec.buckets[0] ?? 0);
  const tip = (i: number, name: string, v: number) =>
    `<title>${escapeHtml(`${formatInstant(spec.buckets[i]!, spec.timeZone)} · ${name}: ${spec.format(v)}`)}</title>`;
  const label = (px: number, py: number, anchor: string, text: string) =>
    `<text x="${px}" y="${py}" text-anchor="${anchor}" ${FONT} font-size="11" fill="${MUTED}">${escapeHtml(text)}</text>`;
  const rule = (value: number, stroke: string, dash = '') =>
    `<line x1="${PLOT.left}" x2="${W - PLOT.right}" y1="${y(value)}" y2="${y(value)}" stroke="${stroke}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
  const parts: string[] = [];
  for (const t of niceTicks(lo, hi, 4, spec.durations)) {
    parts.push(rule(t, GRID));
    parts.push(label(PLOT.left - 6, y(t) + 4, 'end', spec.format(t)));
  }
  for (const { index, at } of timeTicks(spec.buckets, spec.intervalMs, spec.timeZone)) {
    // A label near the right edge ends there instead of being cut.
    const anchor = x(index) > W - PLOT.right - 16 ? 'end' : 'middle';
    parts.push(label(x(index), H - 8, anchor, formatTick(at, span, spec.timeZone)));
  }
  for (const m of spec.marks ?? []) parts.push(rule(m.value, m.color, '5 4'));
  if (spec.kind === 'stacked') {
    const base = spec.buckets.map(() => 0);
    const bw = r1(Math.max(1, step * 0.8));
    for (const s of spec.series) {
      const bars = s.values.map((v, i) => {
        if (!v) return '';
        const top = y(base[i]! + v);
        const h = r1(y(base[i]!) - top);
        base[i]! += v;
        const box = `x="${r1(x(i) - bw / 2)}" y="${top}" width="${bw}" height="${Math.max(h, 0.5)}"`;
        return `<rect ${box} fill="${s.color}" data-t="${spec.buckets[i]}" data-v="${v}">${tip(i, s.name, v)}</rect>`;
      });
      parts.push(`<g data-series="${escapeHtml(s.name)}">${bars.join('')}</g>`);
    }
  } else {
    for (const s of spec.series) {
      const segments: string[] = [];
      let current = '';
      const dots: string[] = [];
      s.values.forEach((v, i) => {
        if (v === null) {
          if (current) segments.push(current);
          current = '';
          return;
        }
        current += `${current ? 'L' : 'M'}${x(i)},${y(v)}`;
        const dot = `cx="${x(i)}" cy="${y(v)}" r="2.5" fill="${s.color}"`;
        dots.push(`<circle ${dot} data-t="${spec.buckets[i]}" data-v="${v}">${tip(i, s.name, v)}</circle>`);
      });
      if (current) segments.push(current);
      const paths = segments
        .map((d) => `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"/>`)
        .join('');
      parts.push(`<g data-series="${escapeHtml(s.name)}">${paths}${dots.join('')}</g>`);
    }
  }
  const legend =
    spec.series.length > 1 || spec.kind === 'stacked'
      ? `<div class="legend">${spec.series.map((s) => `<span><i style="background:${s.color}"></i>${escapeHtml(s.name)}</span>`).join('')}</div>`
      : '';
  return `<svg viewBox="0 0 ${W} ${H}" role="img" preserveAspectRatio="xMidYMid meet">${parts.join('')}</svg>${legend}`;
}

/** One series per value column of time-bucketed rows (`time` plus numbers). */
export function columnsAsSeries(
  rows: Record<string, unknown>[],
  buckets: number[],
  columns: { column: string; name: string; color: string }[],
): Series[] {
  const index = new Map(buckets.map((t, i) => [t, i]));
  return columns.map(({ column, name, color }) => {
    const values: (number | null)[] = buckets.map(() => null);
    for (const r of rows) {
      const i = index.get(Date.parse(String(r.time)));
      const v = r[column];
      if (i !== undefined && v !== null && v !== undefined) values[i] = Number(v);
    }
    return { name, color, values };
  });
}

/** One series per value of `group` (e.g. platform) from rows of `time`, group, value. */
export function groupsAsSeries(
  rows: Record<string, unknown>[],
  buckets: number[],
  group: string,
  value: string,
): Series[] {
  const index = new Map(buckets.map((t, i) => [t, i]));
  const byGroup = new Map<string, (number | null)[]>();
  for (const r of rows) {
    const i = index.get(Date.parse(String(r.time)));
    if (i === undefined) continue;
    const key = String(r[group]);
    let values = byGroup.get(key);
    if (!values) byGroup.set(key, (values = buckets.map(() => null)));
    values[i] = (values[i] ?? 0) + Number(r[value] ?? 0);
  }
  return [...byGroup.keys()]
    .sort()
    .map((name, k) => ({ name, color: PALETTE[k % PALETTE.length]!, values: byGroup.get(name)! }));
}
