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

const K = INTENTS.length;

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

/**
 * What a word contributes, computed once per distinct word and configuration: its hash (first-word and
 * bigram features build on it), its bucket ids in push order (the word, then its char n-grams) and its
 * word-vector row. Real traffic repeats words, so most words cost one Map look-up instead of ~4 FNV
 * steps and a finalize per character.
 */
interface WordFeatures {
  /** The tables it was computed for (a token's memo is only reused for the same ones). */
  readonly tables: FeatureTables;
  readonly hash: number;
  readonly ids: Int32Array;
  readonly row: number;
  /** With model weights bound (run time): the int16 weights of `ids` summed per class, held in the
   *  object itself (one cache line with the rest: memory latency, not arithmetic, is the cost). */
  readonly weighted: boolean;
  /** ids.length, kept inline for the same reason. */
  readonly count: number;
  readonly q0: number;
  readonly q1: number;
  readonly q2: number;
  readonly q3: number;
  readonly q4: number;
  readonly q5: number;
  readonly q6: number;
  readonly q7: number;
}

const WORD_CACHE_MAX = 50_000; // ~5 MB; cleared when full (cheap, and the hot words come back at once)

/**
 * Per-configuration derived data: the word cache and the dense features' bucket ids; with model
 * weights `Q` bound, also the dense features' weight rows gathered into one contiguous block.
 */
class FeatureTables {
  readonly words = new Map<string, WordFeatures>();
  readonly denseIds: Int32Array;
  readonly denseQ: Int16Array | null;
  constructor(
    readonly cfg: IntentFeatureConfig,
    readonly vectors: WordVectors | null,
    readonly Q: Int16Array | null,
  ) {
    const mask = (1 << cfg.bits) - 1;
    this.denseIds = new Int32Array(100 + (vectors ? vectors.dims : 0));
    for (let k = 0; k < this.denseIds.length; k++) this.denseIds[k] = finalize(S_DENSE + k) & mask;
    this.denseQ = Q ? new Int16Array(this.denseIds.length * K) : null;
    if (Q)
      for (let d = 0; d < this.denseIds.length; d++)
        this.denseQ!.set(Q.subarray(this.denseIds[d]! * K, this.denseIds[d]! * K + K), d * K);
  }
}

/** Reusable output buffer: bucket ids and values (duplicates add up). */
export class IntentFeatureBuffer {
  idx = new Int32Array(4096);
  val = new Float32Array(4096);
  n = 0;
  readonly codes = new Uint16Array(256);
  /** Word-vector sum of the message: int8 rows summed exactly as integers (cheaper than float adds). */
  readonly sum = new Int32Array(1024);
  /** The same sum in 16-bit lanes (see extractIntentFeatures): dims 4k, 4k+2 in lo; 4k+1, 4k+3 in hi. */
  readonly lo = new Int32Array(256);
  readonly hi = new Int32Array(256);
  /** Weighted mode only (see extractIntentFeatures): int sums of the cached words' weights per class. */
  readonly acc = new Int32Array(K);
  /** Weighted mode: number of sparse features in all (those in idx and those summed in acc). */
  nSparse = 0;
  /** Weighted mode: the dense features, as slots of the gathered dense block, and their values. */
  readonly denseSlot = new Int32Array(256);
  readonly denseVal = new Float32Array(256);
  nDense = 0;
  readonly tail = new Uint32Array(64);
  private readonly grams = new Int32Array(512);
  private readonly qsum = new Int32Array(K);
  private tables: FeatureTables | null = null;

  /** The dense weight block of the last weighted-mode call. */
  get denseQ(): Int16Array | null {
    return this.tables ? this.tables.denseQ : null;
  }

  /** The tables of this configuration (rebuilt when the buffer is used with another one). */
  tablesFor(cfg: IntentFeatureConfig, vectors: WordVectors | null, Q: Int16Array | null): FeatureTables {
    const t = this.tables;
    if (t && t.vectors === vectors && t.Q === Q && (t.cfg === cfg || sameConfig(t.cfg, cfg))) return t;
    return (this.tables = new FeatureTables(cfg, vectors, Q));
  }

