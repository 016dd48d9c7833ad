// The learned intent classifier: multinomial logistic regression over the hashed features of
// features.ts, stored as one JSON file (int16-quantised weights in base64, 8 classes per bucket),
// plus the needs-reply decision threshold chosen by cross-validation at training time.

import { dequantize, quantizeWeights, readQuantizedWeights } from '../quantize.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { extractIntentFeatures, IntentFeatureBuffer, type IntentFeatureConfig } from './features.ts';
import { INTENTS, type Intent } from './types.ts';
import type { RuleSignals } from './classify.ts';
import type { SentimentResult } from '../sentiment/types.ts';
import type { Token } from '../text/tokenize.ts';
import { loadWordVectors, type WordVectors } from '../embeddings/table.ts';
import { dirname, join } from 'node:path';

export const INTENT_MODEL_FORMAT = 'brandpulse-intent-lr/1';
export const BUILTIN_INTENT_MODEL_PATH = fileURLToPath(new URL('../models/intent-lr.json', import.meta.url));
export const INTENT_MODEL_ENV = 'BRANDPULSE_INTENT_MODEL';
export const K = INTENTS.length;
if (K !== 8) throw new Error('intentProbsQuantised is unrolled for 8 intents');

export interface IntentModelFile {
  format: typeof INTENT_MODEL_FORMAT;
  version: string;
  classes: readonly string[];
  features: IntentFeatureConfig;
  /** A message needs a reply when P(any needs-reply intent) >= this (it then gets the likeliest of those). */
  replyThreshold: number;
  /** Static word-vector table the features use (file name next to the model), or null. */
  wordVectors: { file: string; words: number; dims: number; digest: string } | null;
  bias: number[];
  weightScale: number;
  weights: string;
  training: Record<string, unknown>;
}

export interface IntentParams {
  features: IntentFeatureConfig;
  W: Float32Array;
  bias: Float64Array;
}

export function encodeIntentModel(
  p: IntentParams,
  replyThreshold: number,
  wordVectors: IntentModelFile['wordVectors'],
  version: string,
  training: Record<string, unknown>,
): IntentModelFile {
  const { weightScale, weights } = quantizeWeights(p.W);
  return {
    format: INTENT_MODEL_FORMAT,
    version,
    classes: INTENTS,
    features: p.features,
    replyThreshold,
    wordVectors,
    // Fixed precision: the file is reproduced byte for byte, and 1e-6 is far below what matters.
    bias: Array.from(p.bias, (b) => Math.round(b * 1e6) / 1e6),
    weightScale,
    weights,
    training,
  };
}

/** The quantised weights as stored (run time keeps them int16: half the cache footprint of float32). */
export interface QuantisedIntentParams {
  features: IntentFeatureConfig;
  Q: Int16Array;
  scale: number;
  bias: Float64Array;
}

export function decodeQuantised(f: IntentModelFile): QuantisedIntentParams {
  if (f.format !== INTENT_MODEL_FORMAT) throw new Error(`unsupported intent model format ${String(f.format)}`);
  if (f.classes.join(',') !== INTENTS.join(','))
    throw new Error(`intent model classes ${f.classes.join(',')} differ from ${INTENTS.join(',')}`);
  const Q = readQuantizedWeights(f.weights, (1 << f.features.bits) * K, 'intent model');
  return { features: f.features, Q, scale: f.weightScale, bias: Float64Array.from(f.bias) };
}

/** intentProbs on the int16 weights: sums in integer weight units, scaled once per class. */
export function intentProbsQuantised(
  p: QuantisedIntentParams,
  idx: Int32Array,
  val: Float32Array,
  n: number,
  out: Float64Array,
): void {
  const Q = p.Q;
  let z0 = 0,
    z1 = 0,
    z2 = 0,
    z3 = 0,
    z4 = 0,
    z5 = 0,
    z6 = 0,
    z7 = 0;
  for (let i = 0; i < n; i++) {
    const b = idx[i]! << 3,
      v = val[i]!;
    z0 += v * Q[b]!;
    z1 += v * Q[b + 1]!;
    z2 += v * Q[b + 2]!;
    z3 += v * Q[b + 3]!;
    z4 += v * Q[b + 4]!;
    z5 += v * Q[b + 5]!;
    z6 += v * Q[b + 6]!;
    z7 += v * Q[b + 7]!;
  }
  classProbs(p, out, z0, z1, z2, z3, z4, z5, z6, z7);
}

