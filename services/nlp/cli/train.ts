// `npm run sentiment:train -- [--data <dir>] [--out <model.json>] [--relabels <ndjson>] [--no-cv]`
// Reproduces services/nlp/models/sentiment-lr.json from the train split (deterministic).

import { writeFileSync } from 'node:fs';
import { scriptArgs } from '../../shared/usage.ts';
import { defaultDataDir, readSplit } from '../eval/dataset.ts';
import { buildLexiconEntries } from '../sentiment/buildLexicon.ts';
import { fitModel } from '../sentiment/fit.ts';
import { BUILTIN_MODEL_PATH } from '../sentiment/registry.ts';
import { readRelabels, relabelsToExamples } from '../feedback/relabels.ts';
import type { RawExample } from '../sentiment/train.ts';

const { values: args } = scriptArgs('sentiment:train', `usage: npm run sentiment:train -- [--data <dir>] [--out <model.json>] [--relabels <ndjson>] [--no-cv]`, { data: { type: 'string' }, out: { type: 'string' }, relabels: { type: 'string' }, 'no-cv': { type: 'boolean' } });
const dataDir = args.data ?? defaultDataDir();
const out = args.out ?? BUILTIN_MODEL_PATH;
const log = (s: string): void => void process.stderr.write(s + '\n');

const train: RawExample[] = readSplit(dataDir, 'train').flatMap((d) => {
  if (!d.language) throw new Error(`unknown language folder ${d.folder}`);
  return d.texts.map((text, i) => ({ text, language: d.language!, label: d.labels[i]! }));
});
const relabelPath = args.relabels;
if (relabelPath) train.push(...relabelsToExamples(readRelabels(relabelPath)));
log(`training on ${train.length} examples from ${dataDir}${relabelPath ? ` + ${relabelPath}` : ''}`);

const model = fitModel({
  train,
  lexEntries: buildLexiconEntries(),
  fixed: args['no-cv'] ? { learningRate: 0.05, l2: 1e-4, epochs: 10 } : undefined,
  log,
  meta: { relabels: relabelPath ?? null },
});
writeFileSync(out, JSON.stringify(model) + '\n');
log(`wrote ${out} (version ${model.version})`);
