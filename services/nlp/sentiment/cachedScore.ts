// The run-time scoring path of the linear sentiment model: the same features as features.ts and the
// same arithmetic as predictProbs, bit for bit, but with what each distinct word contributes computed
// once. Per message, the plain path hashes every char n-gram and reads ~150 random float rows of a
// 3 MB weight table (cache misses: the look-ups, not the arithmetic, are the cost). Here a word's weight
// rows (word, negated word, its char n-grams, its per-language unigram) are gathered once into a
// contiguous run of one arena, found from the shared token (Token.sentimentMemo), so a message reads a
// few contiguous runs and one random row per bigram.
//
// Bit-identity: predictProbs adds v·W[b] feature by feature in push order, and those float64 sums round,
// so they cannot be regrouped per word (unlike the intent model's exact integer sums). This path copies
// the same float32 weights in the same order into a stream, then sums it the same way. No closures
// created per call: under tsx (esbuild keepNames) each costs a defineProperty per message.

import { fnvStep, fnvString, finalize } from './hash.ts';
import { softmax3 } from './softmax.ts';
import { polarityOf, wordHash, type Lexicon } from './lexicon.ts';
import type { Token } from '../text/tokenize.ts';
import { CONTRASTIVES, INTENSIFIERS, NEGATORS, emoticonPolarity } from '../text/wordlists.ts';
import {
  DENSE,
  MAX_TOKENS,
  NEGATION_SCOPE,
  S_BIGRAM,
  S_CHAR,
  S_EMOJI,
  S_HASHTAG,
  S_LANG,
  S_LANGWORD,
  S_NEGWORD,
  S_PUNCT,
  S_WORD,
  type FeatureConfig,
} from './features.ts';

/** Same room as FeatureBuffer (4096 slots, 16 kept for the dense features). */
const CAP = 4096 - 16;
/** Longer words are not cached (their n-gram arrays would be large): such messages take the plain path. */
const MAX_CACHED_WORD = 64;
/** Languages whose per-language unigram weights a word keeps (the first ones seen; others are looked up). */
const LANG_SLOTS = 8;
const WORD_CACHE_MAX = 50_000;
/**
 * Floats of word weights kept before starting over (16 MB; ~35k words). Past it, the next message resets
 * the arena and every word's entry is recomputed when next seen: bounded memory, as the token cache is.
 */
const POOL_LIMIT = 1 << 22;
const DENSE_SEEDS = [
  DENSE.lexPos,
  DENSE.lexNeg,
  DENSE.negPos,
  DENSE.negNeg,
  DENSE.last,
  DENSE.emoPos,
  DENSE.emoNeg,
  DENSE.noLex,
  DENSE.elong,
  DENSE.caps,
];

/** What one word contributes, for one model (the tables and arena generation it was computed with). */
interface WordEntry {
  readonly tables: ScoringTables;
  readonly gen: number;
  readonly hash: number;
  readonly negator: boolean;
  readonly intensifier: boolean;
  readonly contrastive: boolean;
  readonly polarity: number;
  /** Number of char n-gram features. */
  readonly grams: number;
  /**
   * Where its float32 weight triples start in the tables' arena: [0] the word, [1] the negated word,
   * [2 .. 2+grams) its char n-grams, then LANG_SLOTS × (plain, negated) per-language unigrams, NaN until
   * first needed (weights are never NaN). One arena rather than an array per word: no allocation, no
   * pointer to chase (its first touch is a cache miss either way).
   */
  readonly off: number;
}

interface HashtagEntry {
  readonly tables: ScoringTables;
  readonly gen: number;
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly parts: readonly WordEntry[];
}

/** Emoji, emoticons, punctuation and placeholders (url, mention, number): one feature and a bigram. */
interface TokenEntry {
  readonly tables: ScoringTables;
  /** The hash bigrams build on; for '.', which ends the bigram chain and has no feature, unused. */
  readonly hash: number;
  /** Emoji: lexicon polarity; emoticons: their class (-1, 0, 1). */
  readonly polarity: number;
  readonly dot: boolean;
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
}

