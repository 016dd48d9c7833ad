// The literal pre-check of the strong-spam cues must not change a single answer of the regex.
import { describe, expect, it } from 'vitest';
import { defaultDataDir, readSplit } from '../../../services/nlp/eval/dataset.ts';
import { readIntentDir, defaultIntentDataDir } from '../../../services/nlp/intent/dataset.ts';
import { requiredLiterals, strongSpam, STRONG_SPAM } from '../../../services/nlp/intent/classify.ts';
import { COMMON_SPAM_STRONG } from '../../../services/nlp/intent/patterns.ts';

describe('strong-spam literal pre-check', () => {
  it('finds the literal every fragment needs, and none when a fragment has regex syntax', () => {
    expect(requiredLiterals(['bit\\.ly', 't\\.me/', 'btc~'])).toEqual(['bit.ly', 't.me/', 'btc']);
    for (const f of ['wa.me', 'n[ãa]o', 'a b', 'bugs?', '(a|b)', '']) expect(requiredLiterals([f]), f).toBeNull();
    expect(requiredLiterals(COMMON_SPAM_STRONG)).toHaveLength(COMMON_SPAM_STRONG.length);
  });

  it('answers as the regex alone on the corpora and on hits and near misses of every cue', () => {
    const texts = [
      ...['train', 'val'].flatMap((split) => readSplit(defaultDataDir(), split).flatMap((s) => s.texts)),
      ...readIntentDir(defaultIntentDataDir()).map((e) => e.text),
    ].map((t) => t.toLowerCase());
    for (const l of requiredLiterals(COMMON_SPAM_STRONG)!)
      for (const t of [l, `free ${l} now`, `${l}s`, `x${l}`, `${l}x`, `(${l})`, l.slice(1)]) texts.push(t);
    let hits = 0;
    for (const s of texts) {
      const want = STRONG_SPAM.test(s);
      expect(strongSpam(s), s).toBe(want);
      if (want) hits++;
    }
    expect(hits).toBeGreaterThan(30);
  });
});
