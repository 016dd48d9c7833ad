/**
 * Sentiment rules every projection shares (metrics.md, "Sentiment").
 */

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

/**
 * A human relabel is certain: its score is the label's end of the scale (and confidence 1).
 * Null for a label outside the scale.
 */
export function relabelScore(label: string): number | null {
  return label === 'negative' ? -1 : label === 'neutral' ? 0 : label === 'positive' ? 1 : null;
}

export function isSentimentLabel(label: string): label is SentimentLabel {
  return (SENTIMENT_LABELS as readonly string[]).includes(label);
}

export interface PolarityCounts {
  positive: number;
  negative: number;
}

/**
 * Net sentiment = (positive - negative) / (positive + negative), in [-1, 1]. Null when there is no
 * positive and no negative message: "no opinion" is not "balanced" (0) and must not plot as such.
 */
export function netSentiment<C extends PolarityCounts>(c: C): number | null {
  const polar = c.positive + c.negative;
  return polar > 0 ? (c.positive - c.negative) / polar : null;
}

/** The same definition as a ClickHouse expression over two count expressions (views, dashboards, SQL hints). */
export function netSentimentSql(positive: string, negative: string): string {
  return `if((${positive}) + (${negative}) > 0, ((${positive}) - (${negative})) / ((${positive}) + (${negative})), NULL)`;
}
