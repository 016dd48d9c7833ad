import { bucketsOf, columnsAsSeries, groupsAsSeries, PALETTE, timeChart, type ChartSpec } from './charts.ts';
import type { DashboardData, PanelKey, PanelResult, Row } from './data.ts';
import { PAGE_PANELS } from './data.ts';
import {
  escapeHtml,
  formatClock,
  formatCount,
  formatDuration,
  formatInstant,
  formatInterval,
  formatPercent,
  formatSigned,
  instant,
  numberOrNull,
  zoneName,
} from './format.ts';

/**
 * The page as HTML: a header with the brand selector and the time range (a plain GET form, so it
 * works without script), and the panels, which a small inline script re-fetches from /panels every
 * few seconds. Every number is also in a data-value attribute, for people's tools and the browser
 * test. Pure.
 */
export const RANGES = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
} as const;
export type RangeKey = keyof typeof RANGES;

export interface PageContext {
  brands: string[];
  range: RangeKey;
  refreshMs: number;
}

const e = escapeHtml;
const attr = (v: number | null) => (v === null ? '' : String(v));

function panel(key: PanelKey, body: string, wide = false, note = ''): string {
  const title = `${e(PAGE_PANELS[key].title)}${note ? ` <small>${e(note)}</small>` : ''}`;
  return `<section class="panel${wide ? ' wide' : ''}" data-panel="${key}"><h2>${title}</h2>${body}</section>`;
}

function failed(r: PanelResult): string | null {
  return r.error === undefined ? null : `<p class="error" data-error>query failed: ${e(r.error)}</p>`;
}

function stat(
  key: PanelKey | 'openAlerts',
  value: number | null,
  text: string,
  tone: 'good' | 'bad' | 'warn' | '' = '',
): string {
  const title = key === 'openAlerts' ? 'Open spike alerts' : PAGE_PANELS[key].title;
  return (
    `<section class="panel stat ${tone}" data-panel="${key}"><h2>${e(title)}</h2>` +
    `<output data-value="${attr(value)}">${e(text)}</output></section>`
  );
}

