// The training procedure behind `npm run sentiment:train` (and `sentiment:feedback --retrain`):
// hyper-parameters are chosen by k-fold cross-validation on the *train* split only, then the model
// is refitted on all of train (+ optional human relabels). The val split is never used for choices.

import { DEFAULT_FEATURES, type FeatureConfig } from './features.ts';
import { encodeModel, type LinearModelFile } from './linearModel.ts';
import { lexiconFromEntries } from './lexicon.ts';
import { featurize, predictLabels, trainLinear, type RawExample, type TrainOptions } from './train.ts';
import { shortHash } from './hash.ts';
import { confusionMatrix, scores } from '../eval/metrics.ts';

export const MODEL_RELEASE = '2026.11.1';

export interface GridPoint {
  learningRate: number;
  l2: number;
  epochs: number;
}

export const DEFAULT_GRID: GridPoint[] = [0.02, 0.05, 0.1].flatMap((learningRate) =>
  [1e-4, 1e-3].flatMap((l2) => [5, 10].map((epochs) => ({ learningRate, l2, epochs }))),
);

export const SEED = 20261101;

export interface FitReport {
  chosen: GridPoint;
  cv: Array<GridPoint & { macroF1: number }>;
}

/** k-fold CV (folds by example index modulo k; data is grouped per language so folds stay balanced). */
export function crossValidate(examples: readonly RawExample[], lexEntries: Array<[string, number]>, grid: readonly GridPoint[], k: number, features: FeatureConfig, log: (s: string) => void): FitReport {
  const lex = lexiconFromEntries(lexEntries);
  const data = featurize(examples, lex, features);
  const cv: FitReport['cv'] = [];
  for (const g of grid) {
    const gold: number[] = [];
    const pred: number[] = [];
    for (let f = 0; f < k; f++) {
      const tr = data.filter((_, i) => i % k !== f);
      const te = data.filter((_, i) => i % k === f);
      const p = trainLinear(tr, { features, seed: SEED, ...g });
      pred.push(...predictLabels(p, te));
      gold.push(...te.map((e) => e.y));
    }
    const macroF1 = scores(confusionMatrix(gold, pred)).macroF1;
    log(`cv lr=${g.learningRate} l2=${g.l2} epochs=${g.epochs}: macroF1=${macroF1.toFixed(4)}`);
    cv.push({ ...g, macroF1 });
  }
  // Ties (within 0.001) go to the earlier, i.e. simpler/slower-learning, grid point: stable choice.
  let best = cv[0]!;
  for (const c of cv) if (c.macroF1 > best.macroF1 + 0.001) best = c;
  return { chosen: { learningRate: best.learningRate, l2: best.l2, epochs: best.epochs }, cv };
}

export interface FitOptions {
  train: readonly RawExample[];
  lexEntries: Array<[string, number]>;
  features?: FeatureConfig;
  grid?: readonly GridPoint[];
  folds?: number;
  /** Skip CV and use this point (e.g. the one recorded in the current model). */
  fixed?: GridPoint;
  log?: (s: string) => void;
  meta?: Record<string, unknown>;
}

export function fitModel(o: FitOptions): LinearModelFile {
  const log = o.log ?? (() => {});
  const features = o.features ?? DEFAULT_FEATURES;
  const report: FitReport = o.fixed
    ? { chosen: o.fixed, cv: [] }
    : crossValidate(o.train, o.lexEntries, o.grid ?? DEFAULT_GRID, o.folds ?? 5, features, log);
  log(`chosen: ${JSON.stringify(report.chosen)}`);
  const opts: TrainOptions = { features, seed: SEED, ...report.chosen };
  const params = trainLinear(featurize(o.train, lexiconFromEntries(o.lexEntries), features), opts);
  const draft = encodeModel(params, o.lexEntries, MODEL_RELEASE, {});
  const version = `${MODEL_RELEASE}-${shortHash(draft.weights)}`;
  return encodeModel(params, o.lexEntries, version, {
    algorithm: 'multinomial logistic regression, AdaGrad SGD, hashed word/char n-grams + lexicon features',
    seed: SEED,
    options: report.chosen,
    cv: report.cv,
    examples: o.train.length,
    ...o.meta,
  });
}