interface LangEntry {
  readonly slot: number;
  readonly seed: number;
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
}

/** Per-model derived data; tokens' memos are only reused for the same tables. */
export class ScoringTables {
  readonly mask: number;
  /** Hashtag parts are strings, not tokens: their entries are found by string. */
  private readonly partWords = new Map<string, WordEntry>();
  private readonly placeholders = new Map<string, TokenEntry>();
  private readonly langs = new Map<string, LangEntry>();
  /** The dense features' weight triples, in DENSE_SEEDS order. */
  readonly denseW: Float64Array;
  /** The dense features' values of the current message, in DENSE_SEEDS order. */
  readonly denseX = new Float64Array(DENSE_SEEDS.length);
  /** Weight stream of the current message: one float32 triple per sparse feature, in push order. */
  readonly stream = new Float32Array(3 * CAP);
  /** The words' weights (WordEntry.off); grows by doubling, starts over past POOL_LIMIT. */
  pool = new Float32Array(1 << 16);
  private used = 0;
  /** Arena generation: entries of an older one are stale. */
  gen = 0;

  constructor(
    readonly cfg: FeatureConfig,
    readonly W: Float32Array,
    readonly bias: Float64Array,
    readonly lex: Lexicon,
    /** POOL_LIMIT; tests pass a small one to exercise the start-over. */
    private readonly poolLimit = POOL_LIMIT,
  ) {
    this.mask = (1 << cfg.bits) - 1;
    this.denseW = new Float64Array(DENSE_SEEDS.length * 3);
    DENSE_SEEDS.forEach((seed, j) => {
      const b = (finalize(seed) & this.mask) * 3;
      for (let k = 0; k < 3; k++) this.denseW[j * 3 + k] = W[b + k]!;
    });
  }

  /** At the start of a message (never inside one, so no entry of the message goes stale mid-way). */
  startMessage(): void {
    if (this.used <= this.poolLimit) return;
    this.used = 0;
    this.gen++;
    this.partWords.clear();
  }

  private alloc(n: number): number {
    if (this.used + n > this.pool.length) {
      const bigger = new Float32Array(Math.max(2 * this.pool.length, this.used + n));
      bigger.set(this.pool.subarray(0, this.used));
      this.pool = bigger;
    }
    const off = this.used;
    this.used += n;
    return off;
  }

  lang(language: string): LangEntry {
    let e = this.langs.get(language);
    if (e === undefined) {
      const b = (finalize(fnvString(S_LANG, language)) & this.mask) * 3;
      const slot = this.langs.size < LANG_SLOTS ? this.langs.size : -1;
      e = { slot, seed: fnvString(S_LANGWORD, language) >>> 0, w0: this.W[b]!, w1: this.W[b + 1]!, w2: this.W[b + 2]! };
      if (slot >= 0) this.langs.set(language, e);
    }
    return e;
  }

