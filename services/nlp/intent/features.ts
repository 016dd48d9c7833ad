// Hashed features of the learned intent classifier. Built to generalise from ~250 synthetic
// messages per language to real customer text (typos, no accents, no question marks, slang):
//  - words and bigrams after accent and case folding ("perché" = "perche", "Pedido" = "pedido"),
//  - char 4-grams inside each folded word (typos, inflections, unseen words of close languages),
//  - the first two words (questions and requests without "?" start with "avete", "do you", "mi date"),
//  - the mean static word vector distilled from multilingual-e5-small (embeddings/): cross-lingual
//    meaning ("rimborso" ~ "refund" ~ "reembolso") that 250 messages per language cannot teach,
//  - the cue rules of patterns.ts as counts plus their decision (transparent, reviewable prior
//    knowledge that the model learns how far to trust), token kinds (links, mentions, numbers such
//    as order ids), emoji, "?"/"!" and the sentiment as a complaint-vs-praise signal.
// Every feature is an FNV hash reduced to the weight table; nothing is materialised as a string.

import { fnvStep, familySeed, finalize } from '../sentiment/hash.ts';
import type { SentimentResult } from '../sentiment/types.ts';
import type { Token } from '../text/tokenize.ts';
import { CUE_TYPES, type RuleSignals } from './classify.ts';
import type { WordVectors } from '../embeddings/table.ts';
import { INTENTS } from './types.ts';

export interface IntentFeatureConfig {
  bits: number;
  charMin: number;
  charMax: number;
  /** Weight of the mean static word vector (0 = no vectors). */
  vectorScale: number;
}

// 4-grams only and 2^15 buckets: in 5-fold CV on the dev set they matched or beat 2..5 / 3..5-grams and
// 2^16 (0.713 vs 0.68 intent macro-F1) at half the features, and int16 weights of 2^15 x 8 (512 KB)
// stay in cache: the weight look-ups, not the arithmetic, are what a message costs.
export const DEFAULT_INTENT_FEATURES: IntentFeatureConfig = { bits: 15, charMin: 4, charMax: 4, vectorScale: 1 };

const MAX_TOKENS = 100;

const S_WORD = familySeed('iw');
const S_BIGRAM = familySeed('ib');
const S_FIRST = familySeed('if');
const S_FIRST2 = familySeed('if2');
const S_CHAR = familySeed('ic');
const S_KIND = familySeed('ik');
const S_EMOJI = familySeed('ie');
const S_LANG = familySeed('il');
const S_BIAS = familySeed('ibias');
const S_CUE = familySeed('icue');
const S_DENSE = familySeed('idense');

/** Lower-case Latin letter with its diacritics removed, for every code unit (identity elsewhere). */
const FOLD = new Uint16Array(0x10000);
for (let c = 0; c < 0x10000; c++) {
  let f = c;
  if (c >= 0xc0 && c < 0x250) {
    const base = String.fromCharCode(c).normalize('NFD').charCodeAt(0);
    if (base < 0x80) f = base;
  }
  if (f >= 0x41 && f <= 0x5a) f += 32;
  FOLD[c] = f;
}
FOLD[0xdf] = 0x73; // ß -> s (ss would need two code units; "s" keeps n-grams aligned)
FOLD[0x2019] = 0x27; // ’ -> '

export function foldChar(c: number): number {
  return FOLD[c]!;
}

/** Accent- and case-folded copy of a string (tests and tools; the hot path folds in place). */
export function foldText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(FOLD[s.charCodeAt(i)]!);
  return out;
}

/** Reusable output buffer: bucket ids and values (duplicates add up). */
export class IntentFeatureBuffer {
  idx = new Int32Array(4096);
  val = new Float32Array(4096);
  n = 0;
  readonly codes = new Uint16Array(256);
  readonly sum = new Float64Array(1024);
}

const RULE_SEEDS = INTENTS.map((x) => familySeed('irule:' + x));
const CUE_SEEDS = CUE_TYPES.map((x) => familySeed('icue:' + x));

function lengthBucket(words: number): number {
  return words <= 1 ? 0 : words <= 3 ? 1 : words <= 7 ? 2 : words <= 15 ? 3 : words <= 30 ? 4 : 5;
}

