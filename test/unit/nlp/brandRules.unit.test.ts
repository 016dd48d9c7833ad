import { describe, expect, it } from 'vitest';
import { createAnalyzerSync, parseBrandRules } from '../../../services/nlp/index.ts';

const rules = {
  acme: {
    phrases: [
      { phrase: 'Killer Deal', action: 'neutralize' as const },
      {
        phrase: 'sick of waiting',
        action: 'override' as const,
        label: 'negative' as const,
        intent: 'complaint' as const,
      },
    ],
    needsReply: { praise: true },
  },
};

describe('brand rules', () => {
  const plain = createAnalyzerSync();
  const branded = createAnalyzerSync({ brandRules: rules });

  it('neutralize removes a product name from sentiment scoring for that brand only', () => {
    const text = 'The new Killer Deal is out, killer deal for everyone';
    const other = plain.analyze({ text, languageHint: 'en' }).sentiment!;
    const acme = branded.analyze({ text, languageHint: 'en', brand: 'acme' }).sentiment!;
    const stripped = plain.analyze({ text: 'The new   is out,   for everyone', languageHint: 'en' }).sentiment!;
    expect(acme).toEqual(stripped);
    expect(acme.score).not.toBe(other.score);
    expect(branded.analyze({ text, languageHint: 'en', brand: 'globex' }).sentiment).toEqual(other);
  });

  it('override forces label, score and intent when the phrase occurs', () => {
    const a = branded.analyze({ text: 'lovely staff but I am SICK of   waiting', languageHint: 'en', brand: 'acme' });
    expect(a.sentiment).toEqual({ label: 'negative', score: -0.8, confidence: 1 });
    expect(a.intent).toBe('complaint');
  });

  it('needsReply is configurable per brand', () => {
    const text = 'Thank you, amazing service! 😍';
    expect(plain.analyze({ text, languageHint: 'en' })).toMatchObject({ intent: 'praise', needsReply: false });
    expect(branded.analyze({ text, languageHint: 'en', brand: 'acme' })).toMatchObject({
      intent: 'praise',
      needsReply: true,
    });
  });

  it('the rule set hash is part of the model version', () => {
    expect(branded.modelVersion).not.toBe(plain.modelVersion);
    expect(createAnalyzerSync({ brandRules: rules }).modelVersion).toBe(branded.modelVersion);
  });

  it('rejects malformed configuration', () => {
    expect(() => parseBrandRules({ acme: { phrases: [{ phrase: 'x', action: 'delete' }] } })).toThrow();
    expect(() => parseBrandRules({ acme: { needsReply: { nonsense: true } } })).toThrow();
  });
});
