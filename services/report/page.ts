import { formatCount, formatDuration, formatPercent, formatSigned, rangeLabel } from './format.ts';
import { negativeShare, netSentiment, type ReportData } from './model.ts';
import { barChart, COLORS, escapeXml, FONT, lineChart, stackedVolumeChart, tiles, type Tile } from './svg.ts';
import { zoneClock } from './zone.ts';

/**
 * The report as one SVG page (rendered to PNG as is) and as a self-contained HTML document that
 * embeds the same SVG plus tables. Pure.
 */
export const PAGE_WIDTH = 1200;

/** Emoji have no glyph in the fonts the PNG renderer has: drop them from drawn text. */
function plain(text: string): string {
  return text
    .replace(/[\p{Extended_Pictographic}\u{FE0F}\u{200D}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function kpiTiles(r: ReportData): Tile[] {
  const net = netSentiment(r.totals);
  const neg = negativeShare(r.totals);
  const breaches = r.breaches.reduce((s, b) => s + b.open + b.closed, 0);
  return [
    {
      label: 'Net sentiment',
      value: formatSigned(net),
      detail: `${formatCount(r.totals.positive)} pos / ${formatCount(r.totals.negative)} neg`,
      tone: net === null ? 'neutral' : net >= 0 ? 'good' : 'bad',
    },
    {
      label: 'Negative share',
      value: formatPercent(neg),
      detail: `of ${formatCount(r.totals.messages)} messages`,
      tone: neg !== null && neg > 0.3 ? 'bad' : 'neutral',
    },
    { label: 'Volume', value: formatCount(r.totals.messages), detail: 'customer messages' },
    {
      label: 'First response p50 / p90',
      value: `${formatDuration(r.response.frtCalendarP50)} / ${formatDuration(r.response.frtCalendarP90)}`,
      detail: `business: ${formatDuration(r.response.frtBusinessP50)} / ${formatDuration(r.response.frtBusinessP90)}`,
    },
    {
      label: 'Unanswered backlog',
      value: formatCount(r.backlog.waiting),
      detail: `oldest ${formatDuration(r.backlog.oldestAgeS)}, ${formatCount(r.backlog.breached)} past SLA`,
      tone: r.backlog.breached > 0 ? 'bad' : 'neutral',
    },
    {
      label: 'SLA breaches',
      value: formatCount(breaches),
      detail: r.alerts === null ? 'alerts: n/a' : `${r.alerts.length} spike alert${r.alerts.length === 1 ? '' : 's'}`,
      tone: breaches > 0 ? 'bad' : 'good',
    },
  ];
}

export function reportSvg(r: ReportData): string {
  const span = r.to - r.from;
  const zone = zoneClock(r.timeZone);
  const W = PAGE_WIDTH;
  const M = 24;
  const inner = W - 2 * M;
  const half = (inner - 16) / 2;
  const parts: string[] = [];
  let y = M;
  const header = `<text x="${M}" y="${y + 26}" font-family="${FONT}" font-size="26" font-weight="bold" fill="${COLORS.text}">Brand health: ${escapeXml(r.brand)}</text>
<text x="${W - M}" y="${y + 26}" text-anchor="end" font-family="${FONT}" font-size="13" fill="${COLORS.muted}">${escapeXml(rangeLabel(r.from, r.to, r.timeZone))} · brandpulse</text>`;
  parts.push(header);
  y += 44;
  parts.push(tiles({ x: M, y, width: inner, height: 84 }, kpiTiles(r)));
  y += 84 + 16;
  parts.push(
    stackedVolumeChart(
      { x: M, y, width: inner, height: 230 },
      'Customer messages by sentiment',
      r.series,
      span,
      r.timeZone,
    ),
  );
  y += 230 + 16;
  const times = r.series.map((p) => p.t);
  parts.push(
    lineChart(
      { x: M, y, width: half, height: 210 },
      'Net sentiment',
      times,
      r.series.map(netSentiment),
      { min: -1, max: 1, format: (v) => v.toFixed(1), zeroLine: true },
      span,
      r.timeZone,
    ),
  );
  parts.push(
    lineChart(
      { x: M + half + 16, y, width: half, height: 210 },
      'Negative share',
      times,
      r.series.map(negativeShare),
      {
        min: 0,
        max: Math.max(0.2, ...r.series.map((p) => negativeShare(p) ?? 0)),
        format: (v) => `${Math.round(v * 100)}%`,
        color: COLORS.negative,
      },
      span,
      r.timeZone,
    ),
  );
  y += 210 + 16;
  const bars = (items: ReportData['platforms']) =>
    [...items]
      .sort((a, b) => b.messages - a.messages)
      .slice(0, 8)
      .map((b) => ({
        label: b.key,
        value: b.messages,
        accent: negativeShare(b) ?? 0,
        note: `${formatCount(b.messages)} · ${formatPercent(negativeShare(b))} neg`,
      }));
  parts.push(barChart({ x: M, y, width: half, height: 250 }, 'Platforms (red: negative share)', bars(r.platforms)));
  parts.push(
    barChart({ x: M + half + 16, y, width: half, height: 250 }, 'Languages (red: negative share)', bars(r.languages)),
  );
  y += 250 + 16;
  // Alerts and the latest negative messages, as text.
  const lines: string[] = [];
  if (r.alerts === null) lines.push('Spike alerts: not available (no alert_annotations view)');
  else if (r.alerts.length === 0) lines.push('Spike alerts: none in this period');
  else
    for (const a of r.alerts.slice(0, 4))
      lines.push(
        `ALERT ${zone.time(a.startedAt)} ${a.platform || 'all'}${a.endedAt === null ? ' (ongoing)' : ''}: ${clip(plain(a.summary), 120)}`,
      );
  for (const m of r.negativeSamples.slice(0, 5))
    lines.push(`${zone.time(m.postedAt)} ${m.platform}/${m.language}: “${clip(plain(m.text), 110)}”`);
  const boxH = 44 + lines.length * 20 + 8;
  parts.push(`<g transform="translate(${M},${y})"><rect width="${inner}" height="${boxH}" rx="10" fill="#ffffff" stroke="${COLORS.grid}"/>
<text x="16" y="26" font-family="${FONT}" font-size="15" font-weight="bold" fill="${COLORS.text}">Alerts and latest negative messages</text>
${lines.map((l, i) => `<text x="16" y="${50 + i * 20}" font-family="${FONT}" font-size="12" fill="${l.startsWith('ALERT') ? COLORS.negative : COLORS.text}">${escapeXml(l)}</text>`).join('\n')}</g>`);
  y += boxH + M;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}"><rect width="100%" height="100%" fill="#f5f7fa"/>${parts.join('\n')}</svg>`;
}

export function reportHtml(r: ReportData, svg: string): string {
  const zone = zoneClock(r.timeZone);
  const tz = escapeXml(zone.label(r.to));
  const row = (cells: string[]) => `<tr>${cells.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`;
  const alerts =
    r.alerts === null
      ? '<p>Alerts are not available: the <code>alert_annotations</code> view does not exist (alerter migration not applied).</p>'
      : r.alerts.length === 0
        ? '<p>No spike alerts in this period.</p>'
        : `<table><tr><th>started (${tz})</th><th>ended</th><th>platform</th><th>summary</th></tr>${r.alerts
            .map((a) =>
              row([
                zone.dateTime(a.startedAt),
                a.endedAt ? zone.dateTime(a.endedAt) : 'ongoing',
                a.platform || 'all',
                a.summary,
              ]),
            )
            .join('')}</table>`;
  const samples =
    r.negativeSamples.length === 0
      ? '<p>None.</p>'
      : `<table><tr><th>posted (${tz})</th><th>platform</th><th>language</th><th>score</th><th>text</th></tr>${r.negativeSamples
          .map((m) =>
            row([
              zone.dateTime(m.postedAt),
              m.platform,
              m.language,
              m.score === null ? '' : m.score.toFixed(2),
              m.text,
            ]),
          )
          .join('')}</table>`;
  const breaches =
    r.breaches.length === 0
      ? '<p>No SLA breaches.</p>'
      : `<table><tr><th>metric</th><th>still open</th><th>closed</th></tr>${r.breaches.map((b) => row([b.metric, String(b.open), String(b.closed)])).join('')}</table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Brand health: ${escapeXml(r.brand)}</title>
<style>body{font-family:${FONT};background:#f5f7fa;color:#1f2933;margin:0;padding:16px}main{max-width:${PAGE_WIDTH}px;margin:auto}
svg{max-width:100%;height:auto}table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0 24px}td,th{border:1px solid #e4e7eb;padding:6px 8px;font-size:13px;text-align:left}h2{font-size:18px;margin-top:24px}</style></head>
<body><main>
${svg}
<h2>SLA breaches</h2>${breaches}
<h2>Spike alerts</h2>${alerts}
<h2>Latest negative customer messages</h2>${samples}
<p style="color:#616e7c;font-size:12px">Generated by <code>brandpulse report --brand ${escapeXml(r.brand)}</code> from the ClickHouse analyst views. Net sentiment = (positive − negative) / (positive + negative); negative share = negative / all customer messages; first response time per metrics.md (calendar and business hours).</p>
</main></body></html>`;
}
