// `npm run sentiment:train -- [--data <dir>] [--out <model.json>] [--relabels <ndjson>] [--teacher <tsv>|none] [--no-cv]`
// Reproduces services/nlp/models/sentiment-lr.json from the train split and the pinned teacher targets
// models/sentiment-teacher.tsv (deterministic). Other data: pass --teacher none (labels only).

import { writeFileSync } from 'node:fs';
import { scriptArgs } from '../../shared/usage.ts';
import { defaultDataDir, readSplit } from '../eval/dataset.ts';
import { buildLexiconEntries } from '../sentiment/buildLexicon.ts';
import { fitModel } from '../sentiment/fit.ts';
import { BUILTIN_MODEL_PATH } from '../sentiment/registry.ts';
import { BUILTIN_TEACHER_PATH, readTeacher } from '../sentiment/teacher.ts';
import { readRelabels, relabelsToExamples } from '../feedback/relabels.ts';
import type { RawExample } from '../sentiment/train.ts';

const { values: args } = scriptArgs(
  'sentiment:train',
  `usage: npm run sentiment:train -- [--data <dir>] [--out <model.json>] [--relabels <ndjson>] [--teacher <tsv>|none] [--no-cv]`,
  {
    data: { type: 'string' },
    out: { type: 'string' },
    relabels: { type: 'string' },
    teacher: { type: 'string' },
    'no-cv': { type: 'boolean' },
  },
);
const dataDir = args.data ?? defaultDataDir();
const out = args.out ?? BUILTIN_MODEL_PATH;
const log = (s: string): void => void process.stderr.write(s + '\n');

const sets = readSplit(dataDir, 'train');
const train: RawExample[] = sets.flatMap((d) => {
  if (!d.language) throw new Error(`unknown language folder ${d.folder}`);
  return d.texts.map((text, i) => ({ text, language: d.language!, label: d.labels[i]! }));
});
const relabelPath = args.relabels;
if (relabelPath) train.push(...relabelsToExamples(readRelabels(relabelPath)));
// The teacher's rows cover the train tweets (first in `train`); relabels are trained on their labels alone.
const teacher = args.teacher === 'none' ? undefined : readTeacher(args.teacher ?? BUILTIN_TEACHER_PATH, sets);
log(
  `training on ${train.length} examples from ${dataDir}${relabelPath ? ` + ${relabelPath}` : ''}, teacher ${teacher?.source ?? 'none'}`,
);

const model = fitModel({
  train,
  lexEntries: buildLexiconEntries(),
  fixed: args['no-cv'] ? { learningRate: 0.05, l2: 1e-4, epochs: 10, ...(teacher ? { distill: 0.5 } : {}) } : undefined,
  teacher,
  log,
  meta: { relabels: relabelPath ?? null },
});
writeFileSync(out, JSON.stringify(model) + '\n');
log(`wrote ${out} (version ${model.version})`);
