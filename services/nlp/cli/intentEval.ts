// `npm run --silent intent:eval -- --data <dir> [--json] [--intent-model builtin|rules|<path>] [--model <sentiment spec>]`
// Reads every *.tsv of <dir> (format of ../shared/data/intent/README.md) and reports, per language
// and overall, intent macro-F1 over the 8 intents, accuracy, the confusion matrix and needs_reply
// precision and recall. Each message's `language` column is passed as the language hint, as the
// enricher passes the platform/account language. With --json exactly one JSON object goes to stdout.

import { scriptArgs } from '../../shared/usage.ts';
import { defaultIntentDataDir, readIntentDir } from '../intent/dataset.ts';
import { formatIntentReport, intentJson, scoreIntents, type IntentPrediction } from '../intent/evaluate.ts';
import { createAnalyzer } from '../index.ts';

const { values: args } = scriptArgs(
  'intent:eval',
  `usage: npm run --silent intent:eval -- [--data <dir>] [--json] [--intent-model builtin|rules|<path>] [--model <sentiment spec>]`,
  {
    data: { type: 'string' },
    json: { type: 'boolean' },
    'intent-model': { type: 'string' },
    model: { type: 'string' },
  },
);
const dataDir = args.data ?? defaultIntentDataDir();
const analyzer = await createAnalyzer({ model: args.model, intentModel: args['intent-model'] });
const preds: IntentPrediction[] = readIntentDir(dataDir).map((e) => {
  const a = analyzer.analyze({ text: e.text, languageHint: e.language });
  return {
    language: e.language,
    gold: e.intent,
    goldNeedsReply: e.needsReply,
    pred: a.intent,
    predNeedsReply: a.needsReply,
  };
});
const report = scoreIntents(preds);
if (args.json) process.stdout.write(JSON.stringify(intentJson(report)) + '\n');
else process.stdout.write(`model ${analyzer.modelVersion}  data ${dataDir}\n${formatIntentReport(report)}\n`);
