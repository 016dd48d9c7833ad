// Deterministic trainer for the builtin model: multinomial logistic regression, per-coordinate
// AdaGrad SGD with L2 applied to the coordinates an example touches, seeded shuffling.
// Same data + same options => bit-identical weights (JS float math is IEEE-deterministic).

import { extractFeatures, FeatureBuffer, type FeatureConfig } from './features.ts';
import { predictProbs, type LinearParams } from './linearModel.ts';
import type { Lexicon } from './lexicon.ts';
import { tokenize } from '../text/tokenize.ts';
import { rng } from '../../shared/random.ts';

export interface TrainOptions {
  features: FeatureConfig;
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  /**
   * Knowledge distillation: weight of the teacher's probabilities in the target of examples that
   * have them (target = (1 - distill) * one-hot label + distill * teacher). 0 or absent = labels only.
   */
  distill?: number;
}

export interface RawExample {
  text: string;
  language: string;
  label: number; // 0 negative, 1 neutral, 2 positive
  weight?: number;
}

export interface Featurized {
  idx: Int32Array;
  val: Float32Array;
  y: number;
  w: number;
  /** Teacher probabilities (negative, neutral, positive) used as soft targets, or null. */
  q: Float32Array | null;
}

export function featurize(examples: readonly RawExample[], lex: Lexicon, cfg: FeatureConfig): Featurized[] {
  const buf = new FeatureBuffer();
  return examples.map((e) => {
    extractFeatures(tokenize(e.text), e.language, lex, cfg, buf);
    return { idx: buf.idx.slice(0, buf.n), val: buf.val.slice(0, buf.n), y: e.label, w: e.weight ?? 1, q: null };
  });
}

export function shuffled(n: number, rand: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

export function trainLinear(data: readonly Featurized[], opt: TrainOptions): LinearParams {
  const D = 1 << opt.features.bits;
  const W = new Float32Array(D * 3);
  const G = new Float32Array(D * 3); // AdaGrad accumulators
  const bias = new Float64Array(3);
  const gBias = new Float64Array(3);
  const params: LinearParams = { features: opt.features, W, bias };
  const rand = rng(opt.seed);
  const probs = new Float64Array(3);
  const buf = new FeatureBuffer();
  const eps = 1e-8;
  const a = opt.distill ?? 0;
  const target = new Float64Array(3);
  for (let epoch = 0; epoch < opt.epochs; epoch++) {
    for (const i of shuffled(data.length, rand)) {
      const ex = data[i]!;
      buf.idx = ex.idx;
      buf.val = ex.val;
      buf.n = ex.idx.length;
      predictProbs(params, buf, probs);
      const q = a > 0 ? ex.q : null;
      for (let k = 0; k < 3; k++) target[k] = q ? (1 - a) * (ex.y === k ? 1 : 0) + a * q[k]! : ex.y === k ? 1 : 0;
      for (let k = 0; k < 3; k++) {
        const g = (probs[k]! - target[k]!) * ex.w;
        gBias[k]! += g * g;
        bias[k]! -= (opt.learningRate * g) / Math.sqrt(gBias[k]! + eps);
      }
      for (let f = 0; f < buf.n; f++) {
        const b = buf.idx[f]! * 3,
          v = buf.val[f]!;
        for (let k = 0; k < 3; k++) {
          const g = (probs[k]! - target[k]!) * ex.w * v + opt.l2 * W[b + k]!;
          G[b + k]! += g * g;
          W[b + k]! -= (opt.learningRate * g) / Math.sqrt(G[b + k]! + eps);
        }
      }
    }
  }
  return params;
}

export function predictLabels(params: LinearParams, data: readonly Featurized[]): number[] {
  const buf = new FeatureBuffer();
  const probs = new Float64Array(3);
  return data.map((ex) => {
    buf.idx = ex.idx;
    buf.val = ex.val;
    buf.n = ex.idx.length;
    predictProbs(params, buf, probs);
    return probs[0]! >= probs[1]! && probs[0]! >= probs[2]! ? 0 : probs[2]! >= probs[1]! ? 2 : 1;
  });
}
