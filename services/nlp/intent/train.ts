// Deterministic trainer of the intent model: multinomial logistic regression (8 classes),
// per-coordinate AdaGrad SGD with L2 on the touched coordinates, seeded shuffling. Same data and
// options => bit-identical weights (IEEE float math in a fixed order).

import { rng } from '../../shared/random.ts';
import { shuffled } from '../sentiment/train.ts';
import type { SentimentModel } from '../sentiment/types.ts';
import { INTENTS } from './types.ts';
import { extractIntentFeatures, IntentFeatureBuffer, type IntentFeatureConfig } from './features.ts';
import { intentProbs, K, type IntentParams } from './model.ts';
import { analyzeForIntent } from './pipeline.ts';
import type { WordVectors } from '../embeddings/table.ts';

export interface IntentTrainOptions {
  features: IntentFeatureConfig;
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export interface IntentRaw {
  text: string;
  language: string;
  intent: string;
  weight: number;
  /** Examples sharing a group (a message and its noisy variants) always fall in the same CV fold. */
  group: number;
  /** False for the noisy training variants: only originals are scored in cross-validation. */
  original: boolean;
}

export interface IntentFeaturized {
  idx: Int32Array;
  val: Float32Array;
  y: number;
  w: number;
  group: number;
  original: boolean;
  language: string;
}

export function featurizeIntents(
  examples: readonly IntentRaw[],
  sentiment: SentimentModel,
  cfg: IntentFeatureConfig,
  vectors: WordVectors | null,
): IntentFeaturized[] {
  const buf = new IntentFeatureBuffer();
  return examples.map((e) => {
    const x = analyzeForIntent(e.text, e.language, sentiment);
    extractIntentFeatures(x.tokens, x.language, x.rules, x.sentiment, cfg, buf, vectors);
    const y = INTENTS.indexOf(e.intent as (typeof INTENTS)[number]);
    if (y < 0) throw new Error(`unknown intent ${e.intent}`);
    return {
      idx: buf.idx.slice(0, buf.n),
      val: buf.val.slice(0, buf.n),
      y,
      w: e.weight,
      group: e.group,
      original: e.original,
      language: e.language,
    };
  });
}

export function trainIntentLinear(data: readonly IntentFeaturized[], opt: IntentTrainOptions): IntentParams {
  const D = 1 << opt.features.bits;
  const W = new Float32Array(D * K);
  const G = new Float32Array(D * K);
  const bias = new Float64Array(K);
  const gBias = new Float64Array(K);
  const params: IntentParams = { features: opt.features, W, bias };
  const rand = rng(opt.seed);
  const probs = new Float64Array(K);
  const grad = new Float64Array(K);
  const eps = 1e-8;
  for (let epoch = 0; epoch < opt.epochs; epoch++) {
    for (const i of shuffled(data.length, rand)) {
      const ex = data[i]!;
      intentProbs(params, ex.idx, ex.val, ex.idx.length, probs);
      for (let k = 0; k < K; k++) {
        const g = (probs[k]! - (ex.y === k ? 1 : 0)) * ex.w;
        grad[k] = g;
        gBias[k]! += g * g;
        bias[k]! -= (opt.learningRate * g) / Math.sqrt(gBias[k]! + eps);
      }
      for (let f = 0; f < ex.idx.length; f++) {
        const b = ex.idx[f]! * K,
          v = ex.val[f]!;
        for (let k = 0; k < K; k++) {
          const g = grad[k]! * v + opt.l2 * W[b + k]!;
          G[b + k]! += g * g;
          W[b + k]! -= (opt.learningRate * g) / Math.sqrt(G[b + k]! + eps);
        }
      }
    }
  }
  return params;
}

/** Probabilities of every example, K per example, in one flat array. */
export function predictIntentProbs(params: IntentParams, data: readonly IntentFeaturized[]): Float64Array {
  const out = new Float64Array(data.length * K);
  const probs = new Float64Array(K);
  data.forEach((ex, i) => {
    intentProbs(params, ex.idx, ex.val, ex.idx.length, probs);
    out.set(probs, i * K);
  });
  return out;
}
