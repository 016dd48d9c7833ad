/**
 * Inline SVG charts built as strings (no browser, no CDN): a stacked volume chart, a line chart,
 * horizontal bars and KPI tiles. Pure functions, so tests can check the geometry and escaping.
 */
import { zoneClock } from './zone.ts';

export const FONT = 'DejaVu Sans, Verdana, Arial, sans-serif';
export const COLORS = {
  negative: '#d64545',
  neutral: '#9aa5b1',
  positive: '#2f9e6e',
  line: '#3b5bdb',
  grid: '#e4e7eb',
  text: '#1f2933',
  muted: '#616e7c',
};

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const r1 = (n: number) => Math.round(n * 10) / 10;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (max <= min) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step)
    ticks.push(Math.round(v / step) * step);
  if (ticks[ticks.length - 1]! < max) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

function frame(box: Box, title: string, body: string): string {
  return `<g transform="translate(${box.x},${box.y})">
<rect width="${box.width}" height="${box.height}" rx="10" fill="#ffffff" stroke="${COLORS.grid}"/>
<text x="16" y="26" font-family="${FONT}" font-size="15" font-weight="bold" fill="${COLORS.text}">${escapeXml(title)}</text>
${body}
</g>`;
}

function timeLabel(t: number, spanMs: number, timeZone: string): string {
  const z = zoneClock(timeZone);
  return spanMs > 2 * 86_400_000 ? z.dayMonth(t) : z.time(t);
}

interface Plot {
  left: number;
  top: number;
  width: number;
  height: number;
}

function plotArea(box: Box): Plot {
  return { left: 56, top: 44, width: box.width - 56 - 20, height: box.height - 44 - 34 };
}

function yAxis(p: Plot, ticks: number[], lo: number, hi: number, format: (v: number) => string): string {
  return ticks
    .map((v) => {
      const y = r1(p.top + p.height - ((v - lo) / (hi - lo)) * p.height);
      return `<line x1="${p.left}" x2="${p.left + p.width}" y1="${y}" y2="${y}" stroke="${COLORS.grid}"/><text x="${p.left - 8}" y="${y + 4}" text-anchor="end" font-family="${FONT}" font-size="11" fill="${COLORS.muted}">${escapeXml(format(v))}</text>`;
    })
    .join('');
}

function xAxis(p: Plot, times: readonly number[], spanMs: number, timeZone: string): string {
  if (times.length === 0) return '';
  const every = Math.max(1, Math.ceil(times.length / 8));
  const step = p.width / times.length;
  return times
    .map((t, i) =>
      i % every === 0
        ? `<text x="${r1(p.left + i * step + step / 2)}" y="${p.top + p.height + 18}" text-anchor="middle" font-family="${FONT}" font-size="11" fill="${COLORS.muted}">${timeLabel(t, spanMs, timeZone)}</text>`
        : '',
    )
    .join('');
}

function legend(p: Plot, items: readonly [string, string][]): string {
  let x = p.left + p.width;
  return items
    .slice()
    .reverse()
    .map(([label, color]) => {
      x -= label.length * 7 + 26;
      return `<rect x="${x}" y="16" width="12" height="12" rx="2" fill="${color}"/><text x="${x + 16}" y="26" font-family="${FONT}" font-size="12" fill="${COLORS.muted}">${escapeXml(label)}</text>`;
    })
    .join('');
}

export interface StackedPoint {
  t: number;
  negative: number;
  neutral: number;
  positive: number;
}

/** Messages per bucket, stacked by sentiment. */
export function stackedVolumeChart(
  box: Box,
  title: string,
  points: readonly StackedPoint[],
  spanMs: number,
  timeZone = 'UTC',
): string {
  const p = plotArea(box);
  const max = Math.max(1, ...points.map((q) => q.negative + q.neutral + q.positive));
  const ticks = niceTicks(0, max);
  const hi = ticks[ticks.length - 1]!;
  const step = p.width / Math.max(1, points.length);
  const bw = Math.max(1, step * 0.8);
  const bars = points
    .map((q, i) => {
      let y = p.top + p.height;
      const x = r1(p.left + i * step + (step - bw) / 2);
      return (['negative', 'neutral', 'positive'] as const)
        .map((k) => {
          const h = (q[k] / hi) * p.height;
          y -= h;
          return h > 0 ? `<rect x="${x}" y="${r1(y)}" width="${r1(bw)}" height="${r1(h)}" fill="${COLORS[k]}"/>` : '';
        })
        .join('');
    })
    .join('');
  const body =
    yAxis(p, ticks, 0, hi, (v) => String(v)) +
    bars +
    xAxis(
      p,
      points.map((q) => q.t),
      spanMs,
      timeZone,
    ) +
    legend(p, [
      ['negative', COLORS.negative],
      ['neutral', COLORS.neutral],
      ['positive', COLORS.positive],
    ]);
  return frame(box, title, body);
}

