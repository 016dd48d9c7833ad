import { createHash } from 'node:crypto';
import { payloadOf, type EnrichedEvent } from '../shared/events.ts';
import type { TermCount } from './terms.ts';

/** One customer message as the detector sees it. */
export interface Observation {
  eventId: string;
  time: number;
  brand: string;
  platform: string;
  negative: boolean;
  score: number | null;
  messageId: string;
  text: string;
  language: string;
  url: string | null;
}

/**
 * Only customer messages with a sentiment label count (metrics.md: "only customer messages count
 * towards brand sentiment"): message_posted by a customer, enriched with a label. Edits, deletes and
 * relabels change a message's sentiment later; the spike detector judges what arrives, when it arrives.
 */
export function observationOf(e: EnrichedEvent): Observation | null {
  const label = e.enrichment?.sentiment_label;
  if (!label) return null;
  const p = payloadOf(e.event);
  if (p.type !== 'message_posted' || p.value.author_role !== 'customer') return null;
  return {
    eventId: e.event.event_id,
    time: e.event.event_time,
    brand: e.event.brand,
    platform: e.event.platform,
    negative: label === 'negative',
    score: e.enrichment?.sentiment_score ?? null,
    messageId: p.value.message_id,
    text: p.value.text,
    language: e.enrichment?.language ?? 'und',
    url: p.value.url,
  };
}

export interface SampleMessage {
  message_id: string;
  text: string;
  language: string;
  url: string | null;
  sentiment_score: number | null;
}

/** A start or end of a spike, for one brand (platform '') or one brand/platform. Times: epoch ms, event time. */
export interface AlertEvent {
  alert_id: string;
  kind: 'start' | 'end';
  brand: string;
  /** '' for the brand-wide alert. */
  platform: string;
  /** Estimated onset of the spike ("since when"). */
  started_at: number;
  /** The evaluation step (event time) at which the start or end was decided. */
  detected_at: number;
  ended_at: number | null;
  window_s: number;
  /** Negative customer messages in the window. */
  observed: number;
  /** What was expected in that window (seasonal baseline × trend × (1 + uncertainty)). */
  baseline: number;
  ratio: number;
  /** Anscombe Poisson score (z-like). */
  score: number;
  peak_ratio: number;
  negative_share: number;
  baseline_share: number;
  /** Customer messages (any sentiment) in the window. */
  volume: number;
  samples: SampleMessage[];
  top_terms: TermCount[];
  detector_version: string;
  /** Wall clock when the service emitted it (0 inside the pure detector). */
  emitted_at: number;
}

/**
 * Deterministic id: the same events give the same id on every run, so a restarted alerter
 * recognises an alert it already emitted and delivered.
 */
export function alertIdOf(brand: string, platform: string, detectedAt: number): string {
  const h = createHash('sha256').update(`${brand}\u0000${platform}\u0000${detectedAt}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function describeAlert(a: AlertEvent): string {
  const where = a.platform ? `${a.brand} on ${a.platform}` : `${a.brand} (all platforms)`;
  if (a.kind === 'end') {
    return `Negative spike over for ${where}: started ${new Date(a.started_at).toISOString()}, ended ${new Date(a.ended_at ?? a.detected_at).toISOString()} (peak ${a.peak_ratio.toFixed(1)}× normal)`;
  }
  const terms = a.top_terms.map((t) => t.term).join(', ');
  return (
    `Negative spike for ${where}: ${a.observed} negative messages in ${a.window_s / 60} min vs ${a.baseline.toFixed(1)} normal ` +
    `(${a.ratio.toFixed(1)}×, score ${a.score.toFixed(1)}), negative share ${(a.negative_share * 100).toFixed(0)}% vs ` +
    `${(a.baseline_share * 100).toFixed(0)}%, since ${new Date(a.started_at).toISOString()}${terms ? `; top terms: ${terms}` : ''}`
  );
}
