// `npm run intent:train -- [--data <dir>] [--extra <dir>|--no-extra] [--out <model.json>] [--folds 5] [--no-cv]`
// Reproduces services/nlp/models/intent-lr.json byte for byte from the dev set
// (../shared/data/intent) and the bundled sentiment model: seeded, stable order, fixed rounding.
// Prints nested cross-validated figures per language (the choices are made inside each fold).

import { writeFileSync } from 'node:fs';
import { scriptArgs } from '../../shared/usage.ts';
import { defaultIntentDataDir, EXTRA_INTENT_DATA_DIR, readIntentDir } from '../intent/dataset.ts';
import { trainingCorpus } from '../intent/corpus.ts';
import { DEFAULT_INTENT_FEATURES } from '../intent/features.ts';
import { INTENT_SEED, nestedCrossValidation, select, REPLY_RECALL_FLOOR, VARIANT_NOTE } from '../intent/fit.ts';
import { formatIntentReport, intentJson, scoreIntents } from '../intent/evaluate.ts';
import { BUILTIN_INTENT_MODEL_PATH, encodeIntentModel } from '../intent/model.ts';
import { featurizeIntents, trainIntentLinear } from '../intent/train.ts';
import { loadSentimentModelSync } from '../sentiment/registry.ts';
import { shortHash } from '../sentiment/hash.ts';
import { BUILTIN_WORD_VECTORS_PATH, WORD_VECTORS_FILE, loadWordVectors } from '../embeddings/table.ts';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

export const INTENT_MODEL_RELEASE = '2026.12.1';

const { values: args } = scriptArgs(
  'intent:train',
  `usage: npm run intent:train -- [--data <dir>] [--extra <dir>|--no-extra] [--out <model.json>] [--folds 5] [--no-cv]`,
  {
    data: { type: 'string' },
    extra: { type: 'string' },
    'no-extra': { type: 'boolean' },
    out: { type: 'string' },
    folds: { type: 'string' },
    'no-cv': { type: 'boolean' },
  },
);
const dataDir = args.data ?? defaultIntentDataDir();
const out = args.out ?? BUILTIN_INTENT_MODEL_PATH;
const k = Number(args.folds ?? 5);
const log = (s: string): void => void process.stderr.write(s + '\n');
const t0 = Date.now();

const examples = readIntentDir(dataDir);
const extraDir = args['no-extra'] ? null : (args.extra ?? EXTRA_INTENT_DATA_DIR);
const extra = extraDir ? readIntentDir(extraDir) : [];
const sentiment = loadSentimentModelSync('builtin');
const features = DEFAULT_INTENT_FEATURES;
const vectors = features.vectorScale > 0 ? loadWordVectors(BUILTIN_WORD_VECTORS_PATH) : null;
const wordVectors = vectors
  ? {
      file: WORD_VECTORS_FILE,
      words: vectors.size,
      dims: vectors.dims,
      digest: createHash('sha256').update(readFileSync(BUILTIN_WORD_VECTORS_PATH)).digest('hex').slice(0, 16),
    }
  : null;
const data = featurizeIntents(trainingCorpus(examples, INTENT_SEED, extra), sentiment, features, vectors);
log(
  `${examples.length} messages from ${dataDir} + ${extra.length} training-only from ${extraDir ?? '-'} (${data.length} with noisy variants); sentiment ${sentiment.version}; word vectors ${wordVectors ? `${wordVectors.words}x${wordVectors.dims}` : 'none'}`,
);

let cvFigures: Record<string, Record<string, number>> | null = null;
if (!args['no-cv']) {
  const cv = nestedCrossValidation(data, k, features, log);
  const report = scoreIntents(cv.predictions);
  cvFigures = intentJson(report);
  log(
    `\nnested ${k}-fold cross-validation (out-of-fold, choices made inside each training part):\n${formatIntentReport(report)}`,
  );
  log(`thresholds chosen per fold: ${cv.selections.map((s) => s.replyThreshold).join(', ')}`);
}

log('final choice on all dev data:');
const sel = select(data, k, features, undefined, log);
const params = trainIntentLinear(data, {
  features,
  seed: INTENT_SEED,
  learningRate: sel.learningRate,
  l2: sel.l2,
  epochs: sel.epochs,
});
const draft = encodeIntentModel(params, sel.replyThreshold, wordVectors, INTENT_MODEL_RELEASE, {});
const model = encodeIntentModel(
  params,
  sel.replyThreshold,
  wordVectors,
  `${INTENT_MODEL_RELEASE}-${shortHash(draft.weights)}`,
  {
    algorithm:
      'multinomial logistic regression (8 intents), AdaGrad SGD, hashed folded words/bigrams/char 4-grams + e5-distilled word vectors + cue-rule signals + sentiment',
    data: 'shared/data/intent (*.tsv) + services/nlp/intent/data (training only), each message plus a lazy and a typo variant at half weight',
    extraMessages: extra.length,
    variants: VARIANT_NOTE,
    sentimentModel: sentiment.version,
    seed: INTENT_SEED,
    folds: k,
    options: { learningRate: sel.learningRate, l2: sel.l2, epochs: sel.epochs },
    replyThresholdRule: `highest threshold keeping needs_reply recall >= ${REPLY_RECALL_FLOOR} on ${k}-fold out-of-fold probabilities`,
    cv: sel.cv,
    nestedCv: cvFigures,
    messages: examples.length,
  },
);
writeFileSync(out, JSON.stringify(model) + '\n');
log(
  `wrote ${out} (version ${model.version}, threshold ${sel.replyThreshold}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
);
