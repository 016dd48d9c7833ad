// The builtin model: multinomial logistic regression over hashed features, stored as one compact
// JSON file (int16-quantised weight table in base64 + the merged lexicon + training metadata).

import { dequantize, quantizeWeights, readQuantizedWeights } from '../quantize.ts';
import { readFileSync } from 'node:fs';
import { extractFeatures, FeatureBuffer, type FeatureConfig } from './features.ts';
import { ScoringTables, scoreCached } from './cachedScore.ts';
import { softmax3 } from './softmax.ts';
import { lexiconFromEntries, type Lexicon } from './lexicon.ts';
import { SENTIMENT_LABELS, type SentimentModel, type SentimentResult } from './types.ts';
import type { Token } from '../text/tokenize.ts';

export const MODEL_FORMAT = 'brandpulse-sentiment-lr/1';

export interface LinearModelFile {
  format: typeof MODEL_FORMAT;
  version: string;
  features: FeatureConfig;
  bias: [number, number, number];
  /** Real weight = int16 value * weightScale. Layout: bucket-major, 3 classes per bucket. */
  weightScale: number;
  weights: string;
  lexicon: Array<[string, number]>;
  training: Record<string, unknown>;
}

export interface LinearParams {
  features: FeatureConfig;
  W: Float32Array;
  bias: Float64Array;
}

export function encodeModel(
  p: LinearParams,
  lexicon: Array<[string, number]>,
  version: string,
  training: Record<string, unknown>,
): LinearModelFile {
  const { weightScale, weights } = quantizeWeights(p.W);
  return {
    format: MODEL_FORMAT,
    version,
    features: p.features,
    bias: [p.bias[0]!, p.bias[1]!, p.bias[2]!],
    weightScale,
    weights,
    lexicon,
    training,
  };
}

export function decodeModel(f: LinearModelFile): { params: LinearParams; lexicon: Lexicon } {
  if (f.format !== MODEL_FORMAT) throw new Error(`unsupported sentiment model format ${String(f.format)}`);
  const W = dequantize(readQuantizedWeights(f.weights, (1 << f.features.bits) * 3, 'sentiment model'), f.weightScale);
  return {
    params: { features: f.features, W, bias: Float64Array.from(f.bias) },
    lexicon: lexiconFromEntries(f.lexicon),
  };
}

export function readModelFile(path: string): LinearModelFile {
  return JSON.parse(readFileSync(path, 'utf8')) as LinearModelFile;
}

/** Softmax of the linear scores for the features in `buf`, written into `out`. */
export function predictProbs(p: LinearParams, buf: FeatureBuffer, out: Float64Array): void {
  let z0 = p.bias[0]!,
    z1 = p.bias[1]!,
    z2 = p.bias[2]!;
  const W = p.W,
    idx = buf.idx,
    val = buf.val;
  for (let i = 0; i < buf.n; i++) {
    const b = idx[i]! * 3,
      v = val[i]!;
    z0 += v * W[b]!;
    z1 += v * W[b + 1]!;
    z2 += v * W[b + 2]!;
  }
  softmax3(z0, z1, z2, out);
}

export function resultFromProbs(pr: ArrayLike<number>): SentimentResult {
  const p0 = pr[0]!,
    p1 = pr[1]!,
    p2 = pr[2]!;
  const k = p0 >= p1 && p0 >= p2 ? 0 : p2 >= p1 ? 2 : 1;
  return {
    score: Math.max(-1, Math.min(1, p2 - p0)),
    label: SENTIMENT_LABELS[k]!,
    confidence: k === 0 ? p0 : k === 2 ? p2 : p1,
  };
}

export class LinearSentimentModel implements SentimentModel {
  readonly id = 'builtin-lr';
  readonly version: string;
  private readonly params: LinearParams;
  private readonly lexicon: Lexicon;
  private readonly buf = new FeatureBuffer();
  private readonly probs = new Float64Array(3);
  private readonly tables: ScoringTables;

  constructor(file: LinearModelFile) {
    const { params, lexicon } = decodeModel(file);
    this.params = params;
    this.lexicon = lexicon;
    this.version = `builtin-lr-${file.version}`;
    this.tables = new ScoringTables(params.features, params.W, params.bias, lexicon);
  }

  score(input: { text: string; tokens: readonly Token[]; language: string }): SentimentResult {
    return resultFromProbs(this.probabilities(input.tokens, input.language));
  }

  /** Class probabilities (negative, neutral, positive), valid until the next call. */
  probabilities(tokens: readonly Token[], language: string): Float64Array {
    if (!scoreCached(this.tables, tokens, language, this.probs)) this.plainProbabilities(tokens, language);
    return this.probs;
  }

  /** The reference path (what training uses): features written out, then predictProbs. */
  plainProbabilities(tokens: readonly Token[], language: string): Float64Array {
    extractFeatures(tokens, language, this.lexicon, this.params.features, this.buf);
    predictProbs(this.params, this.buf, this.probs);
    return this.probs;
  }
}