  /** The features of one word (`norm`: the token's normalised form), from the cache or computed. */
  word(tables: FeatureTables, norm: string, vectors: WordVectors | null): WordFeatures {
    const cached = tables.words.get(norm);
    if (cached !== undefined) return cached;
    const cfg = tables.cfg;
    const mask = (1 << cfg.bits) - 1;
    const codes = this.codes,
      grams = this.grams;
    const L = Math.min(norm.length, codes.length - 2);
    let h = S_WORD;
    codes[0] = 32;
    for (let i = 0; i < L; i++) {
      const c = FOLD[norm.charCodeAt(i)]!;
      codes[i + 1] = c;
      h = fnvStep(h, c);
    }
    codes[L + 1] = 32;
    let g = 0;
    grams[g++] = finalize(h) & mask;
    // char n-grams of " word "
    const P = L + 2;
    for (let s = 0; s < P; s++) {
      let hc = S_CHAR;
      for (let k = 0; k < cfg.charMax && s + k < P; k++) {
        hc = fnvStep(hc, codes[s + k]!);
        if (k + 1 >= cfg.charMin && g < grams.length) grams[g++] = finalize(hc) & mask;
      }
    }
    const row = vectors !== null ? vectors.row(h) : -1;
    const ids = grams.slice(0, g);
    const q = this.qsum.fill(0);
    if (tables.Q !== null) {
      const Q = tables.Q;
      for (let i = 0; i < g; i++) for (let k = 0; k < K; k++) q[k]! += Q[ids[i]! * K + k]!;
    }
    const w: WordFeatures = {
      tables,
      hash: h,
      ids,
      row,
      weighted: tables.Q !== null,
      count: g,
      q0: q[0]!,
      q1: q[1]!,
      q2: q[2]!,
      q3: q[3]!,
      q4: q[4]!,
      q5: q[5]!,
      q6: q[6]!,
      q7: q[7]!,
    };
    if (tables.words.size >= WORD_CACHE_MAX) tables.words.clear();
    tables.words.set(norm, w);
    return w;
  }
}

function sameConfig(a: IntentFeatureConfig, b: IntentFeatureConfig): boolean {
  return a.bits === b.bits && a.charMin === b.charMin && a.charMax === b.charMax && a.vectorScale === b.vectorScale;
}

const RULE_SEEDS = INTENTS.map((x) => familySeed('irule:' + x));
const CUE_SEEDS = CUE_TYPES.map((x) => familySeed('icue:' + x));
const S_FIRST_NONE = S_FIRST ^ 0x1234567;

function lengthBucket(words: number): number {
  return words <= 1 ? 0 : words <= 3 ? 1 : words <= 7 ? 2 : words <= 15 ? 3 : words <= 30 ? 4 : 5;
}

/**
 * Fills `buf` with the features of one message: bucket ids in buf.idx and values in buf.val (buf.n
 * of them; every sparse feature has the value 1/sqrt(#sparse), the dense ones follow).
 *
 * Weighted mode (`Q`, the model's int16 weights, given: run time): the same features, but each cached
 * word's ids are not written out; their weights' integer sums are added to buf.acc instead, and the
 * dense features go to buf.denseSlot/denseVal (slots of the gathered dense weight block). A message
 * then costs one weight look-up per distinct word instead of one per n-gram — the look-ups, not the
 * arithmetic, are what scoring costs. intentProbsWeighted turns this into exactly (bit for bit) the
 * probabilities the plain features give: with one value v for every sparse feature, Σ v·q = v·Σ q
 * holds exactly in float64 (v has 24 significant bits, |Σ q| < 2^27).
 */