export function extractIntentFeatures(
  tokens: readonly Token[],
  language: string,
  rules: RuleSignals,
  sentiment: SentimentResult | null,
  cfg: IntentFeatureConfig,
  buf: IntentFeatureBuffer,
  vectors: WordVectors | null = null,
): void {
  const mask = (1 << cfg.bits) - 1;
  const idx = buf.idx;
  const codes = buf.codes;
  const cap = idx.length - 256; // room for the dense features (vectors: at most 240 dims)
  let n = 0;
  const push = (h: number): void => {
    if (n < cap) idx[n++] = finalize(h) & mask;
  };
  push(S_BIAS);
  let hl = S_LANG;
  for (let i = 0; i < language.length; i++) hl = fnvStep(hl, language.charCodeAt(i));
  push(hl);

  let prev = 0, hasPrev = false, position = 0, first = 0, question = 0, bang = 0, numbers = 0, emoji = 0, found = 0;
  const useVectors = vectors !== null && cfg.vectorScale > 0;
  const dims = useVectors ? vectors.dims : 0;
  const sum = buf.sum;
  if (useVectors) sum.fill(0, 0, dims);
  const end = Math.min(tokens.length, MAX_TOKENS);
  for (let ti = 0; ti < end; ti++) {
    const t = tokens[ti]!;
    let h: number;
    if (t.kind === 'word' || t.kind === 'hashtag') {
      const w = t.kind === 'hashtag' ? t.norm : t.norm;
      const L = Math.min(w.length, codes.length - 2);
      h = S_WORD;
      codes[0] = 32;
      for (let i = 0; i < L; i++) {
        const c = FOLD[w.charCodeAt(i)]!;
        codes[i + 1] = c;
        h = fnvStep(h, c);
      }
      codes[L + 1] = 32;
      push(h);
      if (useVectors) {
        const r = vectors.row(h);
        if (r >= 0) {
          found++;
          const V = vectors.q, o = r * dims;
          for (let d = 0; d < dims; d++) sum[d]! += V[o + d]!;
        }
      }
      // char n-grams of " word "
      const P = L + 2;
      for (let s = 0; s < P; s++) {
        let hc = S_CHAR;
        for (let k = 0; k < cfg.charMax && s + k < P; k++) {
          hc = fnvStep(hc, codes[s + k]!);
          if (k + 1 >= cfg.charMin) push(hc);
        }
      }
      if (position === 0) {
        first = h;
        push(h ^ S_FIRST);
      } else if (position === 1) push(Math.imul(first, 0x9e3779b1) ^ h ^ S_FIRST2);
      position++;
    } else if (t.kind === 'punct') {
      if (t.norm === '?' || t.norm === '?!') question++;
      if (t.norm === '!' || t.norm === '?!') bang++;
      if (t.norm === '.') {
        hasPrev = false;
        continue;
      }
      h = fnvStep(S_KIND, t.norm.charCodeAt(0));
    } else if (t.kind === 'emoji') {
      emoji++;
      h = S_EMOJI;
      for (let i = 0; i < t.norm.length; i++) h = fnvStep(h, t.norm.charCodeAt(i));
      push(h);
    } else {
      if (t.kind === 'number') numbers++;
      h = fnvStep(S_KIND, t.kind.charCodeAt(0) + 1000);
      push(h);
      // The first token being a mention ("@brand ...") is how customers address the brand.
      if (position === 0 && t.kind === 'mention') continue;
    }
    if (hasPrev) push(Math.imul(prev, 0x9e3779b1) ^ h ^ S_BIGRAM);
    prev = h;
    hasPrev = true;
  }
  if (position === 0) push(S_FIRST ^ 0x1234567);

  // Rule signals: one feature per cue type that fired (and a second for repeats), and the rule decision.
  const counts = rules.counts;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i]! > 0) push(CUE_SEEDS[i]!);
    if (counts[i]! > 1) push(CUE_SEEDS[i]! ^ S_CUE);
  }
  push(RULE_SEEDS[INTENTS.indexOf(rules.intent)]!);
  if (rules.strongSpam) push(S_CUE ^ 1);
  if (rules.question) push(S_CUE ^ 2);
  if (question > 0) push(S_CUE ^ 3);
  if (bang > 0) push(S_CUE ^ 4);
  if (numbers > 0) push(S_CUE ^ 5);
  if (emoji > 0 && rules.words === 0) push(S_CUE ^ 6);
  if (rules.urls > 0) push(S_CUE ^ 7);
  push(fnvStep(S_CUE ^ 8, lengthBucket(rules.words)));

  const scale = n > 0 ? 1 / Math.sqrt(n) : 1;
  const val = buf.val;
  for (let i = 0; i < n; i++) val[i] = scale;
  const dense = (k: number, v: number): void => {
    if (v !== 0) {
      idx[n] = finalize(S_DENSE + k) & mask;
      val[n++] = v;
    }
  };
  if (sentiment) {
    dense(1, sentiment.label === 'negative' ? sentiment.confidence : 0);
    dense(2, sentiment.label === 'positive' ? sentiment.confidence : 0);
    dense(3, sentiment.score);
  }
  if (found > 0) {
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += sum[d]! * sum[d]!;
    const f = cfg.vectorScale / Math.sqrt(norm);
    for (let d = 0; d < dims; d++) dense(100 + d, sum[d]! * f);
  }
  buf.n = n;
}
