import { describe, expect, it } from 'vitest';
import { confusionMatrix, scores } from '../../../services/nlp/eval/metrics.ts';

describe('metrics', () => {
  it('matches a hand-computed confusion matrix', () => {
    // gold: 3 neg, 3 neu, 4 pos
    const gold = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2];
    const pred = [0, 0, 1, 1, 1, 2, 2, 2, 0, 2];
    const m = confusionMatrix(gold, pred);
    expect(m).toEqual([
      [2, 1, 0],
      [0, 2, 1],
      [1, 0, 3],
    ]);
    const s = scores(m);
    // neg: tp2 fp1 fn1 -> F1 4/6; neu: tp2 fp1 fn1 -> 4/6; pos: tp3 fp1 fn1 -> 6/8
    expect(s.perClassF1[0]).toBeCloseTo(2 / 3, 12);
    expect(s.perClassF1[1]).toBeCloseTo(2 / 3, 12);
    expect(s.perClassF1[2]).toBeCloseTo(0.75, 12);
    expect(s.macroF1).toBeCloseTo((2 / 3 + 2 / 3 + 0.75) / 3, 12);
    expect(s.accuracy).toBeCloseTo(0.7, 12);
    expect(s.n).toBe(10);
  });
  it('rejects misaligned inputs and handles an absent class', () => {
    expect(() => confusionMatrix([0, 1], [0])).toThrow();
    const s = scores(confusionMatrix([0, 0, 2], [0, 0, 2]));
    expect(s.perClassF1).toEqual([1, 0, 1]);
    expect(s.accuracy).toBe(1);
  });
});
