// Turns tokens into a sparse hashed feature vector for the linear sentiment model:
//  - word unigrams (marked NEG_ inside a negation scope) and bigrams,
//  - hashtags, emoji, emoticon classes, punctuation classes,
//  - char 3..5-grams inside words (robust to typos, inflection, and unseen words of close languages),
//  - optional language-conjoined unigrams (a per-language correction on top of the shared model),
//  - a few dense lexicon features (polarity sums with negation/intensifiers) that transfer across
//    languages, which matters with only ~1.8k training tweets per language.

import { fnvStep, fnvString, familySeed, finalize } from './hash.ts';
import { polarityOf, wordHash, type Lexicon } from './lexicon.ts';
import type { Token } from '../text/tokenize.ts';
import { CONTRASTIVES, INTENSIFIERS, NEGATORS, emoticonPolarity } from '../text/wordlists.ts';

export interface FeatureConfig {
  /** log2 of the hashed weight table size. */
  bits: number;
  charMin: number;
  charMax: number;
  bigrams: boolean;
  /** Also emit "<lang>|word" unigrams. */
  langWords: boolean;
}

// charMax 4 rather than 5: equal 5-fold CV macro-F1 on train (0.607 vs 0.608), ~15% fewer features to score.
export const DEFAULT_FEATURES: FeatureConfig = { bits: 18, charMin: 3, charMax: 4, bigrams: true, langWords: true };

export const NEGATION_SCOPE = 3;
export const MAX_TOKENS = 120; // long posts: the head carries the sentiment; caps cost per message

export const S_WORD = familySeed('w');
export const S_NEGWORD = familySeed('nw');
export const S_BIGRAM = familySeed('b');
export const S_HASHTAG = familySeed('h');
export const S_EMOJI = familySeed('e');
export const S_PUNCT = familySeed('p');
export const S_CHAR = familySeed('c');
export const S_LANG = familySeed('lang');
export const S_LANGWORD = familySeed('lw');
export const DENSE = {
  lexPos: familySeed('d:lexpos'),
  lexNeg: familySeed('d:lexneg'),
  negPos: familySeed('d:negpos'),
  negNeg: familySeed('d:negneg'),
  last: familySeed('d:last'),
  emoPos: familySeed('d:emopos'),
  emoNeg: familySeed('d:emoneg'),
  noLex: familySeed('d:nolex'),
  elong: familySeed('d:elong'),
  caps: familySeed('d:caps'),
} as const;

/** Reusable output buffer: hashed bucket ids and values (duplicates allowed, they add up). */
export class FeatureBuffer {
  idx: Int32Array = new Int32Array(4096);
  val: Float32Array = new Float32Array(4096);
  n = 0;
}

