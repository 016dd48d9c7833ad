/**
 * What a brand-health report shows, as plain data: read from the analyst views (queries.ts),
 * printed (format.ts) and drawn (svg.ts, html.ts). Durations are seconds, times epoch ms.
 */
export interface SentimentCounts {
  messages: number;
  negative: number;
  neutral: number;
  positive: number;
}

export interface SeriesPoint extends SentimentCounts {
  /** Start of the bucket (epoch ms). */
  t: number;
}

export interface Breakdown extends SentimentCounts {
  key: string;
}

export interface ResponseStats {
  threadsNeedingReply: number;
  answered: number;
  handledByModeration: number;
  frtCalendarP50: number | null;
  frtCalendarP90: number | null;
  frtBusinessP50: number | null;
  frtBusinessP90: number | null;
  responseRate: number | null;
}

export interface BacklogStats {
  waiting: number;
  oldestAgeS: number | null;
  breached: number;
}

export interface SlaBreach {
  metric: string;
  open: number;
  closed: number;
}

export interface AlertRow {
  startedAt: number;
  endedAt: number | null;
  platform: string;
  summary: string;
}

export interface SampleMessage {
  postedAt: number;
  platform: string;
  language: string;
  text: string;
  score: number | null;
}

export interface ReportData {
  brand: string;
  /** IANA zone every time is shown in: the brand's (services/report/zone.ts). */
  timeZone: string;
  from: number;
  to: number;
  bucketMs: number;
  totals: SentimentCounts;
  series: SeriesPoint[];
  platforms: Breakdown[];
  languages: Breakdown[];
  response: ResponseStats;
  backlog: BacklogStats;
  breaches: SlaBreach[];
  /** null when the alerts view does not exist yet (alerter not deployed). */
  alerts: AlertRow[] | null;
  negativeSamples: SampleMessage[];
}

/** metrics.md: (positive − negative) / (positive + negative), null when there is neither (one definition: services/domain/sentiment.ts). */
export { netSentiment } from '../domain/sentiment.ts';

/** metrics.md: negative / all messages. */
export function negativeShare(c: SentimentCounts): number | null {
  return c.messages > 0 ? c.negative / c.messages : null;
}

/** A bucket size that gives about 48 points over the range, on a round step. */
export function bucketFor(rangeMs: number): number {
  const steps = [60_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 86_400_000];
  return steps.find((s) => rangeMs / s <= 60) ?? 86_400_000;
}

/** Fills empty buckets so charts show silence as zero, not as a line across the gap. */
export function fillSeries(points: readonly SeriesPoint[], from: number, to: number, bucketMs: number): SeriesPoint[] {
  const byT = new Map(points.map((p) => [p.t, p]));
  const out: SeriesPoint[] = [];
  for (let t = Math.floor(from / bucketMs) * bucketMs; t < to; t += bucketMs) {
    out.push(byT.get(t) ?? { t, messages: 0, negative: 0, neutral: 0, positive: 0 });
  }
  return out;
}
