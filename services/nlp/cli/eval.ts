// `npm run --silent sentiment:eval -- --data <dir> [--split val|test] [--json] [--hint folder|none] [--model <spec>]`
// Default: split val, hint "folder" (the folder's language is passed as the platform language hint;
// detection still runs and overrides it when reliable). --hint none = detection only.
// With --json exactly one JSON object goes to stdout.

import { scriptArgs, scriptUsageError } from '../../shared/usage.ts';
import { defaultDataDir, readSplit } from '../eval/dataset.ts';
import { evaluateSets, formatReport, type HintMode } from '../eval/evaluate.ts';
import { createAnalyzer } from '../index.ts';

const { values: args } = scriptArgs(
  'sentiment:eval',
  `usage: npm run --silent sentiment:eval -- [--data <dir>] [--split val|test] [--json] [--hint folder|none] [--model <spec>]`,
  {
    data: { type: 'string' },
    split: { type: 'string' },
    json: { type: 'boolean' },
    hint: { type: 'string' },
    model: { type: 'string' },
  },
);
const dataDir = args.data ?? defaultDataDir();
const split = args.split ?? 'val';
const hint = (args.hint ?? 'folder') as HintMode;
if (hint !== 'folder' && hint !== 'none') scriptUsageError('sentiment:eval', '--hint must be folder or none');

const analyzer = await createAnalyzer({ model: args.model });
const report = evaluateSets(analyzer, readSplit(dataDir, split), hint);
if (args.json) {
  const out: Record<string, { macroF1: number; accuracy: number; n: number }> = {};
  for (const s of [...report.sets, report.all])
    out[s.folder] = { macroF1: round(s.macroF1), accuracy: round(s.accuracy), n: s.n };
  process.stdout.write(JSON.stringify(out) + '\n');
} else {
  process.stdout.write(
    `model ${analyzer.modelVersion}  data ${dataDir}  split ${split}  hint ${hint}\n${formatReport(report)}\n`,
  );
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
