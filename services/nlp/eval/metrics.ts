// Classification metrics for the 3-class sentiment task (0 negative, 1 neutral, 2 positive).

export type Confusion = number[][]; // confusion[gold][pred]

export function confusionMatrix(gold: readonly number[], pred: readonly number[], k = 3): Confusion {
  if (gold.length !== pred.length) throw new Error(`gold has ${gold.length} labels, pred ${pred.length}`);
  const m: Confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < gold.length; i++) m[gold[i]!]![pred[i]!]!++;
  return m;
}

export interface Scores {
  macroF1: number;
  accuracy: number;
  n: number;
  perClassF1: number[];
}

/**
 * Macro-F1 = unweighted mean of per-class F1 (the UMSAB / SemEval convention). A class with no gold
 * and no predicted items has F1 0 here, which only matters for tiny data sets.
 */
export function scores(m: Confusion): Scores {
  const k = m.length;
  let n = 0,
    correct = 0;
  const perClassF1: number[] = [];
  for (let c = 0; c < k; c++) {
    const tp = m[c]![c]!;
    let fp = 0,
      fn = 0;
    for (let j = 0; j < k; j++) {
      n += m[c]![j]!;
      if (j !== c) {
        fn += m[c]![j]!;
        fp += m[j]![c]!;
      }
    }
    correct += tp;
    const denom = 2 * tp + fp + fn;
    perClassF1.push(denom === 0 ? 0 : (2 * tp) / denom);
  }
  const macroF1 = perClassF1.reduce((a, b) => a + b, 0) / k;
  return { macroF1, accuracy: n === 0 ? 0 : correct / n, n, perClassF1 };
}

export function addInto(a: Confusion, b: Confusion): Confusion {
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length; j++) a[i]![j]! += b[i]![j]!;
  return a;
}
