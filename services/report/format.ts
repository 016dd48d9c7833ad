import { negativeShare, netSentiment, type ReportData } from './model.ts';
import { zoneClock } from './zone.ts';

/** Terminal summary of a report: what a community lead reads first. Pure. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 86_400) {
    const h = Math.floor(seconds / 3600);
    const m = Math.round((seconds % 3600) / 60);
    return m === 0 ? `${h}h` : m === 60 ? `${h + 1}h` : `${h}h${String(m).padStart(2, '0')}m`;
  }
  const d = Math.floor(seconds / 86_400);
  const h = Math.round((seconds % 86_400) / 3600);
  return h === 0 ? `${d}d` : `${d}d${h}h`;
}

export function formatPercent(share: number | null): string {
  return share === null ? '–' : `${(share * 100).toFixed(1)}%`;
}

export function formatSigned(value: number | null): string {
  return value === null ? '–' : `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "2026-12-01 00:40 → 2026-12-02 00:40 Europe/Rome, UTC+1": the brand's zone, named. */
export function rangeLabel(from: number, to: number, timeZone: string): string {
  const z = zoneClock(timeZone);
  return `${z.dateTime(from)} → ${z.dateTime(to)} ${z.label(to)}`;
}

export function formatSummary(r: ReportData): string {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(24)} ${value}`);
  const zone = zoneClock(r.timeZone);
  lines.push(`brand health: ${r.brand}   ${rangeLabel(r.from, r.to, r.timeZone)}`);
  lines.push('');
  lines.push('customer sentiment');
  row('net sentiment', formatSigned(netSentiment(r.totals)));
  row('negative share', formatPercent(negativeShare(r.totals)));
  row(
    'volume',
    `${formatCount(r.totals.messages)} messages (${formatCount(r.totals.positive)} positive, ${formatCount(r.totals.neutral)} neutral, ${formatCount(r.totals.negative)} negative)`,
  );
  const top = [...r.platforms].sort((a, b) => b.messages - a.messages).slice(0, 4);
  if (top.length > 0)
    row(
      'by platform',
      top.map((p) => `${p.key} ${formatCount(p.messages)} (${formatPercent(negativeShare(p))} neg)`).join(', '),
    );
  lines.push('');
  lines.push('responsiveness');
  row(
    'first response p50/p90',
    `${formatDuration(r.response.frtCalendarP50)} / ${formatDuration(r.response.frtCalendarP90)} calendar, ${formatDuration(r.response.frtBusinessP50)} / ${formatDuration(r.response.frtBusinessP90)} business hours`,
  );
  row(
    'threads needing a reply',
    `${formatCount(r.response.threadsNeedingReply)} (${formatCount(r.response.answered)} answered, ${formatCount(r.response.handledByModeration)} handled by moderation, response rate ${formatPercent(r.response.responseRate)})`,
  );
  row(
    'unanswered backlog',
    `${formatCount(r.backlog.waiting)} waiting, oldest ${formatDuration(r.backlog.oldestAgeS)}, ${formatCount(r.backlog.breached)} past SLA`,
  );
  const breaches = r.breaches.reduce((s, b) => s + b.open + b.closed, 0);
  row(
    'SLA breaches',
    breaches === 0
      ? 'none'
      : `${formatCount(breaches)} (${r.breaches.map((b) => `${b.metric.replace('_', ' ')} ${formatCount(b.open + b.closed)}${b.open > 0 ? `, ${formatCount(b.open)} still open` : ''}`).join('; ')})`,
  );
  lines.push('');
  if (r.alerts === null) {
    lines.push('alerts: not available (no alert_annotations view: is the alerter migrated?)');
  } else if (r.alerts.length === 0) {
    lines.push('alerts: none');
  } else {
    lines.push(`alerts: ${r.alerts.length} (started, ${zone.label(r.to)})`);
    for (const a of r.alerts.slice(0, 8)) {
      const when = zone.dateTime(a.startedAt);
      lines.push(
        `  ${when}  ${a.platform || 'all platforms'}  ${a.endedAt === null ? 'ONGOING ' : ''}${a.summary.slice(0, 100)}`,
      );
    }
  }
  return lines.join('\n');
}