function table(headers: string[], rows: string[][], raw: Set<number> = new Set()): string {
  if (rows.length === 0) return '<p class="empty">Nothing in this range.</p>';
  const th = headers.map((h) => `<th>${e(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c, i) => `<td>${raw.has(i) ? c : e(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

function worse(v: number | null, warn: number, crit: number): 'good' | 'warn' | 'bad' {
  return v === null || v < warn ? 'good' : v < crit ? 'warn' : 'bad';
}

function timeseries(
  d: DashboardData,
  key: PanelKey,
  build: (rows: Row[], buckets: number[]) => Omit<ChartSpec, 'intervalMs'>,
  wide = false,
): string {
  const r = d.panels[key];
  const err = failed(r);
  if (err) return panel(key, err, wide);
  const buckets = bucketsOf(d.from, d.to, r.intervalMs);
  return panel(
    key,
    timeChart({ ...build(r.rows!, buckets), intervalMs: r.intervalMs }),
    wide,
    `per ${formatInterval(r.intervalMs)}`,
  );
}

export function panelsHtml(d: DashboardData): string {
  const tz = d.timeZone;
  const p = d.panels;
  const out: string[] = [];

  const backlog = p.backlog.rows ? (numberOrNull(p.backlog.rows[0]?.waiting) ?? 0) : null;
  const oldest = p.oldest.rows && backlog ? numberOrNull(p.oldest.rows[0]?.oldest) : null;
  const rate = p.responseRate.rows ? numberOrNull(p.responseRate.rows[0]?.response_rate) : null;
  const open = p.spikeAlerts.rows ? p.spikeAlerts.rows.filter((a) => a.ended_at === null).length : null;
  out.push(`<div class="stats">`);
  out.push(
    p.backlog.error
      ? panel('backlog', failed(p.backlog)!)
      : stat('backlog', backlog, formatCount(backlog), worse(backlog, 20, 50)),
  );
  out.push(
    p.oldest.error
      ? panel('oldest', failed(p.oldest)!)
      : stat('oldest', oldest, formatDuration(oldest), worse(oldest, 3600, 4 * 3600)),
  );
  out.push(
    p.responseRate.error
      ? panel('responseRate', failed(p.responseRate)!)
      : stat(
          'responseRate',
          rate,
          formatPercent(rate),
          rate === null ? '' : rate >= 0.95 ? 'good' : rate >= 0.8 ? 'warn' : 'bad',
        ),
  );
  out.push(stat('openAlerts', open, open === null ? '–' : String(open), open ? 'bad' : 'good'));
  out.push(`</div><div class="grid">`);

  out.push(
    timeseries(d, 'netSentiment', (rows, buckets) => ({
      buckets,
      kind: 'line',
      timeZone: tz,
      min: -1,
      max: 1,
      format: (v) => v.toFixed(1),
      series: columnsAsSeries(rows, buckets, [{ column: 'net_sentiment', name: 'net sentiment', color: PALETTE[0]! }]),
      marks: [
        { value: -0.2, color: '#d64545' },
        { value: 0, color: '#f08c00' },
      ],
    })),
  );
  out.push(
    timeseries(d, 'negativeShare', (rows, buckets) => ({
      buckets,
      kind: 'line',
      timeZone: tz,
      min: 0,
      max: 1,
      format: (v) => `${Math.round(v * 100)}%`,
      series: columnsAsSeries(rows, buckets, [{ column: 'negative_share', name: 'negative share', color: '#d64545' }]),
      marks: [
        { value: 0.25, color: '#f08c00' },
        { value: 0.4, color: '#d64545' },
      ],
    })),
  );
  out.push(
    timeseries(d, 'volumeByPlatform', (rows, buckets) => ({
      buckets,
      kind: 'stacked',
      timeZone: tz,
      format: (v) => formatCount(v),
      series: groupsAsSeries(rows, buckets, 'platform', 'messages'),
    })),
  );

  const langs = p.sentimentByLanguage;
  out.push(
    panel(
      'sentimentByLanguage',
      failed(langs) ??
        table(
          ['language', 'net sentiment', 'negative share', 'volume'],
          langs.rows!.map((r) => {
            const net = numberOrNull(r.net_sentiment);
            const neg = numberOrNull(r.negative_share);
            const vol = numberOrNull(r.volume);
            return [
              `<span data-language="${e(String(r.language))}">${e(String((r.language as string | null) || 'unknown'))}</span>`,
              `<span data-value="${attr(net)}">${e(formatSigned(net))}</span>`,
              `<span data-value="${attr(neg)}">${e(formatPercent(neg))}</span>`,
              `<span data-value="${attr(vol)}">${e(formatCount(vol))}</span>`,
            ];
          }),
          new Set([0, 1, 2, 3]),
        ),
    ),
  );

  out.push(
    timeseries(d, 'firstResponse', (rows, buckets) => ({
      buckets,
      kind: 'line',
      timeZone: tz,
      format: (v) => formatDuration(v),
      durations: true,
      series: columnsAsSeries(rows, buckets, [
        { column: 'p50', name: 'p50', color: PALETTE[0]! },
        { column: 'p90', name: 'p90', color: PALETTE[3]! },
        { column: 'sla_target', name: 'SLA target', color: '#9aa5b1' },
      ]),
    })),
  );
  out.push(
    timeseries(d, 'slaBreaches', (rows, buckets) => ({
      buckets,
      kind: 'stacked',
      timeZone: tz,
      format: (v) => formatCount(v),
      series: groupsAsSeries(rows, buckets, 'metric', 'breaches'),
    })),
  );

  const waits = p.longestWaits;
  out.push(
    panel(
      'longestWaits',
      failed(waits) ??
        table(
          ['thread', 'platform', 'language', 'waiting since', 'waiting', 'messages', 'SLA'],
          waits.rows!.map((r) => {
            const since = instant(r.waiting_since);
            const s = numberOrNull(r.waiting_s);
            return [
              e(String(r.thread_id)),
              e(String(r.platform)),
              e(String((r.language as string | null) || 'unknown')),
              since === null
                ? '–'
                : `<time datetime="${new Date(since).toISOString()}">${e(formatInstant(since, tz))}</time>`,
              `<span data-value="${attr(s)}">${e(formatDuration(s))}</span>`,
              e(formatCount(numberOrNull(r.waiting_messages))),
              Number(r.past_sla) === 1
                ? '<b class="bad">past SLA</b>'
                : numberOrNull(r.past_sla) === null
                  ? 'no SLA'
                  : 'within',
            ];
          }),
          new Set([0, 1, 2, 3, 4, 5, 6]),
        ),
      true,
    ),
  );

  const alerts = p.spikeAlerts;
  out.push(
    panel(
      'spikeAlerts',
      failed(alerts) ??
        (alerts.rows!.length === 0
          ? '<p class="empty">No spike alert in this range.</p>'
          : `<ol class="alerts">${alerts
              .rows!.map((a) => {
                const started = instant(a.started_at);
                const ended = instant(a.ended_at);
                const samples = Array.isArray(a.sample_messages) ? (a.sample_messages as unknown[]).map(String) : [];
                const when = `${started === null ? '?' : formatInstant(started, tz)} → ${ended === null ? 'ongoing' : formatInstant(ended, tz)}`;
                return (
                  `<li class="${ended === null ? 'open' : 'ended'}" data-alert-started="${attr(started)}">` +
                  `<p><time>${e(when)}</time> · <b>${e(String(a.platform))}</b>` +
                  ` · peak ${e(String(a.peak_ratio))}× normal</p><p class="summary">${e(String(a.summary))}</p>` +
                  (samples.length
                    ? `<ul class="samples">${samples.map((m) => `<li>“${e(m)}”</li>`).join('')}</ul>`
                    : '') +
                  '</li>'
                );
              })
              .join('')}</ol>`),
      true,
    ),
  );
  out.push('</div>');
  out.push(
    `<p class="updated" data-updated="${d.to}">Updated ${e(formatClock(d.to, tz))} ${e(zoneName(d.to, tz))}</p>`,
  );
  return out.join('\n');
}

const STYLE = `body{font-family:DejaVu Sans,Verdana,Arial,sans-serif;background:#f5f7fa;color:#1f2933;margin:0}
header{display:flex;flex-wrap:wrap;gap:16px;align-items:center;padding:12px 20px;background:#fff;border-bottom:1px solid #e4e7eb}
header h1{font-size:20px;margin:0 auto 0 0}
header label{font-size:13px;color:#616e7c}
select{font-size:14px;padding:3px}
main{padding:16px 20px;max-width:1400px;margin:auto}
.stats{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin-bottom:12px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:12px}
.panel{background:#fff;border:1px solid #e4e7eb;border-radius:10px;padding:10px 14px}
.panel.wide{grid-column:1/-1}
.panel h2{font-size:15px;margin:0 0 6px}
.panel h2 small{font-weight:normal;color:#616e7c;font-size:12px}
.stat output{font-size:30px;font-weight:bold}
.stat.good output{color:#2f9e6e}
.stat.warn output{color:#f08c00}
.stat.bad output{color:#d64545}
svg{width:100%;height:auto}
.legend{font-size:12px;color:#616e7c;display:flex;gap:12px;flex-wrap:wrap}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}
table{border-collapse:collapse;width:100%;font-size:13px}
td,th{border-bottom:1px solid #e4e7eb;padding:4px 6px;text-align:left}
.alerts{margin:0;padding-left:20px}
.alerts>li{margin-bottom:10px}
.alerts li.open time{color:#d64545;font-weight:bold}
.alerts p{margin:2px 0}
.summary{font-size:13px}
.samples{font-size:13px;color:#3e4c59}
.bad{color:#d64545}
.error{color:#d64545;font-size:13px}
.empty{color:#616e7c;font-size:13px}
.updated{color:#616e7c;font-size:12px}
#stale{display:none;color:#d64545;font-size:13px}
#stale.on{display:inline}`;

/** Re-fetches the panels with the same query string; waits for one answer before asking again. */
function refreshScript(refreshMs: number): string {
  return `<script>
(() => {
  const panels = document.getElementById('panels');
  const stale = document.getElementById('stale');
  const tick = async () => {
    if (!document.hidden) {
      try {
        const res = await fetch('/panels' + location.search, { cache: 'no-store' });
        if (!res.ok) throw new Error(res.status);
        panels.innerHTML = await res.text();
        stale.classList.remove('on');
      } catch { stale.classList.add('on'); }
    }
    setTimeout(tick, ${refreshMs});
  };
  setTimeout(tick, ${refreshMs});
})();
</script>`;
}

export function pageHtml(d: DashboardData, c: PageContext): string {
  const options = (values: string[], selected: string) =>
    values.map((v) => `<option value="${e(v)}"${v === selected ? ' selected' : ''}>${e(v)}</option>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Brand health: ${e(d.brand)} · brandpulse</title><style>${STYLE}</style></head>
<body data-brand="${e(d.brand)}" data-time-zone="${e(d.timeZone)}">
<header><h1>Brand health: ${e(d.brand)}</h1>
<form method="get" action="/">
<label>Brand <select name="brand" onchange="this.form.submit()">${options(c.brands, d.brand)}</select></label>
<label>Last <select name="range" onchange="this.form.submit()">${options(Object.keys(RANGES), c.range)}</select></label>
<noscript><button>Show</button></noscript>
</form>
<span class="tz">times in ${e(d.timeZone)} (${e(zoneName(d.to, d.timeZone))}) · refresh every ${Math.round(c.refreshMs / 1000)} s
<span id="stale">· not refreshing: the server does not answer</span></span>
</header>
<main id="panels">
${panelsHtml(d)}
</main>
${refreshScript(c.refreshMs)}
</body></html>`;
}