// No closures below: under tsx (esbuild keepNames) every named closure created per call costs a
// defineProperty, measured at ~3.5 µs a message each — more than the rest of the sparse features.
export function extractIntentFeatures(
  tokens: readonly Token[],
  language: string,
  rules: RuleSignals,
  sentiment: SentimentResult | null,
  cfg: IntentFeatureConfig,
  buf: IntentFeatureBuffer,
  vectors: WordVectors | null = null,
  Q: Int16Array | null = null,
): void {
  const mask = (1 << cfg.bits) - 1;
  const idx = buf.idx;
  const cap = idx.length - 256; // room for the dense features (vectors: at most 240 dims)
  const useVectors = vectors !== null && cfg.vectorScale > 0;
  const tables = buf.tablesFor(cfg, useVectors ? vectors : null, Q);
  const acc = buf.acc;
  if (Q !== null) acc.fill(0);
  let n = 0,
    summed = 0; // ids written to idx / ids summed into acc (both count towards the cap)
  idx[n++] = finalize(S_BIAS) & mask;
  let hl = S_LANG;
  for (let i = 0; i < language.length; i++) hl = fnvStep(hl, language.charCodeAt(i));
  idx[n++] = finalize(hl) & mask;

  let prev = 0,
    hasPrev = false,
    position = 0,
    first = 0,
    question = 0,
    bang = 0,
    numbers = 0,
    emoji = 0,
    found = 0;
  const dims = useVectors ? vectors.dims : 0;
  const sum = buf.sum;
  if (useVectors) sum.fill(0, 0, dims);
  // Rows summed 4 values at a time: each int8 v read as the byte v ^ 0x80 = v + 128 (0..255), two bytes
  // of a 32-bit word per 16-bit lane; at most MAX_TOKENS rows, so a lane stays below 2^16 and the sum is
  // exact: value sum = lane - 128 * rows. Same integers as the plain loop, a quarter of the operations.
  const U = useVectors && dims <= 1024 ? vectors.q32 : null;
  const lanes = dims >> 2,
    lo = buf.lo,
    hi = buf.hi;
  if (U !== null) {
    lo.fill(0, 0, lanes);
    hi.fill(0, 0, lanes);
  }
  const end = Math.min(tokens.length, MAX_TOKENS);
  for (let ti = 0; ti < end; ti++) {
    const t = tokens[ti]!;
    let h: number;
    if (t.kind === 'word' || t.kind === 'hashtag') {
      let wf = t.memo as WordFeatures | null;
      if (wf === null || wf.tables !== tables) t.memo = wf = buf.word(tables, t.norm, useVectors ? vectors : null);
      h = wf.hash;
      if (wf.weighted && n + summed + wf.count <= cap) {
        acc[0]! += wf.q0;
        acc[1]! += wf.q1;
        acc[2]! += wf.q2;
        acc[3]! += wf.q3;
        acc[4]! += wf.q4;
        acc[5]! += wf.q5;
        acc[6]! += wf.q6;
        acc[7]! += wf.q7;
        summed += wf.count;
      } else {
        const ids = wf.ids;
        for (let i = 0; i < ids.length && n + summed < cap; i++) idx[n++] = ids[i]!;
      }
      if (wf.row >= 0) {
        found++;
        if (U !== null) {
          const o = wf.row * lanes;
          for (let i = 0; i < lanes; i++) {
            const w = U[o + i]! ^ 0x80808080;
            lo[i]! += w & 0x00ff00ff;
            hi[i]! += (w >>> 8) & 0x00ff00ff;
          }
        } else {
          const V = vectors!.q,
            o = wf.row * dims;
          for (let d = 0; d < dims; d++) sum[d]! += V[o + d]!;
        }
      }
      if (position === 0) {
        first = h;
        if (n + summed < cap) idx[n++] = finalize(h ^ S_FIRST) & mask;
      } else if (position === 1 && n + summed < cap)
        idx[n++] = finalize(Math.imul(first, 0x9e3779b1) ^ h ^ S_FIRST2) & mask;
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
      if (n + summed < cap) idx[n++] = finalize(h) & mask;
    } else {
      if (t.kind === 'number') numbers++;
      h = fnvStep(S_KIND, t.kind.charCodeAt(0) + 1000);
      if (n + summed < cap) idx[n++] = finalize(h) & mask;
      // The first token being a mention ("@brand ...") is how customers address the brand.
      if (position === 0 && t.kind === 'mention') continue;
    }
    if (hasPrev && n + summed < cap) idx[n++] = finalize(Math.imul(prev, 0x9e3779b1) ^ h ^ S_BIGRAM) & mask;
    prev = h;
    hasPrev = true;
  }
  // Rule signals: one feature per cue type that fired (and a second for repeats), and the rule decision.
  const counts = rules.counts;
  let t = 0; // the tail, staged in tail[] so one cap check covers it
  const tail = buf.tail;
  if (position === 0) tail[t++] = S_FIRST_NONE;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i]! > 0) tail[t++] = CUE_SEEDS[i]!;
    if (counts[i]! > 1) tail[t++] = CUE_SEEDS[i]! ^ S_CUE;
  }
  tail[t++] = RULE_SEEDS[INTENTS.indexOf(rules.intent)]!;
  if (rules.strongSpam) tail[t++] = S_CUE ^ 1;
  if (rules.question) tail[t++] = S_CUE ^ 2;
  if (question > 0) tail[t++] = S_CUE ^ 3;
  if (bang > 0) tail[t++] = S_CUE ^ 4;
  if (numbers > 0) tail[t++] = S_CUE ^ 5;
  if (emoji > 0 && rules.words === 0) tail[t++] = S_CUE ^ 6;
  if (rules.urls > 0) tail[t++] = S_CUE ^ 7;
  tail[t++] = fnvStep(S_CUE ^ 8, lengthBucket(rules.words));
  for (let i = 0; i < t && n + summed < cap; i++) idx[n++] = finalize(tail[i]!) & mask;

  const sparse = n + summed;
  const scale = sparse > 0 ? 1 / Math.sqrt(sparse) : 1;
  const val = buf.val;
  val.fill(scale, 0, n);
  buf.nSparse = sparse;
  // Dense features: bucket ids in idx/val, or (weighted mode) slots of the gathered block.
  const weighted = Q !== null;
  const denseIds = tables.denseIds,
    slot = buf.denseSlot,
    dval = buf.denseVal;
  let nd = 0;
  if (sentiment) {
    const neg = sentiment.label === 'negative' ? sentiment.confidence : 0;
    const pos = sentiment.label === 'positive' ? sentiment.confidence : 0;
    if (neg !== 0) {
      slot[nd] = 1;
      dval[nd++] = neg;
    }
    if (pos !== 0) {
      slot[nd] = 2;
      dval[nd++] = pos;
    }
    if (sentiment.score !== 0) {
      slot[nd] = 3;
      dval[nd++] = sentiment.score;
    }
  }
  if (found > 0 && U !== null) {
    const bias = 128 * found;
    for (let i = 0; i < lanes; i++) {
      const l = lo[i]!,
        h = hi[i]!;
      sum[4 * i] = (l & 0xffff) - bias;
      sum[4 * i + 1] = (h & 0xffff) - bias;
      sum[4 * i + 2] = (l >>> 16) - bias;
      sum[4 * i + 3] = (h >>> 16) - bias;
    }
  }
  if (found > 0) {
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += sum[d]! * sum[d]!;
    const f = cfg.vectorScale / Math.sqrt(norm);
    for (let d = 0; d < dims; d++) {
      const v = sum[d]! * f;
      if (v !== 0) {
        slot[nd] = 100 + d;
        dval[nd++] = v;
      }
    }
  }
  if (weighted) buf.nDense = nd;
  else {
    for (let j = 0; j < nd; j++) {
      idx[n] = denseIds[slot[j]!]!;
      val[n++] = dval[j]!;
    }
    buf.nDense = 0;
  }
  buf.n = n;
}
