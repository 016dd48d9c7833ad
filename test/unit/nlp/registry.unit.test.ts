import { describe, expect, it } from 'vitest';
import { createAnalyzer, registerSentimentModel } from '../../../services/nlp/index.ts';
import { parseModelSpec } from '../../../services/nlp/sentiment/registry.ts';
import { parseRelabels } from '../../../services/nlp/feedback/relabels.ts';

describe('sentiment model registry', () => {
  it('parses model specs', () => {
    expect(parseModelSpec('builtin')).toEqual({ scheme: 'builtin', arg: '' });
    expect(parseModelSpec('onnx:/models/xlm-t.onnx')).toEqual({ scheme: 'onnx', arg: '/models/xlm-t.onnx' });
  });
  it('rejects schemes nobody registered (onnx included: no runtime is bundled) and says how to add one', async () => {
    await expect(createAnalyzer({ model: 'onnx:/x.onnx' })).rejects.toThrow(
      /unknown sentiment model "onnx" \(known: builtin.*registerSentimentModel/,
    );
    await expect(createAnalyzer({ model: 'nope' })).rejects.toThrow(/unknown sentiment model/);
  });
  it('plugs in a registered model (async loader) behind the same Analyzer', async () => {
    registerSentimentModel('fake', async (arg) => ({
      id: 'fake',
      version: `fake-${arg}`,
      score: () => ({ score: 0.5, label: 'positive', confidence: 0.9 }),
    }));
    const a = await createAnalyzer({ model: 'fake:v1' });
    expect(a.modelVersion.startsWith('fake-v1+')).toBe(true);
    expect(a.analyze({ text: 'il treno parte alle otto', languageHint: 'it' }).sentiment).toEqual({
      score: 0.5,
      label: 'positive',
      confidence: 0.9,
    });
  });
});

describe('relabel events', () => {
  it('parses NDJSON with optional language/intent and reports the bad line', () => {
    const rs = parseRelabels(
      '{"text":"ok","label":"neutral"}\n\n{"text":"no","language":"it","label":0,"intent":"complaint"}\n',
    );
    expect(rs).toHaveLength(2);
    expect(rs[1]).toMatchObject({ language: 'it', label: 0, intent: 'complaint' });
    expect(() => parseRelabels('{"text":"x","label":"angry"}', 'r.ndjson')).toThrow(/r\.ndjson:1/);
    expect(() => parseRelabels('not json')).toThrow(/not JSON/);
  });
});
