import { describe, expect, it } from 'vitest';
import { createAnalyzerSync } from '../../../services/nlp/index.ts';
import { extractFeatures, FeatureBuffer, DEFAULT_FEATURES } from '../../../services/nlp/sentiment/features.ts';
import { lexiconFromEntries } from '../../../services/nlp/sentiment/lexicon.ts';
import { familySeed, finalize } from '../../../services/nlp/sentiment/hash.ts';
import { tokenize } from '../../../services/nlp/text/tokenize.ts';

const analyzer = createAnalyzerSync();
const score = (text: string, languageHint = 'it') => analyzer.analyze({ text, languageHint }).sentiment!.score;

describe('sentiment output contract', () => {
  it('returns score in [-1,1], a label consistent with probabilities, confidence in (1/3,1]', () => {
    for (const text of [
      'Che bella giornata!',
      'Servizio pessimo',
      'Il treno parte alle 8',
      '',
      '🙂',
      'a'.repeat(5000),
    ]) {
      const s = analyzer.analyze({ text, languageHint: 'it' }).sentiment!;
      expect(s.score).toBeGreaterThanOrEqual(-1);
      expect(s.score).toBeLessThanOrEqual(1);
      expect(s.confidence).toBeGreaterThan(1 / 3 - 1e-9);
      expect(s.confidence).toBeLessThanOrEqual(1);
      expect(['negative', 'neutral', 'positive']).toContain(s.label);
    }
  });
  it('labels clear cases in each supported language', () => {
    const cases: Array<[string, string, 'negative' | 'positive']> = [
      ['it', 'Servizio pessimo, che schifo', 'negative'],
      ['it', 'Bellissimo, grazie mille! 😍', 'positive'],
      ['en', 'This is the worst, I hate it', 'negative'],
      ['en', 'I love it, amazing! 😍', 'positive'],
      ['es', 'Qué asco de servicio, horrible', 'negative'],
      ['es', 'Me encanta, genial! 😍', 'positive'],
      ['fr', 'Service nul, quelle honte', 'negative'],
      ['fr', "J'adore, c'est génial ! 😍", 'positive'],
      ['de', 'Schlechtester Service, eine Frechheit', 'negative'],
      ['de', 'Ich liebe es, großartig! 😍', 'positive'],
      ['pt', 'Atendimento péssimo, que vergonha', 'negative'],
      ['pt', 'Amei, maravilhoso! 😍', 'positive'],
    ];
    for (const [lang, text, label] of cases)
      expect({ text, label: analyzer.analyze({ text, languageHint: lang }).sentiment!.label }).toEqual({ text, label });
  });
});

describe('social-text handling moves the score the right way', () => {
  it('negation lowers a positive statement', () => {
    expect(score('non è bello')).toBeLessThan(score('è bello'));
    expect(score('this is not good', 'en')).toBeLessThan(score('this is good', 'en'));
  });
  it('emoji and emoticons carry polarity', () => {
    expect(score('ok 😍😍')).toBeGreaterThan(score('ok 😡😡'));
    expect(score('ok :)', 'en')).toBeGreaterThan(score('ok :(', 'en'));
  });
  it('intensifiers scale the lexicon polarity of the next word; elongation reads as the base word', () => {
    const lex = lexiconFromEntries([['good', 2]]);
    const lexPosBucket = finalize(familySeed('d:lexpos')) & ((1 << DEFAULT_FEATURES.bits) - 1);
    const lexPos = (text: string): number => {
      const buf = new FeatureBuffer();
      extractFeatures(tokenize(text), 'en', lex, DEFAULT_FEATURES, buf);
      for (let i = buf.n - 1; i >= 0; i--) if (buf.idx[i] === lexPosBucket) return buf.val[i]!;
      return 0;
    };
    expect(lexPos('good')).toBeCloseTo(Math.log1p(2) / 2, 5);
    expect(lexPos('very good')).toBeCloseTo(Math.log1p(3) / 2, 5);
    expect(lexPos('gooooood')).toBeCloseTo(Math.log1p(2) / 2, 5);
    // elongation only adds a weak emphasis feature on top of the base word
    expect(Math.abs(score('bellooooo') - score('belloo'))).toBeLessThan(0.1);
  });
  it('negated lexicon words feed the negated-polarity features, not the plain ones', () => {
    const lex = lexiconFromEntries([['bello', 3]]);
    const a = new FeatureBuffer(),
      b = new FeatureBuffer();
    extractFeatures(tokenize('è bello'), 'it', lex, DEFAULT_FEATURES, a);
    extractFeatures(tokenize('non è bello'), 'it', lex, DEFAULT_FEATURES, b);
    const setA = new Set(Array.from(a.idx.slice(0, a.n))),
      setB = new Set(Array.from(b.idx.slice(0, b.n)));
    const onlyA = [...setA].filter((x) => !setB.has(x));
    expect(onlyA.length).toBeGreaterThan(0); // "bello" unigram and lexpos differ from the negated forms
  });
});

describe('languages', () => {
  it('returns null sentiment with an explicit unsupported marker for other languages', () => {
    const a = analyzer.analyze({ text: 'Это был ужасный сервис, никогда больше' });
    expect(a.language).toBe('ru');
    expect(a.languageSupported).toBe(false);
    expect(a.sentiment).toBeNull();
  });
  it('uses a supported hint when detection fails or finds an unsupported language on Latin text', () => {
    const a = analyzer.analyze({ text: 'ok top', languageHint: 'it-IT' });
    expect(a.language).toBe('it');
    expect(a.sentiment).not.toBeNull();
  });
  it('reliable detection of a supported language beats a wrong hint', () => {
    const a = analyzer.analyze({
      text: 'Ich habe das Paket immer noch nicht bekommen und niemand antwortet mir',
      languageHint: 'it',
    });
    expect(a.language).toBe('de');
  });
  it("marks empty text as 'und'", () => {
    const a = analyzer.analyze({ text: '😂😂' });
    expect(a.language).toBe('und');
    expect(a.languageSupported).toBe(false);
  });
  it('exposes a model version naming model, intent rules and brand rule hash', () => {
    expect(analyzer.modelVersion).toMatch(
      /^builtin-lr-\d{4}\.\d+\.\d+-[0-9a-f]{8}\+intent-(rules-\d+|lr-\d{4}\.\d+\.\d+-[0-9a-f]{8})\+rules-[0-9a-f]{8}$/,
    );
  });
});
