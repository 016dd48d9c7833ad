// `npm run bench:nlp` — single-core throughput of the NLP stages on the public tweet corpora
// (val split of every language, cycled). Baseline, measured in the same run: a naive lexicon-only
// scorer (tokenize + sum of lexicon polarities), the cheapest thing that could call itself sentiment.

import { decodeModel, readModelFile } from '../services/nlp/sentiment/linearModel.ts';
import { BUILTIN_MODEL_PATH, loadSentimentModelSync } from '../services/nlp/sentiment/registry.ts';
import { defaultDataDir, readSplit } from '../services/nlp/eval/dataset.ts';
import { tokenize } from '../services/nlp/text/tokenize.ts';
import { detectLanguage, resolveLanguage } from '../services/nlp/language.ts';
import { classifyIntent } from '../services/nlp/intent/classify.ts';
import { polarityOf } from '../services/nlp/sentiment/lexicon.ts';
import { createAnalyzerSync } from '../services/nlp/index.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 1.5);
const sets = readSplit(process.env.BENCH_DATA ?? defaultDataDir(), 'val');
const msgs = sets.flatMap((s) => s.texts.map((text) => ({ text, lang: s.language ?? 'en' })));
const lexicon = decodeModel(readModelFile(BUILTIN_MODEL_PATH)).lexicon;
const model = loadSentimentModelSync('builtin');
const analyzer = createAnalyzerSync();

let sink = 0; // consumed so the JIT cannot drop the work

function measure(fn: (m: { text: string; lang: string }) => void): number {
  for (let i = 0; i < 2000; i++) fn(msgs[i % msgs.length]!); // warm-up
  let n = 0;
  const t0 = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  for (;;) {
    for (let i = 0; i < 500; i++) fn(msgs[(n + i) % msgs.length]!);
    n += 500;
    if (process.hrtime.bigint() - t0 > budget) break;
  }
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

const rows: Array<[string, number]> = [];
rows.push(['baseline: lexicon-only', measure((m) => {
  let s = 0;
  for (const t of tokenize(m.text)) s += polarityOf(lexicon, t.norm, t.elongated);
  sink += s;
})]);
rows.push(['tokenize', measure((m) => void (sink += tokenize(m.text).length))]);
rows.push(['language detection', measure((m) => void (sink += resolveLanguage(detectLanguage(tokenize(m.text)), m.lang).length))]);
rows.push(['sentiment', measure((m) => void (sink += model.score({ text: m.text, tokens: tokenize(m.text), language: m.lang }).score))]);
rows.push(['intent (given sentiment)', measure((m) => {
  const tokens = tokenize(m.text);
  sink += classifyIntent({ lower: m.text.toLowerCase(), tokens, language: m.lang, sentiment: null }).length;
})]);
rows.push(['all: analyze()', measure((m) => void (sink += analyzer.analyze({ text: m.text, languageHint: m.lang }).needsReply ? 1 : 0))]);

const base = rows[0]![1];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`NLP throughput, 1 core, ${msgs.length} distinct messages (${sets.map((s) => s.folder).join(', ')}), ${seconds}s per row`);
console.log(`${'stage'.padEnd(w)}  ${'msgs/s'.padStart(10)}  ${'vs baseline'.padStart(11)}  ${'µs/msg'.padStart(7)}`);
for (const [name, rate] of rows) {
  console.log(`${name.padEnd(w)}  ${Math.round(rate).toLocaleString('en-US').padStart(10)}  ${(rate / base).toFixed(2).padStart(10)}x  ${(1e6 / rate).toFixed(1).padStart(7)}`);
}
const all = rows[rows.length - 1]![1];
console.log(`target ≥ 20,000 msgs/s for analyze(): ${all >= 20000 ? 'met' : 'NOT met'}${sink === 0.123 ? '' : ''}`);