/**
 * intentProbsQuantised for a buffer filled in weighted mode (extractIntentFeatures with Q): the same
 * probabilities bit for bit, from the summed word weights, the remaining sparse ids and the dense
 * block. Sequential v·q sums of the plain path are exact (see extractIntentFeatures), so v·Σq equals them.
 */
export function intentProbsWeighted(
  p: QuantisedIntentParams,
  buf: IntentFeatureBuffer,
  denseQ: Int16Array,
  out: Float64Array,
): void {
  const Q = p.Q,
    idx = buf.idx,
    n = buf.n,
    acc = buf.acc;
  let s0 = acc[0]!,
    s1 = acc[1]!,
    s2 = acc[2]!,
    s3 = acc[3]!,
    s4 = acc[4]!,
    s5 = acc[5]!,
    s6 = acc[6]!,
    s7 = acc[7]!;
  for (let i = 0; i < n; i++) {
    const b = idx[i]! << 3;
    s0 += Q[b]!;
    s1 += Q[b + 1]!;
    s2 += Q[b + 2]!;
    s3 += Q[b + 3]!;
    s4 += Q[b + 4]!;
    s5 += Q[b + 5]!;
    s6 += Q[b + 6]!;
    s7 += Q[b + 7]!;
  }
  const v = buf.nSparse > 0 ? Math.fround(1 / Math.sqrt(buf.nSparse)) : 1;
  let z0 = v * s0,
    z1 = v * s1,
    z2 = v * s2,
    z3 = v * s3,
    z4 = v * s4,
    z5 = v * s5,
    z6 = v * s6,
    z7 = v * s7;
  const slot = buf.denseSlot,
    dval = buf.denseVal;
  for (let j = 0; j < buf.nDense; j++) {
    const b = slot[j]! << 3,
      x = dval[j]!;
    z0 += x * denseQ[b]!;
    z1 += x * denseQ[b + 1]!;
    z2 += x * denseQ[b + 2]!;
    z3 += x * denseQ[b + 3]!;
    z4 += x * denseQ[b + 4]!;
    z5 += x * denseQ[b + 5]!;
    z6 += x * denseQ[b + 6]!;
    z7 += x * denseQ[b + 7]!;
  }
  classProbs(p, out, z0, z1, z2, z3, z4, z5, z6, z7);
}

/** The one ending of both scoring paths: logits = bias + class sum × scale, then softmax (8 classes unrolled). */
function classProbs(
  p: QuantisedIntentParams,
  out: Float64Array,
  z0: number,
  z1: number,
  z2: number,
  z3: number,
  z4: number,
  z5: number,
  z6: number,
  z7: number,
): void {
  const s = p.scale,
    B = p.bias;
  out[0] = B[0]! + z0 * s;
  out[1] = B[1]! + z1 * s;
  out[2] = B[2]! + z2 * s;
  out[3] = B[3]! + z3 * s;
  out[4] = B[4]! + z4 * s;
  out[5] = B[5]! + z5 * s;
  out[6] = B[6]! + z6 * s;
  out[7] = B[7]! + z7 * s;
  softmaxInPlace(out);
}

function softmaxInPlace(out: Float64Array): void {
  let m = -Infinity;
  for (let k = 0; k < K; k++) if (out[k]! > m) m = out[k]!;
  let sum = 0;
  for (let k = 0; k < K; k++) sum += out[k] = Math.exp(out[k]! - m);
  for (let k = 0; k < K; k++) out[k]! /= sum;
}

export function decodeIntentModel(f: IntentModelFile): IntentParams {
  const { features, Q, scale, bias } = decodeQuantised(f);
  return { features, W: dequantize(Q, scale), bias };
}

