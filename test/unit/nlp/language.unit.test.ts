import { describe, expect, it } from 'vitest';
import { normalizeLanguageHint, resolveLanguage, stopwordLanguage } from '../../../services/nlp/language.ts';
import { tokenize } from '../../../services/nlp/text/tokenize.ts';
import { createAnalyzerSync } from '../../../services/nlp/index.ts';
import { agreement } from '../../../services/nlp/feedback/agreement.ts';
import { parseRelabels, relabelsToExamples, RELABEL_WEIGHT } from '../../../services/nlp/feedback/relabels.ts';

describe('language resolution policy', () => {
  const d = (language: string, reliable: boolean, latinScript = true) => ({ language, reliable, latinScript });
  it('reliable supported detection beats the hint', () => expect(resolveLanguage(d('de', true), 'it')).toBe('de'));
  it('hint beats unreliable or unsupported detection on Latin text', () => {
    expect(resolveLanguage(d('ca', true), 'es')).toBe('es');
    expect(resolveLanguage(d('it', false), 'pt')).toBe('pt');
    expect(resolveLanguage(d('', false), 'fr')).toBe('fr');
  });
  it('keeps a reliable non-Latin detection against a Latin-script hint', () => {
    expect(resolveLanguage(d('ru', true, false), 'it')).toBe('ru');
  });
  it("falls back to the detection, then 'und'", () => {
    expect(resolveLanguage(d('nl', true), null)).toBe('nl');
    expect(resolveLanguage(d('', false), null)).toBe('und');
  });
  it('normalises hints', () => {
    expect(normalizeLanguageHint('pt-BR')).toBe('pt');
    expect(normalizeLanguageHint('IT')).toBe('it');
    expect(normalizeLanguageHint('')).toBeNull();
    expect(normalizeLanguageHint('not a code')).toBeNull();
  });
  it('function-word vote decides clear cases and abstains on thin evidence', () => {
    expect(stopwordLanguage(tokenize('non è che il servizio sia il massimo'))).toBe('it');
    expect(stopwordLanguage(tokenize('ich habe das nicht bestellt und die Rechnung ist falsch'))).toBe('de');
    expect(stopwordLanguage(tokenize('super top'))).toBe('');
  });
});

describe('relabel feedback', () => {
  it('measures agreement of the analyzer with human labels', () => {
    const relabels = parseRelabels(
      [
        '{"text":"Servizio pessimo, che schifo","language":"it","label":"negative","intent":"complaint"}',
        '{"text":"Servizio pessimo, che schifo","language":"it","label":"positive","intent":"praise"}',
      ].join('\n'),
    );
    const a = agreement(createAnalyzerSync(), relabels);
    expect(a).toEqual({ sentimentN: 2, sentimentAccuracy: 0.5, intentN: 2, intentAccuracy: 0.5 });
  });
  it('turns relabels into weighted training examples, detecting a missing language', () => {
    const [e] = relabelsToExamples(
      parseRelabels('{"text":"Ich habe das Paket immer noch nicht bekommen und das ist schlecht","label":"negative"}'),
    );
    expect(e).toEqual({ text: expect.any(String), language: 'de', label: 0, weight: RELABEL_WEIGHT });
  });
});