/** One line over time; null values break the line (no data in that bucket). */
export function lineChart(
  box: Box,
  title: string,
  times: readonly number[],
  values: readonly (number | null)[],
  opts: { min: number; max: number; format: (v: number) => string; color?: string; zeroLine?: boolean },
  spanMs: number,
  timeZone = 'UTC',
): string {
  const p = plotArea(box);
  const ticks = niceTicks(opts.min, opts.max);
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const step = p.width / Math.max(1, times.length);
  const segments: string[] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (current.length) segments.push(current.join(' '));
      current = [];
      return;
    }
    const x = r1(p.left + i * step + step / 2);
    const y = r1(p.top + p.height - ((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo)) * p.height);
    current.push(`${current.length ? 'L' : 'M'}${x},${y}`);
  });
  if (current.length) segments.push(current.join(' '));
  const color = opts.color ?? COLORS.line;
  const zero =
    opts.zeroLine && lo < 0 && hi > 0
      ? `<line x1="${p.left}" x2="${p.left + p.width}" y1="${r1(p.top + p.height - ((0 - lo) / (hi - lo)) * p.height)}" y2="${r1(p.top + p.height - ((0 - lo) / (hi - lo)) * p.height)}" stroke="${COLORS.muted}" stroke-dasharray="4 3"/>`
      : '';
  const paths = segments
    .map((d) => `<path d="${d}" fill="none" stroke="${color}" stroke-width="2.2" stroke-linejoin="round"/>`)
    .join('');
  return frame(box, title, yAxis(p, ticks, lo, hi, opts.format) + zero + paths + xAxis(p, times, spanMs, timeZone));
}

export interface BarItem {
  label: string;
  value: number;
  /** Share of the bar drawn in the accent colour (e.g. negative share). */
  accent?: number;
  note?: string;
}

/** Horizontal bars, largest first. */
export function barChart(box: Box, title: string, items: readonly BarItem[]): string {
  const top = 44;
  const rowH = Math.min(30, (box.height - top - 12) / Math.max(1, items.length));
  const labelW = 110;
  const noteW = 150;
  const width = box.width - labelW - noteW - 24;
  const max = Math.max(1, ...items.map((i) => i.value));
  const rows = items
    .map((item, i) => {
      const y = r1(top + i * rowH);
      const w = (item.value / max) * width;
      const accent = w * Math.min(1, Math.max(0, item.accent ?? 0));
      return `<text x="${labelW}" y="${r1(y + rowH * 0.65)}" text-anchor="end" font-family="${FONT}" font-size="12" fill="${COLORS.text}">${escapeXml(item.label)}</text>
<rect x="${labelW + 8}" y="${r1(y + rowH * 0.15)}" width="${r1(w)}" height="${r1(rowH * 0.7)}" rx="3" fill="${COLORS.neutral}"/>
<rect x="${labelW + 8}" y="${r1(y + rowH * 0.15)}" width="${r1(accent)}" height="${r1(rowH * 0.7)}" rx="3" fill="${COLORS.negative}"/>
<text x="${r1(labelW + 14 + w)}" y="${r1(y + rowH * 0.65)}" font-family="${FONT}" font-size="11" fill="${COLORS.muted}">${escapeXml(item.note ?? String(item.value))}</text>`;
    })
    .join('');
  return frame(box, title, rows);
}

export interface Tile {
  label: string;
  value: string;
  detail?: string;
  tone?: 'good' | 'bad' | 'neutral';
}

/** A row of KPI tiles. */
export function tiles(box: Box, items: readonly Tile[]): string {
  const gap = 12;
  const w = (box.width - gap * (items.length - 1)) / items.length;
  return `<g transform="translate(${box.x},${box.y})">${items
    .map((t, i) => {
      const x = r1(i * (w + gap));
      const color = t.tone === 'bad' ? COLORS.negative : t.tone === 'good' ? COLORS.positive : COLORS.text;
      return `<g transform="translate(${x},0)"><rect width="${r1(w)}" height="${box.height}" rx="10" fill="#ffffff" stroke="${COLORS.grid}"/>
<text x="14" y="24" font-family="${FONT}" font-size="12" fill="${COLORS.muted}">${escapeXml(t.label)}</text>
<text x="14" y="58" font-family="${FONT}" font-size="${t.value.length > 9 ? Math.max(16, Math.floor((26 * 9) / t.value.length)) : 26}" font-weight="bold" fill="${color}">${escapeXml(t.value)}</text>
${t.detail ? `<text x="14" y="${box.height - 12}" font-family="${FONT}" font-size="11" fill="${COLORS.muted}">${escapeXml(t.detail)}</text>` : ''}</g>`;
    })
    .join('')}</g>`;
}