/** Fills `buf` with the features of `tokens`. `lang` is an ISO code (or 'und'). */
export function extractFeatures(
  tokens: readonly Token[],
  lang: string,
  lex: Lexicon,
  cfg: FeatureConfig,
  buf: FeatureBuffer,
): void {
  const mask = (1 << cfg.bits) - 1;
  const idx = buf.idx;
  const cap = idx.length - 16; // room for dense features
  let n = 0;
  const push = (h: number): void => {
    if (n < cap) idx[n++] = finalize(h) & mask;
  };
  const langSeed = fnvString(S_LANGWORD, lang) >>> 0;
  push(fnvString(S_LANG, lang));

  let negLeft = 0;
  let boost = 1; // intensifier multiplier for the next lexicon hit
  let after = 1; // weight after a contrastive ("ma", "but"): the later clause dominates
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

  // Every token's base hash is computed once; family features are salted re-mixes of it.
  let prevH = 0;
  let hasPrev = false;
  const bigram = (h: number): void => {
    if (cfg.bigrams && hasPrev) push(Math.imul(prevH, 0x9e3779b1) ^ h ^ S_BIGRAM);
    prevH = h;
    hasPrev = true;
  };
  const word = (w: string, elongated: boolean): void => {
    const hw = wordHash(w);
    if (NEGATORS.has(w)) {
      push(hw ^ S_WORD);
      negLeft = NEGATION_SCOPE;
      bigram(hw);
      return;
    }
    const negated = negLeft > 0;
    push(hw ^ (negated ? S_NEGWORD : S_WORD));
    if (cfg.langWords) push(Math.imul(hw ^ langSeed, 0x85ebca6b) ^ (negated ? 1 : 0));
    bigram(hw);
    // char n-grams of the padded word " w "
    const L = w.length + 2;
    for (let s = 0; s < L; s++) {
      let hc = S_CHAR;
      for (let k = 0; k < cfg.charMax && s + k < L; k++) {
        const p = s + k;
        hc = fnvStep(hc, p === 0 || p === L - 1 ? 32 : w.charCodeAt(p - 1));
        if (k + 1 >= cfg.charMin) push(hc);
      }
    }
    let v = polarityOf(lex, w, elongated, hw);
    if (v !== 0) {
      v *= boost * after;
      hits++;
      if (negated) {
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
    if (INTENSIFIERS.has(w)) boost = 1.5;
    if (CONTRASTIVES.has(w)) after = 1.5;
    if (negLeft > 0) negLeft--;
  };

  const end = Math.min(tokens.length, MAX_TOKENS);
  for (let i = 0; i < end; i++) {
    const t = tokens[i]!;
    switch (t.kind) {
      case 'word':
        if (t.elongated) elong++;
        if (t.allCaps) caps++;
        word(t.norm, t.elongated);
        break;
      case 'hashtag':
        push(wordHash(t.norm) ^ S_HASHTAG);
        if (t.parts) for (const p of t.parts) word(p, false);
        break;
      case 'emoji': {
        const he = wordHash(t.norm);
        push(he ^ S_EMOJI);
        bigram(he);
        const v = polarityOf(lex, t.norm, false, he);
        if (v > 0) emoPos += v;
        else if (v < 0) emoNeg -= v;
        if (v !== 0) last = Math.sign(v);
        break;
      }
      case 'emoticon': {
        const pol = emoticonPolarity(t.norm);
        const name = pol > 0 ? '<emo+>' : pol < 0 ? '<emo->' : '<emo>';
        const hn = wordHash(name);
        push(hn ^ S_WORD);
        bigram(hn);
        if (pol > 0) emoPos += 2;
        else if (pol < 0) emoNeg += 2;
        if (pol !== 0) last = pol;
        break;
      }
      case 'punct':
        negLeft = 0;
        if (t.norm === '.') {
          hasPrev = false;
        } else {
          const hp = wordHash(t.norm) ^ (t.elongated ? 0x5bd1e995 : 0);
          push(hp ^ S_PUNCT);
          bigram(hp);
        }
        break;
      default: {
        // url, mention, number: one placeholder feature each
        const hx = wordHash(t.norm);
        push(hx ^ S_WORD);
        bigram(hx);
      }
    }
  }

  // Length normalisation of the sparse part so long and short posts live on one scale.
  const scale = n > 0 ? 1 / Math.sqrt(n) : 1;
  const val = buf.val;
  for (let i = 0; i < n; i++) val[i] = scale;
  const dense = (seed: number, v: number): void => {
    if (v !== 0) {
      idx[n] = finalize(seed) & mask;
      val[n++] = v;
    }
  };
  dense(DENSE.lexPos, Math.log1p(lexPos) / 2);
  dense(DENSE.lexNeg, Math.log1p(lexNeg) / 2);
  dense(DENSE.negPos, Math.log1p(negPos) / 2);
  dense(DENSE.negNeg, Math.log1p(negNeg) / 2);
  dense(DENSE.last, last * 0.5);
  dense(DENSE.emoPos, Math.log1p(emoPos) / 2);
  dense(DENSE.emoNeg, Math.log1p(emoNeg) / 2);
  dense(DENSE.noLex, hits === 0 && emoPos + emoNeg === 0 ? 0.5 : 0);
  dense(DENSE.elong, elong > 0 ? 0.5 : 0);
  dense(DENSE.caps, caps > 0 ? 0.5 : 0);
  buf.n = n;
}
