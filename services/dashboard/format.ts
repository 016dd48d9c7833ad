/** Numbers and instants as the page shows them; instants always in the brand's time zone. Pure. */

export function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const formatCount = (n: number | null): string => (n === null ? '–' : Math.round(n).toLocaleString('en-US'));
export const formatPercent = (v: number | null, decimals = 1): string =>
  v === null ? '–' : `${(v * 100).toFixed(decimals)}%`;
export const formatSigned = (v: number | null): string =>
  v === null ? '–' : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;

/** 42s, 12m, 3h 05m, 2d 4h. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.round(s / 60)}m`;
  if (s < 86_400)
    return s % 3600 < 60
      ? `${Math.floor(s / 3600)}h`
      : `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** A bucket size: 2m, 1h, 6h, 1d (whole units, as Grafana names intervals). */
export function formatInterval(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s % 86_400 === 0) return `${s / 86_400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', ...options });
    formatters.set(key, f);
  }
  return f;
}

function parts(ms: number, timeZone: string): Record<string, string> {
  const f = formatter(timeZone, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
  });
  return Object.fromEntries(f.formatToParts(ms).map((p) => [p.type, p.value]));
}

/** "2026-12-01 23:05" in the zone. */
export function formatInstant(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "23:05:09" in the zone. */
export function formatClock(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** The zone's short name at that instant ("CET", "GMT+1"). */
export function zoneName(ms: number, timeZone: string): string {
  return parts(ms, timeZone).timeZoneName ?? timeZone;
}

/** The zone's wall clock at `ms`, as epoch ms of the same wall-clock time in UTC (ms + the zone's offset). */
export function wallClock(ms: number, timeZone: string): number {
  const p = parts(ms, timeZone);
  return (
    Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) +
    (ms % 1000)
  );
}

/** An axis tick: the time of day for spans up to two days, else day/month. */
export function formatTick(ms: number, spanMs: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return spanMs > 2 * 86_400_000 ? `${Number(p.day)}/${Number(p.month)}` : `${p.hour}:${p.minute}`;
}

/** A ClickHouse instant as the page reads it (ISO with Z: date_time_output_format=iso), or null. */
export function instant(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const text = v as string | number; // a JSON scalar
  const t = Date.parse(String(text));
  return Number.isFinite(t) ? t : null;
}

export function numberOrNull(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
