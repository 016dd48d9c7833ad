import type { Token } from '../text/tokenize.ts';

export type SentimentLabel = 'negative' | 'neutral' | 'positive';
export const SENTIMENT_LABELS: readonly SentimentLabel[] = ['negative', 'neutral', 'positive'];

export interface SentimentResult {
  /** P(positive) - P(negative), in [-1, 1]. 0 means balanced or neutral, not "unknown". */
  score: number;
  label: SentimentLabel;
  /** Probability of the chosen label (model's own estimate; not calibrated across domains). */
  confidence: number;
}

/**
 * The seam for sentiment scorers. The builtin linear model implements it; a heavier model (an
 * ONNX transformer via onnxruntime-node) implements the same interface and is registered in
 * registry.ts. Implementations must be synchronous and pure after construction: the enricher calls
 * them in a hot loop. `tokens` are provided so cheap models do not re-tokenize; heavy models may use
 * `text` with their own tokenizer.
 */
export interface SentimentModel {
  readonly id: string;
  readonly version: string;
  score(input: { text: string; tokens: readonly Token[]; language: string }): SentimentResult;
}
