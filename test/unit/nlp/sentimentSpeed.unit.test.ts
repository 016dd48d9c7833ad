// The cached sentiment scoring path (sentiment/cachedScore.ts) must give exactly, bit for bit, the
// probabilities of the plain path (extractFeatures + predictProbs, which training uses) — on every
// corpus message, in several languages, and when two models share the same (cached) tokens.
import { describe, expect, it } from 'vitest';
import { defaultDataDir, readSplit } from '../../../services/nlp/eval/dataset.ts';
import { readIntentDir, defaultIntentDataDir } from '../../../services/nlp/intent/dataset.ts';
import { tokenize } from '../../../services/nlp/text/tokenize.ts';
import { extractFeatures, FeatureBuffer } from '../../../services/nlp/sentiment/features.ts';
import {
  decodeModel,
  LinearSentimentModel,
  predictProbs,
  readModelFile,
} from '../../../services/nlp/sentiment/linearModel.ts';
import { ScoringTables, scoreCached } from '../../../services/nlp/sentiment/cachedScore.ts';
import { BUILTIN_MODEL_PATH } from '../../../services/nlp/sentiment/registry.ts';

const file = readModelFile(BUILTIN_MODEL_PATH);

function scorers(f = file, poolLimit?: number) {
  const { params, lexicon } = decodeModel(f);
  const tables = new ScoringTables(params.features, params.W, params.bias, lexicon, poolLimit);
  const buf = new FeatureBuffer();
  const plain = (text: string, lang: string): number[] => {
    const out = new Float64Array(3);
    extractFeatures(tokenize(text), lang, lexicon, params.features, buf);
    predictProbs(params, buf, out);
    return Array.from(out);
  };
  const cached = (text: string, lang: string): number[] | null => {
    const out = new Float64Array(3);
    return scoreCached(tables, tokenize(text), lang, out) ? Array.from(out) : null;
  };
  return { plain, cached };
}

const corpus = [
  ...['train', 'val'].flatMap((split) =>
    readSplit(defaultDataDir(), split).flatMap((s) => s.texts.map((text) => ({ text, lang: s.language ?? 'en' }))),
  ),
  ...readIntentDir(defaultIntentDataDir()).map((e) => ({ text: e.text, lang: e.language })),
];

describe('cached sentiment scoring', () => {
  it(
    'gives bit-identical probabilities to the plain path on every corpus message, in its own and other languages',
    { timeout: 120_000 },
    () => {
      const { plain, cached } = scorers();
      let compared = 0;
      for (const [i, { text, lang }] of corpus.entries()) {
        // own language always; every 4th message also as English, an unsupported language and 'und'
        for (const l of i % 4 === 0 ? [lang, 'en', 'pl', 'und'] : [lang]) {
          const fast = cached(text, l);
          expect(fast, `${l}: ${text}`).not.toBeNull();
          expect(fast, `${l}: ${text}`).toEqual(plain(text, l));
          compared++;
        }
      }
      expect(corpus.length).toBeGreaterThan(14_000);
      expect(compared).toBeGreaterThan(24_000);
    },
  );

  it('is identical on the hard cases: negation scopes, hashtags, emoji, emoticons, elongation, many languages', () => {
    const { plain, cached } = scorers();
    const texts = [
      'non è bello, ma non è nemmeno brutto!!! #NonMiPiace #SuperBello 😍😍 :) :( <3',
      "not bad at all... NOT GOOD either?! sooooo coooool hahaha l'app d'oro",
      'nunca jamás volveré 😡😡😡 #malServicio @acme http://x.co 123,45 €',
      'kein Problem, aber nicht gut. nie wieder :/ ^^ xD',
      '', // no tokens: only the language feature
      '. . . ! ? ?!',
      '#a_b_c_d_e_f #ÜberGut #123abc',
    ];
    // more languages than the cached per-language slots, so the uncached look-up runs too
    const langs = ['it', 'en', 'es', 'fr', 'de', 'pt', 'und', 'pl', 'nl', 'ru', 'ja', 'sv'];
    for (let round = 0; round < 2; round++)
      for (const l of langs) for (const t of texts) expect(cached(t, l), `${l}: ${t}`).toEqual(plain(t, l));
  });

  it('hands the messages it does not cache to the plain path: very long words, more features than the buffer', () => {
    const { cached, plain } = scorers();
    const model = new LinearSentimentModel(file);
    const long = [
      'che bello ' + 'a' + 'bcdefghij'.repeat(10), // a 91-letter word
      Array.from({ length: 119 }, (_, i) => `wordy${i}abcdefghijklmnopqrstuv`).join(' '), // > 4080 features
    ];
    for (const text of long) {
      expect(cached(text, 'en')).toBeNull();
      expect(Array.from(model.probabilities(tokenize(text), 'en'))).toEqual(plain(text, 'en'));
    }
  });

  it('two models on the same shared tokens each score with their own weights', () => {
    const other = { ...file, bias: [0.5, -0.25, 0.125] as [number, number, number] };
    const a = scorers(),
      b = scorers(other);
    for (const { text, lang } of corpus.slice(0, 300)) {
      expect(a.cached(text, lang)).toEqual(a.plain(text, lang));
      expect(b.cached(text, lang)).toEqual(b.plain(text, lang));
    }
    expect(b.plain('bello', 'it')).not.toEqual(a.plain('bello', 'it'));
  });

  it('stays identical when the word arena starts over (a tiny limit: a restart every few messages)', () => {
    const { plain, cached } = scorers(file, 2000);
    for (const { text, lang } of corpus.slice(0, 400).concat(corpus.slice(0, 400)))
      expect(cached(text, lang), text).toEqual(plain(text, lang));
  });
});
