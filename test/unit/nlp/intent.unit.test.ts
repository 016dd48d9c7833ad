import { describe, expect, it } from 'vitest';
import { createAnalyzerSync, DEFAULT_NEEDS_REPLY, INTENTS } from '../../../services/nlp/index.ts';
import { INTENT_EXAMPLES } from './fixtures/intent-examples.ts';

const analyzer = createAnalyzerSync();

describe('intent: every (language, class) of the fixture', () => {
  for (const [lang, byIntent] of Object.entries(INTENT_EXAMPLES)) {
    for (const intent of INTENTS) {
      it(`${lang} / ${intent}`, () => {
        const examples = byIntent[intent];
        expect(examples.length).toBeGreaterThanOrEqual(3);
        for (const text of examples) {
          const a = analyzer.analyze({ text, languageHint: lang });
          expect({ text, intent: a.intent }).toEqual({ text, intent });
          expect(a.needsReply).toBe(DEFAULT_NEEDS_REPLY[intent]);
        }
      });
    }
  }
});

describe('intent signals', () => {
  it('uses sentiment for complaint vs praise when no cue word is present', () => {
    expect(analyzer.analyze({ text: 'I hate waiting all day for this', languageHint: 'en' }).intent).toBe('complaint');
    expect(analyzer.analyze({ text: 'Such a happy day, everything was lovely 😊', languageHint: 'en' }).intent).toBe('praise');
  });

  it('still classifies obvious spam and questions in unsupported languages', () => {
    const spam = analyzer.analyze({ text: 'Zarabiaj z domu! bitcoin http://bit.ly/x' });
    expect(spam.intent).toBe('spam');
    const q = analyzer.analyze({ text: 'Kiedy otwieracie sklep w Warszawie?' });
    expect(q.languageSupported).toBe(false);
    expect(q.intent).toBe('question');
    expect(q.needsReply).toBe(true);
  });
});