export function readIntentModelFile(path: string): IntentModelFile {
  return JSON.parse(readFileSync(path, 'utf8')) as IntentModelFile;
}

/** Softmax over the 8 intents for the features in (idx, val, n), written into `out`. */
export function intentProbs(p: IntentParams, idx: Int32Array, val: Float32Array, n: number, out: Float64Array): void {
  const W = p.W;
  for (let k = 0; k < K; k++) out[k] = p.bias[k]!;
  for (let i = 0; i < n; i++) {
    const b = idx[i]! * K,
      v = val[i]!;
    for (let k = 0; k < K; k++) out[k]! += v * W[b + k]!;
  }
  softmaxInPlace(out);
}

/**
 * The decision: the needs-reply group (the brand's mapping) wins when its total probability reaches
 * the threshold, and the message gets the likeliest intent of the winning group. A threshold below
 * 0.5 leans to recall: a missed request silently leaves FRT, the backlog and the SLA.
 */
export function decideIntent(probs: ArrayLike<number>, replyIntents: readonly boolean[], threshold: number): number {
  let pr = 0;
  for (let k = 0; k < K; k++) if (replyIntents[k]) pr += probs[k]!;
  const wantReply = pr >= threshold;
  let best = -1;
  for (let k = 0; k < K; k++) {
    if (replyIntents[k] !== wantReply) continue;
    if (best < 0 || probs[k]! > probs[best]!) best = k;
  }
  if (best < 0) for (let k = 0; k < K; k++) if (best < 0 || probs[k]! > probs[best]!) best = k;
  return best;
}

export interface IntentInputs {
  tokens: readonly Token[];
  language: string;
  rules: RuleSignals;
  sentiment: SentimentResult | null;
}

export class LinearIntentModel {
  readonly version: string;
  readonly replyThreshold: number;
  private readonly params: QuantisedIntentParams;
  private readonly vectors: WordVectors | null;
  private readonly buf = new IntentFeatureBuffer();
  readonly probs = new Float64Array(K);

  constructor(file: IntentModelFile, modelDir: string) {
    this.params = decodeQuantised(file);
    this.vectors = file.wordVectors ? loadWordVectors(join(modelDir, file.wordVectors.file)) : null;
    if (
      this.vectors &&
      (this.vectors.size !== file.wordVectors!.words || this.vectors.dims !== file.wordVectors!.dims)
    ) {
      throw new Error(
        `intent model expects ${file.wordVectors!.words}x${file.wordVectors!.dims} word vectors, ${file.wordVectors!.file} has ${this.vectors.size}x${this.vectors.dims}`,
      );
    }
    this.replyThreshold = file.replyThreshold;
    this.version = `intent-lr-${file.version}`;
  }

  /** Class probabilities (INTENTS order) in this.probs, valid until the next call. */
  predict(x: IntentInputs): Float64Array {
    const p = this.params;
    extractIntentFeatures(x.tokens, x.language, x.rules, x.sentiment, p.features, this.buf, this.vectors, p.Q);
    intentProbsWeighted(p, this.buf, this.buf.denseQ!, this.probs);
    return this.probs;
  }

  classify(x: IntentInputs, replyIntents: readonly boolean[]): Intent {
    return INTENTS[decideIntent(this.predict(x), replyIntents, this.replyThreshold)]!;
  }
}

const cache = new Map<string, LinearIntentModel>();

/** 'builtin' (default), 'builtin:<path>' or a path; 'rules' = no learned model (the cue rules alone). */
export function loadIntentModel(spec: string | undefined = process.env[INTENT_MODEL_ENV]): LinearIntentModel | null {
  const s = (spec ?? 'builtin').trim();
  if (s === 'rules') return null;
  const path = s === 'builtin' || s === '' ? BUILTIN_INTENT_MODEL_PATH : s.startsWith('builtin:') ? s.slice(8) : s;
  let m = cache.get(path);
  if (!m) cache.set(path, (m = new LinearIntentModel(readIntentModelFile(path), dirname(path))));
  return m;
}
