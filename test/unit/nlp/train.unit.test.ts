import { describe, expect, it } from 'vitest';
import { fitModel } from '../../../services/nlp/sentiment/fit.ts';
import { LinearSentimentModel } from '../../../services/nlp/sentiment/linearModel.ts';
import { tokenize } from '../../../services/nlp/text/tokenize.ts';

const train = [
  ['great product, I love it', 2],
  ['amazing service, thanks', 2],
  ['love love love', 2],
  ['so happy with it', 2],
  ['terrible, I hate it', 0],
  ['awful service, never again', 0],
  ['worst purchase ever', 0],
  ['so sad and angry', 0],
  ['the shop opens at nine', 1],
  ['new model announced today', 1],
  ['meeting at the office', 1],
  ['the train leaves at 8', 1],
].map(([text, label]) => ({ text: text as string, language: 'en', label: label as number }));

const small = { bits: 12, charMin: 3, charMax: 4, bigrams: true, langWords: true };
const fit = () =>
  fitModel({
    train,
    lexEntries: [
      ['love', 3],
      ['hate', -3],
    ],
    features: small,
    fixed: { learningRate: 0.1, l2: 1e-4, epochs: 20 },
  });

describe('trainer', () => {
  it('is deterministic: same data and options give a byte-identical model file', () => {
    expect(JSON.stringify(fit())).toBe(JSON.stringify(fit()));
  });
  it('learns the training examples and round-trips through the file format', () => {
    const model = new LinearSentimentModel(fit());
    const labels = train.map((e) => model.score({ text: e.text, tokens: tokenize(e.text), language: 'en' }).label);
    const correct = labels.filter((l, i) => ['negative', 'neutral', 'positive'][train[i]!.label] === l).length;
    expect(correct).toBeGreaterThanOrEqual(11);
  });
});
