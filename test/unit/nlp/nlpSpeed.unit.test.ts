// The run-time shortcuts of the NLP hot path must not change a single result: shared (cached)
// tokens, per-word cached intent features, the weighted scoring path, and the hint confirmation
// of the function-word vote.
import { describe, expect, it } from 'vitest';
import { readIntentDir, defaultIntentDataDir } from '../../../services/nlp/intent/dataset.ts';
import { tokenize } from '../../../services/nlp/text/tokenize.ts';
import { detectLanguage } from '../../../services/nlp/language.ts';
import { newRuleSignals, ruleSignals } from '../../../services/nlp/intent/classify.ts';
import { extractIntentFeatures, IntentFeatureBuffer } from '../../../services/nlp/intent/features.ts';
import {
  decodeQuantised,
  intentProbsQuantised,
  intentProbsWeighted,
  readIntentModelFile,
  BUILTIN_INTENT_MODEL_PATH,
  K,
} from '../../../services/nlp/intent/model.ts';
import { loadWordVectors } from '../../../services/nlp/embeddings/table.ts';
import { loadSentimentModelSync } from '../../../services/nlp/sentiment/registry.ts';
import { INTENT_EXAMPLES } from './fixtures/intent-examples.ts';

const texts = [
  ...readIntentDir(defaultIntentDataDir()).map((e) => ({ text: e.text, language: e.language })),
  ...Object.entries(INTENT_EXAMPLES).flatMap(([language, byIntent]) =>
    Object.values(byIntent)
      .flat()
      .map((text) => ({ text, language })),
  ),
];

describe('shared tokens', () => {
  it('tokenizing again gives equal tokens, the cached words as the same objects', () => {
    const a = tokenize("Ciao @acme l'app non va!!! #NonMiPiace 😤 :) 123 http://x.co");
    const b = tokenize("Ciao @acme l'app non va!!! #NonMiPiace 😤 :) 123 http://x.co");
    expect(b.map((t) => [t.kind, t.norm, t.raw])).toEqual(a.map((t) => [t.kind, t.norm, t.raw]));
    expect(b[0]).toBe(a[0]);
    expect(a.map((t) => t.kind)).toEqual([
      'word',
      'mention',
      'word',
      'word',
      'word',
      'word',
      'punct',
      'hashtag',
      'emoji',
      'emoticon',
      'number',
      'url',
    ]);
  });
});

describe('weighted intent scoring', () => {
  // ~1.7k messages scored twice: seconds on a loaded 2-core machine, hence the timeout (not a speed check).
  it(
    'gives bit-identical probabilities to the plain features on every dev and fixture message',
    { timeout: 60_000 },
    () => {
      const file = readIntentModelFile(BUILTIN_INTENT_MODEL_PATH);
      const p = decodeQuantised(file);
      const vectors = loadWordVectors();
      const sentiment = loadSentimentModelSync('builtin');
      const plain = new IntentFeatureBuffer(),
        weighted = new IntentFeatureBuffer();
      const a = new Float64Array(K),
        b = new Float64Array(K);
      let compared = 0;
      for (const { text, language } of texts) {
        const tokens = tokenize(text);
        const s = sentiment.score({ text, tokens, language });
        const rules = ruleSignals({ lower: text.toLowerCase(), tokens, language, sentiment: s }, newRuleSignals());
        extractIntentFeatures(tokens, language, rules, s, p.features, plain, vectors);
        intentProbsQuantised(p, plain.idx, plain.val, plain.n, a);
        extractIntentFeatures(tokens, language, rules, s, p.features, weighted, vectors, p.Q);
        intentProbsWeighted(p, weighted, weighted.denseQ!, b);
        expect(Array.from(b), text).toEqual(Array.from(a));
        compared++;
      }
      expect(compared).toBeGreaterThan(1500);
    },
  );
});

describe('language: the hint confirmed by the function-word vote', () => {
  // "molto" votes for Italian only: one vote, below the 3 the vote needs on its own.
  it('confirms a supported hint that the vote leans to, without the detector', () => {
    expect(detectLanguage(tokenize('molto bello'), 'it')).toEqual({
      language: 'it',
      reliable: true,
      latinScript: true,
    });
  });
  it('leaves ties and leanings to another language to the detector (the hint changes nothing there)', () => {
    // "de" votes for es, fr and pt alike; "the" votes for English, not for the German hint
    for (const [text, hint] of [
      ['de Roma', 'es'],
      ['the weather in Berlin today', 'de'],
    ] as const) {
      expect(detectLanguage(tokenize(text), hint), text).toEqual(detectLanguage(tokenize(text), null));
    }
    expect(detectLanguage(tokenize('the weather in Berlin today'), 'de').language).toBe('en');
  });
  it('ignores hints of unsupported languages', () => {
    expect(detectLanguage(tokenize('molto bello'), 'pl')).toEqual(detectLanguage(tokenize('molto bello'), null));
  });
});
