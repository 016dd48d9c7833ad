// `npm run sentiment:feedback -- --relabels <ndjson> [--retrain] [--out <model.json>] [--data <dir>] [--json]`
// Shows how human relabels relate to the current model (agreement on the relabelled messages,
// per label) and, with --retrain, refits the model on train + relabels with the current model's
// hyper-parameters and reports val macro-F1 before/after. The retrained model is written to --out
// (default services/nlp/models/sentiment-lr.feedback.json); activate it with
// BRANDPULSE_SENTIMENT_MODEL=builtin:<path> once the numbers look right.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scriptArgs, scriptUsageError } from '../../shared/usage.ts';
import { defaultDataDir, readSplit } from '../eval/dataset.ts';
import { evaluateSets } from '../eval/evaluate.ts';
import { agreement } from '../feedback/agreement.ts';
import { readRelabels, relabelsToExamples } from '../feedback/relabels.ts';
import { createAnalyzer } from '../index.ts';
import { fitModel, type GridPoint } from '../sentiment/fit.ts';
import { readModelFile } from '../sentiment/linearModel.ts';
import { BUILTIN_MODEL_PATH } from '../sentiment/registry.ts';
import { BUILTIN_TEACHER_PATH, readTeacher } from '../sentiment/teacher.ts';

const { values: args } = scriptArgs(
  'sentiment:feedback',
  `usage: npm run sentiment:feedback -- --relabels <file.ndjson> [--retrain] [--out <model.json>] [--data <dir>] [--model <spec>] [--json]`,
  {
    relabels: { type: 'string' },
    retrain: { type: 'boolean' },
    out: { type: 'string' },
    data: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'boolean' },
  },
);
const relabelPath = args.relabels;
if (!relabelPath) scriptUsageError('sentiment:feedback', '--relabels <file.ndjson> is required');
const relabels = readRelabels(relabelPath);
const dataDir = args.data ?? defaultDataDir();
const log = (s: string): void => void process.stderr.write(s + '\n');

const before = await createAnalyzer({ model: args.model });
const report: Record<string, unknown> = { relabels: relabels.length, before: agreement(before, relabels) };
const valSets = readSplit(dataDir, 'val');
report.valBefore = evaluateSets(before, valSets, 'folder').all.macroF1;

if (args.retrain) {
  const current = readModelFile(BUILTIN_MODEL_PATH);
  const fixed = (current.training.options as GridPoint | undefined) ?? { learningRate: 0.05, l2: 1e-4, epochs: 5 };
  const sets = readSplit(dataDir, 'train');
  const train = sets.flatMap((d) =>
    d.texts.map((text, i) => ({ text, language: d.language ?? 'und', label: d.labels[i]! })),
  );
  // The pinned teacher targets when they describe this train split (the model distils from them), else labels only.
  const teacher = current.training.teacher ? readTeacher(BUILTIN_TEACHER_PATH, sets) : undefined;
  const model = fitModel({
    train: [...train, ...relabelsToExamples(relabels)],
    lexEntries: current.lexicon,
    fixed,
    teacher,
    log,
    meta: { relabels: relabelPath },
  });
  const out = args.out ?? fileURLToPath(new URL('../models/sentiment-lr.feedback.json', import.meta.url));
  writeFileSync(out, JSON.stringify(model) + '\n');
  const after = await createAnalyzer({ model: `builtin:${out}` });
  report.after = agreement(after, relabels); // in-sample: the relabels were trained on
  report.valAfter = evaluateSets(after, valSets, 'folder').all.macroF1;
  report.model = out;
}

if (args.json) process.stdout.write(JSON.stringify(report) + '\n');
else {
  const b = report.before as ReturnType<typeof agreement>;
  process.stdout.write(`relabels: ${relabels.length}\n`);
  process.stdout.write(
    `current model agrees with humans on sentiment: ${(b.sentimentAccuracy * 100).toFixed(1)}% (${b.sentimentN}), intent: ${b.intentN ? (b.intentAccuracy * 100).toFixed(1) + '%' : 'n/a'} (${b.intentN})\n`,
  );
  process.stdout.write(
    `  => applying these relabels as overrides changes ${b.sentimentN - Math.round(b.sentimentAccuracy * b.sentimentN)} sentiment and ${b.intentN - Math.round(b.intentAccuracy * b.intentN)} intent labels\n`,
  );
  process.stdout.write(`val macro-F1 (current): ${(report.valBefore as number).toFixed(4)}\n`);
  if (report.after) {
    const a = report.after as ReturnType<typeof agreement>;
    process.stdout.write(
      `retrained: agreement on relabels ${(a.sentimentAccuracy * 100).toFixed(1)}% (in-sample), val macro-F1 ${(report.valAfter as number).toFixed(4)}\n`,
    );
    process.stdout.write(
      `model written to ${String(report.model)}; use BRANDPULSE_SENTIMENT_MODEL=builtin:${String(report.model)}\n`,
    );
  }
}