  /** The entry of a word (null: too long to cache). */
  word(w: string, elongated: boolean): WordEntry | null {
    if (w.length > MAX_CACHED_WORD) return null;
    const hw = wordHash(w);
    const negator = NEGATORS.has(w);
    const L = w.length + 2;
    const cfg = this.cfg;
    let grams = 0;
    if (!negator)
      for (let s = 0; s < L; s++) for (let k = Math.max(0, cfg.charMin - 1); k < cfg.charMax && s + k < L; k++) grams++;
    const W = this.W,
      mask = this.mask;
    const off = this.alloc(3 * (2 + grams + 2 * LANG_SLOTS));
    const out = this.pool;
    let o = off;
    for (const seed of [S_WORD, S_NEGWORD]) {
      const b = (finalize(hw ^ seed) & mask) * 3;
      out[o++] = W[b]!;
      out[o++] = W[b + 1]!;
      out[o++] = W[b + 2]!;
    }
    if (!negator)
      for (let s = 0; s < L; s++) {
        let hc = S_CHAR;
        for (let k = 0; k < cfg.charMax && s + k < L; k++) {
          const p = s + k;
          hc = fnvStep(hc, p === 0 || p === L - 1 ? 32 : w.charCodeAt(p - 1));
          if (k + 1 >= cfg.charMin) {
            const b = (finalize(hc) & mask) * 3;
            out[o++] = W[b]!;
            out[o++] = W[b + 1]!;
            out[o++] = W[b + 2]!;
          }
        }
      }
    out.fill(NaN, o, off + 3 * (2 + grams + 2 * LANG_SLOTS));
    return {
      tables: this,
      gen: this.gen,
      hash: hw,
      negator,
      intensifier: INTENSIFIERS.has(w),
      contrastive: CONTRASTIVES.has(w),
      polarity: negator ? 0 : polarityOf(this.lex, w, elongated, hw),
      grams,
      off,
    };
  }

  partWord(w: string): WordEntry | null {
    let e = this.partWords.get(w);
    if (e === undefined) {
      const made = this.word(w, false);
      if (made === null) return null;
      if (this.partWords.size >= WORD_CACHE_MAX) this.partWords.clear();
      this.partWords.set(w, (e = made));
    }
    return e;
  }

  hashtag(t: Token): HashtagEntry | null {
    const parts: WordEntry[] = [];
    if (t.parts)
      for (const p of t.parts) {
        const e = this.partWord(p);
        if (e === null) return null;
        parts.push(e);
      }
    const b = (finalize(wordHash(t.norm) ^ S_HASHTAG) & this.mask) * 3;
    return { tables: this, gen: this.gen, w0: this.W[b]!, w1: this.W[b + 1]!, w2: this.W[b + 2]!, parts };
  }

  /** Emoji, emoticon, punctuation and placeholder tokens. */
  token(t: Token): TokenEntry {
    let hash: number,
      seed: number,
      polarity = 0;
    if (t.kind === 'emoji') {
      hash = wordHash(t.norm);
      seed = S_EMOJI;
      polarity = polarityOf(this.lex, t.norm, false, hash);
    } else if (t.kind === 'emoticon') {
      polarity = emoticonPolarity(t.norm);
      hash = wordHash(polarity > 0 ? '<emo+>' : polarity < 0 ? '<emo->' : '<emo>');
      seed = S_WORD;
    } else if (t.kind === 'punct') {
      hash = wordHash(t.norm) ^ (t.elongated ? 0x5bd1e995 : 0);
      seed = S_PUNCT;
    } else {
      hash = wordHash(t.norm);
      seed = S_WORD;
    }
    const b = (finalize(hash ^ seed) & this.mask) * 3;
    const dot = t.kind === 'punct' && t.norm === '.';
    return { tables: this, hash, polarity, dot, w0: this.W[b]!, w1: this.W[b + 1]!, w2: this.W[b + 2]! };
  }

  /** Placeholders (url, mention, number) have one norm each ('<url>'…): shared by norm. */
  placeholder(t: Token): TokenEntry {
    let e = this.placeholders.get(t.norm);
    if (e === undefined) {
      e = this.token(t);
      if (this.placeholders.size < 64) this.placeholders.set(t.norm, e);
    }
    return e;
  }
}

/**
 * Writes the class probabilities of `tokens` in `lang` into `out`, exactly as extractFeatures +
 * predictProbs would. Returns false, leaving `out` untouched, for the rare messages it does not handle
 * (a word longer than MAX_CACHED_WORD, or more features than the buffer holds): use the plain path then.
 */
