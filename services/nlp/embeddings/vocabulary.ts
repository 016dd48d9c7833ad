// The words whose static vectors are distilled from multilingual-e5-small (distil.py): every word
// of the intent dev set, every word seen at least twice in the sentiment train split, and the
// sentiment lexicon (six languages). Accent- and case-folded exactly as the intent features fold
// them, sorted, with their corpus counts (for frequency weighting). Deterministic.

import { readIntentDir } from '../intent/dataset.ts';
import { readSplit } from '../eval/dataset.ts';
import { foldText } from '../intent/features.ts';
import { tokenize } from '../text/tokenize.ts';

const WORD = /^[\p{L}][\p{L}\p{M}'’-]*$/u;

export function buildVocabulary(
  intentDir: string,
  sentimentDir: string,
  lexiconWords: Iterable<string>,
): Array<[string, number]> {
  const intent = new Map<string, number>();
  const tweets = new Map<string, number>();
  const add = (m: Map<string, number>, text: string): void => {
    for (const t of tokenize(text)) {
      if (t.kind !== 'word' || t.norm === '<laugh>') continue;
      const w = foldText(t.norm);
      if (w.length > 40) continue;
      m.set(w, (m.get(w) ?? 0) + 1);
    }
  };
  for (const e of readIntentDir(intentDir)) add(intent, e.text);
  for (const s of readSplit(sentimentDir, 'train')) for (const x of s.texts) add(tweets, x);
  const counts = new Map<string, number>();
  for (const [w, c] of intent) counts.set(w, c);
  for (const [w, c] of tweets) if (c >= 2 || counts.has(w)) counts.set(w, (counts.get(w) ?? 0) + c);
  for (const raw of lexiconWords) {
    const w = foldText(raw.toLowerCase());
    if (WORD.test(w) && w.length <= 40 && !counts.has(w)) counts.set(w, 0);
  }
  return [...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
