// The cue scans' shortcuts (the literal pre-check of the strong-spam cues, the ASCII look-behind in
// front of the Unicode one) must not change a single answer of the plain regexes.
import { describe, expect, it } from 'vitest';
import { defaultDataDir, readSplit } from '../../../services/nlp/eval/dataset.ts';
import { readIntentDir, defaultIntentDataDir } from '../../../services/nlp/intent/dataset.ts';
import {
  CUE_TYPES,
  fragment,
  newRuleSignals,
  requiredLiterals,
  ruleSignals,
  strongSpam,
  STRONG_SPAM,
} from '../../../services/nlp/intent/classify.ts';
import { COMMON_SPAM_STRONG, CUES } from '../../../services/nlp/intent/patterns.ts';
import { tokenize } from '../../../services/nlp/text/tokenize.ts';
import { rng } from '../../../services/shared/random.ts';

const corpus = () =>
  [
    ...['train', 'val'].flatMap((split) =>
      readSplit(defaultDataDir(), split).flatMap((s) => s.texts.map((text) => ({ text, language: s.language! }))),
    ),
    ...readIntentDir(defaultIntentDataDir()).map((e) => ({ text: e.text, language: e.language })),
  ].map(({ text, language }) => ({ s: text.toLowerCase(), language }));

describe('cue scan shortcuts', () => {
  it('finds the literal every fragment needs, and none when a fragment has regex syntax', () => {
    expect(requiredLiterals(['bit\\.ly', 't\\.me/', 'btc~'])).toEqual(['bit.ly', 't.me/', 'btc']);
    for (const f of ['wa.me', 'n[ãa]o', 'a b', 'bugs?', '(a|b)', '']) expect(requiredLiterals([f]), f).toBeNull();
    expect(requiredLiterals(COMMON_SPAM_STRONG)).toHaveLength(COMMON_SPAM_STRONG.length);
  });

  it('answers as the regex alone on the corpora and on hits and near misses of every cue', () => {
    const texts = corpus().map((x) => x.s);
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

  it('cue counts equal those of the scans with the Unicode look-behind alone', { timeout: 60_000 }, () => {
    const reference = new Map(
      Object.entries(CUES).map(([lang, table]) => [
        lang,
        new RegExp(
          `(?<![\\p{L}\\p{N}])(?:${CUE_TYPES.map((t) => `(${table[t].map(fragment).join('|')})`).join('|')})`,
          'gu',
        ),
      ]),
    );
    const count = (re: RegExp, s: string, counts: number[]) => {
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(s)) !== null) counts[m.findIndex((g, i) => i > 0 && g !== undefined) - 1]!++;
    };
    const texts = corpus();
    // random mixes of cue words, other scripts, digits and accents around word boundaries
    const pieces = [
      'non ',
      'va',
      'ordine',
      'x',
      '1',
      'é',
      'п',
      '😍',
      ' ',
      "'",
      '-',
      'not working',
      'rimborso',
      'my order',
    ];
    const rand = rng(3);
    for (let i = 0; i < 5000; i++) {
      let s = '';
      for (let j = Math.floor(rand() * 10); j >= 0; j--) s += pieces[Math.floor(rand() * pieces.length)]!;
      texts.push({ s, language: ['it', 'en', 'pl'][i % 3]! });
    }
    let hits = 0;
    for (const { s, language } of texts) {
      const want = CUE_TYPES.map(() => 0);
      if (language !== 'en' && reference.has(language)) count(reference.get(language)!, s, want);
      count(reference.get('en')!, s, want);
      const got = ruleSignals({ lower: s, tokens: tokenize(s), language, sentiment: null }, newRuleSignals());
      expect(Array.from(got.counts), s).toEqual(want);
      hits += want.reduce((a, b) => a + b, 0);
    }
    expect(hits).toBeGreaterThan(5000);
  });
});