export function scoreCached(tables: ScoringTables, tokens: readonly Token[], lang: string, out: Float64Array): boolean {
  const cfg = tables.cfg,
    W = tables.W,
    mask = tables.mask,
    ws = tables.stream;
  const bigrams = cfg.bigrams,
    langWords = cfg.langWords;
  tables.startMessage();
  const gen = tables.gen;
  const le = tables.lang(lang);
  const langSeed = le.seed,
    slot = le.slot;
  ws[0] = le.w0;
  ws[1] = le.w1;
  ws[2] = le.w2;
  let o = 3; // write position in the stream (3 per feature)
  const end3 = 3 * CAP;

  let negLeft = 0;
  let boost = 1;
  let after = 1;
  let lexPos = 0,
    lexNeg = 0,
    negPos = 0,
    negNeg = 0,
    last = 0,
    emoPos = 0,
    emoNeg = 0,
    elong = 0,
    caps = 0,
    hits = 0;
  let prevH = 0;
  let hasPrev = false;

  const end = Math.min(tokens.length, MAX_TOKENS);
  for (let i = 0; i < end; i++) {
    const t = tokens[i]!;
    const kind = t.kind;
    // A word token is handled by the loop body below once; a hashtag runs it once per part.
    let entry: WordEntry | null = null;
    let parts: readonly WordEntry[] | null = null;
    if (kind === 'word') {
      if (t.elongated) elong++;
      if (t.allCaps) caps++;
      let e = t.sentimentMemo as WordEntry | null;
      if (e === null || e.tables !== tables || e.gen !== gen) {
        e = tables.word(t.norm, t.elongated);
        if (e === null) return false;
        t.sentimentMemo = e;
      }
      entry = e;
    } else if (kind === 'hashtag') {
      let e = t.sentimentMemo as HashtagEntry | null;
      if (e === null || e.tables !== tables || e.gen !== gen) {
        e = tables.hashtag(t);
        if (e === null) return false;
        t.sentimentMemo = e;
      }
      if (o + 3 > end3) return false;
      ws[o] = e.w0;
      ws[o + 1] = e.w1;
      ws[o + 2] = e.w2;
      o += 3;
      parts = e.parts;
    } else {
      let e: TokenEntry | null;
      if (kind === 'url' || kind === 'number' || kind === 'mention') e = tables.placeholder(t);
      else {
        e = t.sentimentMemo as TokenEntry | null;
        if (e === null || e.tables !== tables) t.sentimentMemo = e = tables.token(t);
      }
      if (kind === 'punct') {
        negLeft = 0;
        if (e.dot) {
          hasPrev = false;
          continue;
        }
      } else if (kind === 'emoji') {
        const v = e.polarity;
        if (v > 0) emoPos += v;
        else if (v < 0) emoNeg -= v;
        if (v !== 0) last = Math.sign(v);
      } else if (kind === 'emoticon') {
        const pol = e.polarity;
        if (pol > 0) emoPos += 2;
        else if (pol < 0) emoNeg += 2;
        if (pol !== 0) last = pol;
      }
      if (o + 6 > end3) return false;
      ws[o] = e.w0;
      ws[o + 1] = e.w1;
      ws[o + 2] = e.w2;
      o += 3;
      if (bigrams && hasPrev) {
        const b = (finalize(Math.imul(prevH, 0x9e3779b1) ^ e.hash ^ S_BIGRAM) & mask) * 3;
        ws[o] = W[b]!;
        ws[o + 1] = W[b + 1]!;
        ws[o + 2] = W[b + 2]!;
        o += 3;
      }
      prevH = e.hash;
      hasPrev = true;
      continue;
    }
    const nWords = parts === null ? 1 : parts.length;
    for (let p = 0; p < nWords; p++) {
      const we = parts === null ? entry! : parts[p]!;
      const hw = we.hash;
      const ww = tables.pool, // read after the entries are made: the arena may have grown
        at = we.off;
      if (o + 3 * (3 + we.grams) > end3) return false;
      if (we.negator) {
        ws[o] = ww[at]!;
        ws[o + 1] = ww[at + 1]!;
        ws[o + 2] = ww[at + 2]!;
        o += 3;
        negLeft = NEGATION_SCOPE;
      } else {
        const negated = negLeft > 0;
        const wo = at + (negated ? 3 : 0);
        ws[o] = ww[wo]!;
        ws[o + 1] = ww[wo + 1]!;
        ws[o + 2] = ww[wo + 2]!;
        o += 3;
        if (langWords) {
          const lo = slot >= 0 ? at + 3 * (2 + we.grams + 2 * slot + (negated ? 1 : 0)) : -1;
          if (lo >= 0 && ww[lo] === ww[lo]) {
            ws[o] = ww[lo]!;
            ws[o + 1] = ww[lo + 1]!;
            ws[o + 2] = ww[lo + 2]!;
          } else {
            const b = (finalize(Math.imul(hw ^ langSeed, 0x85ebca6b) ^ (negated ? 1 : 0)) & mask) * 3;
            ws[o] = W[b]!;
            ws[o + 1] = W[b + 1]!;
            ws[o + 2] = W[b + 2]!;
            if (lo >= 0) {
              ww[lo] = W[b]!;
              ww[lo + 1] = W[b + 1]!;
              ww[lo + 2] = W[b + 2]!;
            }
          }
          o += 3;
        }
      }
      if (bigrams && hasPrev) {
        const b = (finalize(Math.imul(prevH, 0x9e3779b1) ^ hw ^ S_BIGRAM) & mask) * 3;
        ws[o] = W[b]!;
        ws[o + 1] = W[b + 1]!;
        ws[o + 2] = W[b + 2]!;
        o += 3;
      }
      prevH = hw;
      hasPrev = true;
      if (we.negator) continue;
      for (let g = at + 6, gEnd = at + 6 + 3 * we.grams; g < gEnd; g++) ws[o++] = ww[g]!;
      let v = we.polarity;
      if (v !== 0) {
        v *= boost * after;
        hits++;
        if (negLeft > 0) {
          if (v > 0) negPos += v;
          else negNeg -= v;
          last = -Math.sign(v);
        } else {
          if (v > 0) lexPos += v;
          else lexNeg -= v;
          last = Math.sign(v);
        }
        boost = 1;
      }
      if (we.intensifier) boost = 1.5;
      if (we.contrastive) after = 1.5;
      if (negLeft > 0) negLeft--;
    }
  }

  // predictProbs, in the same order: sparse features (one value each: 1/sqrt(n) as float32), then dense.
  const n = o / 3;
  const v = Math.fround(1 / Math.sqrt(n));
  const B = tables.bias;
  let z0 = B[0]!,
    z1 = B[1]!,
    z2 = B[2]!;
  for (let i = 0; i < o; i += 3) {
    z0 += v * ws[i]!;
    z1 += v * ws[i + 1]!;
    z2 += v * ws[i + 2]!;
  }
  const D = tables.denseW,
    x = tables.denseX;
  x[0] = Math.log1p(lexPos) / 2;
  x[1] = Math.log1p(lexNeg) / 2;
  x[2] = Math.log1p(negPos) / 2;
  x[3] = Math.log1p(negNeg) / 2;
  x[4] = last * 0.5;
  x[5] = Math.log1p(emoPos) / 2;
  x[6] = Math.log1p(emoNeg) / 2;
  x[7] = hits === 0 && emoPos + emoNeg === 0 ? 0.5 : 0;
  x[8] = elong > 0 ? 0.5 : 0;
  x[9] = caps > 0 ? 0.5 : 0;
  for (let j = 0; j < 10; j++) {
    const xj = x[j]!;
    if (xj === 0) continue;
    const f = Math.fround(xj); // FeatureBuffer.val is float32
    z0 += f * D[3 * j]!;
    z1 += f * D[3 * j + 1]!;
    z2 += f * D[3 * j + 2]!;
  }
  softmax3(z0, z1, z2, out);
  return true;
}
